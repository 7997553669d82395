//! `/work/payee`: the alumna's payee profile — whether she is an individual or a corporation
//! (it decides withholding and the Freelance Act's protection for new contracts), her
//! qualified-invoice registration number (printed on her invoices), and the name and address
//! the company's annual payment records (支払調書) need. Only she sees or changes it.
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use serde_json::{Value, json};

use super::text;
use crate::console::layout::{csrf_field, notice, page, refusal};
use crate::console::session::Visitor;
use crate::console::values::Done;
use crate::console::{ApiError, error_page, run};
use crate::http::AppState;

pub const PAYEE: &str = "query ConsolePayee { viewer { id payeeProfile { \
     payeeType payeeTypeSet registrationNumber legalName address } } }";
pub const UPDATE_PAYEE: &str = "mutation ConsoleUpdatePayee($input: PayeeProfileInput!) { \
     updatePayeeProfile(input: $input) { id } }";

const PAYEE_TYPES: [&str; 4] = [
    "INDIVIDUAL",
    "INDIVIDUAL_WITH_EMPLOYEES",
    "ONE_PERSON_CORPORATION",
    "CORPORATION",
];

#[derive(Deserialize, Default, Clone)]
pub struct PayeeForm {
    #[serde(default, rename = "payeeType")]
    payee_type: String,
    #[serde(default, rename = "registrationNumber")]
    registration_number: String,
    #[serde(default, rename = "legalName")]
    legal_name: String,
    #[serde(default)]
    address: String,
}

impl PayeeForm {
    fn from_profile(profile: &Value) -> Self {
        Self {
            payee_type: text(&profile["payeeType"]),
            registration_number: text(&profile["registrationNumber"]),
            legal_name: text(&profile["legalName"]),
            address: text(&profile["address"]),
        }
    }
}

pub async fn show(State(state): State<AppState>, v: Visitor, Query(q): Query<Done>) -> Response {
    render(&state, &v, q.done.is_some(), None).await
}

pub async fn update(
    State(state): State<AppState>,
    v: Visitor,
    Form(f): Form<PayeeForm>,
) -> Response {
    let input = json!({
        "payeeType": f.payee_type,
        "registrationNumber": f.registration_number,
        "legalName": f.legal_name,
        "address": f.address,
    });
    match run(&state, &v, UPDATE_PAYEE, json!({ "input": input })).await {
        Ok(_) => Redirect::to("/work/payee?done=saved").into_response(),
        Err(err) => render(&state, &v, false, Some((err, f))).await,
    }
}

async fn render(
    state: &AppState,
    v: &Visitor,
    saved: bool,
    refused: Option<(ApiError, PayeeForm)>,
) -> Response {
    if v.access.is_none() {
        return crate::console::log_in_first(v);
    }
    let data = match run(state, v, PAYEE, json!({})).await {
        Ok(data) => data,
        Err(err) => return error_page(v, &err),
    };
    let profile = &data["viewer"]["payeeProfile"];
    let (error, form) = match refused {
        Some((error, form)) => (Some(error), form),
        None => (None, PayeeForm::from_profile(profile)),
    };
    let markup = page(
        v,
        &v.t("engagements-payee-title"),
        html! {
            @if saved { (notice(&v.t("engagements-payee-saved"))) }
            p { (v.t("engagements-payee-intro")) }
            @if !profile["payeeTypeSet"].as_bool().unwrap_or(false) {
                p class="hint" { (v.t("engagements-payee-not-set")) }
            }
            form method="post" action="/work/payee" class="stack" {
                (csrf_field(v))
                (refusal(v, error.as_ref()))
                fieldset {
                    legend { (v.t("engagements-payee-type")) }
                    @for t in PAYEE_TYPES {
                        label class="choice" {
                            input type="radio" name="payeeType" value=(t) checked[form.payee_type == t];
                            " " (v.t(&format!("engagements-payee-type-{t}")))
                        }
                    }
                }
                label for="registrationNumber" { (v.t("engagements-payee-registration")) }
                p class="hint" id="registration-hint" { (v.t("engagements-payee-registration-hint")) }
                input id="registrationNumber" name="registrationNumber" type="text" maxlength="14"
                    inputmode="latin" autocomplete="off" aria-describedby="registration-hint"
                    pattern="T[0-9]{13}" value=(form.registration_number);
                label for="legalName" { (v.t("engagements-payee-legal-name")) }
                input id="legalName" name="legalName" type="text" maxlength="200"
                    autocomplete="name" value=(form.legal_name);
                label for="address" { (v.t("engagements-payee-address")) }
                textarea id="address" name="address" rows="2" autocomplete="street-address" { (form.address) }
                p class="hint" { (v.t("engagements-payee-my-number")) }
                button type="submit" { (v.t("engagements-payee-save")) }
            }
            p { a href="/work" { (v.t("engagements-payee-back")) } }
        },
    );
    let code = error.as_ref().map_or(StatusCode::OK, ApiError::status);
    (code, markup).into_response()
}
