//! Output types. Each wraps a stored row; edges load through the per-request DataLoaders.

mod audit;
mod bank;
mod company;
mod connection;
mod consent;
mod engagement;
mod milestone;
mod node;
pub(crate) mod notification;
mod project;
mod review;
pub(crate) mod tax;
mod user;

use std::sync::Arc;

use async_graphql::Context;
use async_graphql::dataloader::Loader;
use sea_orm::DbErr;

pub use audit::AuditEvent;
pub use bank::{
    BankAccount, BankAccountType, CompanyBankAccount, CreatedTransferBatch, TransferBatch,
    TransferBatchStatus, TransferCandidate,
};
pub use company::{AlumniRecord, Company, CompanyMember};
pub use connection::{PageArgs, connection};
pub use consent::Consent;
pub use engagement::{Contract, Invoice, Payout};
pub use milestone::{Milestone, ProposedMilestone};
pub use node::Node;
pub use notification::{Notification, NotificationPreference};
pub use project::{Bid, Project};
pub use review::{Rating, Review};
pub use tax::{InvoiceLine, PayeeProfile, TaxRateTotal};
pub use user::User;

use super::context::loader;
use super::errors::gql;
use super::loaders::Loaders;
use crate::domain::error::DomainError;

/// Loads one row through the request's DataLoader; a dangling edge is an internal error.
pub(crate) async fn load_one<K>(
    ctx: &Context<'_>,
    key: K,
    what: &'static str,
) -> async_graphql::Result<<Loaders as Loader<K>>::Value>
where
    K: Send + Sync + Clone + Eq + std::hash::Hash + std::fmt::Debug + 'static,
    Loaders: Loader<K, Error = Arc<DbErr>>,
{
    let loaded = loader(ctx).load_one(key.clone()).await.map_err(|e| {
        gql(DomainError::Internal(anyhow::anyhow!(
            "loading {what}: {e}"
        )))
    })?;
    loaded.ok_or_else(|| {
        gql(DomainError::Internal(anyhow::anyhow!(
            "{what} {key:?} is missing"
        )))
    })
}

/// Loads an optional row.
pub(crate) async fn load_opt<K>(
    ctx: &Context<'_>,
    key: K,
    what: &'static str,
) -> async_graphql::Result<Option<<Loaders as Loader<K>>::Value>>
where
    K: Send + Sync + Clone + Eq + std::hash::Hash + std::fmt::Debug + 'static,
    Loaders: Loader<K, Error = Arc<DbErr>>,
{
    loader(ctx).load_one(key).await.map_err(|e| {
        gql(DomainError::Internal(anyhow::anyhow!(
            "loading {what}: {e}"
        )))
    })
}
