//! Limits on hostile documents that async-graphql does not bound itself, or bounds too bluntly:
//! aliases (one field asked for a thousand times under different names), operations per
//! document, depth, and fields once fragments are expanded. Checked right after parsing (see
//! `documents`), before validation or any resolver.
//!
//! The expanded size matters because async-graphql's validation walks every fragment spread
//! in full, without yielding: fragments that each spread the next twice make it exponential, a
//! few hundred bytes that hold a core until the process dies (the request time limit cannot
//! stop work that never awaits). Measured here with each fragment measured once, it is refused
//! in linear time.
//!
//! Depth is measured here rather than by the schema's `limit_depth`, because the standard
//! introspection query that GraphiQL, Apollo and graphql-codegen send (graphql-js
//! `getIntrospectionQuery()`) is 15 levels deep: its `TypeRef` fragment unwraps `ofType` nine
//! times. Where introspection is on, a `__schema` or `__type` field at the root is measured
//! against the introspection bounds instead of `MAX_DEPTH`; every other field, in the same
//! document or not, still gets `MAX_DEPTH`. What makes introspection expensive is not depth but
//! nesting its list fields (`types { fields { type { fields … } } }` multiplies), so those are
//! bounded as graphql-js's `MaxIntrospectionDepthRule` bounds them.
use std::collections::HashMap;

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, FragmentDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned};

pub const MAX_ALIASES: usize = 30;
pub const MAX_OPERATIONS: usize = 10;
/// Deepest query accepted; a 12-level nested query is refused before any resolver runs.
pub const MAX_DEPTH: usize = 10;
/// Deepest introspection accepted: the standard query needs 15; the rest is room for clients
/// that unwrap `ofType` a few more times (graphql-js 17 makes that depth an option).
pub const MAX_INTROSPECTION_DEPTH: usize = 20;
/// Fields in a document once its fragments are expanded; the standard introspection query
/// has 220, a busy page a few hundred.
pub const MAX_FIELDS: usize = 10_000;
/// Introspection list fields that fan out (`fields`, `interfaces`, `possibleTypes`,
/// `inputFields`) nested inside one another; graphql-js refuses three.
pub const MAX_INTROSPECTION_LISTS: usize = 2;

/// The introspection fields whose lists multiply when nested.
const FAN_OUT: [&str; 4] = ["fields", "interfaces", "possibleTypes", "inputFields"];

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

/// Why `document` is refused, if it is. `introspection` says whether the schema answers
/// introspection; where it does not, `__schema` is measured like any other field.
pub fn check(document: &ExecutableDocument, introspection: bool) -> Result<(), String> {
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
    let mut depths = Depths {
        fragments: &document.fragments,
        measured: HashMap::new(),
        root_checked: Vec::new(),
        introspection,
    };
    let fields = match &document.operations {
        DocumentOperations::Single(op) => depths.reach(&op.node.selection_set.node).fields,
        DocumentOperations::Multiple(ops) => ops
            .values()
            .map(|op| depths.reach(&op.node.selection_set.node).fields)
            .fold(0, usize::saturating_add),
    };
    if fields > MAX_FIELDS {
        return Err(format!(
            "the query selects more than {MAX_FIELDS} fields once its fragments are expanded"
        ));
    }
    match &document.operations {
        DocumentOperations::Single(op) => depths.check_root(&op.node.selection_set.node),
        DocumentOperations::Multiple(ops) => ops
            .values()
            .try_for_each(|op| depths.check_root(&op.node.selection_set.node)),
    }
}

/// What a selection set holds below itself, fragments expanded: how deep its fields go, how
/// many fan-out lists nest, and how many fields there are (saturating, as a hostile document
/// can make that number astronomical).
#[derive(Clone, Copy, Default)]
struct Reach {
    depth: usize,
    lists: usize,
    fields: usize,
}

impl Reach {
    /// Two selections side by side.
    fn beside(self, other: Reach) -> Reach {
        Reach {
            depth: self.depth.max(other.depth),
            lists: self.lists.max(other.lists),
            fields: self.fields.saturating_add(other.fields),
        }
    }
}

/// Measures selection sets with fragments expanded. Each fragment is measured once and
/// remembered, so a chain of fragments that each spread the next twice costs linear time, not
/// exponential; a fragment spread inside itself counts as empty (validation refuses the cycle).
/// The root's depth bounds depend on the field, so the root is walked by `check_root`.
struct Depths<'a> {
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    /// `None` while a fragment is being measured (so a cycle ends), then its reach.
    measured: HashMap<&'a str, Option<Reach>>,
    /// Fragments spread at the root whose root fields have been checked already.
    root_checked: Vec<&'a str>,
    introspection: bool,
}

impl<'a> Depths<'a> {
    /// Checks each root field against its bound: the introspection bounds for `__schema` and
    /// `__type` where introspection is on, `MAX_DEPTH` for everything else.
    fn check_root(&mut self, set: &'a SelectionSet) -> Result<(), String> {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let below = self.reach(&field.selection_set.node);
                    let name = field.name.node.as_str();
                    if self.introspection && (name == "__schema" || name == "__type") {
                        let lists = below.lists;
                        if below.depth + 1 > MAX_INTROSPECTION_DEPTH {
                            return Err(format!(
                                "the introspection query is nested {} levels deep; at most \
                                 {MAX_INTROSPECTION_DEPTH} are allowed",
                                below.depth + 1
                            ));
                        }
                        if lists > MAX_INTROSPECTION_LISTS {
                            return Err(format!(
                                "the introspection query nests {lists} of `fields`, \
                                 `interfaces`, `possibleTypes` and `inputFields` inside one \
                                 another; at most {MAX_INTROSPECTION_LISTS} are allowed"
                            ));
                        }
                    } else if below.depth + 1 > MAX_DEPTH {
                        return Err(format!(
                            "the query is nested {} levels deep; at most {MAX_DEPTH} are allowed",
                            below.depth + 1
                        ));
                    }
                }
                Selection::InlineFragment(fragment) => {
                    self.check_root(&fragment.node.selection_set.node)?
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    if self.root_checked.contains(&name) {
                        continue;
                    }
                    self.root_checked.push(name);
                    if let Some(fragment) = self.fragments.get(name) {
                        self.check_root(&fragment.node.selection_set.node)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn reach(&mut self, set: &'a SelectionSet) -> Reach {
        set.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let below = self.reach(&field.selection_set.node);
                    let fans_out = FAN_OUT.contains(&field.name.node.as_str());
                    Reach {
                        depth: below.depth + 1,
                        lists: below.lists + usize::from(fans_out),
                        fields: below.fields.saturating_add(1),
                    }
                }
                Selection::InlineFragment(fragment) => {
                    self.reach(&fragment.node.selection_set.node)
                }
                Selection::FragmentSpread(spread) => {
                    self.fragment_reach(spread.node.fragment_name.node.as_str())
                }
            })
            .fold(Reach::default(), Reach::beside)
    }

    fn fragment_reach(&mut self, name: &'a str) -> Reach {
        match self.measured.get(name) {
            Some(Some(reach)) => return *reach,
            Some(None) => return Reach::default(),
            None => {}
        }
        let Some(fragment) = self.fragments.get(name) else {
            return Reach::default();
        };
        self.measured.insert(name, None);
        let reach = self.reach(&fragment.node.selection_set.node);
        self.measured.insert(name, Some(reach));
        reach
    }
}
