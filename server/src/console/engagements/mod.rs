//! The engagements pages: the alumna's overview (`/work`), the contract list (`/contracts`)
//! and the contract page both sides work on (`/contracts/{id}`), with the POSTs that move a
//! contract along (deliver, accept, request changes, invoice, end, review).
//!
//! - `work`: `/work` and the Stripe onboarding button; `list`: `/contracts`;
//!   `terms`: the printable statement of terms (`/contracts/{id}/terms`);
//!   `contract`: the contract page; `actions`: the form POSTs, which answer 303 back to the
//!   contract page or re-render it with the API's refusal and the input kept (400); `payee`:
//!   `/work/payee`, her payee profile (payee type, registration number, name and address).
//!
//! Tables sit in a `.table-wrap` that scrolls at 375 px, made a labelled, focusable region so
//! that keyboard users can scroll it too (axe: scrollable-region-focusable).
mod actions;
mod contract;
mod list;
mod payee;
mod terms;
mod work;

use super::values::{nodes, text};
use axum::Router;
use axum::routing::{get, post};
use maud::Markup;
use serde_json::Value;

use super::session::Visitor;
use crate::domain::money::{Currency, Money};
use crate::http::AppState;

pub use contract::reason_code_select;

pub const DOCUMENTS: &[&str] = &[
    work::WORK,
    list::CONTRACTS,
    contract::CONTRACT,
    terms::TERMS,
    actions::MILESTONE_CONTRACT,
    actions::SUBMIT_DELIVERY,
    actions::ACCEPT_DELIVERY,
    actions::REQUEST_CHANGES,
    actions::SUBMIT_INVOICE,
    actions::END_CONTRACT,
    actions::REQUEST_END_REASON,
    actions::SUBMIT_REVIEW,
    payee::PAYEE,
    payee::UPDATE_PAYEE,
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/work", get(work::show))
        .route("/work/payee", get(payee::show).post(payee::update))
        .route("/payouts/onboarding", post(super::payouts::start))
        .route("/contracts", get(list::show))
        .route("/contracts/{id}", get(contract::show))
        .route("/contracts/{id}/terms", get(terms::show))
        .route("/contracts/{id}/invoices", post(actions::submit_invoice))
        .route("/contracts/{id}/end", post(actions::end_contract))
        .route(
            "/contracts/{id}/end-reason",
            post(actions::request_end_reason),
        )
        .route("/contracts/{id}/reviews", post(actions::submit_review))
        .route("/milestones/{id}/delivery", post(actions::submit_delivery))
        .route("/milestones/{id}/accept", post(actions::accept_delivery))
        .route("/milestones/{id}/changes", post(actions::request_changes))
}

/// An API `Money` object in minor units, for sums the page works out (what is left to invoice).
fn minor(value: &Value) -> Option<Money> {
    let currency = Currency::from_code(value["currencyCode"].as_str()?).ok()?;
    Money::parse(value["amount"].as_str()?, currency, "amount").ok()
}

/// A status as a badge: its word in the visitor's language (never colour alone) and a class
/// that colours it by how it stands (`good`, `warn`, `bad`, or none).
fn status_badge(v: &Visitor, kind: &str, status: &str) -> Markup {
    super::layout::status_badge(v, &format!("engagements-{kind}-{status}"), status)
}
