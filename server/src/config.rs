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
    /// Run migrations, then serve GraphQL and the console (the default).
    Serve {
        /// First fill an empty database with the demo network (see `seed-demo`).
        #[arg(long)]
        demo: bool,
    },
    /// Fill an empty database with a demo alumni network and print its logins; a database
    /// that has any user or company is left as it is.
    SeedDemo,
    /// Run pending migrations and exit.
    Migrate,
    /// Print the GraphQL schema (SDL) and exit.
    Schema,
    /// Check the ledger and payout invariants; exits non-zero listing what is broken.
    CheckLedger,
}

/// `production` turns on email verification, turns off introspection, the query page and field
/// suggestions, and refuses to start without its secrets. `development` keeps the conveniences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    Development,
    Production,
}

#[derive(Debug, Clone, Args)]
pub struct Config {
    #[arg(long = "env", env = "BOOMERANG_ENV", value_enum, default_value_t = Mode::Development)]
    pub mode: Mode,
    /// Overrides the mode's choice of whether alumni must verify their email.
    #[arg(long, env = "BOOMERANG_REQUIRE_EMAIL_VERIFICATION", action = clap::ArgAction::Set)]
    pub require_email_verification: Option<bool>,
    /// SMTP server for outgoing mail, e.g. `smtps://user:password@mail.example.com`; without it
    /// (development only) the mail worker logs each mail's recipient, subject and link.
    #[arg(long, env = "BOOMERANG_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<Secret>,
    #[arg(
        long,
        env = "BOOMERANG_MAIL_FROM",
        default_value = "Boomerang <no-reply@boomerang.invalid>"
    )]
    pub mail_from: String,
    /// The one request time limit, for every route and the whole request (body read included):
    /// `/graphql` answers a `TIMEOUT` error, other routes 503.
    #[arg(long, env = "BOOMERANG_REQUEST_TIMEOUT_MS", default_value_t = 10_000)]
    pub request_timeout_ms: u64,
    /// Keys the console's CSRF tokens (HMAC-SHA256). Without it each process draws a random
    /// key, so a form rendered by one replica is refused by another: set it when running more
    /// than one.
    #[arg(long, env = "BOOMERANG_SECRET", hide_env_values = true)]
    pub secret: Option<Secret>,
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
    /// Stripe's publishable key (public by design): the console's funding page loads Stripe.js
    /// with it; without it the page says Stripe is not configured.
    #[arg(long, env = "STRIPE_PUBLISHABLE_KEY")]
    pub stripe_publishable_key: Option<String>,
    /// The server's public address, for the links Stripe sends users back to.
    #[arg(
        long,
        env = "BOOMERANG_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub public_url: String,
    /// Runs the background workers in this process — mail, the automatic acceptance of
    /// deliveries, and payouts when Stripe is on (`false` leaves them to other replicas).
    #[arg(long, env = "BOOMERANG_WORKER", default_value_t = true, action = clap::ArgAction::Set)]
    pub worker: bool,
    /// How often an idle worker looks for due work (mail from other replicas, retries), in
    /// milliseconds.
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
            mode: Mode::Development,
            require_email_verification: None,
            smtp_url: None,
            mail_from: "Boomerang <no-reply@boomerang.invalid>".to_string(),
            request_timeout_ms: 10_000,
            secret: None,
            database_url: database_url.into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            db_pool: 10,
            stripe_secret_key: None,
            stripe_webhook_secret: None,
            stripe_api_base: None,
            stripe_timeout_ms: 20_000,
            stripe_publishable_key: None,
            public_url: "http://127.0.0.1:8080".to_string(),
            worker: true,
            worker_interval_ms: 1000,
        }
    }

    pub fn require_email_verification(&self) -> bool {
        self.require_email_verification
            .unwrap_or(self.mode == Mode::Production)
    }

    /// Refuses a production configuration that lacks what production needs.
    pub fn validate(&self) -> anyhow::Result<()> {
        if self.mode != Mode::Production {
            return Ok(());
        }
        let mut missing = Vec::new();
        if self.smtp_url.is_none() {
            missing.push("BOOMERANG_SMTP_URL (verification and reset mail must really be sent)");
        }
        if !self.public_url.starts_with("https://") {
            missing
                .push("BOOMERANG_PUBLIC_URL with an https:// address (links in mail point there)");
        }
        if self.stripe_secret_key.is_some() && self.stripe_webhook_secret.is_none() {
            missing
                .push("STRIPE_WEBHOOK_SECRET (Stripe is enabled, and its events must be verified)");
        }
        if missing.is_empty() {
            Ok(())
        } else {
            anyhow::bail!("BOOMERANG_ENV=production needs: {}", missing.join("; "))
        }
    }
}
