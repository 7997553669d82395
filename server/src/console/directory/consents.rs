//! `/consents`: per company on her roster (or that holds her consents), each purpose with the
//! wording she agrees to, granted or not, and a button to grant or withdraw it.
//! `/consents/{company}`: what that company holds about her (`myDataAt`) and her deletion
//! request (`requestDeletion`), answered with what was deleted and what is kept and why.
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use entity::states::ConsentPurpose;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value, json};

use super::text;
use crate::console::i18n::Locale;
use crate::console::layout::{csrf_field, notice, page, refusal};
use crate::console::session::Visitor;
use crate::console::values::encode;
use crate::console::{ApiError, error_page, log_in_first, run};
use crate::domain::consents::wording;
use crate::http::AppState;

pub const CONSENTS: &str = "query ConsoleConsents { viewer { id alumniOf { id name } \
     consents { id purpose live grantedAt withdrawnAt company { id name } } } }";
pub const GRANT: &str = "mutation ConsoleGrantConsent($input: ConsentInput!) { \
     grantConsent(input: $input) { id } }";
pub const WITHDRAW: &str = "mutation ConsoleWithdrawConsent($input: ConsentInput!) { \
     withdrawConsent(input: $input) { id } }";
pub const HELD: &str = "query ConsoleMyDataAt($id: ID!) { myDataAt(companyId: $id) { \
     company { id name } rosterEntry { email department leftYear createdAt } \
     consents { purpose live grantedAt withdrawnAt } \
     profileShown { headline skills links } records { kind count retention } } }";
pub const DELETE: &str = "mutation ConsoleRequestDeletion($input: RequestDeletionInput!) { \
     requestDeletion(input: $input) { deleted { kind count } kept { kind count reason } } }";

const PURPOSES: [(&str, ConsentPurpose); 4] = [
    ("DIRECTORY", ConsentPurpose::Directory),
    ("NEWS", ConsentPurpose::News),
    ("REHIRE", ConsentPurpose::Rehire),
    ("EVENTS", ConsentPurpose::Events),
];

/// One language's half of a bilingual "日本語 / English" text.
fn in_language(v: &Visitor, both: &str) -> String {
    let (ja, en) = both.split_once(" / ").unwrap_or((both, both));
    match v.locale {
        Locale::Ja => ja.to_string(),
        Locale::En => en.to_string(),
    }
}

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

fn consents_page(
    v: &Visitor,
    data: &Value,
    flash: Option<String>,
    error: Option<&ApiError>,
) -> Markup {
    let viewer = &data["viewer"];
    let consents = viewer["consents"].as_array().cloned().unwrap_or_default();
    let mut companies: Vec<(String, String)> = viewer["alumniOf"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|c| (text(&c["id"]).to_string(), text(&c["name"]).to_string()))
        .collect();
    for c in &consents {
        let id = text(&c["company"]["id"]).to_string();
        if !companies.iter().any(|(known, _)| *known == id) {
            companies.push((id, text(&c["company"]["name"]).to_string()));
        }
    }
    page(
        v,
        &v.t("directory-consents-title"),
        html! {
            @if let Some(flash) = &flash { (notice(flash)) }
            p { (v.t("directory-consents-intro")) }
            (refusal(v, error))
            @if companies.is_empty() {
                p class="muted" { (v.t("directory-consents-none")) }
            }
            @for (id, name) in &companies {
                section aria-labelledby=(format!("c-{id}")) {
                    h2 id=(format!("c-{id}")) { (name) }
                    ul class="stack" {
                        @for (key, purpose) in PURPOSES {
                            @let live = consents.iter().find(|c| text(&c["company"]["id"]) == id && text(&c["purpose"]) == key && c["live"] == true);
                            li {
                                h3 { (v.t(&format!("directory-purpose-{key}"))) " "
                                    @if let Some(c) = live {
                                        span class="badge good" { (v.t1("directory-consent-granted", "date", &v.day(&c["grantedAt"]))) }
                                    } @else {
                                        span class="badge" { (v.t("directory-consent-not-granted")) }
                                    }
                                }
                                p class="muted" { (in_language(v, wording(purpose))) }
                                form method="post" action="/consents" {
                                    (csrf_field(v))
                                    input type="hidden" name="company" value=(id);
                                    input type="hidden" name="purpose" value=(key);
                                    @if live.is_some() {
                                        input type="hidden" name="action" value="withdraw";
                                        button type="submit" class="danger" aria-label=(v.tn("directory-consent-withdraw-named", &[("purpose", &v.t(&format!("directory-purpose-{key}"))), ("company", name)])) {
                                            (v.t("directory-consent-withdraw"))
                                        }
                                    } @else {
                                        input type="hidden" name="action" value="grant";
                                        button type="submit" aria-label=(v.tn("directory-consent-grant-named", &[("purpose", &v.t(&format!("directory-purpose-{key}"))), ("company", name)])) {
                                            (v.t("directory-consent-grant"))
                                        }
                                    }
                                }
                            }
                        }
                    }
                    p {
                        a href=(format!("/consents/{}", encode(id))) { (v.t1("directory-held-link", "company", name)) }
                        " · "
                        a href=(format!("/companies/{}/peers", encode(id))) { (v.t("directory-peers-link")) }
                    }
                }
            }
        },
    )
}

pub async fn show(State(state): State<AppState>, v: Visitor, Query(q): Query<Done>) -> Response {
    if v.access.is_none() {
        return log_in_first(&v);
    }
    let data = match run(&state, &v, CONSENTS, json!({})).await {
        Ok(data) => data,
        Err(err) => return error_page(&v, &err),
    };
    let flash = match q.done.as_deref() {
        Some("grant") => Some(v.t("directory-consent-done-grant")),
        Some("withdraw") => Some(v.t("directory-consent-done-withdraw")),
        _ => None,
    };
    consents_page(&v, &data, flash, None).into_response()
}

