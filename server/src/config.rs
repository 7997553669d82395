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
    /// Check the ledger and payout invariants; exits non-zero listing what is broken.
    CheckLedger,
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
    /// Enables the `stripe` payment provider.
    #[arg(long, env = "STRIPE_SECRET_KEY", hide_env_values = true)]
    pub stripe_secret_key: Option<Secret>,
    /// Verifies `POST /webhooks/stripe`; without it the route answers 404.
    #[arg(long, env = "STRIPE_WEBHOOK_SECRET", hide_env_values = true)]
    pub stripe_webhook_secret: Option<Secret>,
    /// Where the Stripe client sends requests (a test server, say); Stripe's own by default.
    #[arg(long, env = "STRIPE_API_BASE")]
    pub stripe_api_base: Option<String>,
    /// Per-attempt timeout of Stripe API calls, in milliseconds.
    #[arg(long, env = "STRIPE_TIMEOUT_MS", default_value_t = 20_000)]
    pub stripe_timeout_ms: u64,
    /// The server's public address, for the links Stripe sends users back to.
    #[arg(
        long,
        env = "BOOMERANG_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub public_url: String,
    /// Runs the payout worker in this process (`false` leaves it to other replicas).
    #[arg(long, env = "BOOMERANG_WORKER", default_value_t = true, action = clap::ArgAction::Set)]
    pub worker: bool,
    /// How often an idle payout worker looks for due jobs, in milliseconds.
    #[arg(long, env = "BOOMERANG_WORKER_INTERVAL_MS", default_value_t = 1000)]
    pub worker_interval_ms: u64,
}

/// A secret from the environment: usable, never printed.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(****)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_string()))
    }
}

impl Config {
    /// A configuration for tests and tools: the given database, a free local port.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            db_pool: 10,
            stripe_secret_key: None,
            stripe_webhook_secret: None,
            stripe_api_base: None,
            stripe_timeout_ms: 20_000,
            public_url: "http://127.0.0.1:8080".to_string(),
            worker: true,
            worker_interval_ms: 1000,
        }
    }
}
