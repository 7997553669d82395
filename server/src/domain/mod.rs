//! The business rules, one module per aggregate. Functions take the caller and the database,
//! run each state change in one transaction with its audit event, and return `DomainError`s.
//! No GraphQL or HTTP types appear here.

pub mod access;
pub mod accounts;
pub mod alumni;
pub mod audit;
pub mod bank_accounts;
pub mod bids;
pub mod companies;
pub mod compliance;
pub mod consents;
pub mod consumption_tax;
pub mod contracts;
pub mod credentials;
pub mod delivery;
pub mod directory;
pub mod email;
pub mod email_ownership;
pub mod endings;
pub mod error;
pub mod events;
pub mod invoice_tax;
pub mod invoices;
pub mod jobs;
pub mod ledger;
pub mod milestones;
pub mod money;
pub mod news;
pub mod notification_hooks;
pub mod notification_mail;
pub mod notifications;
pub mod outbox;
pub mod page;
pub mod payees;
pub mod payout_accounts;
pub mod payouts;
pub mod profiles;
pub mod projects;
pub mod refunds;
pub mod rehire;
pub mod reports;
pub mod reviews;
pub mod sessions;
pub mod stripe_events;
pub mod terms;
pub mod text;
pub mod transfer_batches;
pub mod withholding;
pub mod zengin;

use sea_orm::{
    DatabaseConnection, DatabaseTransaction, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

pub use error::{DomainError, DomainResult};

pub use access::Access;

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: i64,
    pub email: String,
    pub email_verified: bool,
}

/// Starts a transaction that writes. On SQLite it takes the write lock up front
/// (`BEGIN IMMEDIATE`), so two writers queue on the busy timeout instead of failing
/// to upgrade a read lock; PostgreSQL uses row locks inside the transaction.
pub async fn write_tx(db: &DatabaseConnection) -> DomainResult<DatabaseTransaction> {
    let options = TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    };
    Ok(db.begin_with_options(options).await?)
}

/// Trims a required one-line input, refuses control characters and bounds its length
/// (see `text`; multi-line fields use `text::multi_line`).
pub fn required_text(value: &str, field: &str, max_chars: usize) -> DomainResult<String> {
    text::single_line(value, field, max_chars)
}

pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}
