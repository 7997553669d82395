//! Notifications (issue 13 §7): written by [`notify`] inside the transaction of the change
//! that causes them — so a rolled-back change leaves none — and read in the console and through
//! `viewer.notifications`. Messages are rendered in the reader's language from the kind and
//! its params, not stored as text.
use entity::states::NotificationDelivery;
use entity::{notification, notification_preference};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::Value;

use super::audit::Subject;
use super::error::{DomainError, DomainResult};
use super::page::{Page, Paged};
use super::{Actor, audit, now, outbox, write_tx};

/// Every kind of notification. The stored name is `as_str`; changing one orphans stored rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A new project of one of her companies matching her skills.
    ProjectPublished,
    /// A new rehire opening of a company she consented to rehire news from.
    OpeningPublished,
    /// A news post of a company she consented to news from.
    NewsPosted,
    /// An event of a company she consented to events from.
    EventCreated,
    /// Staff invited her to bid on a project.
    InvitedToBid,
    /// Staff invited her to speak at an event.
    InvitedToSpeak,
    BidAccepted,
    BidRejected,
    DeliveryAccepted,
    ChangesRequested,
    InvoiceApproved,
    InvoiceRejected,
    PayoutPaid,
    PayoutFailed,
    /// For finance: an invoice awaits review.
    InvoiceAwaitingReview,
    /// For finance: an invoice is due within 7 days and not paid.
    InvoiceDueSoon,
    /// For staff: an alumna applied to an opening, or her application moved.
    ApplicationReceived,
    ApplicationMoved,
}

impl Kind {
    pub const ALL: [Kind; 18] = [
        Self::ProjectPublished,
        Self::OpeningPublished,
        Self::NewsPosted,
        Self::EventCreated,
        Self::InvitedToBid,
        Self::InvitedToSpeak,
        Self::BidAccepted,
        Self::BidRejected,
        Self::DeliveryAccepted,
        Self::ChangesRequested,
        Self::InvoiceApproved,
        Self::InvoiceRejected,
        Self::PayoutPaid,
        Self::PayoutFailed,
        Self::InvoiceAwaitingReview,
        Self::InvoiceDueSoon,
        Self::ApplicationReceived,
        Self::ApplicationMoved,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ProjectPublished => "project.published",
            Self::OpeningPublished => "opening.published",
            Self::NewsPosted => "news.posted",
            Self::EventCreated => "event.created",
            Self::InvitedToBid => "invitation.bid",
            Self::InvitedToSpeak => "invitation.speak",
            Self::BidAccepted => "bid.accepted",
            Self::BidRejected => "bid.rejected",
            Self::DeliveryAccepted => "delivery.accepted",
            Self::ChangesRequested => "delivery.changes_requested",
            Self::InvoiceApproved => "invoice.approved",
            Self::InvoiceRejected => "invoice.rejected",
            Self::PayoutPaid => "payout.paid",
            Self::PayoutFailed => "payout.failed",
            Self::InvoiceAwaitingReview => "invoice.awaiting_review",
            Self::InvoiceDueSoon => "invoice.due_soon",
            Self::ApplicationReceived => "application.received",
            Self::ApplicationMoved => "application.moved",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The kind named as the API names it (`INVITED_TO_BID`: the variant in capitals).
    pub fn from_api_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.api_name() == name)
    }

    pub fn api_name(self) -> String {
        let mut out = String::new();
        for (i, c) in format!("{self:?}").chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_uppercase());
        }
        out
    }
}

/// One notification to write.
#[derive(Debug, Clone)]
pub struct Notice {
    pub user_id: i64,
    pub kind: Kind,
    pub company_id: Option<i64>,
    pub subject: Option<(Subject, i64)>,
    /// What the message needs (titles, amounts), as JSON.
    pub params: Value,
}

/// How a kind reaches someone who chose nothing: at once by mail for what concerns her own
/// work, money and invitations; in the daily digest for what her companies publish.
pub const fn default_delivery(kind: Kind) -> NotificationDelivery {
    match kind {
        Kind::ProjectPublished | Kind::OpeningPublished | Kind::NewsPosted | Kind::EventCreated => {
            NotificationDelivery::DailyDigest
        }
        _ => NotificationDelivery::Email,
    }
}

/// How `kind` reaches `user_id` now: her choice, else the default.
pub async fn delivery_of(
    db: &impl ConnectionTrait,
    user_id: i64,
    kind: Kind,
) -> DomainResult<NotificationDelivery> {
    Ok(notification_preference::Entity::find()
        .filter(notification_preference::Column::UserId.eq(user_id))
        .filter(notification_preference::Column::Kind.eq(kind.as_str()))
        .one(db)
        .await?
        .map_or(default_delivery(kind), |p| p.delivery))
}

/// Writes a notification in the caller's transaction, and — when its reader wants this kind by
/// mail — its mail in the outbox, in the same transaction: a rolled-back change leaves neither.
pub async fn notify(
    tx: &impl ConnectionTrait,
    notice: Notice,
) -> DomainResult<notification::Model> {
    let written = write(tx, notice, None).await?;
    written.ok_or_else(|| anyhow::anyhow!("a notification without a key was not written").into())
}

/// Like [`notify`], once per `once_key`: `None` when a notice with that key exists (written by
/// another run of a daily job, perhaps on another replica).
pub async fn notify_once(
    tx: &impl ConnectionTrait,
    notice: Notice,
    once_key: String,
) -> DomainResult<Option<notification::Model>> {
    write(tx, notice, Some(once_key)).await
}

