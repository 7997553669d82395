//! A safety net under the per-field text checks of `domain::text`: no string holding NUL
//! reaches a resolver, whatever its type (passwords, tokens, ids, cursors, decimals, and any
//! field added later). PostgreSQL cannot store NUL in text and answers such a statement with an
//! error, so one missed field would be an internal error there and a stored NUL on SQLite.
//! Inline arguments are checked when a document is parsed (a cached document passed already),
//! variables on every request.
use async_graphql::parser::Positioned;
use async_graphql::parser::types::{
    Directive, DocumentOperations, ExecutableDocument, Selection, SelectionSet,
};
use async_graphql::{Value as ConstValue, Variables};

/// The path of the first variable string holding NUL, such as `input.emails[2]`.
pub fn in_variables(variables: &Variables) -> Option<String> {
    variables
        .iter()
        .find_map(|(name, value)| in_const(value, name.as_str().to_string()))
}

/// The path of the first inline argument string holding NUL, such as `input.title`.
pub fn in_document(document: &ExecutableDocument) -> Option<String> {
    let operations: Vec<_> = match &document.operations {
        DocumentOperations::Single(op) => vec![&op.node],
        DocumentOperations::Multiple(ops) => ops.values().map(|op| &op.node).collect(),
    };
    operations
        .into_iter()
        .find_map(|op| {
            op.variable_definitions
                .iter()
                .find_map(|var| {
                    let default = var.node.default_value.as_ref()?;
                    in_const(&default.node, var.node.name.node.to_string())
                })
                .or_else(|| in_directives(&op.directives))
                .or_else(|| in_selection(&op.selection_set.node))
        })
        .or_else(|| {
            document.fragments.values().find_map(|fragment| {
                in_directives(&fragment.node.directives)
                    .or_else(|| in_selection(&fragment.node.selection_set.node))
            })
        })
}

/// An inline argument, walked as a constant with its variables (checked on their own) read as
/// null: async-graphql does not re-export the parser's value type, so it cannot be named here.
macro_rules! in_argument {
    ($value:expr, $name:expr) => {
        $value
            .clone()
            .into_const_with(|_| Ok::<_, std::convert::Infallible>(ConstValue::Null))
            .ok()
            .and_then(|value| in_const(&value, $name.to_string()))
    };
}

fn in_selection(set: &SelectionSet) -> Option<String> {
    set.items.iter().find_map(|item| match &item.node {
        Selection::Field(field) => field
            .node
            .arguments
            .iter()
            .find_map(|(name, value)| in_argument!(value.node, name.node))
            .or_else(|| in_directives(&field.node.directives))
            .or_else(|| in_selection(&field.node.selection_set.node)),
        Selection::FragmentSpread(spread) => in_directives(&spread.node.directives),
        Selection::InlineFragment(fragment) => in_directives(&fragment.node.directives)
            .or_else(|| in_selection(&fragment.node.selection_set.node)),
    })
}

fn in_directives(directives: &[Positioned<Directive>]) -> Option<String> {
    directives.iter().find_map(|directive| {
        directive
            .node
            .arguments
            .iter()
            .find_map(|(name, value)| in_argument!(value.node, name.node))
    })
}

fn in_const(value: &ConstValue, path: String) -> Option<String> {
    match value {
        ConstValue::String(s) if s.contains('\0') => Some(path),
        ConstValue::List(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| in_const(item, format!("{path}[{i}]"))),
        ConstValue::Object(fields) => fields
            .iter()
            .find_map(|(name, item)| in_const(item, format!("{path}.{name}"))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nul_in_nested_variables_and_inline_arguments() {
        let variables = Variables::from_json(serde_json::json!({
            "id": "UHJvamVjdDox",
            "input": { "name": "ok", "emails": ["a@b.jp", "c\u{0}@d.jp"] },
        }));
        assert_eq!(in_variables(&variables).as_deref(), Some("input.emails[1]"));
        let clean = Variables::from_json(serde_json::json!({ "input": { "name": "a\tb" } }));
        assert_eq!(in_variables(&clean), None);

        let parse = |q: &str| async_graphql::parser::parse_query(q).unwrap();
        let inline = parse(r#"mutation { createCompany(input: {name: "a\u0000b"}) { id } }"#);
        assert_eq!(in_document(&inline).as_deref(), Some("input.name"));
        let nested = parse(
            r#"query { viewer { id } ...F } fragment F on Query { projects(filter: {skill: "\u0000"}) { edges { cursor } } }"#,
        );
        assert_eq!(in_document(&nested).as_deref(), Some("filter.skill"));
        let in_directive = parse(r#"{ viewer @include(if: true) { id @skip(if: false) } }"#);
        assert_eq!(in_document(&in_directive), None);
    }
}
