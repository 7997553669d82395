use sea_orm::entity::prelude::*;

use crate::states::{JobStatus, MailPurpose};

/// A mail to send: the intent only. The body and its single-use token are made by the mail
/// worker when it sends, so no usable token is ever stored.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_emails")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub purpose: MailPurpose,
    /// The account the mail is for; none for a reset asked for an address without an
    /// account (queued all the same, so both answers take the same path; never sent).
    pub user_id: Option<i64>,
    /// The address the mail goes (or went) to; none when there is no account.
    pub recipient: Option<String>,
    /// PENDING (due at `next_attempt_at`), RUNNING (claimed until `locked_until`), DONE (sent
    /// at `sent_at`, or nothing to send when that is empty), FAILED (gave up).
    pub status: JobStatus,
    /// Delivery attempts so far.
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// A RUNNING row whose lease has run out is taken to have lost its worker.
    pub locked_until: Option<DateTimeUtc>,
    pub sent_at: Option<DateTimeUtc>,
    /// Why the latest failed attempt failed (kept once a later attempt succeeds).
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    /// The notification a `notification` mail tells of.
    pub notification_id: Option<i64>,
    /// The day (Japan time) a `digest` mail sums up; one per person and day.
    pub digest_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
