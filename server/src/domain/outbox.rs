//! The mail outbox: one row per mail to send, holding the intent (purpose and account) and
//! never a body. Any replica's mail worker claims due rows — on PostgreSQL with
//! `FOR UPDATE SKIP LOCKED`, on SQLite under the write lock — and holds a claimed row for a
//! lease; sending is bounded well inside that lease, so two workers never send one row.
//! A failed attempt is retried with exponential backoff.
use chrono::Duration;
use entity::states::{JobStatus, MailPurpose};
use entity::{outbox_email, user};
use sea_orm::sea_query::{Alias, Expr, JoinType, LockBehavior, LockType, Query};
use sea_orm::{
    ActiveEnum, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use super::email::Email;
use super::error::DomainResult;
use super::now;

/// How long a claimed mail is held before another worker may take it over; the send
/// itself gives up long before (`crate::mail::SEND_TIMEOUT`).
pub const LEASE: Duration = Duration::minutes(5);
/// Attempts before a mail is given up (about 40 minutes of retrying).
pub const MAX_ATTEMPTS: i32 = 10;

/// Exponential backoff after the `attempts`-th failure, the same as the job table's.
pub use super::jobs::backoff;

/// Queues a mail to `user`, in the caller's transaction.
pub(crate) async fn queue_for_user(
    db: &impl ConnectionTrait,
    purpose: MailPurpose,
    user: &user::Model,
) -> DomainResult<()> {
    let at = now();
    outbox_email::Entity::insert(outbox_email::ActiveModel {
        purpose: Set(purpose),
        user_id: Set(Some(user.id)),
        recipient: Set(Some(user.email.clone())),
        status: Set(JobStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(at),
        locked_until: Set(None),
        sent_at: Set(None),
        last_error: Set(None),
        created_at: Set(at),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Queues the mail of one notification to `user_id`, in the notifying transaction.
pub(crate) async fn queue_notification(
    db: &impl ConnectionTrait,
    user_id: i64,
    notification_id: i64,
) -> DomainResult<()> {
    let at = now();
    outbox_email::Entity::insert(outbox_email::ActiveModel {
        purpose: Set(MailPurpose::Notification),
        user_id: Set(Some(user_id)),
        status: Set(JobStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(at),
        created_at: Set(at),
        notification_id: Set(Some(notification_id)),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Queues the digest of `day` to `user_id` unless it is queued already (one per person and
/// day, `ux_outbox_emails_digest`). Returns whether this call queued it.
pub(crate) async fn queue_digest(
    db: &impl ConnectionTrait,
    user_id: i64,
    day: chrono::NaiveDate,
) -> DomainResult<bool> {
    let at = now();
    let inserted = outbox_email::Entity::insert(outbox_email::ActiveModel {
        purpose: Set(MailPurpose::Digest),
        user_id: Set(Some(user_id)),
        status: Set(JobStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(at),
        created_at: Set(at),
        digest_on: Set(Some(day)),
        ..Default::default()
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::columns([
            outbox_email::Column::UserId,
            outbox_email::Column::DigestOn,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}

/// Queues a mail to whichever account owns `email`, in one statement that inserts one row
/// whether or not there is such an account (user and recipient stay empty when there is
/// none). The caller does the same work either way, so neither its answer nor its timing
/// nor its statement count tells who has an account; the worker drops the empty row.
pub(crate) async fn queue_for_address(
    db: &impl ConnectionTrait,
    purpose: MailPurpose,
    email: &Email,
) -> DomainResult<()> {
    let at = now();
    let account = Alias::new("account");
    let one_row = Query::select().expr(Expr::val(1)).take();
    let select = Query::select()
        .expr(Expr::val(purpose.to_value()))
        .column((account.clone(), user::Column::Id))
        .column((account.clone(), user::Column::Email))
        .expr(Expr::val(JobStatus::Pending.to_value()))
        .expr(Expr::val(0_i32))
        .expr(Expr::val(at))
        .expr(Expr::val(at))
        .from_subquery(one_row, Alias::new("one_row"))
        .join_as(
            JoinType::LeftJoin,
            user::Entity,
            account.clone(),
            sea_orm::sea_query::ExprTrait::eq(
                Expr::col((account, user::Column::Email)),
                email.as_str(),
            ),
        )
        .take();
    let insert = Query::insert()
        .into_table(outbox_email::Entity)
        .columns([
            outbox_email::Column::Purpose,
            outbox_email::Column::UserId,
            outbox_email::Column::Recipient,
            outbox_email::Column::Status,
            outbox_email::Column::Attempts,
            outbox_email::Column::NextAttemptAt,
            outbox_email::Column::CreatedAt,
        ])
        .select_from(select)
        .map_err(|e| anyhow::anyhow!("building the outbox insert: {e}"))?
        .take();
    db.execute(&insert).await?;
    Ok(())
}

/// PENDING and due, or RUNNING with an expired lease (its worker died).
fn due() -> Condition {
    let at = now();
    Condition::any()
        .add(
            Condition::all()
                .add(outbox_email::Column::Status.eq(JobStatus::Pending))
                .add(outbox_email::Column::NextAttemptAt.lte(at)),
        )
        .add(
            Condition::all()
                .add(outbox_email::Column::Status.eq(JobStatus::Running))
                .add(outbox_email::Column::LockedUntil.lt(at)),
        )
}

/// Whether any row is due: one plain read, so that an idle worker's poll takes no write lock.
pub(crate) async fn any_due(db: &impl ConnectionTrait) -> DomainResult<bool> {
    Ok(outbox_email::Entity::find()
        .select_only()
        .column(outbox_email::Column::Id)
        .filter(due())
        .into_tuple::<i64>()
        .one(db)
        .await?
        .is_some())
}

/// Locks the oldest due row, if any, in the caller's transaction.
pub(crate) async fn next_due(
    tx: &impl ConnectionTrait,
) -> DomainResult<Option<outbox_email::Model>> {
    Ok(outbox_email::Entity::find()
        .filter(due())
        .order_by_asc(outbox_email::Column::NextAttemptAt)
        .order_by_asc(outbox_email::Column::Id)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .one(tx)
        .await?)
}

/// Claims `row` for one more attempt to `recipient`, held for `LEASE`. Returns the attempt
/// number, or `None` when another worker changed the row since it was read.
pub(crate) async fn start_attempt(
    tx: &impl ConnectionTrait,
    row: &outbox_email::Model,
    recipient: &str,
) -> DomainResult<Option<i32>> {
    let at = now();
    let attempt = row.attempts + 1;
    let claimed = outbox_email::Entity::update_many()
        .col_expr(
            outbox_email::Column::Status,
            Expr::value(JobStatus::Running.to_value()),
        )
        .col_expr(outbox_email::Column::Attempts, Expr::value(attempt))
        .col_expr(outbox_email::Column::LockedUntil, Expr::value(at + LEASE))
        .col_expr(
            outbox_email::Column::Recipient,
            Expr::value(recipient.to_string()),
        )
        .filter(outbox_email::Column::Id.eq(row.id))
        .filter(outbox_email::Column::Attempts.eq(row.attempts))
        .exec(tx)
        .await?;
    Ok((claimed.rows_affected == 1).then_some(attempt))
}

/// Ends a row without sending anything: DONE with no `sent_at` (nothing to send), or FAILED
/// with `error`.
pub(crate) async fn close_unsent(
    tx: &impl ConnectionTrait,
    row: &outbox_email::Model,
    error: Option<&str>,
) -> DomainResult<()> {
    let status = if error.is_some() {
        JobStatus::Failed
    } else {
        JobStatus::Done
    };
    outbox_email::Entity::update_many()
        .col_expr(outbox_email::Column::Status, Expr::value(status.to_value()))
        .col_expr(
            outbox_email::Column::LockedUntil,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .col_expr(
            outbox_email::Column::LastError,
            Expr::value(error.map(str::to_string)),
        )
        .filter(outbox_email::Column::Id.eq(row.id))
        .filter(outbox_email::Column::Attempts.eq(row.attempts))
        .exec(tx)
        .await?;
    Ok(())
}

/// Records that `attempt` delivered the mail (an earlier attempt's `last_error` stays, as
/// history). False when the claim was lost meanwhile.
pub(crate) async fn mark_sent(
    db: &impl ConnectionTrait,
    id: i64,
    attempt: i32,
) -> DomainResult<bool> {
    let at = now();
    let marked = outbox_email::Entity::update_many()
        .col_expr(
            outbox_email::Column::Status,
            Expr::value(JobStatus::Done.to_value()),
        )
        .col_expr(outbox_email::Column::SentAt, Expr::value(at))
        .col_expr(
            outbox_email::Column::LockedUntil,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .filter(outbox_email::Column::Id.eq(id))
        .filter(outbox_email::Column::Attempts.eq(attempt))
        .filter(outbox_email::Column::Status.eq(JobStatus::Running))
        .exec(db)
        .await?;
    Ok(marked.rows_affected == 1)
}

/// Records that `attempt` failed with `error`: due again after the backoff, or FAILED once
/// `MAX_ATTEMPTS` are spent. False when the claim was lost meanwhile.
pub(crate) async fn mark_failed(
    db: &impl ConnectionTrait,
    id: i64,
    attempt: i32,
    error: &str,
) -> DomainResult<bool> {
    let status = if attempt >= MAX_ATTEMPTS {
        JobStatus::Failed
    } else {
        JobStatus::Pending
    };
    let marked = outbox_email::Entity::update_many()
        .col_expr(outbox_email::Column::Status, Expr::value(status.to_value()))
        .col_expr(
            outbox_email::Column::NextAttemptAt,
            Expr::value(now() + backoff(attempt)),
        )
        .col_expr(
            outbox_email::Column::LockedUntil,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .col_expr(
            outbox_email::Column::LastError,
            Expr::value(error.to_string()),
        )
        .filter(outbox_email::Column::Id.eq(id))
        .filter(outbox_email::Column::Attempts.eq(attempt))
        .filter(outbox_email::Column::Status.eq(JobStatus::Running))
        .exec(db)
        .await?;
    Ok(marked.rows_affected == 1)
}
