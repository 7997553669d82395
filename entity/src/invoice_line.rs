use sea_orm::entity::prelude::*;

/// One line of an invoice: a fee at one consumption tax rate.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoice_lines")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub invoice_id: i64,
    pub position: i32,
    pub description: String,
    /// As the invoice states it: before tax when the tax is shown separately, else with it.
    pub amount_minor: i64,
    /// 10 (standard), 8 (reduced) or 0 (no consumption tax: a currency other than yen).
    pub tax_rate: i32,
    /// Whether the fee is subject to withholding (by the project's category unless finance
    /// overrode it, audited).
    pub withholding_subject: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
