//! Signing in: sign up, log in, log out, verify email (`/verify-email?token=`, the mailed
//! link, confirmed by a button), forgot/reset password (`/reset-password?token=`). Each runs
//! the API's mutation; a refusal re-renders the form with the API's message and the input kept (never a password).
use axum::Form;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;

use super::layout::{csrf_field, message_page, notice, page, refusal};
use super::session::Visitor;
use super::{ApiError, error_page, local_path, run};
use crate::http::AppState;

const LOG_IN: &str =
    "mutation ConsoleLogIn($input: LogInInput!) { logIn(input: $input) { token } }";
const SIGN_UP: &str = "mutation ConsoleSignUp($input: SignUpInput!) { signUp(input: $input) { token user { email } } }";
const LOG_OUT: &str = "mutation ConsoleLogOut { logOut }";
const VERIFY_EMAIL: &str =
    "mutation ConsoleVerifyEmail($token: String!) { verifyEmail(token: $token) { email } }";
const REQUEST_RESET: &str =
    "mutation ConsoleRequestReset($email: String!) { requestPasswordReset(email: $email) }";
const RESET: &str =
    "mutation ConsoleReset($input: ResetPasswordInput!) { resetPassword(input: $input) }";

/// Every document this module runs, for the test that validates them against the schema.
pub const DOCUMENTS: &[&str] = &[LOG_IN, SIGN_UP, LOG_OUT, VERIFY_EMAIL, REQUEST_RESET, RESET];

#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct LogInForm {
    email: String,
    password: String,
    next: Option<String>,
}

fn log_in_page(v: &Visitor, email: &str, next: Option<&str>, error: Option<&ApiError>) -> Markup {
    page(
        v,
        &v.t("log-in-title"),
        html! {
            (refusal(v, error))
            form method="post" action="/login" class="stack" {
                (csrf_field(v))
                @if let Some(next) = next { input type="hidden" name="next" value=(next); }
                label { (v.t("field-email"))
                    input type="email" name="email" value=(email) required autocomplete="username"; }
                label { (v.t("field-password"))
                    input type="password" name="password" required autocomplete="current-password"; }
                button type="submit" { (v.t("log-in-submit")) }
            }
            p { a href="/forgot-password" { (v.t("forgot-password-link")) } }
            p { (v.t("no-account")) " " a href="/signup" { (v.t("nav-sign-up")) } }
        },
    )
}

pub async fn log_in_form(v: Visitor, Query(q): Query<NextQuery>) -> Response {
    if v.access.is_some() {
        return Redirect::to("/").into_response();
    }
    log_in_page(&v, "", q.next.as_deref(), None).into_response()
}

pub async fn log_in(
    State(state): State<AppState>,
    v: Visitor,
    Form(f): Form<LogInForm>,
) -> Response {
    let input = json!({ "input": { "email": f.email, "password": f.password } });
    match run(&state, &v, LOG_IN, input).await {
        Ok(data) => match data["logIn"]["token"].as_str() {
            Some(token) => signed_in(&v, token, local_path(f.next.as_deref())),
            None => error_page(&v, &ApiError::internal()),
        },
        Err(err) => refused(
            &err,
            log_in_page(&v, &f.email, f.next.as_deref(), Some(&err)),
        ),
    }
}

/// A form re-rendered with the API's refusal: 400 (or 429 when rate-limited), input kept.
fn refused(err: &ApiError, form: Markup) -> Response {
    (err.status(), form).into_response()
}

fn signed_in(v: &Visitor, token: &str, to: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, v.settings.session_cookie(token));
    response
}

#[derive(Deserialize)]
pub struct SignUpForm {
    display_name: String,
    email: String,
    password: String,
}

fn sign_up_page(v: &Visitor, name: &str, email: &str, error: Option<&ApiError>) -> Markup {
    page(
        v,
        &v.t("sign-up-title"),
        html! {
            (refusal(v, error))
            form method="post" action="/signup" class="stack" {
                (csrf_field(v))
                label { (v.t("field-display-name"))
                    input type="text" name="display_name" value=(name) required autocomplete="name"; }
                label { (v.t("field-email"))
                    input type="email" name="email" value=(email) required autocomplete="email"; }
                label { (v.t("field-password"))
                    span class="hint" id="password-hint" { (v.t("password-hint")) }
                    input type="password" name="password" required minlength="12"
                        autocomplete="new-password" aria-describedby="password-hint"; }
                button type="submit" { (v.t("sign-up-submit")) }
            }
            p { (v.t("have-account")) " " a href="/login" { (v.t("nav-log-in")) } }
        },
    )
}

pub async fn sign_up_form(v: Visitor) -> Response {
    if v.access.is_some() {
        return Redirect::to("/").into_response();
    }
    sign_up_page(&v, "", "", None).into_response()
}

pub async fn sign_up(
    State(state): State<AppState>,
    v: Visitor,
    Form(f): Form<SignUpForm>,
) -> Response {
    let input = json!({ "input": {
        "displayName": f.display_name, "email": f.email, "password": f.password } });
    match run(&state, &v, SIGN_UP, input).await {
        Ok(data) => match data["signUp"]["token"].as_str() {
            Some(token) => signed_in(&v, token, "/?welcome=1"),
            None => error_page(&v, &ApiError::internal()),
        },
        Err(err) => refused(
            &err,
            sign_up_page(&v, &f.display_name, &f.email, Some(&err)),
        ),
    }
}

/// Ends this session through the API (`logOut`), then forgets the cookie either way.
pub async fn log_out(State(state): State<AppState>, v: Visitor) -> Response {
    if v.session.is_some()
        && let Err(err) = run(&state, &v, LOG_OUT, json!({})).await
    {
        // An expired session has nothing left to end.
        tracing::info!(code = %err.code, "console logOut refused");
    }
    let mut response = Redirect::to("/login").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, v.settings.clear_session_cookie());
    response
}

