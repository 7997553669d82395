use sea_orm::entity::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum TransferBatchStatus {
    /// Downloaded; waiting for finance to record the bank's execution.
    #[sea_orm(string_value = "OPEN")]
    Open,
    #[sea_orm(string_value = "PAID")]
    Paid,
    /// A later file took over some of its payouts; it is not to be sent or recorded.
    #[sea_orm(string_value = "SUPERSEDED")]
    Superseded,
}

/// A Zengin 総合振込 file finance downloaded: its payouts carry `payouts.batch_id`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "transfer_batches")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub company_id: i64,
    pub transfer_date: Date,
    pub status: TransferBatchStatus,
    pub payout_count: i32,
    pub total_minor: i64,
    pub currency: String,
    /// The file as downloaded (Shift_JIS bytes).
    pub file: Vec<u8>,
    pub created_by: i64,
    /// The bank reference, once paid.
    pub reference: Option<String>,
    pub created_at: DateTimeUtc,
    pub paid_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
