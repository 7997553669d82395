//! The console's cookies and who is asking.
//!
//! - `boomerang_session`: the same session token the API's `logIn`/`signUp` return (HttpOnly,
//!   SameSite=Lax, Path=/, Secure in production; as long as the session lives).
//! - `boomerang_csrf`: a random value; every form POST must carry
//!   `csrf = HMAC-SHA256(key, cookie value, session token)` (a signed double-submit token), or
//!   it is refused with a 403 page before any handler runs. The key is `BOOMERANG_SECRET`, or a
//!   random one per process when unset (then forms rendered by one replica fail on another).
//! - `boomerang_lang`: the language the visitor chose with the switch (a year).
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono_tz::Tz;
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::Deserialize;
use sha2::Sha256;

use super::format;
use super::i18n::Locale;
use super::layout;
use crate::domain::access::Access;
use crate::domain::sessions::SESSION_DAYS;
use crate::http::{AppState, authenticate};
use entity::states::CompanyRole;

pub const SESSION_COOKIE: &str = "boomerang_session";
pub const CSRF_COOKIE: &str = "boomerang_csrf";
pub const LANG_COOKIE: &str = "boomerang_lang";
/// The time zone the visitor chose (IANA name); Asia/Tokyo without it.
pub const TZ_COOKIE: &str = "boomerang_tz";
/// The form field that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf";
/// Console form bodies larger than this are refused (413) before they are parsed.
pub const MAX_FORM_BYTES: usize = 64 * 1024;

/// What the console needs besides the API: the CSRF key and whether cookies are `Secure`.
#[derive(Clone)]
pub struct Settings {
    key: Arc<[u8; 32]>,
    pub production: bool,
    /// `STRIPE_PUBLISHABLE_KEY`, for the funding page's Stripe.js.
    pub stripe_publishable_key: Option<String>,
}

impl Settings {
    /// `secret` is `BOOMERANG_SECRET`; without it a random key for this process.
    pub fn new(secret: Option<&str>, production: bool) -> Self {
        let mut key = [0u8; 32];
        match secret {
            Some(secret) => {
                use sha2::Digest;
                key.copy_from_slice(&Sha256::digest(secret.as_bytes()));
            }
            None => rand::rng().fill_bytes(&mut key),
        }
        Self {
            key: Arc::new(key),
            production,
            stripe_publishable_key: None,
        }
    }

    pub fn with_stripe_publishable_key(mut self, key: Option<String>) -> Self {
        self.stripe_publishable_key = key.filter(|k| !k.trim().is_empty());
        self
    }

    fn mac(&self, csrf_cookie: &str, session: Option<&str>) -> Hmac<Sha256> {
        // A 32-byte key is always a valid HMAC key.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.key.as_slice())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(b"boomerang console csrf\0");
        mac.update(csrf_cookie.as_bytes());
        mac.update(b"\0");
        mac.update(session.unwrap_or_default().as_bytes());
        mac
    }

    pub fn csrf_token(&self, csrf_cookie: &str, session: Option<&str>) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(csrf_cookie, session).finalize().into_bytes())
    }

    fn csrf_valid(&self, csrf_cookie: &str, session: Option<&str>, token: &str) -> bool {
        let Ok(sent) = URL_SAFE_NO_PAD.decode(token) else {
            return false;
        };
        self.mac(csrf_cookie, session).verify_slice(&sent).is_ok()
    }

    /// A `Set-Cookie` value with the flags every console cookie has.
    pub fn cookie(&self, name: &str, value: &str, max_age_secs: Option<i64>) -> HeaderValue {
        let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
        if let Some(age) = max_age_secs {
            cookie.push_str(&format!("; Max-Age={age}"));
        }
        if self.production {
            cookie.push_str("; Secure");
        }
        HeaderValue::from_str(&cookie)
            .unwrap_or_else(|_| HeaderValue::from_static("boomerang_invalid=; Path=/"))
    }

    pub fn session_cookie(&self, token: &str) -> HeaderValue {
        self.cookie(SESSION_COOKIE, token, Some(SESSION_DAYS * 24 * 3600))
    }

    pub fn clear_session_cookie(&self) -> HeaderValue {
        self.cookie(SESSION_COOKIE, "", Some(0))
    }
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty())
}

/// The console's session token in a request's cookies (see `http::caller_token` for when
/// `/graphql` honours it).
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    cookie(headers, SESSION_COOKIE).map(str::to_string)
}

