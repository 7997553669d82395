//! The mail worker: claims due outbox rows, sends each as a letter and records the outcome.
//! Every replica may run one (`BOOMERANG_WORKER`); the outbox's claim and lease make each
//! mail go out once. A failed send is retried with backoff (`domain::outbox::backoff`).
use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::sync::watch;

use super::{Mailer, Wakeup};
use crate::domain::email_ownership::{self, Letter, Links, Next};
use crate::domain::error::DomainResult;

/// Tries to record a delivery this many times, a second apart, before leaving the row to
/// its lease (after which it would be sent again).
const RECORD_TRIES: u32 = 5;

#[derive(Clone)]
pub struct MailWorker {
    mailer: Arc<Mailer>,
    links: Links,
}

impl MailWorker {
    pub fn new(mailer: Mailer, links: Links) -> Self {
        Self {
            mailer: Arc::new(mailer),
            links,
        }
    }

    /// Runs until `shutdown` turns true; when nothing is due it sleeps `idle` or until woken.
    pub async fn run(
        &self,
        db: DatabaseConnection,
        idle: Duration,
        wakeup: Wakeup,
        mut shutdown: watch::Receiver<bool>,
    ) {
        loop {
            let worked = match self.run_once(&db).await {
                Ok(worked) => worked,
                Err(err) => {
                    tracing::error!(error = format!("{err:#}"), "mail worker");
                    false
                }
            };
            if *shutdown.borrow() {
                return;
            }
            if !worked {
                tokio::select! {
                    _ = tokio::time::sleep(idle) => {}
                    _ = wakeup.notified() => {}
                    _ = shutdown.changed() => return,
                }
            }
        }
    }

    /// Handles one due outbox row. Returns whether there was one.
    pub async fn run_once(&self, db: &DatabaseConnection) -> DomainResult<bool> {
        let letter = match email_ownership::next_letter(db, &self.links).await? {
            Next::Idle => return Ok(false),
            Next::Closed => return Ok(true),
            Next::Send(letter) => letter,
        };
        self.deliver(db, &letter).await?;
        Ok(true)
    }

    #[tracing::instrument(skip_all, fields(outbox_id = letter.outbox_id, attempt = letter.attempt))]
    async fn deliver(&self, db: &DatabaseConnection, letter: &Letter) -> DomainResult<()> {
        match self.mailer.send(letter).await {
            Ok(()) => {
                let mut tries = 0;
                let kept = loop {
                    tries += 1;
                    match email_ownership::delivered(db, letter).await {
                        Ok(kept) => break kept,
                        Err(err) if tries < RECORD_TRIES => {
                            tracing::warn!(
                                error = format!("{err:#}"),
                                "recording a sent mail; trying again"
                            );
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                        Err(err) => return Err(err),
                    }
                };
                if kept {
                    tracing::info!("mail sent");
                } else {
                    tracing::warn!("mail sent after its claim ran out");
                }
            }
            Err(error) => {
                tracing::warn!(%error, "sending mail failed");
                email_ownership::not_delivered(db, letter, &error).await?;
            }
        }
        Ok(())
    }
}
