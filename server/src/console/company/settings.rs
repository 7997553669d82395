//! `/companies/new` (the creator becomes its ADMIN) and `/companies/{id}/settings` (how the
//! company pays its alumni, the review window, the payment terms: days after acceptance,
//! at most 59 under the Freelance Act art. 4, which the API refuses beyond).
use crate::console::values::Done;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{admin_only, company_data, tabs, text};
use crate::console::layout::{csrf_field, notice, page, refusal};
use crate::console::session::Visitor;
use crate::console::{ApiError, error_page, run};
use crate::http::AppState;

pub const CREATE: &str = "mutation ConsoleCreateCompany($name: String!) { createCompany(input: { name: $name }) { id } }";
pub const SETTINGS: &str = "query ConsoleCompanySettings($id: ID!) { company(id: $id) { \
     id name viewerRole paymentProvider reviewWindowDays paymentTermsDays } }";
pub const SET_PROVIDER: &str = "mutation ConsoleSetPaymentProvider($input: SetCompanyPaymentProviderInput!) { \
     setCompanyPaymentProvider(input: $input) { id paymentProvider } }";
pub const UPDATE_SETTINGS: &str = "mutation ConsoleUpdateCompanySettings($input: UpdateCompanySettingsInput!) { \
     updateCompanySettings(input: $input) { id reviewWindowDays paymentTermsDays } }";

const PROVIDERS: [&str; 2] = ["MANUAL", "STRIPE"];

#[derive(Deserialize)]
pub struct NewForm {
    name: String,
}

fn new_page(v: &Visitor, name: &str, error: Option<&ApiError>) -> Markup {
    page(
        v,
        &v.t("company-new-title"),
        html! {
            p { (v.t("company-new-intro")) }
            (refusal(v, error))
            form method="post" action="/companies/new" class="stack" {
                (csrf_field(v))
                label { (v.t("company-field-name"))
                    input type="text" name="name" value=(name) required maxlength="200"
                        autocomplete="organization"; }
                button type="submit" { (v.t("company-new-submit")) }
            }
        },
    )
}

pub async fn new_form(v: Visitor) -> Response {
    if v.access.is_none() {
        return crate::console::log_in_first(&v);
    }
    new_page(&v, "", None).into_response()
}

pub async fn create(State(state): State<AppState>, v: Visitor, Form(f): Form<NewForm>) -> Response {
    match run(&state, &v, CREATE, json!({ "name": f.name })).await {
        Ok(data) => match data["createCompany"]["id"].as_str() {
            Some(id) => Redirect::to(&format!("/companies/{id}")).into_response(),
            None => error_page(&v, &ApiError::internal()),
        },
        Err(err) if err.code == "UNAUTHENTICATED" => error_page(&v, &err),
        Err(err) => (err.status(), new_page(&v, &f.name, Some(&err))).into_response(),
    }
}

#[derive(Deserialize)]
pub struct SettingsForm {
    provider: String,
    review_window_days: String,
    /// Blank: leave the terms as they are (none set means the legal 59 days).
    #[serde(default)]
    payment_terms_days: String,
}

