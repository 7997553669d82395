//! The GraphQL API: schema building, limits, and the translation of domain errors into
//! `extensions.code`. Resolvers stay thin: decode ids and inputs, call `domain`, wrap models.

mod context;
mod errors;
mod ids;
mod loaders;
mod mutation;
mod query;
mod scalars;
mod types;

use async_graphql::{EmptySubscription, SDLExportOptions, Schema};
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::payments::flows::Stripe;

/// The Stripe provider, if configured, as schema data.
pub struct StripeConfig(pub Option<Arc<Stripe>>);

pub use context::RequestCtx;
pub use errors::normalise_errors;
pub use loaders::Loaders;
pub use mutation::Mutation;
pub use query::Query;

pub type BoomerangSchema = Schema<Query, Mutation, EmptySubscription>;

/// Deepest query accepted; a 12-level nested query is refused before any resolver runs.
pub const MAX_DEPTH: usize = 10;
/// Total cost accepted; list fields cost `first` × their selection.
pub const MAX_COMPLEXITY: usize = 25_000;

pub fn build_schema(db: DatabaseConnection, stripe: Option<Arc<Stripe>>) -> BoomerangSchema {
    Schema::build(Query, Mutation::default(), EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .limit_recursive_depth(32)
        .limit_directives(20)
        .data(db)
        .data(StripeConfig(stripe))
        .finish()
}

/// The SDL as committed in `schema.graphql`: sorted, so the file diffs cleanly.
pub fn sdl(schema: &BoomerangSchema) -> String {
    schema.sdl_with_options(
        SDLExportOptions::new()
            .sorted_fields()
            .sorted_arguments()
            .sorted_enum_items(),
    )
}
