//! Notifications as the API shows them, to their reader only.
use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::notification;
use entity::states;

use super::{Company, load_opt};
use crate::console::i18n::Locale;
use crate::domain::notification_mail;
use crate::domain::notifications::Kind;
use crate::graphql::ids;
use crate::graphql::loaders::CompanyId;

/// What a notification is about.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "Kind")]
pub enum NotificationKind {
    /// A new project of one of her companies.
    ProjectPublished,
    /// A new rehire opening of a company she consented to rehire news from.
    OpeningPublished,
    /// A news post of a company she consented to news from.
    NewsPosted,
    /// An event of a company she consented to events from.
    EventCreated,
    InvitedToBid,
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
    ApplicationReceived,
    ApplicationMoved,
}

/// How one kind of notification reaches its reader besides the list.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "states::NotificationDelivery")]
pub enum NotificationDelivery {
    /// A mail for each notification, as it happens.
    Email,
    /// Not mailed (still listed).
    Off,
    /// One mail a day (Japan time) listing the previous day's notifications of such kinds.
    DailyDigest,
}

/// A language the messages are written in.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageLanguage {
    Ja,
    En,
}

impl From<MessageLanguage> for Locale {
    fn from(l: MessageLanguage) -> Self {
        match l {
            MessageLanguage::Ja => Locale::Ja,
            MessageLanguage::En => Locale::En,
        }
    }
}

/// Something that happened that she should know about.
pub struct Notification(pub notification::Model);

#[Object]
impl Notification {
    async fn id(&self) -> ID {
        ids::encode("Notification", self.0.id)
    }

    /// Null for a kind this server no longer knows.
    async fn kind(&self) -> Option<NotificationKind> {
        Kind::parse(&self.0.kind).map(Into::into)
    }

    /// The company it concerns, if any.
    async fn company(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Company>> {
        match self.0.company_id {
            Some(id) => Ok(load_opt(ctx, CompanyId(id), "company").await?.map(Company)),
            None => Ok(None),
        }
    }

    /// The global id of what it is about (a Project, Invoice, Payout…), for `node`.
    async fn subject_id(&self) -> Option<ID> {
        match (&self.0.subject_type, self.0.subject_id) {
            (Some(t), Some(id)) => Some(ids::encode(t, id)),
            _ => None,
        }
    }

    /// The message, in Japanese or English (English unless asked).
    async fn message(
        &self,
        #[graphql(default_with = "MessageLanguage::En")] language: MessageLanguage,
    ) -> String {
        notification_mail::message(language.into(), &self.0)
    }

    /// What the message is made from (title, amounts…), as a JSON object.
    async fn params(&self) -> &str {
        &self.0.params
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Null while unread.
    async fn read_at(&self) -> Option<DateTime<Utc>> {
        self.0.read_at
    }
}

/// How one kind reaches her.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct NotificationPreference {
    pub kind: NotificationKind,
    pub delivery: NotificationDelivery,
}
