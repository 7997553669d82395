//! The axum router: `/graphql` (POST queries, GET an offline query page), `/healthz`,
//! `/readyz`; request ids, one log line per request, a body limit and the request time limit.
mod graphql_over_http;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_graphql::dataloader::HashMapCache;
use async_graphql::{BatchRequest, BatchResponse, ServerError};
use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use sea_orm::DatabaseConnection;
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::config::Secret;
use crate::domain::sessions;
use crate::graphql::{
    BoomerangSchema, Documents, Loaders, RequestCtx, RequestLoader, normalise_errors,
};
use crate::payments::webhook;
use graphql_over_http::{MediaType, Refusal};

/// Request bodies larger than this are refused with 413 (before they are read, when the
/// `Content-Length` says so).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub schema: BoomerangSchema,
    pub db: DatabaseConnection,
    pub metrics: Metrics,
    pub stripe_webhook_secret: Option<Secret>,
    /// Production serves no query page.
    pub production: bool,
    /// The one request time limit (`BOOMERANG_REQUEST_TIMEOUT_MS`), for every route: a request
    /// still running after it is stopped (see `time_limit`).
    pub request_timeout: Duration,
    /// A roster match counts only once the caller's email is verified.
    pub require_verified_email: bool,
    pub documents: Arc<Documents>,
    /// The console's CSRF key and cookie flags.
    pub console: crate::console::Settings,
}

impl axum::extract::FromRef<AppState> for webhook::WebhookState {
    fn from_ref(state: &AppState) -> Self {
        Self {
            db: state.db.clone(),
            secret: state.stripe_webhook_secret.clone(),
        }
    }
}

/// Process counters, served at `/metrics` in the Prometheus text format.
#[derive(Clone, Default)]
pub struct Metrics {
    /// Every statement the requests sent to the database, counted at the connection layer.
    pub sql_statements: Arc<AtomicU64>,
    /// The same for the background workers (mail, payouts), kept apart so that a request's
    /// count does not depend on what the workers happen to do meanwhile.
    pub worker_sql_statements: Arc<AtomicU64>,
    pub graphql_requests: Arc<AtomicU64>,
}

pub fn router(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let time_limit = middleware::from_fn_with_state(state.request_timeout, time_limit);
    let layers = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &axum::http::Request<_>| {
                    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::new(request_id))
        .layer(time_limit);
    let production = state.production;
    let console = crate::console::router(&state);
    Router::new()
        // `/graphql` reads its body itself, within this limit, so it answers 413 as a JSON error.
        .route(
            "/graphql",
            get(graphql_get)
                .post(graphql)
                .layer(DefaultBodyLimit::max(MAX_BODY_BYTES)),
        )
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route(
            "/webhooks/stripe",
            axum::routing::post(webhook::receive::<AppState>)
                .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES)),
        )
        .merge(console)
        .layer(middleware::from_fn_with_state(production, api_headers))
        .layer(layers)
        .with_state(state)
}

