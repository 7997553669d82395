//! The axum router: `/graphql` (POST queries, GET an offline query page), `/healthz`,
//! `/readyz`; request ids, one log line per request, and a body limit.
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_graphql::dataloader::HashMapCache;
use async_graphql::{BatchRequest, BatchResponse, ServerError};
use async_graphql_axum::{GraphQLBatchRequest, GraphQLResponse};
use axum::Router;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderName, Request, StatusCode, header};
use axum::response::{Html, IntoResponse};
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

/// Requests larger than this are refused with 413 before they are read.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// A request still running after this is cancelled.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct AppState {
    pub schema: BoomerangSchema,
    pub db: DatabaseConnection,
    pub metrics: Metrics,
    pub stripe_webhook_secret: Option<Secret>,
    /// Production serves no query page.
    pub production: bool,
    pub request_timeout: Duration,
    /// A roster match counts only once the caller's email is verified.
    pub require_verified_email: bool,
    pub documents: Arc<Documents>,
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
    let layers = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<_>| {
                    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::new(request_id))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, REQUEST_TIMEOUT));
    let graphql_route = if state.production {
        axum::routing::post(graphql)
    } else {
        get(explorer).post(graphql)
    };
    Router::new()
        .route("/graphql", graphql_route)
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route(
            "/webhooks/stripe",
            axum::routing::post(webhook::receive::<AppState>),
        )
        .layer(layers)
        .with_state(state)
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
    headers: HeaderMap,
    request: GraphQLBatchRequest,
) -> axum::response::Response {
    state
        .metrics
        .graphql_requests
        .fetch_add(1, Ordering::Relaxed);
    let token = bearer_token(&headers);
    let access = match &token {
        Some(token) => {
            match sessions::authenticate(&state.db, token, state.require_verified_email).await {
                Ok(access) => access,
                Err(err) => {
                    tracing::error!(error = %err, "authenticating a request");
                    return (StatusCode::INTERNAL_SERVER_ERROR, "internal server error")
                        .into_response();
                }
            }
        }
        None => None,
    };
    // Parsed (or taken from the cache) and checked against the limits, then run with the
    // caller's context. Rows stay cached for the request unless the document mutates, so a field
    // read after a change never sees a row cached before it.
    let execute = |request: async_graphql::Request| async {
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
                access.clone(),
                token.clone(),
                Some(peer.ip()),
            ))
            .data(loader);
        state.schema.execute(request).await
    };
    let execution = async {
        match request.into_inner() {
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
    // splits) to wide pages; the request timeout still bounds the work.
    let execution = tokio::task::unconstrained(execution);
    let mut response = match tokio::time::timeout(state.request_timeout, execution).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(
                timeout_ms = state.request_timeout.as_millis() as u64,
                "request timed out"
            );
            BatchResponse::Single(refusal(
                format!(
                    "the request took longer than {} ms and was stopped",
                    state.request_timeout.as_millis()
                ),
                "TIMEOUT",
            ))
        }
    };
    match &mut response {
        BatchResponse::Single(one) => normalise_errors(&mut one.errors),
        BatchResponse::Batch(many) => many
            .iter_mut()
            .for_each(|one| normalise_errors(&mut one.errors)),
    }
    GraphQLResponse::from(response).into_response()
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

/// A small self-contained query page: it works offline, unlike the CDN-hosted GraphiQL.
async fn explorer() -> Html<&'static str> {
    Html(include_str!("explorer.html"))
}
