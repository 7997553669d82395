//! Domain errors become GraphQL errors with `extensions.code`, once, here.
use async_graphql::{ErrorExtensions, ServerError};

use crate::domain::error::{DomainError, DomainResult};

/// Internal errors are logged with their full context (the request span carries the
/// request id) and answered without any of it.
pub fn gql(err: DomainError) -> async_graphql::Error {
    let code = err.code();
    let message = match &err {
        DomainError::Internal(inner) => {
            tracing::error!(error = format!("{inner:#}"), "internal error");
            "internal server error".to_string()
        }
        other => other.to_string(),
    };
    async_graphql::Error::new(message).extend_with(|_, ext| {
        ext.set("code", code);
        match &err {
            DomainError::BadInput { field, .. } => ext.set("field", field.as_str()),
            DomainError::RateLimited { retry_after_secs }
            | DomainError::Busy {
                retry_after_secs, ..
            } => ext.set("retryAfter", *retry_after_secs),
            _ => {}
        }
    })
}

pub trait OrGql<T> {
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> OrGql<T> for DomainResult<T> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(gql)
    }
}

/// Longest error message answered. Our own messages quote at most a short prefix of what they
/// refuse (`domain::text::quote`), but async-graphql's coercion and validation messages repeat
/// values whole (`enumeration type … does not contain the value "…"`, `found "…"`).
pub const MAX_MESSAGE_CHARS: usize = 300;

/// Gives every error a code: parse, validation and limit errors (no path, or input
/// coercion) are the client's (`BAD_USER_INPUT`); anything else without a code escaped the
/// domain layer and is treated as internal, its text logged and not returned. Messages are
/// cut to [`MAX_MESSAGE_CHARS`].
pub fn normalise_errors(errors: &mut [ServerError]) {
    for error in errors {
        classify(error);
        if let Some((cut, _)) = error.message.char_indices().nth(MAX_MESSAGE_CHARS) {
            error.message.truncate(cut);
            error.message.push('…');
        }
    }
}

fn classify(error: &mut ServerError) {
    let has_code = error
        .extensions
        .as_ref()
        .is_some_and(|e| e.get("code").is_some());
    if has_code {
        return;
    }
    let is_input = error.path.is_empty()
        || error.message.starts_with("Failed to parse")
        || error.message.starts_with("Invalid value")
        || error.message.starts_with("Expected input type");
    let code = if is_input {
        "BAD_USER_INPUT"
    } else {
        tracing::error!(error = %error.message, "unclassified error");
        error.message = "internal server error".to_string();
        "INTERNAL_SERVER_ERROR"
    };
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
}
