//! Notifications (issue 13 §7): written by [`notify`] inside the transaction of the change
//! that causes them — so a rolled-back change leaves none — and read in the console and through
//! `viewer.notifications`. Messages are rendered in the reader's language from the kind and
//! its params, not stored as text.
use entity::notification;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};
use serde_json::Value;

use super::audit::Subject;
use super::error::DomainResult;
use super::now;

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

/// Writes a notification in the caller's transaction.
pub async fn notify(
    tx: &impl ConnectionTrait,
    notice: Notice,
) -> DomainResult<notification::Model> {
    let (subject_type, subject_id) = match notice.subject {
        Some((subject, id)) => (Some(subject.as_str().to_string()), Some(id)),
        None => (None, None),
    };
    Ok(notification::ActiveModel {
        user_id: Set(notice.user_id),
        kind: Set(notice.kind.as_str().to_string()),
        company_id: Set(notice.company_id),
        subject_type: Set(subject_type),
        subject_id: Set(subject_id),
        params: Set(notice.params.to_string()),
        created_at: Set(now()),
        read_at: Set(None),
        ..Default::default()
    }
    .insert(tx)
    .await?)
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
    }
}
