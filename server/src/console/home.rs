//! The home page: who you are, your roles (staff of which companies, alumnus of which), and
//! links to what later issues add. Anonymous visitors go to the log-in page.
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use serde_json::{Value, json};

use super::layout::{csrf_field, notice, page};
use super::session::Visitor;
use super::{error_page, run};
use crate::http::AppState;

const VIEWER: &str = "query ConsoleHome { viewer { displayName email emailVerified createdAt \
     memberships { role company { id name } } alumniOf { id name } } }";
const RESEND: &str = "mutation ConsoleResendVerification { requestEmailVerification }";

pub const DOCUMENTS: &[&str] = &[VIEWER, RESEND];

#[derive(Deserialize, Default)]
pub struct HomeQuery {
    welcome: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    v: Visitor,
    Query(q): Query<HomeQuery>,
) -> Response {
    let notice_text = q.welcome.is_some().then_some("welcome");
    render(&state, &v, notice_text).await
}

async fn render(state: &AppState, v: &Visitor, flash: Option<&str>) -> Response {
    if v.access.is_none() {
        return crate::console::log_in_first(v);
    }
    let data = match run(state, v, VIEWER, json!({})).await {
        Ok(data) => data,
        Err(err) => return error_page(v, &err),
    };
    let me = &data["viewer"];
    if me.is_null() {
        return Redirect::to("/login").into_response();
    }
    let text = |value: &Value| value.as_str().unwrap_or_default().to_string();
    let email = text(&me["email"]);
    let verified = me["emailVerified"].as_bool().unwrap_or(false);
    let memberships = me["memberships"].as_array().cloned().unwrap_or_default();
    let alumni_of = me["alumniOf"].as_array().cloned().unwrap_or_default();
    let flash = match flash {
        Some("welcome") => Some(v.t1("signed-up-check-mail", "email", &email)),
        Some("sent") => Some(v.t("home-verification-sent")),
        Some("verified") => Some(v.t("home-verification-not-needed")),
        _ => None,
    };
    page(
        v,
        &v.t("home-title"),
        html! {
            @if let Some(flash) = &flash { (notice(flash)) }
            p { (v.t1("home-greeting", "name", &text(&me["displayName"]))) }
            dl {
                dt { (v.t("home-email")) }
                dd { (email) }
                dt { (v.t("home-email-status")) }
                dd { (if verified { v.t("home-email-verified") } else { v.t("home-email-unverified") }) }
                dt { (v.t("home-member-since")) }
                dd { (v.time(&me["createdAt"])) }
            }
            @if !verified {
                // With htmx the answer replaces this block in place; without, it is a new page.
                div id="verification" {
                    form method="post" action="/verification-mail"
                        hx-post="/verification-mail" hx-target="#verification" hx-swap="outerHTML" {
                        (csrf_field(v))
                        button type="submit" { (v.t("home-resend-verification")) }
                    }
                }
            }
            h2 { (v.t("home-roles")) }
            h3 { (v.t("home-staff-of")) }
            @if memberships.is_empty() {
                p { (v.t("home-no-staff")) }
            } @else {
                ul {
                    @for m in &memberships {
                        li {
                            a href=(format!("/companies/{}", text(&m["company"]["id"]))) { (text(&m["company"]["name"])) }
                            " — " (v.t(&format!("role-{}", text(&m["role"]))))
                        }
                    }
                }
            }
            p { a href="/companies/new" { (v.t("company-new-title")) } }
            h3 { (v.t("home-alumni-of")) }
            @if alumni_of.is_empty() {
                p { (v.t("home-no-alumni")) }
            } @else {
                ul { @for c in &alumni_of { li { (text(&c["name"])) } } }
            }
            h2 { (v.t("home-next")) }
            ul {
                li { a href="/projects" { (v.t("home-next-projects")) } }
                li { a href="/contracts" { (v.t("home-next-contracts")) } }
                @if memberships.iter().any(|m| matches!(m["role"].as_str(), Some("FINANCE" | "ADMIN"))) {
                    li { a href="/finance" { (v.t("home-next-finance")) } }
                }
                @if !alumni_of.is_empty() {
                    // A link, not the action: `/work` starts the onboarding with a POST.
                    li { a href="/work" { (v.t("home-next-payouts")) } }
                }
            }
            (time_zone_form(v))
        },
    )
    .into_response()
}

/// The zones offered on the home page (any IANA name works through `/timezone?to=`).
const TIME_ZONES: [&str; 5] = [
    "Asia/Tokyo",
    "UTC",
    "America/New_York",
    "Europe/London",
    "Asia/Singapore",
];

/// A GET form to `/timezone` (it changes only a display preference, like the language link).
fn time_zone_form(v: &Visitor) -> maud::Markup {
    let current = v.tz.name();
    html! {
        section class="tz-form" aria-labelledby="tz-heading" {
            h2 id="tz-heading" { (v.t("home-time-zone")) }
            form method="get" action="/timezone" class="row" {
                input type="hidden" name="back" value="/";
                label { (v.t("home-time-zone-intro"))
                    select name="to" {
                        @for zone in TIME_ZONES {
                            option value=(zone) selected[zone == current] {
                                (v.t(&format!("tz-{}", zone.replace('/', "-"))))
                            }
                        }
                    }
                }
                button type="submit" class="secondary" { (v.t("home-time-zone-submit")) }
            }
        }
    }
}

/// Mails the verification link again (`requestEmailVerification`). An htmx request gets only
/// the notice that replaces the button; a plain form post the whole home page.
pub async fn resend_verification(
    State(state): State<AppState>,
    v: Visitor,
    headers: HeaderMap,
) -> Response {
    let flash = match run(&state, &v, RESEND, json!({})).await {
        Ok(data) if data["requestEmailVerification"].as_bool() == Some(true) => "sent",
        Ok(_) => "verified",
        Err(err) => return error_page(&v, &err),
    };
    if headers.contains_key("hx-request") {
        let text = match flash {
            "sent" => v.t("home-verification-sent"),
            _ => v.t("home-verification-not-needed"),
        };
        return html! { div id="verification" { (notice(&text)) } }.into_response();
    }
    render(&state, &v, Some(flash)).await
}
