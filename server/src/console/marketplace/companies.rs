//! `/companies`: the companies the viewer staffs; `/companies/{id}`: a company's dashboard —
//! open projects with their bid counts, deliveries awaiting review, active contracts, and the
//! company's other pages as the viewer's role opens them.
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde_json::{Value, json};

use super::{hidden, list, text};
use crate::console::layout::page;
use crate::console::session::Visitor;
use crate::console::{error_page, not_found_page, run};
use crate::http::AppState;

pub const MINE: &str =
    "query ConsoleMyCompanies { viewer { memberships { role company { id name } } } }";
pub const DASHBOARD: &str = "query ConsoleCompanyDashboard($id: ID!) { \
     company(id: $id) { id name viewerRole \
       projects(first: 50, status: OPEN) { nodes { id title bidCount deadline \
         budget { amount currencyCode } } } } \
     contracts(first: 50, filter: { companyId: $id, status: ACTIVE }) { nodes { id \
       amount { amount currencyCode } project { title } freelancer { displayName } \
       milestones { id title status submittedAt autoAcceptAt } } } }";

pub async fn mine(State(state): State<AppState>, v: Visitor) -> Response {
    let v = &v;
    let state = &state;
    if v.access.is_none() {
        return crate::console::log_in_first(v);
    }
    let data = match run(state, v, MINE, json!({})).await {
        Ok(data) => data,
        Err(err) => return error_page(v, &err),
    };
    let memberships = list(&data["viewer"]["memberships"]);
    page(
        v,
        &v.t("marketplace-companies-title"),
        html! {
            @if memberships.is_empty() {
                p { (v.t("marketplace-companies-none")) }
            } @else {
                ul class="cards" {
                    @for m in &memberships {
                        li class="card" {
                            h2 class="card-title" { a href=(format!("/companies/{}", text(&m["company"]["id"]))) { (text(&m["company"]["name"])) } }
                            p { (v.t(&format!("role-{}", text(&m["role"])))) }
                        }
                    }
                }
            }
            p { a href="/companies/new" { (v.t("marketplace-companies-create")) } }
        },
    )
    .into_response()
}

pub async fn dashboard(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
) -> Response {
    if v.access.is_none() {
        return crate::console::log_in_first(&v);
    }
    let data = match run(&state, &v, DASHBOARD, json!({ "id": id })).await {
        Ok(data) => data,
        Err(err) if hidden(&err) => return not_found_page(&v),
        Err(err) => return error_page(&v, &err),
    };
    let c = &data["company"];
    let role = text(&c["viewerRole"]);
    if c.is_null() || role.is_empty() {
        return not_found_page(&v);
    }
    let projects = list(&c["projects"]["nodes"]);
    let contracts = list(&data["contracts"]["nodes"]);
    let awaiting: Vec<(&Value, Value)> = contracts
        .iter()
        .flat_map(|k| {
            list(&k["milestones"])
                .into_iter()
                .filter(|m| m["status"] == "SUBMITTED")
                .map(move |m| (k, m))
        })
        .collect();
    let manages = role == "ADMIN" || role == "MEMBER";
    let admin = role == "ADMIN";
    let finance = role == "ADMIN" || role == "FINANCE";
    page(
        &v,
        &text(&c["name"]),
        html! {
            p { (v.t1("marketplace-dashboard-role", "role", &v.t(&format!("role-{role}")))) }
            nav aria-label=(v.t("marketplace-dashboard-links")) {
                ul class="actions dashboard-links" {
                    @if manages { li { a href=(format!("/projects/new?company={id}")) { (v.t("marketplace-project-publish-link")) } } }
                    li { a href=(format!("/companies/{id}/members")) { (v.t("marketplace-dashboard-members")) } }
                    @if admin {
                        li { a href=(format!("/companies/{id}/alumni")) { (v.t("marketplace-dashboard-roster")) } }
                        li { a href=(format!("/companies/{id}/settings")) { (v.t("marketplace-dashboard-settings")) } }
                    }
                    @if finance { li { a href=(format!("/finance?company={id}")) { (v.t("marketplace-dashboard-finance")) } } }
                }
            }
            h2 { (v.t("marketplace-dashboard-open-projects")) }
            @if projects.is_empty() {
                p { (v.t("marketplace-dashboard-no-projects")) }
            } @else {
                div class="table-wrap" {
                    table {
                        thead { tr {
                            th scope="col" { (v.t("marketplace-project")) }
                            th scope="col" class="num" { (v.t("marketplace-field-budget")) }
                            th scope="col" { (v.t("marketplace-field-deadline")) }
                            th scope="col" class="num" { (v.t("marketplace-field-bid-count")) }
                        } }
                        tbody { @for p in &projects { tr {
                            th scope="row" { a href=(format!("/projects/{}", text(&p["id"]))) { (text(&p["title"])) } }
                            td class="num" { (v.money(&p["budget"])) }
                            td { @if p["deadline"].is_null() { (v.t("marketplace-no-deadline")) } @else { (v.day(&p["deadline"])) } }
                            td class="num" { a href=(format!("/projects/{}/bids", text(&p["id"]))) { (p["bidCount"].as_i64().unwrap_or(0)) } }
                        } } }
                    }
                }
            }
            h2 { (v.t("marketplace-dashboard-awaiting")) }
            @if awaiting.is_empty() {
                p { (v.t("marketplace-dashboard-no-awaiting")) }
            } @else {
                ul {
                    @for (k, m) in &awaiting {
                        li {
                            a href=(format!("/contracts/{}", text(&k["id"]))) { (text(&k["project"]["title"])) " — " (text(&m["title"])) }
                            " (" (text(&k["freelancer"]["displayName"])) ", "
                            (v.t1("marketplace-dashboard-submitted-at", "time", &v.time(&m["submittedAt"]))) ")"
                        }
                    }
                }
            }
            h2 { (v.t("marketplace-dashboard-active-contracts")) }
            @if contracts.is_empty() {
                p { (v.t("marketplace-dashboard-no-contracts")) }
            } @else {
                ul {
                    @for k in &contracts {
                        li {
                            a href=(format!("/contracts/{}", text(&k["id"]))) { (text(&k["project"]["title"])) }
                            " — " (text(&k["freelancer"]["displayName"])) " · " (v.money(&k["amount"]))
                        }
                    }
                }
            }
        },
    )
    .into_response()
}
