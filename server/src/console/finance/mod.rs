//! The finance pages (issue 11): the invoice queue and its CSV, the invoice page with its
//! review and payment actions, the payouts list with retry, and Stripe funding of a contract.
//! Each page runs its GraphQL document as the visitor, so finance can do nothing the API
//! would refuse.
//!
//! - `queue`: `/finance` and `/finance/invoices.csv` (the same filter, the CSV all pages).
//! - `invoice`: `/invoices/{id}` and its POST actions (approve, reject, record the payment).
//! - `payouts`: `/finance/payouts` and POST `/finance/payouts/{id}/retry`.
//! - `fund`: `/contracts/{id}/fund`, the one page whose CSP allows Stripe.js.
//! - `reports`: withholding, payment records, exports and the compliance report (issue 12).
mod csv;
mod fund;
mod invoice;
mod payouts;
mod queue;
mod reports;
mod tax;

pub use payouts::render_refused as render_payouts;

use super::values::text;
use axum::Router;
use axum::routing::{get, post};
use entity::states::CompanyRole;

use super::session::Visitor;
use crate::graphql::ids;
use crate::http::AppState;

pub const DOCUMENTS: &[&str] = &[
    queue::COMPANIES,
    queue::QUEUE,
    queue::CSV_PAGE,
    invoice::INVOICE,
    invoice::APPROVE,
    invoice::REJECT,
    invoice::MARK_PAID,
    tax::SET_WITHHOLDING,
    payouts::PAYOUTS,
    payouts::RETRY,
    fund::CONTRACT,
    fund::FUND,
    reports::WITHHOLDING,
    reports::RECORDS,
    reports::EXPORT,
    reports::COMPLIANCE,
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/finance", get(queue::show))
        .route("/finance/invoices.csv", get(queue::csv))
        .route("/finance/payouts", get(payouts::show))
        .route("/finance/payouts/{id}/retry", post(payouts::retry))
        .route("/invoices/{id}", get(invoice::show))
        .route("/invoices/{id}/approve", post(invoice::approve))
        .route("/invoices/{id}/reject", post(invoice::reject))
        .route("/invoices/{id}/paid", post(invoice::mark_paid))
        .route("/invoices/{id}/withholding", post(invoice::withholding))
        .route("/contracts/{id}/fund", get(fund::show).post(fund::fund))
        .route("/finance/withholding", get(reports::withholding))
        .route("/finance/payment-records", get(reports::payment_records))
        .route("/finance/exports", get(reports::exports))
        .route("/finance/exports/{file}", get(reports::export_csv))
        .route("/finance/compliance", get(reports::compliance))
}

/// The reason codes offered when rejecting an invoice and when sending work back.
pub const INVOICE_CODES: [&str; 6] = reports::REASON_CODES;
pub const CHANGE_CODES: [&str; 5] = ["DEFECT", "NOT_AS_AGREED", "LATE", "INCOMPLETE", "OTHER"];

/// The roles that open the finance pages.
const FINANCE_ROLES: &[CompanyRole] = &[CompanyRole::Finance, CompanyRole::Admin];

/// Whether the visitor is FINANCE or ADMIN of the company with this global id (reads).
fn is_finance_of(v: &Visitor, company_id: &str) -> bool {
    has_role_in(v, company_id, FINANCE_ROLES)
}

/// Whether the visitor is FINANCE of the company: only they approve, reject, record and retry
/// (the API refuses ADMIN), so only they are offered those buttons.
fn is_clerk_of(v: &Visitor, company_id: &str) -> bool {
    has_role_in(v, company_id, &[CompanyRole::Finance])
}

fn has_role_in(v: &Visitor, company_id: &str, roles: &[CompanyRole]) -> bool {
    ids::decode(
        &async_graphql::ID(company_id.to_string()),
        "Company",
        "company",
    )
    .is_ok_and(|key| v.has_role(key, roles))
}

/// A status badge: the status in words (never colour alone) with a class for its tone.
fn status_badge(v: &Visitor, kind: &str, status: &str) -> maud::Markup {
    super::layout::status_badge(v, &format!("finance-{kind}-status-{status}"), status)
}
