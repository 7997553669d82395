//! `/companies/{id}/alumni`: the roster (ADMIN only, as in the API). Paste emails or a CSV,
//! and/or upload a CSV file (one form, multipart); remove an entry; each entry says whether
//! its owner has signed up.
use crate::console::values::encode;
use axum::Form;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value, json};

use super::roster::{is_multipart, lines, multipart_fields};
use super::{admin_only, company_data, tabs, text};
use crate::console::layout::{csrf_field, notice, page, refusal};
use crate::console::session::Visitor;
use crate::console::{ApiError, run};
use crate::http::AppState;

pub const ROSTER: &str = "query ConsoleCompanyRoster($id: ID!) { company(id: $id) { \
     id name viewerRole alumni { id email signedUp createdAt } } }";
pub const ADD_ALUMNI: &str = "mutation ConsoleAddAlumni($input: AddAlumniInput!) { \
     addAlumni(input: $input) { id } }";
pub const REMOVE_ALUMNI: &str = "mutation ConsoleRemoveAlumni($input: RemoveAlumniInput!) { \
     removeAlumni(input: $input) { id } }";

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    added: Option<usize>,
    removed: Option<String>,
}

fn roster_page(
    v: &Visitor,
    company: &Value,
    flash: Option<String>,
    pasted: &str,
    error: Option<&ApiError>,
) -> Markup {
    let id = text(&company["id"]);
    let alumni = company["alumni"].as_array().cloned().unwrap_or_default();
    let signed_up = alumni.iter().filter(|a| a["signedUp"] == true).count();
    page(
        v,
        &v.t1("company-alumni-title", "company", text(&company["name"])),
        html! {
            (tabs(v, id, "/alumni"))
            @if let Some(flash) = &flash { (notice(flash)) }
            h2 { (v.t("company-alumni-add-title")) }
            p class="muted" id="roster-hint" { (v.t("company-alumni-add-intro")) }
            (refusal(v, error))
            form method="post" action=(format!("/companies/{id}/alumni")) class="stack"
                enctype="multipart/form-data" {
                (csrf_field(v))
                label { (v.t("company-alumni-paste"))
                    textarea name="emails" rows="6" aria-describedby="roster-hint"
                        placeholder="hanako.yamada@example.jp,山田 花子" { (pasted) } }
                label { (v.t("company-alumni-file"))
                    input type="file" name="file" accept=".csv,text/csv,text/plain"; }
                button type="submit" { (v.t("company-alumni-add-submit")) }
            }
            h2 { (v.t("company-alumni-list-title")) }
            p { (v.tn("company-alumni-count", &[
                ("count", &alumni.len().to_string()),
                ("signedUp", &signed_up.to_string()),
            ])) }
            @if alumni.is_empty() {
                p class="muted" { (v.t("company-alumni-empty")) }
            } @else {
                div class="table-wrap company-table" {
                    table class="members" {
                        caption class="visually-hidden" { (v.t("company-alumni-list-title")) }
                        thead { tr {
                            th scope="col" { (v.t("company-col-email")) }
                            th scope="col" { (v.t("company-col-signed-up")) }
                            th scope="col" { (v.t("company-col-actions")) }
                        } }
                        tbody {
                            @for a in &alumni {
                                @let email = text(&a["email"]);
                                tr {
                                    th scope="row" {
                                        span class="email" { (email) }
                                        br;
                                        span class="muted" { (v.t1("company-alumni-added-on", "date", &v.day(&a["createdAt"]))) }
                                    }
                                    td {
                                        @if a["signedUp"] == true {
                                            span class="badge good" { (v.t("company-alumni-signed-up")) }
                                        } @else {
                                            span class="badge" { (v.t("company-alumni-not-signed-up")) }
                                        }
                                    }
                                    td {
                                        form method="post" action=(format!("/companies/{id}/alumni/remove")) {
                                            (csrf_field(v))
                                            input type="hidden" name="email" value=(email);
                                            button type="submit" class="danger"
                                                aria-label=(v.t1("company-alumni-remove-named", "email", email)) {
                                                (v.t("company-alumni-remove"))
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

async fn roster(state: &AppState, v: &Visitor, id: &str) -> Result<Value, Response> {
    let company = company_data(state, v, ROSTER, id).await?;
    match admin_only(v, &company) {
        Some(refused) => Err(refused),
        None => Ok(company),
    }
}

pub async fn show(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let company = match roster(&state, &v, &id).await {
        Ok(company) => company,
        Err(response) => return response,
    };
    let flash = match (q.added, q.removed) {
        (Some(n), _) => Some(v.t1("company-alumni-added", "count", &n.to_string())),
        (None, Some(email)) => Some(v.t1("company-alumni-removed", "email", &email)),
        _ => None,
    };
    roster_page(&v, &company, flash, "", None).into_response()
}

/// The upload: the pasted text and the file's lines together, as one `addAlumni` (all or
/// nothing). A refusal keeps the pasted text (a browser cannot keep a chosen file).
pub async fn add(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let company = match roster(&state, &v, &id).await {
        Ok(company) => company,
        Err(response) => return response,
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|ct| ct.to_str().ok());
    let fields = if is_multipart(content_type) {
        multipart_fields(content_type.unwrap_or_default(), body)
            .await
            .unwrap_or_default()
    } else {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body).unwrap_or_default()
    };
    let pasted = fields
        .iter()
        .find(|(name, _)| name == "emails")
        .map(|(_, value)| value.clone())
        .unwrap_or_default();
    let entries: Vec<Value> = fields
        .iter()
        .filter(|(name, _)| name == "emails" || name == "file")
        .flat_map(|(_, value)| lines(value))
        .map(|l| {
            // A leaving year that is not a number goes as it is, so the API's refusal names it.
            let year = l
                .left_year
                .map(|y| y.parse::<i32>().map_or(json!(y), |n| json!(n)));
            json!({ "email": l.email, "department": l.department, "leftYear": year })
        })
        .collect();
    let company_id = text(&company["id"]);
    let input = json!({ "input": { "companyId": company_id, "entries": entries } });
    match run(&state, &v, ADD_ALUMNI, input).await {
        Ok(data) => {
            let added = data["addAlumni"].as_array().map_or(0, Vec::len);
            Redirect::to(&format!("/companies/{company_id}/alumni?added={added}")).into_response()
        }
        Err(err) => (
            err.status(),
            roster_page(&v, &company, None, &pasted, Some(&err)),
        )
            .into_response(),
    }
}

#[derive(Deserialize)]
pub struct RemoveForm {
    email: String,
}

pub async fn remove(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(f): Form<RemoveForm>,
) -> Response {
    let company = match roster(&state, &v, &id).await {
        Ok(company) => company,
        Err(response) => return response,
    };
    let company_id = text(&company["id"]);
    let input = json!({ "input": { "companyId": company_id, "emails": [f.email] } });
    match run(&state, &v, REMOVE_ALUMNI, input).await {
        Ok(_) => Redirect::to(&format!(
            "/companies/{company_id}/alumni?removed={}",
            encode(&f.email)
        ))
        .into_response(),
        Err(err) => (
            err.status(),
            roster_page(&v, &company, None, "", Some(&err)),
        )
            .into_response(),
    }
}
