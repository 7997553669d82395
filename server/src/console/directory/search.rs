//! `/companies/{id}/directory`: its staff search the consenting alumni by skill, availability,
//! department, leaving year and rating, with their own `wouldRehire` flags.
//! `/companies/{id}/peers`: an alumna who consented sees her fellow consenting alumni (name,
//! headline, skills, links); one who has not is told how to opt in.
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{joined, text};
use crate::console::layout::{page, refusal};
use crate::console::session::Visitor;
use crate::console::{error_page, log_in_first, not_found_page, run};
use crate::http::AppState;

pub const COMPANY: &str =
    "query ConsoleDirectoryCompany($id: ID!) { company(id: $id) { id name viewerRole } }";
pub const DIRECTORY: &str = "query ConsoleAlumniDirectory($id: ID!, $filter: AlumniFilter, $after: String) { \
     alumniDirectory(companyId: $id, filter: $filter, first: 50, after: $after) { \
     pageInfo { hasNextPage endCursor } edges { node { id displayName department leftYear \
     wouldRehire rating { average count } \
     profile { headline skills links availability } } } } }";
pub const PEERS: &str = "query ConsoleAlumniPeers($id: ID!) { \
     alumniDirectory(companyId: $id, first: 100) { edges { node { id displayName \
     profile { headline skills links } } } } }";

const AVAILABILITY: [&str; 3] = ["OPEN_TO_SIDE_JOBS", "OPEN_TO_REHIRE", "NOT_NOW"];

#[derive(Deserialize, Default)]
pub struct Search {
    #[serde(default)]
    skill: String,
    #[serde(default)]
    availability: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    left_year: String,
    #[serde(default)]
    min_rating: String,
    after: Option<String>,
}

fn links(v: &Visitor, node: &Value) -> maud::Markup {
    html! {
        @for l in node["profile"]["links"].as_array().cloned().unwrap_or_default() {
            @let href = text(&l);
            // Stored links are http(s) only (the API refuses others).
            a href=(href) rel="nofollow noopener" { (href) } " "
        }
        @if node["profile"]["links"].as_array().is_none_or(Vec::is_empty) {
            span class="muted" { (v.t("directory-none")) }
        }
    }
}

