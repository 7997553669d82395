//! Parsed documents, cached by their text: clients send the same few documents over and over,
//! and parsing one costs more than copying it. Validation still runs on every request.
//!
//! This is also where a request learns whether it mutates: the loader cache is turned off for
//! documents with a mutation, so a field read after a state change never sees a row cached
//! before it.
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{ServerResult, Variables};
use lru::LruCache;

use super::loaders::RequestLoader;

/// Documents kept; the least recently used goes first.
const CAPACITY: NonZeroUsize = match NonZeroUsize::new(256) {
    Some(n) => n,
    None => NonZeroUsize::MIN,
};
/// Longer documents are parsed every time, so the cache's memory stays bounded (≤ 4 MiB of text).
const MAX_CACHED_LEN: usize = 16 * 1024;

type Cache = Arc<Mutex<LruCache<String, Arc<ExecutableDocument>>>>;

/// Register before the limits extension: a cached document has already passed them.
pub struct DocumentCache(Cache);

impl Default for DocumentCache {
    fn default() -> Self {
        Self(Arc::new(Mutex::new(LruCache::new(CAPACITY))))
    }
}

impl ExtensionFactory for DocumentCache {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(DocumentCache(self.0.clone()))
    }
}

fn mutates(document: &ExecutableDocument) -> bool {
    match &document.operations {
        DocumentOperations::Single(op) => op.node.ty != OperationType::Query,
        DocumentOperations::Multiple(ops) => {
            ops.values().any(|op| op.node.ty != OperationType::Query)
        }
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for DocumentCache {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let cached = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(query)
            .cloned();
        let document = match cached {
            Some(document) => ExecutableDocument::clone(&document),
            None => {
                let document = next.run(ctx, query, variables).await?;
                if query.len() <= MAX_CACHED_LEN {
                    self.0
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .put(query.to_owned(), Arc::new(document.clone()));
                }
                document
            }
        };
        if mutates(&document)
            && let Some(loader) = ctx.data_opt::<RequestLoader>()
        {
            loader.enable_all_cache(false);
        }
        Ok(document)
    }
}
