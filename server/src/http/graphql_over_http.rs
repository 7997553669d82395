//! The GraphQL-over-HTTP rules for `POST /graphql`: which requests are GraphQL requests
//! (an `application/json` body holding a `query` string), which media type answers them, and
//! which status code. Conformance is checked by the spec's own audit (`.ci/graphql-http-audit`).
//!
//! - `Accept: application/graphql-response+json` gets that media type; a request error (the
//!   document did not parse or validate, a limit refused it, a required variable is missing:
//!   nothing was executed) is then a 4xx (or a 5xx for the server's own failures) with no
//!   `data` entry, so clients and proxies can tell it from a partial result.
//! - `application/json`, `application/*`, `*/*` or no `Accept` at all get `application/json`
//!   and 200 for every GraphQL response, which is what older clients expect.
//! - Anything else is refused before GraphQL: 406 for an `Accept` naming neither, 415 for a
//!   body that is not `application/json` (a `text/plain` or form post is what a cross-site
//!   page can send without asking, so it is never run), 400 for a body that is not a JSON
//!   object with a `query` string, 413 for one over the body limit. These answers are JSON
//!   errors with a code too, and say nothing about the server's insides.
use std::collections::BTreeMap;

use async_graphql::{BatchRequest, BatchResponse, ServerError, Variables};
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;

/// What the client accepts for the answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaType {
    /// `application/graphql-response+json`: status codes tell request errors apart.
    GraphqlResponse,
    /// `application/json`: the legacy type; every GraphQL response is a 200.
    Json,
}

impl MediaType {
    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            MediaType::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            MediaType::Json => "application/json; charset=utf-8",
        })
    }

    /// The media type the `Accept` header prefers, if it names one we serve: the highest
    /// `q`, the first listed among equals. No header at all means `application/json`.
    pub fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
        let mut accepts = headers.get_all(header::ACCEPT).iter().peekable();
        if accepts.peek().is_none() {
            return Some(MediaType::Json);
        }
        let mut best: Option<(f32, MediaType)> = None;
        for range in accepts
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
        {
            let mut parts = range.split(';').map(str::trim);
            let essence = parts.next().unwrap_or_default().to_ascii_lowercase();
            let mut quality = 1.0_f32;
            let mut utf8 = true;
            for param in parts {
                let Some((name, value)) = param.split_once('=') else {
                    continue;
                };
                let value = value.trim().trim_matches('"');
                match name.trim().to_ascii_lowercase().as_str() {
                    "q" => quality = value.parse().unwrap_or(0.0),
                    "charset" => utf8 = is_utf8(value),
                    _ => {}
                }
            }
            let media = match essence.as_str() {
                "application/graphql-response+json" => MediaType::GraphqlResponse,
                "application/json" | "application/*" | "*/*" => MediaType::Json,
                _ => continue,
            };
            if !utf8 || quality <= 0.0 {
                continue;
            }
            if best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, media));
            }
        }
        best.map(|(_, media)| media)
    }
}

fn is_utf8(charset: &str) -> bool {
    charset.eq_ignore_ascii_case("utf-8") || charset.eq_ignore_ascii_case("utf8")
}

/// A request refused before it reaches GraphQL, answered as a JSON error with a code.
#[derive(Debug)]
pub struct Refusal {
    status: StatusCode,
    code: &'static str,
    message: String,
    allow: Option<&'static str>,
}

