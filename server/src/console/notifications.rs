//! `/notifications`: her notifications, newest first (all or unread only, a page at a time),
//! each marked read on its own or all at once; `/settings/notifications`: how each kind
//! reaches her by mail (at once, in a daily digest, or not at all). The bell in the top bar
//! (`layout`) links here.
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value, json};

use super::i18n::Locale;
use super::layout::{csrf_field, notice, page, refusal};
use super::session::Visitor;
use super::values::{encode, text};
use super::{ApiError, log_in_first, run};
use crate::domain::notifications::Kind;
use crate::http::AppState;

pub const LIST: &str = "query ConsoleNotifications($after: String, $unread: Boolean!, $language: MessageLanguage!) { \
     viewer { unreadNotificationCount notifications(first: 30, after: $after, unreadOnly: $unread) { \
     pageInfo { hasNextPage endCursor } \
     edges { node { id kind message(language: $language) createdAt readAt company { name } } } } } }";
pub const MARK_READ: &str = "mutation ConsoleMarkNotificationsRead($input: MarkNotificationsReadInput!) { \
     markNotificationsRead(input: $input) { marked unreadCount } }";
pub const PREFERENCES: &str =
    "query ConsoleNotificationPreferences { viewer { notificationPreferences { kind delivery } } }";
pub const SET_PREFERENCE: &str = "mutation ConsoleSetNotificationPreference($input: SetNotificationPreferenceInput!) { \
     setNotificationPreference(input: $input) { kind delivery } }";

pub const DOCUMENTS: &[&str] = &[LIST, MARK_READ, PREFERENCES, SET_PREFERENCE];

const DELIVERIES: [&str; 3] = ["EMAIL", "DAILY_DIGEST", "OFF"];

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/notifications", get(list))
        .route("/notifications/read", post(mark_read))
        .route("/settings/notifications", get(settings).post(save_settings))
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    after: Option<String>,
    unread: Option<String>,
    marked: Option<u64>,
}

fn language(v: &Visitor) -> &'static str {
    match v.locale {
        Locale::Ja => "JA",
        Locale::En => "EN",
    }
}

/// `NEWS_POSTED` → `notification-kind-news-posted`, the same names as the mail messages.
fn kind_label(v: &Visitor, kind: &str) -> String {
    let name = Kind::from_api_name(kind).map_or("unknown", Kind::as_str);
    v.t(&format!(
        "notification-kind-{}",
        name.replace(['.', '_'], "-")
    ))
}

