use sea_orm::entity::prelude::*;

/// A milestone proposed with a bid; accepting the bid copies them onto the contract.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bid_milestones")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub bid_id: i64,
    /// 1-based order within the bid.
    pub position: i32,
    pub title: String,
    pub amount_minor: i64,
    pub due_date: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
