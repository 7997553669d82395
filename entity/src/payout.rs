use crate::states::{PaymentProvider, PayoutStatus};
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
    pub provider: PaymentProvider,
    /// The bank or provider reference, once paid.
    pub reference: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub paid_at: Option<DateTimeUtc>,
    pub stripe_transfer_id: Option<String>,
    /// Why the payout failed or is waiting, for finance to read.
    pub failure_reason: Option<String>,
    /// How much of the transfer Stripe reports as reversed.
    pub reversed_minor: i64,
    /// Withholding kept back from the invoice's total; `amount_minor` is what is paid.
    pub withholding_minor: i64,
    /// The Zengin transfer batch the payout was last downloaded in.
    pub batch_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