/// `nosniff` on every response, HSTS in production, and `no-store` on GraphQL answers (they
/// carry personal and money data). The console adds its own page headers (`console::headers`).
async fn api_headers(State(production): State<bool>, request: Request, next: Next) -> Response {
    let graphql = request.uri().path() == "/graphql";
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    if graphql {
        headers.insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
    }
    if production {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            header::HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

/// How long a DataLoader gathers keys before it queries, for edges a list page did not
/// prefetch (see `graphql::prefetch`). async-graphql polls at most 32 list items at a time, so a
/// wide list registers its keys over several polls; with the library's 1 ms the benchmark saw
/// one batch split into several under load. Longer windows cost latency on every nested level.
const LOADER_WINDOW: Duration = Duration::from_millis(4);

/// Requests in one batch (a JSON array of operations); more are refused.
pub const MAX_BATCH: usize = 10;

async fn graphql(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    state
        .metrics
        .graphql_requests
        .fetch_add(1, Ordering::Relaxed);
    let Some(media) = MediaType::negotiate(request.headers()) else {
        return Refusal::not_acceptable().respond(MediaType::Json);
    };
    let token = caller_token(request.headers());
    let request = match graphql_over_http::read(request).await {
        Ok(request) => request,
        Err(refusal) => return refusal.respond(media),
    };
    let access = match &token {
        Some(token) => match authenticate(&state, token).await {
            Ok(access) => access,
            Err(()) => {
                let refused = refusal("internal server error".to_string(), "INTERNAL_SERVER_ERROR");
                return graphql_over_http::respond(media, BatchResponse::Single(refused));
            }
        },
        None => None,
    };
    let caller = Caller {
        access,
        token,
        peer: peer.ip(),
    };
    let execute = |request: async_graphql::Request| execute(&state, &caller, request);
    let execution = async {
        match request {
            BatchRequest::Single(request) => BatchResponse::Single(execute(request).await),
            BatchRequest::Batch(requests) if requests.len() > MAX_BATCH => {
                BatchResponse::Single(refusal(
                    format!(
                        "a batch may hold at most {MAX_BATCH} operations, got {}",
                        requests.len()
                    ),
                    "BAD_USER_INPUT",
                ))
            }
            BatchRequest::Batch(requests) => {
                let responses = futures::future::join_all(requests.into_iter().map(execute)).await;
                BatchResponse::Batch(responses)
            }
        }
    };
    // Outside tokio's cooperative budget, so the budget does not add yields (and loader batch
    // splits) to wide pages; the request time limit (`time_limit`) still bounds the work.
    let mut response = tokio::task::unconstrained(execution).await;
    match &mut response {
        BatchResponse::Single(one) => normalise_errors(&mut one.errors),
        BatchResponse::Batch(many) => many
            .iter_mut()
            .for_each(|one| normalise_errors(&mut one.errors)),
    }
    graphql_over_http::respond(media, response)
}

/// Who runs a GraphQL request: the session's access (if any), its token (so `logOut` ends
/// exactly it) and the peer address (for the per-IP rate limits). `/graphql` and the console
/// both build one and run documents through [`execute`], so the console can do nothing the
/// API would refuse.
pub struct Caller {
    pub access: Option<crate::domain::access::Access>,
    pub token: Option<String>,
    pub peer: std::net::IpAddr,
}

/// The session behind `token`, or `Err` (already logged) when the database failed.
pub async fn authenticate(
    state: &AppState,
    token: &str,
) -> Result<Option<crate::domain::access::Access>, ()> {
    sessions::authenticate(&state.db, token, state.require_verified_email)
        .await
        .map_err(|err| tracing::error!(error = %err, "authenticating a request"))
}

/// Runs one GraphQL request as `caller`: parsed (or taken from the cache) and checked against
/// the limits, then executed with the caller's context. Rows stay cached for the request
/// unless the document mutates, so a field read after a change never sees a row cached before
/// it. Errors are returned as the schema produced them (see `normalise_errors`).
pub async fn execute(
    state: &AppState,
    caller: &Caller,
    request: async_graphql::Request,
) -> async_graphql::Response {
    let prepared = match state.documents.prepare(request) {
        Ok(prepared) => prepared,
        Err(refused) => return async_graphql::Response::from_errors(vec![refused]),
    };
    let loader = RequestLoader::with_cache(
        Loaders::new(state.db.clone()),
        tokio::spawn,
        HashMapCache::default(),
    )
    .delay(LOADER_WINDOW);
    if prepared.mutates {
        loader.enable_all_cache(false);
    }
    let request = prepared
        .request
        .data(RequestCtx::new(
            state.db.clone(),
            caller.access.clone(),
            caller.token.clone(),
            Some(caller.peer),
        ))
        .data(loader);
    state.schema.execute(request).await
}

/// The session token of a `/graphql` request: the bearer token when there is one, else the
/// console's session cookie — but the cookie only on a request whose body is declared
/// `application/json`. A cross-site page can make a browser send cookies with a `text/plain`
/// or form POST without asking; it cannot send a JSON one without a CORS preflight, which this
/// server never grants. (`graphql_over_http::read` refuses such bodies with 415 as well; this
/// keeps the rule where the cookie is read, so it holds whatever that reader ever accepts.)
fn caller_token(headers: &HeaderMap) -> Option<String> {
    if let Some(token) = bearer_token(headers) {
        return Some(token);
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return None;
    }
    crate::console::session_cookie(headers)
}

/// `GET /graphql`: in development, a small self-contained query page (it works offline, unlike
/// the CDN-hosted GraphiQL) when no GraphQL request is in the URL.
/// GraphQL over GET is not served, so a document in the URL is never run (a GET is what any
/// page can make a browser send).
async fn graphql_get(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let asks_graphql = query
        .as_deref()
        .is_some_and(|query| form_has_key(query, "query"));
    if state.production || asks_graphql {
        let media = MediaType::negotiate(&headers).unwrap_or(MediaType::Json);
        return Refusal::get_not_supported().respond(media);
    }
    Html(include_str!("explorer.html")).into_response()
}

fn form_has_key(query: &str, key: &str) -> bool {
    query
        .split('&')
        .any(|pair| pair.split('=').next() == Some(key))
}

/// The one request time limit, around every route: the body read, authentication and
/// execution of `/graphql` (answered as a GraphQL `TIMEOUT` error), the webhook and the
/// probes (503). Dropping the handler's future rolls back any open transaction.
async fn time_limit(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    let graphql = (request.uri().path() == "/graphql")
        .then(|| MediaType::negotiate(request.headers()).unwrap_or(MediaType::Json));
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            let limit_ms = limit.as_millis();
            tracing::warn!(timeout_ms = limit_ms as u64, "request timed out");
            let message = format!("the request took longer than {limit_ms} ms and was stopped");
            match graphql {
                Some(media) => graphql_over_http::respond(
                    media,
                    BatchResponse::Single(refusal(message, "TIMEOUT")),
                ),
                None => (StatusCode::SERVICE_UNAVAILABLE, message).into_response(),
            }
        }
    }
}

/// A response that carries one error with `code`.
fn refusal(message: String, code: &'static str) -> async_graphql::Response {
    let mut error = ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    async_graphql::Response::from_errors(vec![error])
}

fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))?
        .trim();
    (!token.is_empty()).then(|| token.to_string())
}

async fn healthz() -> &'static str {
    "ok"
}

/// Ready only when the database answers.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(err) => {
            tracing::warn!(error = %err, "database is not answering");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

async fn metrics(State(state): State<AppState>) -> String {
    let m = &state.metrics;
    format!(
        "# TYPE boomerang_sql_statements_total counter\nboomerang_sql_statements_total {}\n\
         # TYPE boomerang_worker_sql_statements_total counter\nboomerang_worker_sql_statements_total {}\n\
         # TYPE boomerang_graphql_requests_total counter\nboomerang_graphql_requests_total {}\n",
        m.sql_statements.load(Ordering::Relaxed),
        m.worker_sql_statements.load(Ordering::Relaxed),
        m.graphql_requests.load(Ordering::Relaxed)
    )
}
