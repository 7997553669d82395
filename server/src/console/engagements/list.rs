//! `/contracts`: the visitor's contracts — hers as freelancer and those of the companies she
//! staffs — filtered by company and status (the API's `ContractFilter`).
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{nodes, status_badge, text};
use crate::console::layout::page;
use crate::console::session::Visitor;
use crate::console::{error_page, run};
use crate::http::AppState;

pub const CONTRACTS: &str = "query ConsoleContracts($filter: ContractFilter) { \
     viewer { id memberships { company { id name } } } \
     contracts(first: 100, filter: $filter) { nodes { id status createdAt \
       freelancer { id displayName } project { title company { name } } \
       amount { amount currencyCode } milestones { status } } } }";

const STATUSES: [&str; 3] = ["ACTIVE", "COMPLETED", "CANCELLED"];

#[derive(Deserialize, Default)]
pub struct ListQuery {
    company: Option<String>,
    status: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    v: Visitor,
    Query(q): Query<ListQuery>,
) -> Response {
    if v.access.is_none() {
        return crate::console::log_in_first(&v);
    }
    let company = q.company.filter(|c| !c.is_empty());
    let status = q.status.filter(|s| STATUSES.contains(&s.as_str()));
    let filter = json!({ "companyId": company, "status": status });
    let data = match run(&state, &v, CONTRACTS, json!({ "filter": filter })).await {
        Ok(data) => data,
        Err(err) => return error_page(&v, &err),
    };
    let me = text(&data["viewer"]["id"]);
    let companies = data["viewer"]["memberships"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let contracts = nodes(&data["contracts"]);
    let awaiting = |c: &Value| {
        c["milestones"].as_array().map_or(0, |ms| {
            ms.iter().filter(|m| m["status"] == "SUBMITTED").count()
        })
    };
    page(
        &v,
        &v.t("engagements-list-title"),
        html! {
            form method="get" action="/contracts" class="row" {
                @if !companies.is_empty() {
                    label { (v.t("engagements-filter-company"))
                        select name="company" {
                            option value="" { (v.t("engagements-filter-any")) }
                            @for m in &companies {
                                @let id = text(&m["company"]["id"]);
                                option value=(id) selected[company.as_deref() == Some(id.as_str())] { (text(&m["company"]["name"])) }
                            }
                        }
                    }
                }
                label { (v.t("engagements-filter-status"))
                    select name="status" {
                        option value="" { (v.t("engagements-filter-any")) }
                        @for s in STATUSES {
                            option value=(s) selected[status.as_deref() == Some(s)] { (v.t(&format!("engagements-contract-{s}"))) }
                        }
                    }
                }
                button type="submit" class="secondary" { (v.t("engagements-filter-apply")) }
            }
            @if contracts.is_empty() {
                p { (v.t("engagements-list-empty")) }
            } @else {
                div class="table-wrap" tabindex="0" role="region" aria-label=(v.t("engagements-list-title")) {
                    table class="wide" {
                        thead { tr {
                            th scope="col" { (v.t("engagements-col-project")) }
                            th scope="col" { (v.t("engagements-col-company")) }
                            th scope="col" { (v.t("engagements-col-freelancer")) }
                            th scope="col" { (v.t("engagements-col-status")) }
                            th scope="col" class="num" { (v.t("engagements-col-amount")) }
                            th scope="col" { (v.t("engagements-col-awaiting")) }
                        } }
                        tbody {
                            @for c in &contracts {
                                tr {
                                    th scope="row" { a href=(format!("/contracts/{}", text(&c["id"]))) { (text(&c["project"]["title"])) } }
                                    td { (text(&c["project"]["company"]["name"])) }
                                    td {
                                        (text(&c["freelancer"]["displayName"]))
                                        @if text(&c["freelancer"]["id"]) == me { " " span class="muted" { (v.t("engagements-you")) } }
                                    }
                                    td { (status_badge(&v, "contract", &text(&c["status"]))) }
                                    td class="num" { (v.money(&c["amount"])) }
                                    td {
                                        @let n = awaiting(c);
                                        @if n > 0 { span class="badge warn" { (v.t1("engagements-awaiting-count", "count", &n.to_string())) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response()
}
