//! The marketplace pages (issue 11): browsing projects, the project page with its bid form,
//! publishing and editing projects, comparing bids, the alumna's bids, and the company
//! dashboards. One file per page group; this one holds the routes and what they share.
mod bids;
mod browse;
mod companies;
mod project;

use super::values::{encode, text};
use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use maud::Markup;
use serde_json::Value;

use super::ApiError;
use super::session::Visitor;
use crate::http::AppState;

pub const DOCUMENTS: &[&str] = &[
    browse::PROJECTS,
    project::PROJECT,
    project::COMPANY_FOR_NEW,
    project::PUBLISH,
    project::UPDATE,
    project::CLOSE,
    bids::PLACE,
    bids::WITHDRAW,
    bids::PROJECT_BIDS,
    bids::ACCEPT,
    bids::REJECT,
    bids::MY_BIDS,
    companies::MINE,
    companies::DASHBOARD,
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects", get(browse::show))
        .route(
            "/projects/new",
            get(project::new_form).post(project::publish),
        )
        .route("/projects/{id}", get(project::show))
        .route(
            "/projects/{id}/edit",
            get(project::edit_form).post(project::update),
        )
        .route("/projects/{id}/close", post(project::close))
        .route("/projects/{id}/bids", get(bids::compare).post(bids::place))
        .route("/bids", get(bids::mine))
        .route("/bids/{id}/withdraw", post(bids::withdraw))
        .route("/bids/{id}/accept", post(bids::accept))
        .route("/bids/{id}/reject", post(bids::reject))
        .route("/companies", get(companies::mine))
        .route("/companies/{id}", get(companies::dashboard))
}

/// The project categories, in the order the forms offer them.
const CATEGORIES: &[&str] = &[
    "DATA_ANALYSIS",
    "MARKETING",
    "ENGINEERING",
    "DESIGN",
    "WRITING",
    "CONSULTING",
    "TRANSLATION",
    "LECTURE",
    "OTHER",
];

/// The currencies the project form offers (the API accepts a few more).
const CURRENCIES: &[&str] = &["JPY", "USD", "EUR", "GBP"];

fn list(value: &Value) -> Vec<Value> {
    value.as_array().cloned().unwrap_or_default()
}

/// A status as a badge: its own word (never colour alone) and a class for its tone.
fn status_badge(v: &Visitor, kind: &str, status: &str) -> Markup {
    super::layout::status_badge(v, &format!("marketplace-{kind}-status-{status}"), status)
}

/// A form re-rendered with the API's refusal: 400 (429 when rate-limited), input kept.
fn refused(err: &ApiError, form: Markup) -> Response {
    (err.status(), form).into_response()
}

/// The refusals a page shows as "not found": another tenant's object, or one the viewer's
/// role does not open.
fn hidden(err: &ApiError) -> bool {
    matches!(err.code.as_str(), "NOT_FOUND" | "FORBIDDEN")
}
