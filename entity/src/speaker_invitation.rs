use crate::states::SpeakerInvitationStatus;
use sea_orm::entity::prelude::*;

/// An invitation to speak at an event for an honorarium. Accepting it writes the honorarium's
/// contract (`contract_id`); invoicing it after the event records `invoice_id`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "speaker_invitations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub event_id: i64,
    pub company_id: i64,
    pub user_id: i64,
    pub invited_by: i64,
    pub topic: String,
    pub honorarium_minor: i64,
    pub currency: String,
    pub status: SpeakerInvitationStatus,
    pub contract_id: Option<i64>,
    pub invoice_id: Option<i64>,
    pub responded_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
