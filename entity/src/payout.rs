use crate::states::PayoutStatus;
use sea_orm::entity::prelude::*;
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payouts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub invoice_id: i64,
    pub company_id: i64,
    pub amount_minor: i64,
    pub currency: String,
    pub status: PayoutStatus,
    /// `manual` (bank transfer recorded by finance) or `stripe`.
    pub provider: String,
    /// The bank or provider reference, once paid.
    pub reference: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub paid_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
