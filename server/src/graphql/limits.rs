//! Limits on hostile documents that async-graphql does not bound itself: aliases (one field
//! asked for a thousand times under different names) and operations per document. Checked
//! right after parsing (see `documents`), before validation or any resolver.
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Selection, SelectionSet,
};

pub const MAX_ALIASES: usize = 30;
pub const MAX_OPERATIONS: usize = 10;

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

/// Why `document` is refused, if it is.
pub fn check(document: &ExecutableDocument) -> Result<(), String> {
    let operations: Vec<&SelectionSet> = match &document.operations {
        DocumentOperations::Single(op) => vec![&op.node.selection_set.node],
        DocumentOperations::Multiple(ops) => {
            ops.values().map(|op| &op.node.selection_set.node).collect()
        }
    };
    if operations.len() > MAX_OPERATIONS {
        return Err(format!(
            "a document may hold at most {MAX_OPERATIONS} operations"
        ));
    }
    let count: usize = operations.into_iter().map(aliases).sum::<usize>()
        + document
            .fragments
            .values()
            .map(|f| aliases(&f.node.selection_set.node))
            .sum::<usize>();
    if count > MAX_ALIASES {
        return Err(format!(
            "the query uses {count} aliases; at most {MAX_ALIASES} are allowed"
        ));
    }
    Ok(())
}
