//! The job table: an outbox written in the same transaction as the change that needs later
//! work (a Stripe transfer or refund, a delivery's automatic acceptance), claimed by any
//! replica's worker. On PostgreSQL a claim
//! is `FOR UPDATE SKIP LOCKED`, so two workers never take the same job; a claimed job holds
//! a lease, and one whose lease ran out (its worker crashed) is claimed again.
use chrono::Duration;
use entity::job;
use entity::states::JobStatus;
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ActiveEnum, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::error::DomainResult;
use super::{now, write_tx};

pub const PAYOUT_TRANSFER: &str = "payout.transfer";
/// Refunds the escrow an ended Stripe contract no longer owes; the subject is the contract.
pub const CONTRACT_REFUND: &str = "contract.refund";
/// Accepts a SUBMITTED milestone whose review window closed (`domain::delivery::auto_accept`).
pub const MILESTONE_AUTO_ACCEPT: &str = "milestone.auto_accept";
/// Ends a contract whose 30 days' notice ran out (`domain::endings::end_on_notice`).
pub const CONTRACT_END_ON_NOTICE: &str = "contract.end_on_notice";
/// How long a claimed job is held before another worker may take it over.
/// Longer than the longest Stripe call (5 attempts of `STRIPE_TIMEOUT_MS`, 20 s by default,
/// plus the 409 backoff), so a live worker's claim never runs out mid-call.
pub const LEASE: Duration = Duration::minutes(5);
/// Attempts before a retryable failure is given up.
pub const MAX_ATTEMPTS: i32 = 10;

pub async fn enqueue(db: &impl ConnectionTrait, kind: &str, subject_id: i64) -> DomainResult<()> {
    enqueue_at(db, kind, subject_id, now()).await
}

