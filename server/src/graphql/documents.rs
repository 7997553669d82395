//! Parsing a request's document before the schema sees it: from a cache keyed by the text
//! (clients send the same few documents over and over, and parsing costs more than copying),
//! then the document limits. Done here rather than in a schema extension because any extension
//! puts every field of every response through its hooks, which the benchmark measured.
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{Request, ServerError, Value, Variables};
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
pub struct Documents {
    cache: Mutex<LruCache<String, Arc<ExecutableDocument>>>,
    /// Whether the schema answers introspection, which changes how deep a document may go.
    introspection: bool,
}

/// A request ready for the schema, and whether its document holds a mutation.
pub struct Prepared {
    pub request: Request,
    pub mutates: bool,
}

impl Documents {
    pub fn new(introspection: bool) -> Self {
        Self {
            cache: Mutex::new(LruCache::new(CAPACITY)),
            introspection,
        }
    }

    /// Hands `request` its parsed document, or refuses it (`BAD_USER_INPUT`): a limit it
    /// breaks, a required variable left out, or a string holding NUL (see `nul`). A document
    /// that does not parse is left to the schema, which reports the syntax error.
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
                limits::check(&document, self.introspection)
                    .map_err(|message| refusal(message, None))?;
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
        required_variables(
            &document,
            request.operation_name.as_deref(),
            &request.variables,
        )
        .map_err(|message| refusal(message, None))?;
        let mutates = mutates(&document);
        request.set_parsed_query(document);
        Ok(Prepared { request, mutates })
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, LruCache<String, Arc<ExecutableDocument>>> {
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
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

/// Refuses a request that leaves a required variable of its operation unset or null. The
/// schema checks a variable's value only where an argument uses it, as a field error after
/// other fields ran; the spec makes it a request error, so nothing runs.
fn required_variables(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
) -> Result<(), String> {
    let operation = match (&document.operations, operation_name) {
        (DocumentOperations::Single(op), _) => op,
        (DocumentOperations::Multiple(ops), Some(name)) => match ops.get(name) {
            Some(op) => op,
            // The schema answers an unknown operation name.
            None => return Ok(()),
        },
        (DocumentOperations::Multiple(ops), None) => match ops.values().next() {
            Some(op) if ops.len() == 1 => op,
            _ => return Ok(()),
        },
    };
    for definition in &operation.node.variable_definitions {
        let definition = &definition.node;
        if definition.var_type.node.nullable {
            continue;
        }
        let name = definition.name.node.as_str();
        let ty = &definition.var_type.node;
        match variables.get(name) {
            Some(Value::Null) => {
                return Err(format!(
                    "variable `${name}` of non-null type `{ty}` must not be null"
                ));
            }
            None if definition.default_value.is_none() => {
                return Err(format!(
                    "variable `${name}` of required type `{ty}` was not provided"
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

fn mutates(document: &ExecutableDocument) -> bool {
    match &document.operations {
        DocumentOperations::Single(op) => op.node.ty != OperationType::Query,
        DocumentOperations::Multiple(ops) => {
            ops.values().any(|op| op.node.ty != OperationType::Query)
        }
    }
}
