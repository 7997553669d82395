//! Bank transfers by Zengin file (issue 12 §8):
//!
//! - `account`: `/account/bank`, the freelancer's own bank account (full-width kana accepted,
//!   stored half-width); `/companies/{id}/bank-account`, the account the company pays from
//!   (ADMIN and FINANCE).
//! - `zengin`: the section of `/finance/payouts` that lists the approved manual payouts (those
//!   whose freelancer has no account marked as blocked), POST `/finance/payouts/zengin` that
//!   downloads the file for a transfer date (a POST: it records a batch), GET
//!   `/finance/payouts/batches/{id}/file` to download an open batch again, and POST
//!   `/finance/payouts/batches/{id}/paid` that records the batch as paid with the bank's
//!   reference.
mod account;
pub mod zengin;

use axum::Router;
use axum::routing::{get, post};

use crate::http::AppState;

pub use zengin::Kept;

pub const DOCUMENTS: &[&str] = &[
    account::OWN,
    account::SET_OWN,
    account::COMPANY,
    account::SET_COMPANY,
    zengin::SECTION,
    zengin::CREATE,
    zengin::BATCHES,
    zengin::PAID,
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/account/bank",
            get(account::show_own).post(account::save_own),
        )
        .route(
            "/companies/{id}/bank-account",
            get(account::show_company).post(account::save_company),
        )
        .route("/finance/payouts/zengin", post(zengin::download))
        .route(
            "/finance/payouts/batches/{id}/file",
            get(zengin::file_again),
        )
        .route(
            "/finance/payouts/batches/{id}/paid",
            post(zengin::mark_paid),
        )
}

/// The input field an API refusal names (`input.bankCode: …` → `bankCode`), to mark it.
fn refused_field(error: Option<&crate::console::ApiError>) -> Option<String> {
    let error = error?;
    let (field, _) = error.message.split_once(':')?;
    field.strip_prefix("input.").map(str::to_string)
}
