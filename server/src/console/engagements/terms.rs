//! `/contracts/{id}/terms` (`?version=N`): a contract's statement of terms (取引条件の明示,
//! Freelance Act art. 3) as issued, printable: the print stylesheet (`@media print` in
//! `console.css`) hides the top bar and the page's links, so what prints is the statement.
//! Visible to whoever sees the contract; another tenant's contract, a malformed id or a version
//! that does not exist is the not-found page.
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value, json};

use super::text;
use crate::console::layout::page;
use crate::console::session::Visitor;
use crate::console::{error_page, not_found_page, run};
use crate::http::AppState;

pub const TERMS: &str = "query ConsoleContractTerms($id: ID!) { contract(id: $id) { \
     id project { title company { name } } \
     termsStatements { version issuedAt reason text } } }";

#[derive(Deserialize, Default)]
pub struct VersionQuery {
    version: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Query(q): Query<VersionQuery>,
) -> Response {
    if v.access.is_none() {
        return crate::console::log_in_first(&v);
    }
    let data = match run(&state, &v, TERMS, json!({ "id": id })).await {
        Ok(data) => data,
        Err(err) if err.code == "BAD_USER_INPUT" => return not_found_page(&v),
        Err(err) => return error_page(&v, &err),
    };
    let c = &data["contract"];
    if c.is_null() {
        return not_found_page(&v);
    }
    let versions = c["termsStatements"].as_array().cloned().unwrap_or_default();
    let wanted = match q.version.as_deref().map(str::parse::<i64>) {
        None => versions.last().and_then(|s| s["version"].as_i64()),
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => return not_found_page(&v),
    };
    let chosen = wanted.and_then(|n| versions.iter().find(|s| s["version"].as_i64() == Some(n)));
    if wanted.is_some() && chosen.is_none() {
        return not_found_page(&v);
    }
    let latest = versions.last().and_then(|s| s["version"].as_i64());
    page(
        &v,
        &v.t1(
            "engagements-terms-title",
            "project",
            &text(&c["project"]["title"]),
        ),
        html! {
            p class="no-print" {
                a href=(format!("/contracts/{}", text(&c["id"]))) { (v.t("engagements-terms-back")) }
            }
            @match chosen {
                None => p { (v.t("engagements-terms-none")) },
                Some(s) => {
                    @if s["version"].as_i64() != latest {
                        p class="error no-print" role="note" { (v.t("engagements-terms-superseded")) }
                    }
                    (statement(&v, s))
                    p class="hint no-print" { (v.t("engagements-terms-print-hint")) }
                }
            }
            (version_links(&v, &text(&c["id"]), &versions, wanted))
        },
    )
    .into_response()
}

/// The statement as issued: its text verbatim (in Japanese whatever the visitor's language;
/// it is the legal document), with its version and issue time.
pub fn statement(v: &Visitor, s: &Value) -> Markup {
    html! {
        article class="terms-statement" lang="ja" {
            p class="muted" {
                (v.t1("engagements-terms-version", "version", &s["version"].to_string()))
                " · " (v.t("engagements-terms-issued")) " " (v.time(&s["issuedAt"]))
            }
            pre class="terms-text" { (text(&s["text"])) }
        }
    }
}

/// Links to every version, the shown one marked; hidden when printing.
pub fn version_links(
    v: &Visitor,
    contract_id: &str,
    versions: &[Value],
    current: Option<i64>,
) -> Markup {
    html! {
        @if versions.len() > 1 {
            nav class="no-print" aria-label=(v.t("engagements-terms-versions")) {
                h2 { (v.t("engagements-terms-versions")) }
                ul {
                    @for s in versions.iter().rev() {
                        @let n = s["version"].as_i64().unwrap_or_default();
                        @let label = format!("{} — {} ({})",
                            v.t1("engagements-terms-version", "version", &n.to_string()),
                            v.time(&s["issuedAt"]),
                            v.t(&format!("engagements-terms-reason-{}", text(&s["reason"]))));
                        li {
                            @if Some(n) == current {
                                a href=(format!("/contracts/{contract_id}/terms?version={n}")) aria-current="page" { (label) }
                            } @else {
                                a href=(format!("/contracts/{contract_id}/terms?version={n}")) { (label) }
                            }
                        }
                    }
                }
            }
        }
    }
}
