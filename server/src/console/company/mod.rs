//! The company pages an ADMIN runs: create a company, its members and roles, the alumni
//! roster (paste or upload a CSV; who has signed up), the payment settings; and the overdue
//! invoices, which its ADMIN and FINANCE staff see. Another
//! company's id, or one that does not decode, is the not-found page.
mod alumni;
mod members;
mod overdue;
mod roster;
mod settings;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::session::Visitor;
use super::{error_page, layout, not_found_page, run};
use crate::http::AppState;

pub use roster::{MAX_UPLOAD_BYTES, is_multipart, multipart_fields};

pub const DOCUMENTS: &[&str] = &[
    settings::CREATE,
    settings::SETTINGS,
    settings::SET_PROVIDER,
    settings::UPDATE_SETTINGS,
    members::MEMBERS,
    members::ADD_MEMBER,
    members::REMOVE_MEMBER,
    alumni::ROSTER,
    alumni::ADD_ALUMNI,
    alumni::REMOVE_ALUMNI,
    overdue::COMPANY,
    overdue::OVERDUE,
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/companies/new",
            get(settings::new_form).post(settings::create),
        )
        .route(
            "/companies/{id}/members",
            get(members::show).post(members::add),
        )
        .route("/companies/{id}/members/remove", post(members::remove))
        .route(
            "/companies/{id}/alumni",
            get(alumni::show).post(alumni::add),
        )
        .route("/companies/{id}/alumni/remove", post(alumni::remove))
        .route("/companies/{id}/overdue", get(overdue::show))
        .route(
            "/companies/{id}/settings",
            get(settings::show).post(settings::save),
        )
}

/// A company page's data: `query` run with `{ id }`; the not-found page when the company is
/// hidden from the visitor (null), when they are not its staff, or when the id is malformed.
async fn company_data(
    state: &AppState,
    v: &Visitor,
    query: &str,
    id: &str,
) -> Result<Value, Response> {
    if v.access.is_none() {
        return Err(crate::console::log_in_first(v));
    }
    let data = run(state, v, query, json!({ "id": id }))
        .await
        .map_err(|err| error_page(v, &err))?;
    let company = &data["company"];
    if company.is_null() || company["viewerRole"].is_null() {
        return Err(not_found_page(v));
    }
    Ok(company.clone())
}

/// For pages only an ADMIN may use: other staff read why (403).
fn admin_only(v: &Visitor, company: &Value) -> Option<Response> {
    (company["viewerRole"] != "ADMIN").then(|| {
        (
            StatusCode::FORBIDDEN,
            layout::message_page(
                v,
                &v.t("company-admin-only-title"),
                &v.t("company-admin-only"),
            ),
        )
            .into_response()
    })
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or_default()
}

/// The links between a company's pages, the current one marked; the roster and settings only
/// for its ADMINs (others get a 403 page there).
fn tabs(v: &Visitor, id: &str, current: &str) -> maud::Markup {
    use entity::states::CompanyRole;
    let key = crate::graphql::ids::decode(&async_graphql::ID(id.to_string()), "Company", "company");
    let admin = key
        .as_ref()
        .is_ok_and(|key| v.has_role(*key, &[CompanyRole::Admin]));
    let reads_overdue =
        key.is_ok_and(|key| v.has_role(key, &[CompanyRole::Admin, CompanyRole::Finance]));
    let mut items = vec![
        ("", "company-tab-dashboard"),
        ("/members", "company-tab-members"),
        ("/directory", "company-tab-directory"),
        ("/news", "nr-tab-news"),
        ("/openings", "nr-tab-openings"),
    ];
    if reads_overdue {
        items.push(("/overdue", "company-tab-overdue"));
    }
    items.push(("/events", "company-tab-events"));
    if admin {
        items.push(("/alumni", "company-tab-alumni"));
        items.push(("/settings", "company-tab-settings"));
    }
    maud::html! {
        nav aria-label=(v.t("company-tabs")) {
            ul class="company-tabs" {
                @for (suffix, label) in items {
                    li {
                        @if suffix == current {
                            a href=(format!("/companies/{id}{suffix}")) aria-current="page" { (v.t(label)) }
                        } @else {
                            a href=(format!("/companies/{id}{suffix}")) { (v.t(label)) }
                        }
                    }
                }
            }
        }
    }
}
