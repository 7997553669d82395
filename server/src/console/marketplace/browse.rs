//! `/projects`: the open projects the viewer may see, filtered by category, skill, company
//! and words, twenty a page with a "next" link (keyset cursors).
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{CATEGORIES, encode, list, text};
use crate::console::layout::page;
use crate::console::session::Visitor;
use crate::console::{error_page, not_found_page, run};
use crate::http::AppState;

pub const PROJECTS: &str = "query ConsoleProjects($filter: ProjectFilter, $after: String) { \
     viewer { memberships { company { id name } } alumniOf { id name } } \
     projects(first: 20, after: $after, filter: $filter) { \
       nodes { id title category skills deadline bidCount budget { amount currencyCode } \
               company { id name } } \
       pageInfo { hasNextPage endCursor } } }";

#[derive(Deserialize, Default)]
pub struct BrowseQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    skill: String,
    #[serde(default)]
    company: String,
    after: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    v: Visitor,
    Query(q): Query<BrowseQuery>,
) -> Response {
    if v.access.is_none() {
        return crate::console::log_in_first(&v);
    }
    let category = CATEGORIES.iter().find(|c| **c == q.category);
    let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
    let filter = json!({
        "status": "OPEN",
        "category": category,
        "skill": some(&q.skill),
        "companyId": some(&q.company),
        "text": some(&q.q),
    });
    let data = match run(
        &state,
        &v,
        PROJECTS,
        json!({ "filter": filter, "after": q.after }),
    )
    .await
    {
        Ok(data) => data,
        // A company id that does not decode is a company the viewer cannot see.
        Err(err) if err.code == "NOT_FOUND" => return not_found_page(&v),
        Err(err) => return error_page(&v, &err),
    };
    let me = &data["viewer"];
    // The companies the viewer can filter by: those they are alumni of and those they staff.
    let mut companies: Vec<(String, String)> = list(&me["alumniOf"])
        .iter()
        .chain(
            list(&me["memberships"])
                .iter()
                .map(|m| &m["company"])
                .collect::<Vec<_>>(),
        )
        .map(|c| (text(&c["id"]), text(&c["name"])))
        .collect();
    companies.sort();
    companies.dedup();
    let projects = list(&data["projects"]["nodes"]);
    let next = data["projects"]["pageInfo"]["endCursor"]
        .as_str()
        .filter(|_| data["projects"]["pageInfo"]["hasNextPage"] == Value::Bool(true));
    let next_link = next.map(|cursor| {
        format!(
            "/projects?q={}&category={}&skill={}&company={}&after={}",
            encode(&q.q),
            encode(&q.category),
            encode(&q.skill),
            encode(&q.company),
            encode(cursor)
        )
    });
    page(
        &v,
        &v.t("marketplace-browse-title"),
        html! {
            form method="get" action="/projects" class="row filters" role="search" {
                label { (v.t("marketplace-filter-text"))
                    input type="search" name="q" value=(q.q); }
                label { (v.t("marketplace-field-category"))
                    select name="category" {
                        option value="" { (v.t("marketplace-filter-any")) }
                        @for c in CATEGORIES {
                            option value=(c) selected[q.category == *c] { (v.t(&format!("marketplace-category-{c}"))) }
                        }
                    }
                }
                label { (v.t("marketplace-field-skill"))
                    input type="text" name="skill" value=(q.skill); }
                label { (v.t("marketplace-field-company"))
                    select name="company" {
                        option value="" { (v.t("marketplace-filter-any")) }
                        @for (id, name) in &companies {
                            option value=(id) selected[q.company == *id] { (name) }
                        }
                    }
                }
                button type="submit" { (v.t("marketplace-filter-submit")) }
            }
            h2 { (v.t("marketplace-browse-results")) }
            @if projects.is_empty() {
                p { (v.t("marketplace-browse-none")) }
            } @else {
                ul class="cards" {
                    @for p in &projects {
                        li class="card" {
                            h3 { a href=(format!("/projects/{}", text(&p["id"]))) { (text(&p["title"])) } }
                            dl class="facts" {
                                dt { (v.t("marketplace-field-company")) }
                                dd { (text(&p["company"]["name"])) }
                                dt { (v.t("marketplace-field-category")) }
                                dd { (v.t(&format!("marketplace-category-{}", text(&p["category"])))) }
                                dt { (v.t("marketplace-field-budget")) }
                                dd { (v.money(&p["budget"])) }
                                dt { (v.t("marketplace-field-deadline")) }
                                dd { @if p["deadline"].is_null() { (v.t("marketplace-no-deadline")) } @else { (v.day(&p["deadline"])) } }
                                @if !list(&p["skills"]).is_empty() {
                                    dt { (v.t("marketplace-field-skills")) }
                                    dd { (list(&p["skills"]).iter().map(text).collect::<Vec<_>>().join(", ")) }
                                }
                                @if let Some(n) = p["bidCount"].as_i64() {
                                    dt { (v.t("marketplace-field-bid-count")) }
                                    dd { (n) }
                                }
                            }
                        }
                    }
                }
            }
            @if let Some(link) = next_link {
                p { a href=(link) rel="next" { (v.t("marketplace-next-page")) } }
            }
        },
    )
    .into_response()
}