/// The CSRF cookie value of this request: the one sent, or the one the `csrf` middleware just
/// made (and sets on the response).
#[derive(Clone)]
struct CsrfCookie(String);

/// Who is asking: their language, session (checked against the database), CSRF token for the
/// forms on the page, and address (for the rate limits).
pub struct Visitor {
    pub locale: Locale,
    pub session: Option<String>,
    pub access: Option<Access>,
    pub peer: IpAddr,
    /// The token this page's forms carry.
    pub csrf: String,
    /// The path and query of this page, for the language switch to come back to.
    pub here: String,
    pub settings: Settings,
    /// Times on the pages are shown in this zone.
    pub tz: Tz,
    /// Unread notifications of the signed-in visitor, for the bell (one COUNT on an index).
    pub unread_notifications: Option<u64>,
}

impl Visitor {
    pub fn t(&self, id: &str) -> String {
        self.locale.t(id)
    }

    pub fn t1(&self, id: &str, name: &str, value: &str) -> String {
        self.locale.t1(id, name, value)
    }

    /// The message `id` with several arguments.
    pub fn tn(&self, id: &str, args: &[(&str, &str)]) -> String {
        self.locale.tn(id, args)
    }

    /// An API `Money` object as this visitor reads it (see [`format::money`]).
    pub fn money(&self, value: &serde_json::Value) -> String {
        format::money(value)
    }

    /// An API `NaiveDate` in this visitor's language.
    pub fn date(&self, value: &serde_json::Value) -> String {
        format::date(self.locale, value)
    }

    /// An API `DateTime` in this visitor's language and time zone.
    pub fn time(&self, value: &serde_json::Value) -> String {
        format::date_time(self.locale, self.tz, value)
    }

    /// The day an API `DateTime` falls on in this visitor's time zone.
    pub fn day(&self, value: &serde_json::Value) -> String {
        format::day_of(self.locale, self.tz, value)
    }

    /// Whether the visitor is staff of `company` (a database id) with one of `roles`.
    pub fn has_role(&self, company: i64, roles: &[CompanyRole]) -> bool {
        self.access
            .as_ref()
            .and_then(|a| a.staff.get(&company))
            .is_some_and(|role| roles.contains(role))
    }
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let headers = &parts.headers;
        let locale = cookie(headers, LANG_COOKIE)
            .and_then(Locale::from_tag)
            .unwrap_or_else(|| {
                Locale::negotiate(
                    headers
                        .get(header::ACCEPT_LANGUAGE)
                        .and_then(|v| v.to_str().ok()),
                )
            });
        let session = session_cookie(headers);
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([127, 0, 0, 1]), |c| c.0.ip());
        let csrf_cookie = parts
            .extensions
            .get::<CsrfCookie>()
            .map(|c| c.0.clone())
            .unwrap_or_default();
        let settings = state.console.clone();
        let csrf = settings.csrf_token(&csrf_cookie, session.as_deref());
        let here = parts
            .uri
            .path_and_query()
            .map_or("/".to_string(), |pq| pq.as_str().to_string());
        let tz = cookie(headers, TZ_COOKIE)
            .and_then(format::parse_tz)
            .unwrap_or(format::DEFAULT_TZ);
        let mut visitor = Visitor {
            tz,
            locale,
            session,
            access: None,
            peer,
            csrf,
            here,
            settings,
            unread_notifications: None,
        };
        if let Some(token) = &visitor.session {
            visitor.access = authenticate(state, token).await.map_err(|()| {
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    layout::message_page(
                        &visitor,
                        &visitor.t("error-title"),
                        &visitor.t("error-internal"),
                    ),
                )
                    .into_response()
            })?;
        }
        if let Some(access) = &visitor.access {
            // The bell is a convenience: a failed count hides it rather than the page.
            match crate::domain::notifications::unread_count(&state.db, access.user_id()).await {
                Ok(count) => visitor.unread_notifications = Some(count),
                Err(err) => tracing::warn!(error = %err, "counting unread notifications"),
            }
        }
        Ok(visitor)
    }
}

