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
    /// Whether the consumption tax is added on top of `amount_minor` (else it is within it).
    pub tax_shown_separately: bool,
    /// The consumption tax, floored once per rate over the lines.
    pub consumption_tax_minor: i64,
    /// What the company owes: the amount, plus the tax when shown separately.
    pub total_minor: i64,
    /// Withholding income tax the company keeps back and remits; the payout is the rest.
    pub withholding_minor: i64,
    /// The issuer's qualified-invoice registration number at submission, when registered.
    pub registration_number: Option<String>,
    /// The issuer's name at submission (legal name, else display name), as the invoice states it.
    pub issuer_name: Option<String>,
    /// The day of the transaction: the billed acceptance day in Asia/Tokyo.
    pub transaction_date: Date,
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
