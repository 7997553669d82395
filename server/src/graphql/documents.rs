//! Parsing a request's document before the schema sees it: from a cache keyed by the text
//! (clients send the same few documents over and over, and parsing costs more than copying),
//! then the document limits. Done here rather than in a schema extension because any extension
//! puts every field of every response through its hooks, which the benchmark measured.
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{Request, ServerError};
use lru::LruCache;

use super::{limits, nul};

/// Documents kept; the least recently used goes first.
const CAPACITY: NonZeroUsize = match NonZeroUsize::new(256) {
    Some(n) => n,
    None => NonZeroUsize::MIN,
};
/// Longer documents are parsed every time, so the cache's memory stays bounded.
const MAX_CACHED_LEN: usize = 16 * 1024;

/// Parsed documents that passed the limits.
pub struct Documents(Mutex<LruCache<String, Arc<ExecutableDocument>>>);

impl Default for Documents {
    fn default() -> Self {
        Self(Mutex::new(LruCache::new(CAPACITY)))
    }
}

/// A request ready for the schema, and whether its document holds a mutation.
pub struct Prepared {
    pub request: Request,
    pub mutates: bool,
}

impl Documents {
    /// Hands `request` its parsed document, or refuses it (`BAD_USER_INPUT`): a limit it
    /// breaks, or a string holding NUL (see `nul`). A document that does not parse is left to
    /// the schema, which reports the syntax error.
    pub fn prepare(&self, mut request: Request) -> Result<Prepared, ServerError> {
        if let Some(path) = nul::in_variables(&request.variables) {
            return Err(refusal(
                format!("variable ${path} must not contain NUL characters"),
                Some(path),
            ));
        }
        let cached = self.cache().get(&request.query).cloned();
        let document = match cached {
            Some(document) => ExecutableDocument::clone(&document),
            None => {
                let Ok(document) = async_graphql::parser::parse_query(&request.query) else {
                    return Ok(Prepared {
                        request,
                        mutates: false,
                    });
                };
                limits::check(&document).map_err(|message| refusal(message, None))?;
                if let Some(path) = nul::in_document(&document) {
                    return Err(refusal(
                        format!("argument {path} must not contain NUL characters"),
                        Some(path),
                    ));
                }
                if request.query.len() <= MAX_CACHED_LEN {
                    self.cache()
                        .put(request.query.clone(), Arc::new(document.clone()));
                }
                document
            }
        };
        let mutates = mutates(&document);
        request.set_parsed_query(document);
        Ok(Prepared { request, mutates })
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, LruCache<String, Arc<ExecutableDocument>>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A request-level error with `extensions.code` `BAD_USER_INPUT` and, when known, the input's
/// path in `extensions.field`.
fn refusal(message: String, field: Option<String>) -> ServerError {
    let mut error = ServerError::new(message, None);
    let extensions = error.extensions.get_or_insert_with(Default::default);
    extensions.set("code", "BAD_USER_INPUT");
    if let Some(field) = field {
        extensions.set("field", field);
    }
    error
}

fn mutates(document: &ExecutableDocument) -> bool {
    match &document.operations {
        DocumentOperations::Single(op) => op.node.ty != OperationType::Query,
        DocumentOperations::Multiple(ops) => {
            ops.values().any(|op| op.node.ty != OperationType::Query)
        }
    }
}
