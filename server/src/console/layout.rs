//! The frame of every page: language, top bar (home, language switch, log out), one `main`.
//! htmx is configured by a meta tag (no inline script, which the CSP forbids) and told not to
//! inject its indicator styles (no inline style either).
use crate::console::values::encode;
use entity::states::CompanyRole;
use maud::{DOCTYPE, Markup, html};

use super::ApiError;
use super::assets;
use super::i18n::Locale;
use super::session::{CSRF_FIELD, Visitor};

pub fn page(v: &Visitor, title: &str, content: Markup) -> Markup {
    let app = v.t("app-name");
    html! {
        (DOCTYPE)
        html lang=(v.locale.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="htmx-config" content=r#"{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}"#;
                title { (title) " | " (app) }
                link rel="stylesheet" href=(assets::css_path());
                script src=(assets::HTMX_PATH) defer {}
            }
            body {
                a class="skip" href="#main" { (v.t("skip-to-content")) }
                header class="topbar" {
                    a class="brand" href="/" { (app) }
                    nav aria-label=(v.t("language-label")) class="lang" {
                        @for locale in Locale::ALL {
                            @if locale == v.locale {
                                span aria-current="true" lang=(locale.tag()) { (v.t(&format!("language-{}", locale.tag()))) }
                            } @else {
                                a lang=(locale.tag()) hreflang=(locale.tag())
                                  href=(format!("/language?to={}&back={}", locale.tag(), encode(&v.here))) {
                                    (v.t(&format!("language-{}", locale.tag())))
                                }
                            }
                        }
                    }
                    @if let Some(unread) = v.unread_notifications {
                        (bell(v, unread))
                    }
                    @if v.access.is_some() {
                        form method="post" action="/logout" class="logout" {
                            (csrf_field(v))
                            button type="submit" { (v.t("log-out")) }
                        }
                    } @else {
                        nav aria-label=(v.t("nav-log-in")) class="auth" {
                            a href="/login" { (v.t("nav-log-in")) }
                            a href="/signup" { (v.t("nav-sign-up")) }
                        }
                    }
                }
                (roles_nav(v))
                main id="main" {
                    h1 { (title) }
                    (content)
                }
            }
        }
    }
}

/// The link to the notifications, naming how many are unread (the count shown, the words
/// for screen readers).
fn bell(v: &Visitor, unread: u64) -> Markup {
    html! {
        a class="bell" href="/notifications" {
            (v.t("notifications-bell"))
            @if unread > 0 {
                span class="visually-hidden" { (v.t1("notifications-bell-count", "count", &unread.to_string())) }
                span class="count" aria-hidden="true" { (unread) }
            }
        }
    }
}

/// The areas the visitor's roles open, from their access (no query): projects for everyone
/// signed in, their work for alumni, the company pages for staff, the finance queue for
/// FINANCE and ADMIN.
fn roles_nav(v: &Visitor) -> Markup {
    let Some(access) = &v.access else {
        return html! {};
    };
    let staff = !access.staff.is_empty();
    let finance = access
        .staff
        .values()
        .any(|role| matches!(role, CompanyRole::Finance | CompanyRole::Admin));
    let mut items = vec![("/projects", "nav-projects")];
    if !access.alumni_of.is_empty() {
        items.push(("/work", "nav-work"));
        items.push(("/consents", "nav-consents"));
        items.push(("/events", "nav-events"));
        items.push(("/news", "nr-nav-news"));
        items.push(("/openings", "nr-nav-openings"));
    }
    items.push(("/profile", "nav-profile"));
    if staff {
        items.push(("/companies", "nav-companies"));
    }
    if finance {
        items.push(("/finance", "nav-finance"));
    }
    let current = |path: &str| {
        let here = v.here.split('?').next().unwrap_or_default();
        here == path || here.starts_with(&format!("{path}/"))
    };
    html! {
        nav aria-label=(v.t("nav-areas")) {
            ul class="roles" {
                @for (path, id) in items {
                    li {
                        @if current(path) {
                            a href=(path) aria-current="page" { (v.t(id)) }
                        } @else {
                            a href=(path) { (v.t(id)) }
                        }
                    }
                }
            }
        }
    }
}

pub fn csrf_field(v: &Visitor) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(v.csrf); }
}

/// A page that only says something, with a link home.
pub fn message_page(v: &Visitor, title: &str, message: &str) -> Markup {
    page(
        v,
        title,
        html! {
            p { (message) }
            p { a href="/" { (v.t("continue-home")) } }
        },
    )
}

/// The API's refusal next to a form, announced to screen readers: a sentence in the visitor's
/// language chosen by the error's code, then the API's own reason (in English, marked so).
pub fn refusal(v: &Visitor, error: Option<&ApiError>) -> Markup {
    let Some(error) = error else {
        return html! {};
    };
    let lead = match error.code.as_str() {
        code @ ("BAD_USER_INPUT" | "CONFLICT" | "FORBIDDEN" | "NOT_FOUND" | "RATE_LIMITED"
        | "UNAUTHENTICATED") => v.t(&format!("refused-{code}")),
        _ => v.t("error-refused"),
    };
    let internal = error.is_internal();
    html! {
        div class="error" role="alert" {
            @if internal {
                p { (v.t("error-internal")) }
            } @else {
                p { strong { (lead) } }
                p lang="en" class="detail" { (error.message) }
            }
        }
    }
}

/// A status in words (never colour alone) as a badge, its tone from one table for every area:
/// done or open is good, waiting on someone is warn, ended without success is bad.
pub fn status_badge(v: &Visitor, message_id: &str, status: &str) -> Markup {
    let tone = match status {
        "ACCEPTED" | "APPROVED" | "AWARDED" | "COMPLETED" | "FUNDED" | "OPEN" | "PAID" => "good",
        "CHANGES_REQUESTED" | "PENDING" | "PROCESSING" | "SUBMITTED" | "UNFUNDED" => "warn",
        "CANCELLED" | "CLOSED" | "FAILED" | "REJECTED" | "WITHDRAWN" => "bad",
        _ => "",
    };
    html! { span class=(format!("badge {tone}")) { (v.t(message_id)) } }
}

/// A notice after a successful action.
pub fn notice(message: &str) -> Markup {
    html! { p class="notice" role="status" { (message) } }
}
