use crate::states::ReviewSide;
use sea_orm::entity::prelude::*;

/// One side's review of a finished contract; at most one per side.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reviews")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub contract_id: i64,
    /// `COMPANY` reviews the freelancer; `FREELANCER` reviews the company.
    pub side: ReviewSide,
    pub author_id: i64,
    /// 1–5.
    pub rating: i32,
    pub comment: String,
    /// Company side only, and private to that company's staff.
    pub would_rehire: Option<bool>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
