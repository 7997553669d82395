//! The audit trail: every state change writes one event inside its own transaction.
//! Events are only ever inserted; no code path updates or deletes them (triggers enforce it).
//!
//! The vocabulary is typed: the subject is a [`Subject`], and states are the entity enums, so
//! an event can only name a state the machine has.
use entity::audit_event;
use sea_orm::{
    ActiveEnum, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

use super::error::DomainResult;

/// What an event is about. Its name is stored in `audit_events.object_type` and is the GraphQL
/// type that an event's `objectId` decodes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    User,
    Company,
    CompanyMember,
    AlumniRecord,
    Project,
    Bid,
    Contract,
    Invoice,
    Payout,
    PayoutAccount,
    Milestone,
    Review,
    TransferBatch,
    Consent,
    Notification,
    Event,
    SpeakerInvitation,
    NewsPost,
    Opening,
    Application,
}

impl Subject {
    pub const ALL: [Subject; 20] = [
        Self::User,
        Self::Company,
        Self::CompanyMember,
        Self::AlumniRecord,
        Self::Project,
        Self::Bid,
        Self::Contract,
        Self::Invoice,
        Self::Payout,
        Self::PayoutAccount,
        Self::Milestone,
        Self::Review,
        Self::TransferBatch,
        Self::Consent,
        Self::Notification,
        Self::Event,
        Self::SpeakerInvitation,
        Self::NewsPost,
        Self::Opening,
        Self::Application,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::User => "User",
            Self::Company => "Company",
            Self::CompanyMember => "CompanyMember",
            Self::AlumniRecord => "AlumniRecord",
            Self::Project => "Project",
            Self::Bid => "Bid",
            Self::Contract => "Contract",
            Self::Invoice => "Invoice",
            Self::Payout => "Payout",
            Self::PayoutAccount => "PayoutAccount",
            Self::Milestone => "Milestone",
            Self::Review => "Review",
            Self::TransferBatch => "TransferBatch",
            Self::Consent => "Consent",
            Self::Notification => "Notification",
            Self::Event => "Event",
            Self::SpeakerInvitation => "SpeakerInvitation",
            Self::NewsPost => "NewsPost",
            Self::Opening => "Opening",
            Self::Application => "Application",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// One change: `Change::new("payout.pay", Subject::Payout, id).from(old).to(PayoutStatus::Paid)`.
#[derive(Debug, Clone)]
pub struct Change {
    action: &'static str,
    subject: Subject,
    object_id: i64,
    from: Option<String>,
    to: Option<String>,
    detail: Option<String>,
}

impl Change {
    pub fn new(action: &'static str, subject: Subject, object_id: i64) -> Self {
        Self {
            action,
            subject,
            object_id,
            from: None,
            to: None,
            detail: None,
        }
    }

    /// The state left; any stored enum of the entity (status, role, provider, funding).
    pub fn from<S: ActiveEnum<Value = String>>(mut self, state: S) -> Self {
        self.from = Some(state.to_value());
        self
    }

    /// The state reached.
    pub fn to<S: ActiveEnum<Value = String>>(mut self, state: S) -> Self {
        self.to = Some(state.to_value());
        self
    }

    /// What the change carries beyond its states: the fields an edit changed, or the reason the
    /// actor gave (already checked text).
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

pub async fn record(
    db: &impl ConnectionTrait,
    actor_id: Option<i64>,
    change: Change,
) -> DomainResult<()> {
    audit_event::Entity::insert(audit_event::ActiveModel {
        actor_id: Set(actor_id),
        action: Set(change.action.to_string()),
        object_type: Set(change.subject.as_str().to_string()),
        object_id: Set(change.object_id),
        from_status: Set(change.from),
        to_status: Set(change.to),
        detail: Set(change.detail),
        created_at: Set(super::now()),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

/// The trail of one object, oldest first.
pub async fn trail(
    db: &impl ConnectionTrait,
    subject: Subject,
    object_id: i64,
) -> DomainResult<Vec<audit_event::Model>> {
    Ok(audit_event::Entity::find()
        .filter(audit_event::Column::ObjectType.eq(subject.as_str()))
        .filter(audit_event::Column::ObjectId.eq(object_id))
        .order_by_asc(audit_event::Column::Id)
        .all(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::Subject;

    #[test]
    fn subject_names_round_trip() {
        for subject in Subject::ALL {
            assert_eq!(Subject::parse(subject.as_str()), Some(subject));
        }
        assert_eq!(Subject::parse("Nothing"), None);
    }
}