impl Refusal {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            allow: None,
        }
    }

    fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
    }

    /// No `Accept` media type we can answer in.
    pub fn not_acceptable() -> Self {
        Self::new(
            StatusCode::NOT_ACCEPTABLE,
            "NOT_ACCEPTABLE",
            "the answer is application/graphql-response+json or application/json; \
             the Accept header allows neither",
        )
    }

    /// GraphQL over GET is not served: only POST runs documents.
    pub fn get_not_supported() -> Self {
        Self {
            allow: Some("POST"),
            ..Self::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "METHOD_NOT_ALLOWED",
                "send GraphQL requests as POST with an application/json body",
            )
        }
    }

    /// Answered in `media` (JSON either way).
    pub fn respond(self, media: MediaType) -> Response {
        let mut error = ServerError::new(self.message, None);
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", self.code);
        let body = Envelope {
            data: None,
            errors: &[error],
            extensions: &BTreeMap::new(),
        };
        let mut response = json_response(self.status, media, &body);
        if let Some(allow) = self.allow {
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        response
    }
}

/// Reads a `POST /graphql` request: an `application/json` body holding one request object
/// or a batch (an array of them).
pub async fn read(request: Request) -> Result<BatchRequest, Refusal> {
    check_content_type(request.headers())?;
    let too_large = || {
        Refusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            format!(
                "the request body is larger than {} bytes",
                super::MAX_BODY_BYTES
            ),
        )
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|length| length > super::MAX_BODY_BYTES) {
        return Err(too_large());
    }
    // Read within the route's `DefaultBodyLimit`, which catches a body longer than declared.
    let body = match Bytes::from_request(request, &()).await {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return Err(too_large());
        }
        Err(_) => return Err(Refusal::bad_request("the request body could not be read")),
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Refusal::bad_request(
            "the request body is empty; send a JSON object with a `query` string",
        ));
    }
    let json: Value = serde_json::from_slice(&body).map_err(|err| {
        Refusal::bad_request(format!(
            "the request body is not valid JSON (line {}, column {})",
            err.line(),
            err.column()
        ))
    })?;
    match json {
        Value::Object(fields) => Ok(BatchRequest::Single(parameters(fields)?)),
        Value::Array(items) if items.is_empty() => {
            Err(Refusal::bad_request("the batch holds no requests"))
        }
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(index, item)| match item {
                Value::Object(fields) => parameters(fields).map_err(|refusal| Refusal {
                    message: format!("batch item {index}: {}", refusal.message),
                    ..refusal
                }),
                _ => Err(Refusal::bad_request(format!(
                    "batch item {index} is not a JSON object"
                ))),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(BatchRequest::Batch),
        _ => Err(Refusal::bad_request(
            "the request body must be a JSON object with a `query` string (or an array of them)",
        )),
    }
}

/// Only `application/json` (in UTF-8) is a GraphQL request body.
fn check_content_type(headers: &HeaderMap) -> Result<(), Refusal> {
    let unsupported = |message: &str| {
        Refusal::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            message,
        )
    };
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Err(unsupported(
            "the request has no Content-Type; send application/json",
        ));
    };
    let value = value.to_str().unwrap_or_default();
    let mut parts = value.split(';').map(str::trim);
    if !parts
        .next()
        .unwrap_or_default()
        .eq_ignore_ascii_case("application/json")
    {
        return Err(unsupported(
            "GraphQL requests are application/json; this Content-Type is not accepted",
        ));
    }
    let charset_ok = parts
        .filter_map(|param| param.split_once('='))
        .filter(|(name, _)| name.trim().eq_ignore_ascii_case("charset"))
        .all(|(_, value)| is_utf8(value.trim().trim_matches('"')));
    if !charset_ok {
        return Err(unsupported("the request body must be UTF-8"));
    }
    Ok(())
}