async fn write(
    tx: &impl ConnectionTrait,
    notice: Notice,
    once_key: Option<String>,
) -> DomainResult<Option<notification::Model>> {
    let delivery = delivery_of(tx, notice.user_id, notice.kind).await?;
    let (subject_type, subject_id) = match notice.subject {
        Some((subject, id)) => (Some(subject.as_str().to_string()), Some(id)),
        None => (None, None),
    };
    let row = notification::ActiveModel {
        user_id: Set(notice.user_id),
        kind: Set(notice.kind.as_str().to_string()),
        company_id: Set(notice.company_id),
        subject_type: Set(subject_type),
        subject_id: Set(subject_id),
        params: Set(notice.params.to_string()),
        created_at: Set(now()),
        read_at: Set(None),
        delivery: Set(Some(delivery.to_value())),
        once_key: Set(once_key.clone()),
        ..Default::default()
    };
    let written = match &once_key {
        None => row.insert(tx).await?,
        Some(key) => {
            let inserted = notification::Entity::insert(row)
                .on_conflict(
                    OnConflict::column(notification::Column::OnceKey)
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(tx)
                .await?;
            if inserted == 0 {
                return Ok(None);
            }
            notification::Entity::find()
                .filter(notification::Column::OnceKey.eq(key.as_str()))
                .one(tx)
                .await?
                .ok_or(DomainError::NotFound("notification"))?
        }
    };
    if delivery == NotificationDelivery::Email {
        outbox::queue_notification(tx, written.user_id, written.id).await?;
    }
    Ok(Some(written))
}

/// The caller's notifications, newest first.
pub async fn of_user(
    db: &impl ConnectionTrait,
    user_id: i64,
    unread_only: bool,
    page: Page,
) -> DomainResult<Paged<notification::Model>> {
    let mut query = notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .order_by_desc(notification::Column::Id)
        .limit(page.limit());
    if unread_only {
        query = query.filter(notification::Column::ReadAt.is_null());
    }
    if let Some(after) = page.after {
        query = query.filter(notification::Column::Id.lt(after));
    }
    Ok(Paged::from_fetch(query.all(db).await?, page))
}

/// How many of her notifications she has not read: one COUNT on `ix_notifications_unread`.
pub async fn unread_count(db: &impl ConnectionTrait, user_id: i64) -> DomainResult<u64> {
    Ok(notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// Marks her own notifications read — those in `ids`, or all of them. Another person's id is
/// passed over silently (as if it did not exist). Returns how many changed.
#[tracing::instrument(skip_all, fields(user = actor.user_id))]
pub async fn mark_read(
    db: &DatabaseConnection,
    actor: &Actor,
    ids: &[i64],
    all: bool,
) -> DomainResult<u64> {
    if !all && ids.is_empty() {
        return Err(DomainError::bad_input(
            "input.ids",
            "name at least one notification, or all",
        ));
    }
    if ids.len() > 100 {
        return Err(DomainError::bad_input("input.ids", "at most 100 at once"));
    }
    let mut update = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(now()))
        .filter(notification::Column::UserId.eq(actor.user_id))
        .filter(notification::Column::ReadAt.is_null());
    if !all {
        update = update.filter(notification::Column::Id.is_in(ids.iter().copied()));
    }
    Ok(update.exec(db).await?.rows_affected)
}

/// Her delivery for every kind, in `Kind::ALL` order.
pub async fn preferences(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> DomainResult<Vec<(Kind, NotificationDelivery)>> {
    let chosen = notification_preference::Entity::find()
        .filter(notification_preference::Column::UserId.eq(user_id))
        .all(db)
        .await?;
    Ok(Kind::ALL
        .into_iter()
        .map(|kind| {
            let delivery = chosen
                .iter()
                .find(|p| p.kind == kind.as_str())
                .map_or(default_delivery(kind), |p| p.delivery);
            (kind, delivery)
        })
        .collect())
}

/// Sets how one kind reaches her from now on (notifications already written keep theirs).
#[tracing::instrument(skip_all, fields(user = actor.user_id))]
pub async fn set_preference(
    db: &DatabaseConnection,
    actor: &Actor,
    kind: Kind,
    delivery: NotificationDelivery,
) -> DomainResult<NotificationDelivery> {
    let tx = write_tx(db).await?;
    notification_preference::Entity::insert(notification_preference::ActiveModel {
        user_id: Set(actor.user_id),
        kind: Set(kind.as_str().to_string()),
        delivery: Set(delivery),
        updated_at: Set(now()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            notification_preference::Column::UserId,
            notification_preference::Column::Kind,
        ])
        .update_columns([
            notification_preference::Column::Delivery,
            notification_preference::Column::UpdatedAt,
        ])
        .to_owned(),
    )
    .exec_without_returning(&tx)
    .await?;
    audit::record(
        &tx,
        Some(actor.user_id),
        audit::Change::new("notification.preference", Subject::User, actor.user_id),
    )
    .await?;
    tx.commit().await?;
    Ok(delivery)
}

#[cfg(test)]
mod tests {
    use super::Kind;

    #[test]
    fn kinds_keep_their_stored_names_and_parse_back() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(Kind::BidAccepted.as_str(), "bid.accepted");
        assert_eq!(Kind::InvitedToBid.api_name(), "INVITED_TO_BID");
        assert_eq!(Kind::from_api_name("NEWS_POSTED"), Some(Kind::NewsPosted));
    }
}