fn list_page(v: &Visitor, data: &Value, q: &ListQuery, error: Option<&ApiError>) -> Markup {
    let viewer = &data["viewer"];
    let unread_only = q.unread.is_some();
    let edges = viewer["notifications"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let unread = viewer["unreadNotificationCount"].as_u64().unwrap_or(0);
    let info = &viewer["notifications"]["pageInfo"];
    page(
        v,
        &v.t("notifications-title"),
        html! {
            @if let Some(marked) = q.marked {
                (notice(&v.t1("notifications-done-marked", "count", &marked.to_string())))
            }
            (refusal(v, error))
            div class="actions" {
                @if unread_only {
                    a href="/notifications" { (v.t("notifications-show-all")) }
                } @else {
                    a href="/notifications?unread=1" { (v.t("notifications-unread-only")) }
                }
                a href="/settings/notifications" { (v.t("notifications-settings-link")) }
                @if unread > 0 {
                    form method="post" action="/notifications/read" {
                        (csrf_field(v))
                        input type="hidden" name="all" value="1";
                        button type="submit" class="secondary" { (v.t("notifications-mark-all-read")) }
                    }
                }
            }
            @if edges.is_empty() {
                p { (v.t("notifications-empty")) }
            } @else {
                div class="table-wrap" {
                    table class="notifications" {
                        caption { (v.t("notifications-caption")) }
                        thead { tr {
                            th scope="col" { (v.t("notifications-col-message")) }
                            th scope="col" { (v.t("notifications-col-date")) }
                            th scope="col" { (v.t("notifications-col-status")) }
                        } }
                        tbody {
                            @for edge in &edges {
                                @let n = &edge["node"];
                                @let message = text(&n["message"]);
                                @let is_unread = n["readAt"].is_null();
                                tr class=[is_unread.then_some("unread")] {
                                    td {
                                        (message)
                                        @if let Some(company) = n["company"]["name"].as_str() {
                                            br;
                                            span class="muted" { (company) }
                                        }
                                    }
                                    td { (v.time(&n["createdAt"])) }
                                    td {
                                        @if is_unread {
                                            span class="badge warn" { (v.t("notifications-unread")) }
                                            form method="post" action="/notifications/read" class="inline" {
                                                (csrf_field(v))
                                                input type="hidden" name="id" value=(text(&n["id"]));
                                                button type="submit" class="secondary"
                                                    aria-label=(v.t1("notifications-mark-read-named", "message", &message)) {
                                                    (v.t("notifications-mark-read"))
                                                }
                                            }
                                        } @else {
                                            span class="badge" { (v.t("notifications-read")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if info["hasNextPage"] == true {
                    @let after = encode(&text(&info["endCursor"]));
                    @let unread_q = if unread_only { "&unread=1" } else { "" };
                    p { a href=(format!("/notifications?after={after}{unread_q}")) { (v.t("notifications-more")) } }
                }
            }
        },
    )
}

async fn load_list(state: &AppState, v: &Visitor, q: &ListQuery) -> Result<Value, ApiError> {
    run(
        state,
        v,
        LIST,
        json!({ "after": q.after, "unread": q.unread.is_some(), "language": language(v) }),
    )
    .await
}

pub async fn list(
    State(state): State<AppState>,
    v: Visitor,
    Query(q): Query<ListQuery>,
) -> Response {
    if v.access.is_none() {
        return log_in_first(&v);
    }
    match load_list(&state, &v, &q).await {
        Ok(data) => list_page(&v, &data, &q, None).into_response(),
        Err(err) => super::error_page(&v, &err),
    }
}

#[derive(Deserialize)]
pub struct MarkForm {
    id: Option<String>,
    all: Option<String>,
}

pub async fn mark_read(
    State(state): State<AppState>,
    v: Visitor,
    Form(f): Form<MarkForm>,
) -> Response {
    if v.access.is_none() {
        return log_in_first(&v);
    }
    let input = if f.all.is_some() {
        json!({ "input": { "all": true } })
    } else {
        json!({ "input": { "ids": f.id.into_iter().collect::<Vec<_>>() } })
    };
    match run(&state, &v, MARK_READ, input).await {
        Ok(data) => {
            let marked = data["markNotificationsRead"]["marked"]
                .as_u64()
                .unwrap_or(0);
            Redirect::to(&format!("/notifications?marked={marked}")).into_response()
        }
        Err(err) => {
            let q = ListQuery::default();
            match load_list(&state, &v, &q).await {
                Ok(data) => (err.status(), list_page(&v, &data, &q, Some(&err))).into_response(),
                Err(again) => super::error_page(&v, &again),
            }
        }
    }
}

fn settings_page(
    v: &Visitor,
    chosen: &[(String, String)],
    saved: bool,
    error: Option<&ApiError>,
) -> Markup {
    page(
        v,
        &v.t("notification-settings-title"),
        html! {
            @if saved {
                (notice(&v.t("notification-settings-done")))
            }
            p { (v.t("notification-settings-intro")) }
            (refusal(v, error))
            form method="post" action="/settings/notifications" class="stack" {
                (csrf_field(v))
                div class="table-wrap" {
                    table class="notification-settings" {
                        caption { (v.t("notification-settings-caption")) }
                        thead { tr {
                            th scope="col" { (v.t("notification-settings-col-kind")) }
                            th scope="col" { (v.t("notification-settings-col-delivery")) }
                        } }
                        tbody {
                            @for (kind, delivery) in chosen {
                                @let label = kind_label(v, kind);
                                tr {
                                    th scope="row" { (label) }
                                    td {
                                        select name=(kind) aria-label=(label) {
                                            @for d in DELIVERIES {
                                                option value=(d) selected[d == delivery] {
                                                    (v.t(&format!("notification-delivery-{}", d.to_lowercase().replace('_', "-"))))
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                div { button type="submit" { (v.t("notification-settings-save")) } }
            }
            p { a href="/notifications" { (v.t("notifications-title")) } }
        },
    )
}

async fn current(state: &AppState, v: &Visitor) -> Result<Vec<(String, String)>, ApiError> {
    let data = run(state, v, PREFERENCES, json!({})).await?;
    Ok(data["viewer"]["notificationPreferences"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|p| (text(&p["kind"]), text(&p["delivery"])))
        .collect())
}

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    done: Option<String>,
}

pub async fn settings(
    State(state): State<AppState>,
    v: Visitor,
    Query(q): Query<SavedQuery>,
) -> Response {
    if v.access.is_none() {
        return log_in_first(&v);
    }
    match current(&state, &v).await {
        Ok(chosen) => settings_page(&v, &chosen, q.done.is_some(), None).into_response(),
        Err(err) => super::error_page(&v, &err),
    }
}

/// Saves the kinds whose choice changed, one `setNotificationPreference` each; a refusal shows
/// the form again with what she chose.
pub async fn save_settings(
    State(state): State<AppState>,
    v: Visitor,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    if v.access.is_none() {
        return log_in_first(&v);
    }
    let before = match current(&state, &v).await {
        Ok(before) => before,
        Err(err) => return super::error_page(&v, &err),
    };
    let mut chosen = before.clone();
    for (kind, delivery) in chosen.iter_mut() {
        if let Some((_, wanted)) = form.iter().find(|(k, _)| k == kind) {
            delivery.clone_from(wanted);
        }
    }
    for ((kind, wanted), (_, was)) in chosen.iter().zip(&before) {
        if wanted == was {
            continue;
        }
        let input = json!({ "input": { "kind": kind, "delivery": wanted } });
        if let Err(err) = run(&state, &v, SET_PREFERENCE, input).await {
            return (err.status(), settings_page(&v, &chosen, false, Some(&err))).into_response();
        }
    }
    Redirect::to("/settings/notifications?done=saved").into_response()
}
