use crate::states::{ContractStatus, FundingStatus, PayeeType};
use sea_orm::entity::prelude::*;
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contracts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub project_id: i64,
    #[sea_orm(unique)]
    pub bid_id: i64,
    pub company_id: i64,
    pub freelancer_id: i64,
    pub amount_minor: i64,
    pub currency: String,
    /// Sum of the non-rejected invoices; a CHECK keeps it within `amount_minor`.
    pub invoiced_minor: i64,
    /// Sum of what the paid invoices billed (`invoices.amount_minor`).
    pub paid_minor: i64,
    pub status: ContractStatus,
    /// Stripe companies fund a contract up front; null for manual payment.
    pub funding_status: Option<FundingStatus>,
    pub payment_intent_id: Option<String>,
    /// Why the last funding attempt failed, as Stripe reported it.
    pub funding_failure: Option<String>,
    /// Sum of the ACCEPTED and PAID milestones; a trigger keeps `invoiced_minor` within it.
    pub accepted_minor: i64,
    /// Escrow refunded to the company after the contract ended early (Stripe).
    pub refunded_minor: i64,
    /// Set by `endContract`; accepted work stays payable after it.
    pub ended_at: Option<DateTimeUtc>,
    pub end_reason: Option<String>,
    /// The Stripe Refund of the escrow not owed, once created.
    pub refund_id: Option<String>,
    /// When the contract became COMPLETED; with `ended_at` it opens the review window.
    pub completed_at: Option<DateTimeUtc>,
    /// The freelancer's payee type when the bid was accepted: it decides the rules that apply.
    pub payee_type: PayeeType,
    /// The company's payment terms (days after receipt) when the bid was accepted; they stay
    /// what was agreed. None: the statutory 59 days.
    pub payment_terms_days: Option<i32>,
    /// Who asked for the end (the freelancer or a company ADMIN/MEMBER), and when.
    pub end_requested_by: Option<i64>,
    pub end_requested_at: Option<DateTimeUtc>,
    /// The day a company's 30 days' notice runs out (Asia/Tokyo, Freelance Act art. 16): the
    /// contract stays ACTIVE until then and ends on it.
    pub ends_on: Option<Date>,
    /// When the freelancer asked for the reason for the end.
    pub end_reason_requested_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::project::Entity",
        from = "Column::ProjectId",
        to = "super::project::Column::Id"
    )]
    Project,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::FreelancerId",
        to = "super::user::Column::Id"
    )]
    Freelancer,
}

impl Related<super::project::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Project.def()
    }
}

/// A contract's user is its freelancer.
impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Freelancer.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