/// Enqueues a job that becomes due at `run_at`.
pub async fn enqueue_at(
    db: &impl ConnectionTrait,
    kind: &str,
    subject_id: i64,
    run_at: chrono::DateTime<chrono::Utc>,
) -> DomainResult<()> {
    let at = now();
    job::Entity::insert(job::ActiveModel {
        kind: Set(kind.to_string()),
        subject_id: Set(subject_id),
        status: Set(JobStatus::Pending),
        attempts: Set(0),
        run_at: Set(run_at),
        locked_until: Set(None),
        last_error: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

/// Makes the one job of `kind` for `subject_id` due at `run_at` with a fresh attempt budget,
/// writing it if there is none yet (`ux_jobs_subject` allows one per subject). A worker that
/// holds the job meanwhile cannot undo this: it finishes with [`finish_claimed`], which leaves
/// a rescheduled job alone.
pub async fn schedule(
    db: &impl ConnectionTrait,
    kind: &str,
    subject_id: i64,
    run_at: chrono::DateTime<chrono::Utc>,
) -> DomainResult<()> {
    let at = now();
    let moved = job::Entity::update_many()
        .col_expr(
            job::Column::Status,
            Expr::value(JobStatus::Pending.to_value()),
        )
        .col_expr(job::Column::RunAt, Expr::value(run_at))
        .col_expr(job::Column::Attempts, Expr::value(0))
        .col_expr(
            job::Column::LockedUntil,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .col_expr(job::Column::LastError, Expr::value(Option::<String>::None))
        .col_expr(job::Column::UpdatedAt, Expr::value(at))
        .filter(job::Column::Kind.eq(kind))
        .filter(job::Column::SubjectId.eq(subject_id))
        .exec(db)
        .await?;
    if moved.rows_affected == 0 {
        enqueue_at(db, kind, subject_id, run_at).await?;
    }
    Ok(())
}

/// `finish` for a job as claimed: a no-op when it was rescheduled after the claim.
pub async fn finish_claimed(
    db: &impl ConnectionTrait,
    job: &job::Model,
    outcome: Outcome,
) -> DomainResult<()> {
    let still = job::Entity::find_by_id(job.id)
        .filter(job::Column::Status.eq(JobStatus::Running))
        .filter(job::Column::Attempts.eq(job.attempts))
        .one(db)
        .await?;
    if still.is_some() {
        finish(db, job, outcome).await?;
    }
    Ok(())
}

/// Claims the oldest due job of `kind`, if any: PENDING and due, or RUNNING with an
/// expired lease. The claim counts as an attempt.
pub async fn claim(db: &DatabaseConnection, kind: &str) -> DomainResult<Option<job::Model>> {
    claim_due(db, kind, now()).await
}

/// `claim` as of `at`: tests pass a later time to make a job's time come without waiting.
pub async fn claim_due(
    db: &DatabaseConnection,
    kind: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> DomainResult<Option<job::Model>> {
    let tx = write_tx(db).await?;
    let due = Condition::any()
        .add(
            Condition::all()
                .add(job::Column::Status.eq(JobStatus::Pending))
                .add(job::Column::RunAt.lte(at)),
        )
        .add(
            Condition::all()
                .add(job::Column::Status.eq(JobStatus::Running))
                .add(job::Column::LockedUntil.lt(at)),
        );
    let Some(found) = job::Entity::find()
        .filter(job::Column::Kind.eq(kind))
        .filter(due)
        .order_by_asc(job::Column::RunAt)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .one(&tx)
        .await?
    else {
        return Ok(None);
    };
    let locked_until = at + LEASE;
    let claimed = job::Entity::update_many()
        .col_expr(
            job::Column::Status,
            Expr::value(JobStatus::Running.to_value()),
        )
        .col_expr(job::Column::Attempts, Expr::value(found.attempts + 1))
        .col_expr(job::Column::LockedUntil, Expr::value(locked_until))
        .col_expr(job::Column::UpdatedAt, Expr::value(at))
        .filter(job::Column::Id.eq(found.id))
        .filter(job::Column::Attempts.eq(found.attempts))
        .exec(&tx)
        .await?;
    tx.commit().await?;
    Ok((claimed.rows_affected == 1).then(|| job::Model {
        status: JobStatus::Running,
        attempts: found.attempts + 1,
        locked_until: Some(locked_until),
        updated_at: at,
        ..found
    }))
}

/// Ends a job: DONE, FAILED, or back to PENDING to run at `retry_at`.
pub async fn finish(
    db: &impl ConnectionTrait,
    job: &job::Model,
    outcome: Outcome,
) -> DomainResult<()> {
    let at = now();
    let (status, run_at, error) = match outcome {
        Outcome::Done => (JobStatus::Done, job.run_at, None),
        Outcome::Failed(error) => (JobStatus::Failed, job.run_at, Some(error)),
        Outcome::RetryAt(run_at, error) => (JobStatus::Pending, run_at, Some(error)),
    };
    job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(status.to_value()))
        .col_expr(job::Column::RunAt, Expr::value(run_at))
        .col_expr(
            job::Column::LockedUntil,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .col_expr(job::Column::LastError, Expr::value(error))
        .col_expr(job::Column::UpdatedAt, Expr::value(at))
        .filter(job::Column::Id.eq(job.id))
        .exec(db)
        .await?;
    Ok(())
}

pub enum Outcome {
    Done,
    Failed(String),
    RetryAt(chrono::DateTime<chrono::Utc>, String),
}

/// Exponential backoff: 2, 4, 8 … seconds, at most ten minutes.
pub fn backoff(attempts: i32) -> Duration {
    Duration::seconds(2_i64.saturating_pow(attempts.clamp(1, 20) as u32).min(600))
}

/// Makes a job of `kind` for `subject_id` due now with a fresh attempt budget
/// (used by `retryPayout` and when a payout account becomes able to receive transfers).
pub async fn reschedule_now(
    db: &impl ConnectionTrait,
    kind: &str,
    subject_ids: &[i64],
) -> DomainResult<()> {
    if subject_ids.is_empty() {
        return Ok(());
    }
    job::Entity::update_many()
        .col_expr(
            job::Column::Status,
            Expr::value(JobStatus::Pending.to_value()),
        )
        .col_expr(job::Column::RunAt, Expr::value(now()))
        .col_expr(job::Column::Attempts, Expr::value(0))
        .col_expr(job::Column::UpdatedAt, Expr::value(now()))
        .filter(job::Column::Kind.eq(kind))
        .filter(job::Column::SubjectId.is_in(subject_ids.iter().copied()))
        .filter(job::Column::Status.ne(JobStatus::Running))
        .exec(db)
        .await?;
    Ok(())
}