#[derive(Deserialize)]
pub struct ChangeForm {
    company: String,
    purpose: String,
    action: String,
}

pub async fn change(
    State(state): State<AppState>,
    v: Visitor,
    Form(f): Form<ChangeForm>,
) -> Response {
    if v.access.is_none() {
        return log_in_first(&v);
    }
    let (doc, done) = if f.action == "withdraw" {
        (WITHDRAW, "withdraw")
    } else {
        (GRANT, "grant")
    };
    let input = json!({ "input": { "companyId": f.company, "purpose": f.purpose } });
    match run(&state, &v, doc, input).await {
        Ok(_) => Redirect::to(&format!("/consents?done={done}")).into_response(),
        Err(err) => {
            let data = run(&state, &v, CONSENTS, json!({}))
                .await
                .unwrap_or_default();
            (err.status(), consents_page(&v, &data, None, Some(&err))).into_response()
        }
    }
}

fn held_page(
    v: &Visitor,
    id: &str,
    held: &Value,
    report: Option<&Value>,
    error: Option<&ApiError>,
) -> Markup {
    let name = text(&held["company"]["name"]);
    let roster = &held["rosterEntry"];
    let records = held["records"].as_array().cloned().unwrap_or_default();
    let consents = held["consents"].as_array().cloned().unwrap_or_default();
    page(
        v,
        &v.t1("directory-held-title", "company", name),
        html! {
            @if let Some(report) = report {
                section class="notice" role="status" aria-labelledby="deletion-done" {
                    h2 id="deletion-done" { (v.t("directory-deletion-done")) }
                    h3 { (v.t("directory-deletion-deleted")) }
                    ul { @for d in report["deleted"].as_array().cloned().unwrap_or_default() {
                        li { (v.tn("directory-kind-count", &[("kind", &v.t(&format!("directory-kind-{}", text(&d["kind"])))), ("count", &d["count"].to_string())])) }
                    } }
                    h3 { (v.t("directory-deletion-kept")) }
                    ul { @for k in report["kept"].as_array().cloned().unwrap_or_default() {
                        li { (v.tn("directory-kind-count", &[("kind", &v.t(&format!("directory-kind-{}", text(&k["kind"])))), ("count", &k["count"].to_string())]))
                            ": " (in_language(v, text(&k["reason"]))) }
                    } }
                }
            }
            p { (v.t("directory-held-intro")) }
            h2 { (v.t("directory-held-roster")) }
            @if roster.is_null() {
                p class="muted" { (v.t("directory-held-no-roster")) }
            } @else {
                dl {
                    dt { (v.t("directory-col-email")) } dd { (text(&roster["email"])) }
                    dt { (v.t("directory-col-department")) } dd { (text(&roster["department"])) }
                    dt { (v.t("directory-col-left-year")) } dd { (roster["leftYear"].as_i64().map(|y| y.to_string()).unwrap_or_default()) }
                }
            }
            h2 { (v.t("directory-held-consents")) }
            @if consents.is_empty() {
                p class="muted" { (v.t("directory-held-no-consents")) }
            } @else {
                ul { @for c in &consents {
                    li { (v.t(&format!("directory-purpose-{}", text(&c["purpose"])))) ": "
                        @if c["live"] == true { (v.t1("directory-consent-granted", "date", &v.day(&c["grantedAt"]))) }
                        @else { (v.t1("directory-consent-withdrawn", "date", &v.day(&c["withdrawnAt"]))) } }
                } }
            }
            h2 { (v.t("directory-held-profile")) }
            @if held["profileShown"].is_null() {
                p class="muted" { (v.t("directory-held-no-profile")) }
            } @else {
                p { (text(&held["profileShown"]["headline"])) }
            }
            h2 { (v.t("directory-held-records")) }
            ul { @for r in &records {
                li { (v.tn("directory-kind-count", &[("kind", &v.t(&format!("directory-kind-{}", text(&r["kind"])))), ("count", &r["count"].to_string())]))
                    @if let Some(reason) = r["retention"].as_str() { br; span class="muted" { (in_language(v, reason)) } } }
            } }
            h2 { (v.t("directory-deletion-title")) }
            p { (v.t("directory-deletion-intro")) }
            (refusal(v, error))
            form method="post" action=(format!("/consents/{}/delete", encode(id))) {
                (csrf_field(v))
                button type="submit" class="danger" { (v.t1("directory-deletion-submit", "company", name)) }
            }
        },
    )
}

pub async fn held(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    if v.access.is_none() {
        return log_in_first(&v);
    }
    match run(&state, &v, HELD, json!({ "id": id })).await {
        Ok(data) => held_page(&v, &id, &data["myDataAt"], None, None).into_response(),
        Err(err) => error_page(&v, &err),
    }
}

pub async fn delete(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    if v.access.is_none() {
        return log_in_first(&v);
    }
    let result = run(&state, &v, DELETE, json!({ "input": { "companyId": id } })).await;
    let held = match run(&state, &v, HELD, json!({ "id": id })).await {
        Ok(data) => data,
        Err(err) => return error_page(&v, &err),
    };
    match result {
        Ok(data) => held_page(
            &v,
            &id,
            &held["myDataAt"],
            Some(&data["requestDeletion"]),
            None,
        )
        .into_response(),
        Err(err) => (
            err.status(),
            held_page(&v, &id, &held["myDataAt"], None, Some(&err)),
        )
            .into_response(),
    }
}
