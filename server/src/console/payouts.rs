//! Stripe's onboarding return pages. `/payouts/onboarding/done` is where Stripe sends the
//! alumnus after the form; `/payouts/onboarding/refresh` is where it sends them when the link
//! expired: a fresh link from the API (`createPayoutOnboardingLink`) and a redirect to it, or
//! the API's reason. `POST /payouts/onboarding` (the button on `/work`) starts it the same way.
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde_json::json;

use super::layout::{message_page, page, refusal};
use super::run;
use super::session::Visitor;
use crate::http::AppState;

const ONBOARDING_LINK: &str =
    "mutation ConsoleOnboardingLink { createPayoutOnboardingLink { url } }";

pub const DOCUMENTS: &[&str] = &[ONBOARDING_LINK];

pub async fn done(v: Visitor) -> Response {
    message_page(
        &v,
        &v.t("onboarding-done-title"),
        &v.t("onboarding-done-body"),
    )
    .into_response()
}

/// The onboarding button on `/work`: a link from the API and a redirect to Stripe.
pub async fn start(state: State<AppState>, v: Visitor) -> Response {
    refresh(state, v).await
}

pub async fn refresh(State(state): State<AppState>, v: Visitor) -> Response {
    let title = v.t("onboarding-refresh-title");
    if v.access.is_none() {
        return crate::console::log_in_first(&v);
    }
    match run(&state, &v, ONBOARDING_LINK, json!({})).await {
        Ok(data) => match data["createPayoutOnboardingLink"]["url"].as_str() {
            Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
                Redirect::to(url).into_response()
            }
            _ => message_page(&v, &title, &v.t("onboarding-refresh-failed")).into_response(),
        },
        Err(err) => (
            err.status(),
            page(
                &v,
                &title,
                html! {
                    p { (v.t("onboarding-refresh-failed")) }
                    (refusal(&v, Some(&err)))
                    p { a href="/work" { (v.t("engagements-back-to-work")) } }
                },
            ),
        )
            .into_response(),
    }
}
