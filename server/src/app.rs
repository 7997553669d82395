//! `App::build` connects, migrates and binds; `run_until` serves until shutdown. Tests start
//! the real thing on port 0 this way.
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::Context;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::config::{Config, Mode, Secret};
use crate::domain::email_ownership::Links;
use crate::graphql::{ApiConfig, Documents};
use crate::http::{AppState, Metrics, router};
use crate::mail::worker::MailWorker;
use crate::mail::{Mailer, Wakeup};
use crate::payments::flows::Stripe;
use crate::payments::{StripeGateway, worker};
use crate::ratelimit::RateLimiter;
use crate::{db, engagements, graphql};

pub struct App {
    listener: TcpListener,
    state: AppState,
    stripe: Option<Arc<Stripe>>,
    worker: Option<Duration>,
    /// The pool as the background workers use it: their statements are counted apart from
    /// the requests' (`boomerang_worker_sql_statements_total`).
    worker_db: DatabaseConnection,
    mail: MailWorker,
    mail_wakeup: Wakeup,
}

impl App {
    pub async fn build(config: &Config) -> anyhow::Result<Self> {
        config.validate()?;
        let mut db = db::connect(&config.database_url, config.db_pool).await?;
        db::migrate(&db).await?;
        let metrics = Metrics::default();
        let mut worker_db = db.clone();
        for (conn, statements) in [
            (&mut db, metrics.sql_statements.clone()),
            (&mut worker_db, metrics.worker_sql_statements.clone()),
        ] {
            conn.set_metric_callback(move |info| {
                statements.fetch_add(1, Ordering::Relaxed);
                // The SQL text only: bound values (which may be secrets' hashes) are not logged.
                tracing::trace!(target: "boomerang::sql", elapsed_us = info.elapsed.as_micros() as u64, "{}", info.statement.sql);
            });
        }
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("binding {}", config.listen))?;
        let stripe = match &config.stripe_secret_key {
            Some(key) => Some(Arc::new(Stripe {
                gateway: StripeGateway::new(
                    key.expose(),
                    config.stripe_api_base.as_deref(),
                    Duration::from_millis(config.stripe_timeout_ms),
                )?,
                public_url: config.public_url.clone(),
            })),
            None => None,
        };
        let mail = MailWorker::new(
            Mailer::from_config(
                config.smtp_url.as_ref(),
                &config.mail_from,
                config.mode == Mode::Development,
            )?,
            Links {
                public_url: config.public_url.clone(),
            },
        );
        let mail_wakeup = Wakeup::default();
        let api = ApiConfig {
            stripe: stripe.clone(),
            mail_wakeup: mail_wakeup.clone(),
            production: config.mode == Mode::Production,
            rate_limiter: RateLimiter::default(),
        };
        let schema = graphql::build_schema(db.clone(), api);
        let state = AppState {
            schema,
            db,
            metrics,
            stripe_webhook_secret: config.stripe_webhook_secret.clone(),
            production: config.mode == Mode::Production,
            request_timeout: Duration::from_millis(config.request_timeout_ms),
            require_verified_email: config.require_email_verification(),
            documents: Arc::new(Documents::new(config.mode != Mode::Production)),
            console: crate::console::Settings::new(
                config.secret.as_ref().map(Secret::expose),
                config.mode == Mode::Production,
            )
            .with_stripe_publishable_key(config.stripe_publishable_key.clone()),
        };
        let worker = config
            .worker
            .then(|| Duration::from_millis(config.worker_interval_ms));
        Ok(Self {
            listener,
            state,
            stripe,
            worker,
            worker_db,
            mail,
            mail_wakeup,
        })
    }

    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        self.listener
            .local_addr()
            .context("reading the bound address")
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.state.db
    }

    /// The Stripe provider, when `STRIPE_SECRET_KEY` is set.
    pub fn stripe(&self) -> Option<Arc<Stripe>> {
        self.stripe.clone()
    }

    /// The mail worker as this app runs it (tests drive it by hand when `worker` is off).
    pub fn mail_worker(&self) -> MailWorker {
        self.mail.clone()
    }

    /// Serves until `shutdown` resolves; requests in flight and the workers' current jobs
    /// finish, then the pool closes. The mail and engagements (auto-acceptance)
    /// workers run whenever `BOOMERANG_WORKER` is on; the payout worker when Stripe is configured too.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let db = self.state.db.clone();
        let (stop_worker, stopped) = watch::channel(false);
        let worker = match (&self.stripe, self.worker) {
            (Some(stripe), Some(idle)) => {
                let stripe = stripe.clone();
                let db = self.worker_db.clone();
                let stopped = stopped.clone();
                Some(tokio::spawn(async move {
                    worker::run(db, &stripe.gateway, idle, stopped).await
                }))
            }
            _ => None,
        };
        let engagements = self.worker.map(|idle| {
            let db = self.worker_db.clone();
            let stopped = stop_worker.subscribe();
            tokio::spawn(async move { engagements::worker::run(db, idle, stopped).await })
        });
        let mail_worker = self.worker.map(|idle| {
            let (mail, db, wakeup) = (self.mail, self.worker_db, self.mail_wakeup);
            tokio::spawn(async move { mail.run(db, idle, wakeup, stopped).await })
        });
        let served = axum::serve(
            self.listener,
            router(self.state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
        .context("serving HTTP");
        stop_worker.send(true).ok();
        if let Some(worker) = worker {
            worker.await.context("the payout worker panicked")?;
        }
        if let Some(worker) = mail_worker {
            worker.await.context("the mail worker panicked")?;
        }
        if let Some(worker) = engagements {
            worker.await.context("the engagements worker panicked")?;
        }
        served?;
        db.close().await.context("closing the database pool")?;
        Ok(())
    }

    /// Serves until SIGTERM or Ctrl-C.
    pub async fn run(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "listening for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "listening for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down; finishing requests in flight");
}
