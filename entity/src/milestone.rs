use crate::states::MilestoneStatus;
use sea_orm::entity::prelude::*;

/// A part of a contract's work, delivered and accepted on its own. The amounts of a
/// contract's milestones sum to the contract amount.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "milestones")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub contract_id: i64,
    /// 1-based order within the contract.
    pub position: i32,
    pub title: String,
    pub amount_minor: i64,
    pub currency: String,
    pub due_date: Option<Date>,
    pub status: MilestoneStatus,
    /// The freelancer's note with the latest delivery.
    pub delivery_note: Option<String>,
    /// The latest delivery's links, a JSON array of strings.
    pub delivery_links: Option<String>,
    /// Why the company asked for changes, the latest time it did.
    pub changes_reason: Option<String>,
    pub submitted_at: Option<DateTimeUtc>,
    /// The inspection date (検収日): the Freelance Act counts the payment deadline from it.
    pub accepted_at: Option<DateTimeUtc>,
    /// When a SUBMITTED delivery is accepted if the company does nothing.
    pub auto_accept_at: Option<DateTimeUtc>,
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