pub async fn directory(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Query(q): Query<Search>,
) -> Response {
    if v.access.is_none() {
        return log_in_first(&v);
    }
    let company = match run(&state, &v, COMPANY, json!({ "id": id })).await {
        Ok(data) if !data["company"]["viewerRole"].is_null() => data["company"].clone(),
        Ok(_) => return not_found_page(&v),
        Err(err) => return error_page(&v, &err),
    };
    let nonempty = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
    let left_year = nonempty(&q.left_year).map(|y| y.parse::<i32>());
    let min_rating = nonempty(&q.min_rating).map(|r| r.parse::<f64>());
    let filter = json!({
        "skill": nonempty(&q.skill),
        "availability": AVAILABILITY.contains(&q.availability.as_str()).then_some(q.availability.as_str()),
        "department": nonempty(&q.department),
        "leftYear": left_year.as_ref().and_then(|y| y.as_ref().ok()),
        "minRating": min_rating.as_ref().and_then(|r| r.as_ref().ok()),
    });
    let bad_number = matches!(left_year, Some(Err(_))) || matches!(min_rating, Some(Err(_)));
    let company_id = text(&company["id"]).to_string();
    let result = run(
        &state,
        &v,
        DIRECTORY,
        json!({ "id": company_id, "filter": filter, "after": q.after }),
    )
    .await;
    let (data, error) = match result {
        Ok(data) => (data, None),
        Err(err) if err.is_internal() => return error_page(&v, &err),
        Err(err) => (Value::Null, Some(err)),
    };
    let edges = data["alumniDirectory"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let page_info = &data["alumniDirectory"]["pageInfo"];
    let status = if error.is_some() || bad_number {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let body = page(
        &v,
        &v.t1("directory-search-title", "company", text(&company["name"])),
        html! {
            p { (v.t("directory-search-intro")) }
            (refusal(&v, error.as_ref()))
            @if bad_number { p class="error" role="alert" { (v.t("directory-search-bad-number")) } }
            form method="get" action=(format!("/companies/{company_id}/directory")) class="stack filters" role="search" {
                label { (v.t("directory-filter-skill")) input type="text" name="skill" value=(q.skill); }
                label { (v.t("directory-filter-availability"))
                    select name="availability" {
                        option value="" { (v.t("directory-filter-any")) }
                        @for a in AVAILABILITY {
                            option value=(a) selected[q.availability == a] { (v.t(&format!("directory-availability-{a}"))) }
                        }
                    }
                }
                label { (v.t("directory-filter-department")) input type="text" name="department" value=(q.department); }
                label { (v.t("directory-filter-left-year")) input type="text" inputmode="numeric" name="left_year" value=(q.left_year); }
                label { (v.t("directory-filter-min-rating")) input type="text" inputmode="decimal" name="min_rating" value=(q.min_rating); }
                button type="submit" { (v.t("directory-filter-submit")) }
            }
            @if edges.is_empty() {
                p class="notice" { (v.t("directory-search-none")) }
            } @else {
                div class="table-wrap" tabindex="0" role="region" aria-label=(v.t("directory-search-list")) {
                    table {
                        thead { tr {
                            th scope="col" { (v.t("directory-col-name")) }
                            th scope="col" { (v.t("directory-col-skills")) }
                            th scope="col" { (v.t("directory-col-availability")) }
                            th scope="col" { (v.t("directory-col-department")) }
                            th scope="col" { (v.t("directory-col-left-year")) }
                            th scope="col" { (v.t("directory-col-rating")) }
                            th scope="col" { (v.t("directory-col-would-rehire")) }
                        } }
                        tbody {
                            @for e in &edges {
                                @let n = &e["node"];
                                tr {
                                    th scope="row" { (text(&n["displayName"])) br; span class="muted" { (text(&n["profile"]["headline"])) } }
                                    td { (joined(&n["profile"]["skills"], ", ")) }
                                    td { @if let Some(a) = n["profile"]["availability"].as_str() { (v.t(&format!("directory-availability-{a}"))) } }
                                    td { (text(&n["department"])) }
                                    td { (n["leftYear"].as_i64().map(|y| y.to_string()).unwrap_or_default()) }
                                    td { @if let Some(avg) = n["rating"]["average"].as_f64() {
                                        (v.tn("directory-rating", &[("average", &format!("{avg:.1}")), ("count", &n["rating"]["count"].to_string())]))
                                    } @else { span class="muted" { (v.t("directory-none")) } } }
                                    td {
                                        @let flags = n["wouldRehire"].as_array().cloned().unwrap_or_default();
                                        @if flags.is_empty() { span class="muted" { (v.t("directory-none")) } }
                                        @else if flags[0] == true { span class="badge good" { (v.t("directory-would-rehire-yes")) } }
                                        @else { span class="badge bad" { (v.t("directory-would-rehire-no")) } }
                                    }
                                }
                            }
                        }
                    }
                }
                @if page_info["hasNextPage"] == true {
                    p { a href=(format!("/companies/{company_id}/directory?skill={}&availability={}&department={}&left_year={}&min_rating={}&after={}",
                        crate::console::values::encode(&q.skill), crate::console::values::encode(&q.availability),
                        crate::console::values::encode(&q.department), crate::console::values::encode(&q.left_year),
                        crate::console::values::encode(&q.min_rating), crate::console::values::encode(text(&page_info["endCursor"])))) { (v.t("directory-next")) } }
                }
            }
        },
    );
    (status, body).into_response()
}

pub async fn peers(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    if v.access.is_none() {
        return log_in_first(&v);
    }
    let data = match run(&state, &v, PEERS, json!({ "id": id })).await {
        Ok(data) => data,
        Err(err) if err.code == "FORBIDDEN" => {
            return (
                StatusCode::FORBIDDEN,
                page(
                    &v,
                    &v.t("directory-peers-forbidden-title"),
                    html! {
                        p { (v.t("directory-peers-forbidden")) }
                        p { a href="/consents" { (v.t("directory-peers-consents-link")) } }
                    },
                ),
            )
                .into_response();
        }
        Err(err) => return error_page(&v, &err),
    };
    let company = run(&state, &v, COMPANY, json!({ "id": id }))
        .await
        .unwrap_or_default();
    let name = text(&company["company"]["name"]);
    let edges = data["alumniDirectory"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    page(
        &v,
        &v.t1("directory-peers-title", "company", name),
        html! {
            p { (v.t("directory-peers-intro")) }
            @if edges.is_empty() {
                p class="notice" { (v.t("directory-peers-none")) }
            } @else {
                ul class="stack peers" {
                    @for e in &edges {
                        @let n = &e["node"];
                        li {
                            h2 { (text(&n["displayName"])) }
                            p { (text(&n["profile"]["headline"])) }
                            p { (v.t("directory-col-skills")) ": " (joined(&n["profile"]["skills"], ", ")) }
                            p { (links(&v, n)) }
                        }
                    }
                }
            }
        },
    )
    .into_response()
}
