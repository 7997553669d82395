use crate::states::BidStatus;
use sea_orm::entity::prelude::*;
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bids")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub project_id: i64,
    pub bidder_id: i64,
    pub amount_minor: i64,
    pub currency: String,
    pub delivery_days: i32,
    pub proposal: String,
    pub status: BidStatus,
    /// Why the company turned the bid down, when a person rejected it (`rejectBid`).
    pub rejection_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
