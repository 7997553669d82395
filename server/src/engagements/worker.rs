//! The engagements worker: claims `milestone.auto_accept` jobs and accepts deliveries whose
//! review window closed, and `contract.end_on_notice` jobs that end contracts on notice. It runs in every replica with `BOOMERANG_WORKER` on, Stripe or not;
//! job claims (`FOR UPDATE SKIP LOCKED` on PostgreSQL) hand each job to one worker, and the
//! acceptance is a conditional update, so a delivery is accepted exactly once.
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use tokio::sync::watch;

use crate::domain::error::DomainResult;
use crate::domain::jobs::{self, Outcome};
use crate::domain::{delivery, endings, now};
use entity::job;

/// Runs until `shutdown` turns true, sleeping `idle` whenever no job is due.
pub async fn run(db: DatabaseConnection, idle: Duration, mut shutdown: watch::Receiver<bool>) {
    // The notifications' daily work (digests, due-soon notices), once a day per replica; its
    // unique keys make a second replica's run a no-op.
    let mut daily_done = None;
    loop {
        let today = crate::domain::notification_mail::tokyo_today();
        if daily_done != Some(today) {
            match crate::domain::notification_mail::run_daily(&db, today).await {
                Ok(_) => daily_done = Some(today),
                Err(err) => tracing::error!(error = format!("{err:#}"), "daily notifications"),
            }
        }
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
/// or a notice run out without waiting): an automatic acceptance, else an end on notice.
/// Returns whether there was one.
pub async fn run_once(db: &DatabaseConnection, at: DateTime<Utc>) -> DomainResult<bool> {
    if let Some(job) = jobs::claim_due(db, jobs::MILESTONE_AUTO_ACCEPT, at).await? {
        let done = delivery::auto_accept(db, &job, at).await;
        if let Ok(true) = done {
            tracing::info!(
                milestone = job.subject_id,
                "delivery accepted automatically"
            );
        }
        settle(db, &job, done.map(|_| ()), "auto-acceptance failed").await?;
        return Ok(true);
    }
    if let Some(job) = jobs::claim_due(db, jobs::CONTRACT_END_ON_NOTICE, at).await? {
        let done = endings::end_on_notice(db, &job, at).await;
        if let Ok(true) = done {
            tracing::info!(contract = job.subject_id, "contract ended on notice");
        }
        settle(db, &job, done.map(|_| ()), "ending on notice failed").await?;
        return Ok(true);
    }
    Ok(false)
}

/// A failed job is retried with backoff, then given up.
async fn settle(
    db: &DatabaseConnection,
    job: &job::Model,
    done: DomainResult<()>,
    what: &str,
) -> DomainResult<()> {
    if let Err(err) = done {
        tracing::warn!(error = %err, subject = job.subject_id, kind = job.kind, "{what}");
        let outcome = if job.attempts < jobs::MAX_ATTEMPTS {
            Outcome::RetryAt(now() + jobs::backoff(job.attempts), err.to_string())
        } else {
            Outcome::Failed(err.to_string())
        };
        jobs::finish_claimed(db, job, outcome).await?;
    }
    Ok(())
}
