//! The alumni directory's pages (issue 13 §1–§3): `/profile` (her profile), `/consents` (her
//! consents per company and purpose, with their wording), `/consents/{company}` ("what this
//! company holds about me" and the deletion request), `/companies/{id}/directory` (the staff's
//! search) and `/companies/{id}/peers` (fellow consenting alumni).
mod consents;
mod profile;
mod search;

use axum::Router;
use axum::routing::{get, post};
use serde_json::Value;

use crate::http::AppState;

pub const DOCUMENTS: &[&str] = &[
    profile::PROFILE,
    profile::UPDATE,
    consents::CONSENTS,
    consents::GRANT,
    consents::WITHDRAW,
    consents::HELD,
    consents::DELETE,
    search::COMPANY,
    search::DIRECTORY,
    search::PEERS,
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/profile", get(profile::show).post(profile::save))
        .route("/consents", get(consents::show).post(consents::change))
        .route("/consents/{id}", get(consents::held))
        .route("/consents/{id}/delete", post(consents::delete))
        .route("/companies/{id}/directory", get(search::directory))
        .route("/companies/{id}/peers", get(search::peers))
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or_default()
}

/// A JSON list of strings joined for a field or a cell.
fn joined(value: &Value, sep: &str) -> String {
    value
        .as_array()
        .map(|items| items.iter().map(text).collect::<Vec<_>>().join(sep))
        .unwrap_or_default()
}
