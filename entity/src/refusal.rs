use sea_orm::entity::prelude::*;

/// Why a company sent work back or rejected an invoice (Freelance Act art. 5: refusing
/// delivered work or reducing the fee needs a cause attributable to the freelancer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum ReasonCode {
    /// The work has a defect (瑕疵がある).
    #[sea_orm(string_value = "DEFECT")]
    Defect,
    /// The work differs from what the terms statement describes (委託内容と異なる).
    #[sea_orm(string_value = "NOT_AS_AGREED")]
    NotAsAgreed,
    /// Delivered after the agreed delivery date (納期遅れ).
    #[sea_orm(string_value = "LATE")]
    Late,
    /// Part of the work is missing (未完成・不足).
    #[sea_orm(string_value = "INCOMPLETE")]
    Incomplete,
    /// The invoice's amount or particulars are wrong (請求内容の誤り).
    #[sea_orm(string_value = "BILLING_ERROR")]
    BillingError,
    /// Anything else; the written reason says what.
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// What was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum RefusalKind {
    /// `requestChanges` on a delivered milestone; the subject is the milestone.
    #[sea_orm(string_value = "CHANGES_REQUESTED")]
    ChangesRequested,
    /// `rejectInvoice`; the subject is the invoice.
    #[sea_orm(string_value = "INVOICE_REJECTED")]
    InvoiceRejected,
}

/// One request for changes or invoice rejection, with its reason code. Insert-only.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "refusals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub company_id: i64,
    pub contract_id: i64,
    pub kind: RefusalKind,
    pub subject_id: i64,
    pub reason_code: ReasonCode,
    pub reason: String,
    pub actor_id: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
