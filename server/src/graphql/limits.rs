//! Limits on hostile documents that async-graphql does not bound itself: aliases (one field
//! asked for a thousand times under different names) and operations per document. Checked
//! right after parsing, before validation or any resolver.
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Selection, SelectionSet,
};
use async_graphql::{ServerError, ServerResult, Variables};

pub const MAX_ALIASES: usize = 30;
pub const MAX_OPERATIONS: usize = 10;

pub struct DocumentLimits;

impl ExtensionFactory for DocumentLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(DocumentLimits)
    }
}

fn aliases(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(field) => {
                usize::from(field.node.alias.is_some()) + aliases(&field.node.selection_set.node)
            }
            Selection::InlineFragment(fragment) => aliases(&fragment.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

#[async_graphql::async_trait::async_trait]
impl Extension for DocumentLimits {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let operations: Vec<&SelectionSet> = match &document.operations {
            DocumentOperations::Single(op) => vec![&op.node.selection_set.node],
            DocumentOperations::Multiple(ops) => {
                ops.values().map(|op| &op.node.selection_set.node).collect()
            }
        };
        if operations.len() > MAX_OPERATIONS {
            return Err(ServerError::new(
                format!("a document may hold at most {MAX_OPERATIONS} operations"),
                None,
            ));
        }
        let count: usize = operations.into_iter().map(aliases).sum::<usize>()
            + document
                .fragments
                .values()
                .map(|f| aliases(&f.node.selection_set.node))
                .sum::<usize>();
        if count > MAX_ALIASES {
            return Err(ServerError::new(
                format!("the query uses {count} aliases; at most {MAX_ALIASES} are allowed"),
                None,
            ));
        }
        Ok(document)
    }
}
