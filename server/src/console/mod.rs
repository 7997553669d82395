//! The web console: server-rendered pages at `/` for the people who do not write GraphQL.
//! Every page runs a GraphQL document against the in-process schema as its viewer
//! ([`run`], through `http::execute`), so the console can do nothing the API would refuse.
//!
//! - `auth`: sign up, log in, log out, verify email, reset password; `payouts`: Stripe's
//!   onboarding return pages; `home`: who you are.
//! - `session`: the cookies (session, CSRF, language) and the CSRF check every form POST passes.
//! - `layout`, `i18n`, `assets`, `headers`: the frame, the languages, htmx and CSS, the
//!   security headers of every console response.
pub(crate) mod assets;
mod auth;
mod bank;
mod company;
mod directory;
mod engagements;
mod events;
pub(crate) mod finance;
pub mod format;
pub(crate) mod headers;
mod home;
pub mod i18n;
mod layout;
mod marketplace;
mod news_rehire;
mod notifications;
mod payouts;
mod session;
pub mod values;

use axum::Router;
use axum::http::StatusCode;
use axum::middleware;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde_json::Value;

use crate::graphql::normalise_errors;
use crate::http::{AppState, Caller, execute};
use session::Visitor;
pub use session::{Settings, session_cookie};

pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/verification-mail", post(home::resend_verification))
        .route("/login", get(auth::log_in_form).post(auth::log_in))
        .route("/signup", get(auth::sign_up_form).post(auth::sign_up))
        .route("/logout", post(auth::log_out))
        .route(
            "/verify-email",
            get(auth::verify_email_form).post(auth::verify_email),
        )
        .route(
            "/forgot-password",
            get(auth::forgot_form).post(auth::forgot),
        )
        .route("/reset-password", get(auth::reset_form).post(auth::reset))
        .route("/payouts/onboarding/done", get(payouts::done))
        .route("/payouts/onboarding/refresh", get(payouts::refresh))
        .route("/language", get(session::switch_language))
        .route("/timezone", get(session::switch_time_zone))
        .merge(marketplace::routes())
        .merge(engagements::routes())
        .merge(finance::routes())
        .merge(bank::routes())
        .merge(company::routes())
        .merge(directory::routes())
        .merge(events::routes())
        .merge(news_rehire::routes())
        .merge(notifications::routes())
        .route("/assets/{name}", get(assets::serve))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), session::csrf))
        .layer(middleware::from_fn(headers::console))
}

/// A refusal from the API: its code and message, shown next to the form that caused it.
#[derive(Debug)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

impl ApiError {
    fn internal() -> Self {
        Self {
            code: "INTERNAL_SERVER_ERROR".into(),
            message: String::new(),
        }
    }

    /// The server's own failure (or its time limit), not a refusal of the input.
    pub fn is_internal(&self) -> bool {
        matches!(self.code.as_str(), "INTERNAL_SERVER_ERROR" | "TIMEOUT")
    }