#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// `GET /verify-email?token=`: the link in the verification mail. It only shows a button that
/// posts the token: mail scanners and link previews fetch links, and must not use it up.
pub async fn verify_email_form(v: Visitor, Query(q): Query<TokenQuery>) -> Response {
    let title = v.t("verify-title");
    let Some(token) = q.token.filter(|t| !t.is_empty()) else {
        return (
            axum::http::StatusCode::BAD_REQUEST,
            message_page(&v, &title, &v.t("verify-missing-token")),
        )
            .into_response();
    };
    page(
        &v,
        &title,
        html! {
            p { (v.t("verify-confirm-intro")) }
            form method="post" action="/verify-email" class="stack" {
                (csrf_field(&v))
                input type="hidden" name="token" value=(token);
                button type="submit" { (v.t("verify-confirm-submit")) }
            }
        },
    )
    .into_response()
}

#[derive(Deserialize)]
pub struct VerifyForm {
    token: String,
}

/// `POST /verify-email`: redeems the token. Anyone holding the link may use it once (the
/// API's rule); no session is needed.
pub async fn verify_email(
    State(state): State<AppState>,
    v: Visitor,
    Form(f): Form<VerifyForm>,
) -> Response {
    let title = v.t("verify-title");
    if f.token.is_empty() {
        return (
            axum::http::StatusCode::BAD_REQUEST,
            message_page(&v, &title, &v.t("verify-missing-token")),
        )
            .into_response();
    }
    match run(&state, &v, VERIFY_EMAIL, json!({ "token": f.token })).await {
        Ok(data) => {
            let email = data["verifyEmail"]["email"].as_str().unwrap_or_default();
            message_page(&v, &title, &v.t1("verify-done", "email", email)).into_response()
        }
        Err(err) if err.code == "INTERNAL_SERVER_ERROR" => error_page(&v, &err),
        Err(err) => (
            axum::http::StatusCode::BAD_REQUEST,
            page(
                &v,
                &title,
                html! {
                    p { (v.t("verify-failed")) }
                    (refusal(&v, Some(&err)))
                    p { a href="/" { (v.t("continue-home")) } }
                },
            ),
        )
            .into_response(),
    }
}

#[derive(Deserialize)]
pub struct ForgotForm {
    email: String,
}

fn forgot_page(v: &Visitor, email: &str, done: bool, error: Option<&ApiError>) -> Markup {
    page(
        v,
        &v.t("forgot-title"),
        html! {
            @if done {
                (notice(&v.t("forgot-sent")))
            } @else {
                p { (v.t("forgot-intro")) }
            }
            (refusal(v, error))
            form method="post" action="/forgot-password" class="stack" {
                (csrf_field(v))
                label { (v.t("field-email"))
                    input type="email" name="email" value=(email) required autocomplete="email"; }
                button type="submit" { (v.t("forgot-submit")) }
            }
            p { a href="/login" { (v.t("nav-log-in")) } }
        },
    )
}

pub async fn forgot_form(v: Visitor) -> Response {
    forgot_page(&v, "", false, None).into_response()
}

pub async fn forgot(
    State(state): State<AppState>,
    v: Visitor,
    Form(f): Form<ForgotForm>,
) -> Response {
    match run(&state, &v, REQUEST_RESET, json!({ "email": f.email })).await {
        Ok(_) => forgot_page(&v, &f.email, true, None).into_response(),
        Err(err) => refused(&err, forgot_page(&v, &f.email, false, Some(&err))),
    }
}

#[derive(Deserialize)]
pub struct ResetForm {
    token: String,
    new_password: String,
}

fn reset_page(v: &Visitor, token: &str, error: Option<&ApiError>) -> Markup {
    page(
        v,
        &v.t("reset-title"),
        html! {
            (refusal(v, error))
            form method="post" action="/reset-password" class="stack" {
                (csrf_field(v))
                input type="hidden" name="token" value=(token);
                label { (v.t("field-new-password"))
                    span class="hint" id="password-hint" { (v.t("password-hint")) }
                    input type="password" name="new_password" required minlength="12"
                        autocomplete="new-password" aria-describedby="password-hint"; }
                button type="submit" { (v.t("reset-submit")) }
            }
        },
    )
}

/// `GET /reset-password?token=`: the link in the reset mail; the code stays in the form.
pub async fn reset_form(v: Visitor, Query(q): Query<TokenQuery>) -> Response {
    match q.token.filter(|t| !t.is_empty()) {
        Some(token) => reset_page(&v, &token, None).into_response(),
        None => (
            axum::http::StatusCode::BAD_REQUEST,
            message_page(&v, &v.t("reset-title"), &v.t("reset-missing-token")),
        )
            .into_response(),
    }
}

/// Sets the new password; the API ends every session, so the console's cookie goes too.
pub async fn reset(
    State(state): State<AppState>,
    v: Visitor,
    Form(f): Form<ResetForm>,
) -> Response {
    let input = json!({ "input": { "token": f.token, "newPassword": f.new_password } });
    match run(&state, &v, RESET, input).await {
        Ok(_) => (
            [(header::SET_COOKIE, v.settings.clear_session_cookie())],
            page(
                &v,
                &v.t("reset-title"),
                html! {
                    (notice(&v.t("reset-done")))
                    p { a href="/login" { (v.t("nav-log-in")) } }
                },
            ),
        )
            .into_response(),
        Err(err) => refused(&err, reset_page(&v, &f.token, Some(&err))),
    }
}
