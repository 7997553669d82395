//! The engagements worker: claims `milestone.auto_accept` jobs and accepts deliveries whose
//! review window closed. It runs in every replica with `BOOMERANG_WORKER` on, Stripe or not;
//! job claims (`FOR UPDATE SKIP LOCKED` on PostgreSQL) hand each job to one worker, and the
//! acceptance is a conditional update, so a delivery is accepted exactly once.
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use tokio::sync::watch;

use crate::domain::error::DomainResult;
use crate::domain::jobs::{self, Outcome};
use crate::domain::{delivery, now};

/// Runs until `shutdown` turns true, sleeping `idle` whenever no job is due.
pub async fn run(db: DatabaseConnection, idle: Duration, mut shutdown: watch::Receiver<bool>) {
    loop {
        let worked = match run_once(&db, now()).await {
            Ok(worked) => worked,
            Err(err) => {
                tracing::error!(error = format!("{err:#}"), "engagements worker");
                false
            }
        };
        if *shutdown.borrow() {
            return;
        }
        if !worked {
            tokio::select! {
                _ = tokio::time::sleep(idle) => {}
                _ = shutdown.changed() => return,
            }
        }
    }
}

/// Claims and runs one job due by `at` (tests pass a later time to let a review window close
/// without waiting). Returns whether there was one.
pub async fn run_once(db: &DatabaseConnection, at: DateTime<Utc>) -> DomainResult<bool> {
    let Some(job) = jobs::claim_due(db, jobs::MILESTONE_AUTO_ACCEPT, at).await? else {
        return Ok(false);
    };
    match delivery::auto_accept(db, &job, at).await {
        Ok(accepted) => {
            if accepted {
                tracing::info!(
                    milestone = job.subject_id,
                    "delivery accepted automatically"
                );
            }
        }
        Err(err) => {
            tracing::warn!(error = %err, milestone = job.subject_id, "auto-acceptance failed");
            let outcome = if job.attempts < jobs::MAX_ATTEMPTS {
                Outcome::RetryAt(now() + jobs::backoff(job.attempts), err.to_string())
            } else {
                Outcome::Failed(err.to_string())
            };
            jobs::finish_claimed(db, &job, outcome).await?;
        }
    }
    Ok(true)
}