/// Gives every visitor a CSRF cookie, and refuses (403) a POST whose `csrf` field does not
/// match it and the session — before any handler runs, so no form can forget the check.
/// Url-encoded forms are read up to `MAX_FORM_BYTES`; multipart ones (the roster upload) up
/// to `company::MAX_UPLOAD_BYTES`, their `csrf` part read the same way.
pub async fn csrf(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let sent = cookie(request.headers(), CSRF_COOKIE).map(str::to_string);
    if request.method() == Method::POST {
        let (parts, body) = request.into_parts();
        // A file upload (multipart) may be larger than a form; its `csrf` is one of its parts.
        let content_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let multipart = super::company::is_multipart(content_type.as_deref());
        let limit = if multipart {
            super::company::MAX_UPLOAD_BYTES
        } else {
            MAX_FORM_BYTES
        };
        let Ok(bytes) = to_bytes(body, limit).await else {
            return StatusCode::PAYLOAD_TOO_LARGE.into_response();
        };
        let session = session_cookie(&parts.headers);
        let token = if multipart {
            super::company::multipart_fields(
                content_type.as_deref().unwrap_or_default(),
                bytes.clone(),
            )
            .await
            .ok()
            .and_then(|fields| {
                fields
                    .into_iter()
                    .find(|(key, _)| key == CSRF_FIELD)
                    .map(|(_, value)| value)
            })
        } else {
            form_urlencoded_field(&bytes, CSRF_FIELD)
        };
        let valid = match (&sent, token) {
            (Some(cookie), Some(token)) => {
                state.console.csrf_valid(cookie, session.as_deref(), &token)
            }
            _ => false,
        };
        let mut request = Request::from_parts(parts, Body::from(bytes));
        if !valid {
            return forbidden(&state, request).await;
        }
        if let Some(cookie) = sent {
            request.extensions_mut().insert(CsrfCookie(cookie));
        }
        return next.run(request).await;
    }
    let mut request = request;
    let fresh = match sent {
        Some(cookie) => {
            request.extensions_mut().insert(CsrfCookie(cookie));
            None
        }
        None => {
            let mut bytes = [0u8; 32];
            rand::rng().fill_bytes(&mut bytes);
            let value = URL_SAFE_NO_PAD.encode(bytes);
            request.extensions_mut().insert(CsrfCookie(value.clone()));
            Some(value)
        }
    };
    let mut response = next.run(request).await;
    if let Some(value) = fresh {
        response.headers_mut().append(
            header::SET_COOKIE,
            state.console.cookie(CSRF_COOKIE, &value, None),
        );
    }
    response
}

async fn forbidden(state: &AppState, request: Request) -> Response {
    let (mut parts, _) = request.into_parts();
    match Visitor::from_request_parts(&mut parts, state).await {
        Ok(v) => (
            StatusCode::FORBIDDEN,
            layout::message_page(&v, &v.t("forbidden-title"), &v.t("forbidden-body")),
        )
            .into_response(),
        Err(response) => response,
    }
}

fn form_urlencoded_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
}

#[derive(Deserialize)]
pub struct TimeZoneQuery {
    to: Option<String>,
    back: Option<String>,
}

/// `GET /timezone?to=Europe/London&back=/path`: remembers the time zone for the pages' times
/// (an unknown name changes nothing) and goes back.
pub async fn switch_time_zone(
    State(state): State<AppState>,
    Query(query): Query<TimeZoneQuery>,
) -> Response {
    let back = super::local_path(query.back.as_deref()).to_string();
    let mut response = Redirect::to(&back).into_response();
    if let Some(tz) = query.to.as_deref().and_then(format::parse_tz) {
        response.headers_mut().append(
            header::SET_COOKIE,
            state
                .console
                .cookie(TZ_COOKIE, tz.name(), Some(365 * 24 * 3600)),
        );
    }
    response
}

#[derive(Deserialize)]
pub struct LanguageQuery {
    to: Option<String>,
    back: Option<String>,
}

/// `GET /language?to=en&back=/path`: remembers the choice in a cookie and goes back. (A GET,
/// so the switch is a plain link; it changes nothing but the language.)
pub async fn switch_language(
    State(state): State<AppState>,
    Query(query): Query<LanguageQuery>,
) -> Response {
    let back = super::local_path(query.back.as_deref()).to_string();
    let mut response = Redirect::to(&back).into_response();
    if let Some(locale) = query.to.as_deref().and_then(Locale::from_tag) {
        response.headers_mut().append(
            header::SET_COOKIE,
            state
                .console
                .cookie(LANG_COOKIE, locale.tag(), Some(365 * 24 * 3600)),
        );
    }
    response
}