fn settings_page(
    v: &Visitor,
    company: &Value,
    provider: &str,
    days: &str,
    terms: &str,
    flash: bool,
    error: Option<&ApiError>,
) -> Markup {
    let id = text(&company["id"]);
    let terms_refused = error.is_some_and(|e| e.message.starts_with("input.paymentTermsDays"));
    page(
        v,
        &v.t1("company-settings-title", "company", text(&company["name"])),
        html! {
            (tabs(v, id, "/settings"))
            @if flash { (notice(&v.t("company-settings-saved"))) }
            (refusal(v, error))
            form method="post" action=(format!("/companies/{id}/settings")) class="stack" {
                (csrf_field(v))
                fieldset {
                    legend { (v.t("company-field-provider")) }
                    @for p in PROVIDERS {
                        label class="choice" {
                            input type="radio" name="provider" value=(p) checked[p == provider]
                                aria-describedby=(format!("provider-{p}-hint"));
                            (v.t(&format!("company-provider-{p}")))
                        }
                        p class="hint muted" id=(format!("provider-{p}-hint")) {
                            (v.t(&format!("company-provider-{p}-hint")))
                        }
                    }
                }
                label { (v.t("company-field-review-window"))
                    span class="hint" id="window-hint" { (v.t("company-review-window-hint")) }
                    input type="number" name="review_window_days" value=(days) min="1" max="60"
                        required inputmode="numeric" aria-describedby="window-hint"; }
                // No `max`: the browser would block 60 silently; the API's refusal names the
                // law (Freelance Act art. 4) instead.
                label { (v.t("company-field-payment-terms"))
                    span class="hint" id="terms-hint" { (v.t("company-payment-terms-hint")) }
                    input type="number" name="payment_terms_days" value=(terms) min="0"
                        inputmode="numeric"
                        aria-describedby=(if terms_refused { "terms-hint terms-error" } else { "terms-hint" })
                        aria-invalid=[terms_refused.then_some("true")]; }
                @if terms_refused {
                    p class="error" id="terms-error" { (v.t("company-payment-terms-refused")) }
                }
                button type="submit" { (v.t("company-settings-submit")) }
            }
            p { a href=(format!("/companies/{id}/bank-account")) { (v.t("bank-zengin-requester-link")) } }
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Query(q): Query<Done>,
) -> Response {
    let company = match company_data(&state, &v, SETTINGS, &id).await {
        Ok(company) => company,
        Err(response) => return response,
    };
    if let Some(refused) = admin_only(&v, &company) {
        return refused;
    }
    let days = company["reviewWindowDays"].to_string();
    let terms = company["paymentTermsDays"]
        .as_i64()
        .map(|d| d.to_string())
        .unwrap_or_default();
    settings_page(
        &v,
        &company,
        text(&company["paymentProvider"]),
        &days,
        &terms,
        q.done.is_some(),
        None,
    )
    .into_response()
}

/// Saves what changed: the provider first (it may be refused, e.g. Stripe not configured),
/// then the review window. A refusal re-renders the form with what was entered.
pub async fn save(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(f): Form<SettingsForm>,
) -> Response {
    let company = match company_data(&state, &v, SETTINGS, &id).await {
        Ok(company) => company,
        Err(response) => return response,
    };
    if let Some(refused) = admin_only(&v, &company) {
        return refused;
    }
    let company_id = text(&company["id"]);
    let result = async {
        // Parsed before anything is saved, so a bad day count changes nothing.
        let days: i64 = f.review_window_days.trim().parse().map_err(|_| ApiError {
            code: "BAD_USER_INPUT".into(),
            message: "input.reviewWindowDays: must be a whole number of days".into(),
        })?;
        let terms = f.payment_terms_days.trim();
        let terms: Option<i64> = if terms.is_empty() {
            None
        } else {
            Some(terms.parse().map_err(|_| ApiError {
                code: "BAD_USER_INPUT".into(),
                message: "input.paymentTermsDays: must be a whole number of days".into(),
            })?)
        };
        if f.provider != text(&company["paymentProvider"]) {
            run(
                &state,
                &v,
                SET_PROVIDER,
                json!({ "input": { "companyId": company_id, "provider": f.provider } }),
            )
            .await?;
        }
        let days = (Some(days) != company["reviewWindowDays"].as_i64()).then_some(days);
        let terms = terms.filter(|t| Some(*t) != company["paymentTermsDays"].as_i64());
        if days.is_some() || terms.is_some() {
            run(
                &state,
                &v,
                UPDATE_SETTINGS,
                json!({ "input": { "companyId": company_id, "reviewWindowDays": days, "paymentTermsDays": terms } }),
            )
            .await?;
        }
        Ok::<(), ApiError>(())
    }
    .await;
    match result {
        Ok(()) => {
            Redirect::to(&format!("/companies/{company_id}/settings?done=saved")).into_response()
        }
        Err(err) => (
            err.status(),
            settings_page(
                &v,
                &company,
                &f.provider,
                &f.review_window_days,
                &f.payment_terms_days,
                false,
                Some(&err),
            ),
        )
            .into_response(),
    }
}
