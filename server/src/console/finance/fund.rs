//! Funding a Stripe contract (`/contracts/{id}/fund`), for the company's ADMIN or FINANCE:
//! the page shows the amount and funding status; its form calls `fundContract`, and the answer
//! loads Stripe.js with our own small script to confirm the payment with the client secret.
//! Only that answer's CSP allows Stripe's hosts; without `STRIPE_PUBLISHABLE_KEY` the page
//! says Stripe is not configured.
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde_json::{Value, json};

use super::super::assets::STRIPE_FUND_PATH;
use super::super::headers::STRIPE_CSP;
use super::super::layout::{csrf_field, page, refusal};
use super::super::session::Visitor;
use super::super::{ApiError, error_page, not_found_page, run};
use super::{is_finance_of, text};
use crate::http::AppState;

pub const CONTRACT: &str = "query FinanceFundContract($id: ID!) { contract(id: $id) { id \
     amount { amount currencyCode } status fundingStatus fundingFailure \
     project { title company { id } } } }";
pub const FUND: &str = "mutation FinanceFund($id: ID!) { fundContract(contractId: $id) { \
     paymentIntentId clientSecret contract { id fundingStatus } } }";

const STRIPE_JS: &str = "https://js.stripe.com/v3/";

/// The contract, when the visitor may fund it; otherwise the page to answer with.
async fn contract(state: &AppState, v: &Visitor, id: &str) -> Result<Value, Response> {
    if v.access.is_none() {
        return Err(crate::console::log_in_first(v));
    }
    let data = run(state, v, CONTRACT, json!({ "id": id }))
        .await
        .map_err(|err| error_page(v, &err))?;
    let contract = data["contract"].clone();
    if contract.is_null() || !is_finance_of(v, &text(&contract["project"]["company"]["id"])) {
        return Err(not_found_page(v));
    }
    Ok(contract)
}

pub async fn show(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    match contract(&state, &v, &id).await {
        Ok(c) => page(&v, &v.t("finance-fund-title"), body(&v, &c, None, None)).into_response(),
        Err(page) => page,
    }
}

pub async fn fund(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    let c = match contract(&state, &v, &id).await {
        Ok(c) => c,
        Err(page) => return page,
    };
    let Some(key) = v.settings.stripe_publishable_key.clone() else {
        return page(&v, &v.t("finance-fund-title"), body(&v, &c, None, None)).into_response();
    };
    let data = match run(&state, &v, FUND, json!({ "id": id })).await {
        Ok(data) => data,
        Err(err) => {
            let markup = page(
                &v,
                &v.t("finance-fund-title"),
                body(&v, &c, Some(&err), None),
            );
            return (err.status(), markup).into_response();
        }
    };
    let Some(secret) = data["fundContract"]["clientSecret"].as_str() else {
        return page(&v, &v.t("finance-fund-title"), body(&v, &c, None, None)).into_response();
    };
    let payment = html! {
        div id="stripe-payment" data-key=(key) data-secret=(secret) data-locale=(v.locale.tag())
            data-working=(v.t("finance-fund-working")) data-done=(v.t("finance-fund-done")) {
            form id="stripe-form" class="stack" {
                div id="stripe-element" {}
                button type="submit" { (v.t("finance-fund-pay")) }
                p id="stripe-status" role="status" {}
            }
        }
        script src=(STRIPE_JS) {}
        script src=(STRIPE_FUND_PATH) {}
    };
    let markup = page(
        &v,
        &v.t("finance-fund-title"),
        body(&v, &c, None, Some(payment)),
    );
    (
        [(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(STRIPE_CSP),
        )],
        markup,
    )
        .into_response()
}

/// The contract's facts, then the payment form (after `fundContract`) or the button that
/// starts it.
fn body(v: &Visitor, c: &Value, refused: Option<&ApiError>, payment: Option<Markup>) -> Markup {
    let funding = c["fundingStatus"].as_str();
    let configured = v.settings.stripe_publishable_key.is_some();
    html! {
        dl class="fin-facts" {
            dt { (v.t("finance-contract")) }
            dd { a href=(format!("/contracts/{}", text(&c["id"]))) { (text(&c["project"]["title"])) } }
            dt { (v.t("finance-col-amount")) } dd { (v.money(&c["amount"])) }
            dt { (v.t("finance-fund-status")) }
            dd { @match funding {
                Some(s) => span class=(if s == "FUNDED" { "badge good" } else { "badge warn" }) { (v.t(&format!("finance-funding-{s}"))) },
                None => (v.t("finance-fund-not-stripe")),
            } }
            @if let Some(f) = c["fundingFailure"].as_str() { dt { (v.t("finance-failure")) } dd { (f) } }
        }
        @if !configured {
            p class="notice" { (v.t("finance-fund-not-configured")) }
        } @else if let Some(payment) = payment {
            (payment)
        } @else if funding == Some("UNFUNDED") {
            form method="post" action=(format!("/contracts/{}/fund", text(&c["id"]))) class="stack" {
                (csrf_field(v))
                (refusal(v, refused))
                button type="submit" { (v.t("finance-fund-start")) }
            }
        } @else {
            // No form to show it beside (e.g. funded meanwhile): the refusal on its own.
            (refusal(v, refused))
        }
    }
}
