//! The GraphQL API: schema building, limits, and the translation of domain errors into
//! `extensions.code`. Resolvers stay thin: decode ids and inputs, call `domain`, wrap models.

mod context;
mod directory;
mod documents;
mod errors;
mod events;
pub(crate) mod ids;
mod limits;
mod loaders;
mod mutation;
mod news_rehire;
mod nul;
mod prefetch;
mod query;
mod reports;
mod scalars;
mod types;

use async_graphql::{EmptySubscription, SDLExportOptions, Schema};
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::mail::Wakeup;
use crate::payments::flows::Stripe;
use crate::ratelimit::RateLimiter;

pub use context::RequestCtx;
pub use documents::Documents;
pub use errors::normalise_errors;
pub use limits::{MAX_ALIASES, MAX_DEPTH, MAX_FIELDS, MAX_INTROSPECTION_DEPTH, MAX_OPERATIONS};
pub use loaders::{Loaders, RequestLoader};
pub use mutation::Mutation;
pub use query::Query;

// The root query: the core queries and the compliance and tax reports.
#[derive(async_graphql::MergedObject, Default)]
#[graphql(name = "Query")]
pub struct RootQuery(
    Query,
    reports::ReportQuery,
    directory::DirectoryQuery,
    events::EventQuery,
    news_rehire::NewsRehireQuery,
);

pub type BoomerangSchema = Schema<RootQuery, Mutation, EmptySubscription>;

/// Total cost accepted; list fields cost `first` × their selection.
pub const MAX_COMPLEXITY: usize = 25_000;
/// Directives per field.
pub const MAX_DIRECTIVES: usize = 20;

/// What resolvers need beyond the database: the Stripe provider, mail, and the mode's rules.
#[derive(Default)]
pub struct ApiConfig {
    pub stripe: Option<Arc<Stripe>>,
    /// Wakes the mail worker after a request queued mail.
    pub mail_wakeup: Wakeup,
    /// Production hides the schema: no introspection, no field suggestions.
    pub production: bool,
    pub rate_limiter: RateLimiter,
}

pub fn build_schema(db: DatabaseConnection, api: ApiConfig) -> BoomerangSchema {
    let production = api.production;
    let mut builder = Schema::build(RootQuery::default(), Mutation::default(), EmptySubscription)
        // The finer rule (`MAX_DEPTH` for everything but introspection) is `limits::check`, run
        // on every document the HTTP layer receives; this is the ceiling for any document.
        .limit_depth(MAX_INTROSPECTION_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .limit_recursive_depth(32)
        .limit_directives(MAX_DIRECTIVES)
        .data(db)
        .data(api);
    if production {
        builder = builder.disable_introspection().disable_suggestions();
    }
    builder.finish()
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