    /// The status of a page showing this refusal next to its form: 400, 429 when
    /// rate-limited, 500 for the server's own failures.
    pub fn status(&self) -> StatusCode {
        match self.code.as_str() {
            "RATE_LIMITED" => StatusCode::TOO_MANY_REQUESTS,
            _ if self.is_internal() => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    /// What a person may read: the API's own message, except for the server's failures,
    /// which say nothing about the server's insides.
    pub fn shown(&self, v: &Visitor) -> String {
        if self.is_internal() {
            v.t("error-internal")
        } else {
            self.message.clone()
        }
    }
}

/// Runs `query` with `variables` as the visitor: their session, their peer address (for the
/// per-IP rate limits). `data` when there were no errors, else the first error.
pub async fn run(
    state: &AppState,
    v: &Visitor,
    query: &str,
    variables: Value,
) -> Result<Value, ApiError> {
    let caller = Caller {
        access: v.access.clone(),
        token: v.session.clone(),
        peer: v.peer,
    };
    let request = async_graphql::Request::new(query)
        .variables(async_graphql::Variables::from_json(variables));
    let mut response = execute(state, &caller, request).await;
    normalise_errors(&mut response.errors);
    if let Some(error) = response.errors.first() {
        let code = error
            .extensions
            .as_ref()
            .and_then(|ext| ext.get("code"))
            .and_then(|code| match code {
                async_graphql::Value::String(s) => Some(s.clone()),
                async_graphql::Value::Enum(e) => Some(e.to_string()),
                _ => None,
            })
            .unwrap_or_else(|| "INTERNAL_SERVER_ERROR".into());
        return Err(ApiError {
            code,
            message: error.message.clone(),
        });
    }
    serde_json::to_value(&response.data).map_err(|err| {
        tracing::error!(error = %err, "converting a console query's data");
        ApiError::internal()
    })
}

/// The page for an error that is not a form's: not found (404) for NOT_FOUND, the log-in page
/// for the anonymous, otherwise the API's message (or a plain apology for the server's own
/// failures) — never the insides.
pub fn error_page(v: &Visitor, error: &ApiError) -> Response {
    match error.code.as_str() {
        "NOT_FOUND" => not_found_page(v),
        "UNAUTHENTICATED" if v.access.is_none() => Redirect::to("/login").into_response(),
        "INTERNAL_SERVER_ERROR" | "TIMEOUT" => (
            StatusCode::INTERNAL_SERVER_ERROR,
            layout::message_page(v, &v.t("error-title"), &v.t("error-internal")),
        )
            .into_response(),
        _ => (
            StatusCode::BAD_REQUEST,
            layout::message_page(v, &v.t("error-refused"), &error.shown(v)),
        )
            .into_response(),
    }
}

/// The log-in page for an anonymous visitor, coming back here afterwards.
pub fn log_in_first(v: &Visitor) -> Response {
    if v.here == "/" {
        return Redirect::to("/login").into_response();
    }
    Redirect::to(&format!("/login?next={}", values::encode(&v.here))).into_response()
}

pub fn not_found_page(v: &Visitor) -> Response {
    (
        StatusCode::NOT_FOUND,
        layout::message_page(v, &v.t("not-found-title"), &v.t("not-found-body")),
    )
        .into_response()
}

async fn not_found(v: Visitor) -> Response {
    not_found_page(&v)
}

/// Every GraphQL document the console runs (a test validates each against the schema).
pub fn documents() -> Vec<&'static str> {
    [
        auth::DOCUMENTS,
        home::DOCUMENTS,
        payouts::DOCUMENTS,
        marketplace::DOCUMENTS,
        engagements::DOCUMENTS,
        finance::DOCUMENTS,
        company::DOCUMENTS,
        bank::DOCUMENTS,
        directory::DOCUMENTS,
        events::DOCUMENTS,
        news_rehire::DOCUMENTS,
        notifications::DOCUMENTS,
    ]
    .concat()
}

/// A path of this site to go back to after a redirect: `/…` but not `//…` (another host).
/// Browsers drop tabs and newlines from `Location` and read `\\` as `/`, so a path holding
/// any of them, or any whitespace or control character, is refused outright.
fn local_path(path: Option<&str>) -> &str {
    match path {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p
                    .chars()
                    .any(|c| c == '\\' || c.is_whitespace() || c.is_control()) =>
        {
            p
        }
        _ => "/",
    }
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_paths_of_this_site_are_followed() {
        for ok in ["/", "/home", "/payouts/onboarding/done?x=1"] {
            assert_eq!(local_path(Some(ok)), ok);
        }
        for refused in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
            "https://evil.example",
            "evil",
        ] {
            assert_eq!(local_path(Some(refused)), "/", "{refused:?}");
        }
        assert_eq!(local_path(None), "/");
    }
}
