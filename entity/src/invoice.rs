use crate::states::InvoiceStatus;
use sea_orm::entity::prelude::*;
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub contract_id: i64,
    /// The milestone this invoice bills, when the freelancer names one.
    pub milestone_id: Option<i64>,
    /// Copied from the contract so the finance queue filters without a join.
    pub company_id: i64,
    pub submitted_by: i64,
    pub amount_minor: i64,
    pub currency: String,
    pub description: String,
    pub status: InvoiceStatus,
    pub rejection_reason: Option<String>,
    /// The day the invoice must be paid by: the billed acceptance day (Asia/Tokyo) + 59 days.
    pub payment_due_date: Date,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::contract::Entity",
        from = "Column::ContractId",
        to = "super::contract::Column::Id"
    )]
    Contract,
}

impl Related<super::contract::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Contract.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
