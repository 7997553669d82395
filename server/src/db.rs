//! Connecting to SQLite or PostgreSQL and running the migrations.
use std::time::Duration;

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

/// Connects with settings fit for concurrent writers: on SQLite, WAL (readers never block
/// the writer), a busy timeout (writers queue instead of failing) and enforced foreign keys.
///
/// The pool does not ping a connection before handing it out: sqlx already pings every
/// connection when it comes back to the pool, and a ping on both ends tripled the round trips
/// of every statement (the benchmark's profile: a third of the server's CPU in the pool).
pub async fn connect(url: &str, pool: u32) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_string());
    options
        .max_connections(pool)
        .min_connections(1)
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(30))
                .foreign_keys(true)
        });
    Database::connect(options)
        .await
        .with_context(|| format!("connecting to the {} database", backend_name(url)))
}

pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await.context("running migrations")
}

/// The kind of database a URL names, for messages that must not show the URL's secrets.
pub fn backend_name(url: &str) -> &'static str {
    if url.starts_with("postgres") {
        "PostgreSQL"
    } else if url.starts_with("sqlite") {
        "SQLite"
    } else {
        "configured"
    }
}