/// The request parameters: `query` (required), `operationName`, `variables`, `extensions`.
fn parameters(
    mut fields: serde_json::Map<String, Value>,
) -> Result<async_graphql::Request, Refusal> {
    let query = match fields.remove("query") {
        Some(Value::String(query)) => query,
        None | Some(Value::Null) => {
            return Err(Refusal::bad_request(
                "the request has no `query`; send the GraphQL document as a string in `query`",
            ));
        }
        Some(_) => return Err(Refusal::bad_request("`query` must be a string")),
    };
    let mut request = async_graphql::Request::new(query);
    match fields.remove("operationName") {
        None | Some(Value::Null) => {}
        Some(Value::String(name)) => request = request.operation_name(name),
        Some(_) => {
            return Err(Refusal::bad_request(
                "`operationName` must be a string or null",
            ));
        }
    }
    match fields.remove("variables") {
        None | Some(Value::Null) => {}
        Some(variables @ Value::Object(_)) => {
            request = request.variables(Variables::from_json(variables))
        }
        Some(_) => {
            return Err(Refusal::bad_request(
                "`variables` must be an object or null",
            ));
        }
    }
    match fields.remove("extensions") {
        None | Some(Value::Null) => {}
        Some(Value::Object(extensions)) => {
            for (name, value) in extensions {
                let value = async_graphql::Value::from_json(value).map_err(|_| {
                    Refusal::bad_request(format!("extension `{name}` is not a GraphQL value"))
                })?;
                request.extensions.insert(name, value);
            }
        }
        Some(_) => {
            return Err(Refusal::bad_request(
                "`extensions` must be an object or null",
            ));
        }
    }
    Ok(request)
}

/// The GraphQL response in `media`, with the status the spec asks for. A batch is a 200
/// whose items each follow the shape rule.
pub fn respond(media: MediaType, response: BatchResponse) -> Response {
    match response {
        BatchResponse::Single(one) => {
            let status = match (media, refused_before_execution(&one)) {
                (MediaType::GraphqlResponse, true) => request_error_status(&one.errors),
                _ => StatusCode::OK,
            };
            let mut response = json_response(status, media, &Envelope::of(&one));
            if one.is_ok()
                && let Some(value) = one.cache_control.value()
                && let Ok(value) = HeaderValue::from_str(&value)
            {
                response.headers_mut().insert(header::CACHE_CONTROL, value);
            }
            response.headers_mut().extend(one.http_headers);
            response
        }
        BatchResponse::Batch(many) => {
            let items: Vec<Envelope> = many.iter().map(Envelope::of).collect();
            json_response(StatusCode::OK, media, &items)
        }
    }
}

/// Nothing ran: no data, and every error is about the request (errors raised while
/// resolving carry the path of their field).
fn refused_before_execution(response: &async_graphql::Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|error| error.path.is_empty())
}

/// The status of a request error: the server's own failures are 5xx, the rest the client's.
fn request_error_status(errors: &[ServerError]) -> StatusCode {
    let code = errors
        .first()
        .and_then(|error| error.extensions.as_ref())
        .and_then(|extensions| extensions.get("code"))
        .and_then(|code| match code {
            async_graphql::Value::String(code) => Some(code.as_str()),
            _ => None,
        });
    match code {
        Some("INTERNAL_SERVER_ERROR") => StatusCode::INTERNAL_SERVER_ERROR,
        Some("TIMEOUT") => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// A GraphQL response body. `data` is left out, not `null`, when nothing was executed, as
/// the GraphQL spec says for request errors.
#[derive(Serialize)]
struct Envelope<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a async_graphql::Value>,
    #[serde(skip_serializing_if = "<[ServerError]>::is_empty")]
    errors: &'a [ServerError],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    extensions: &'a BTreeMap<String, async_graphql::Value>,
}

impl<'a> Envelope<'a> {
    fn of(response: &'a async_graphql::Response) -> Self {
        Self {
            data: (!refused_before_execution(response)).then_some(&response.data),
            errors: &response.errors,
            extensions: &response.extensions,
        }
    }
}

fn json_response(status: StatusCode, media: MediaType, body: &impl Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => {
            let mut response = (status, Body::from(bytes)).into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, media.content_type());
            response
        }
        Err(err) => {
            tracing::error!(error = %err, "serialising a GraphQL response");
            let mut response = (
                StatusCode::INTERNAL_SERVER_ERROR,
                r#"{"errors":[{"message":"internal server error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}"#,
            )
                .into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, media.content_type());
            response
        }
    }
}
