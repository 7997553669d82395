//! Typed configuration from flags and the environment.
use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "boomerang",
    version,
    about = "The alumni side-job marketplace server"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: Config,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run migrations, then serve GraphQL (the default).
    Serve,
    /// Run pending migrations and exit.
    Migrate,
    /// Print the GraphQL schema (SDL) and exit.
    Schema,
}

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database URL: `sqlite://path?mode=rwc` or `postgres://user@host/db`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://boomerang.db?mode=rwc",
        hide_env_values = true
    )]
    pub database_url: String,
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, env = "BOOMERANG_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Maximum database connections in the pool.
    #[arg(long, env = "BOOMERANG_DB_POOL", default_value_t = 10)]
    pub db_pool: u32,
}

impl Config {
    /// A configuration for tests and tools: the given database, a free local port.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            db_pool: 10,
        }
    }
}
