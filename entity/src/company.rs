use sea_orm::entity::prelude::*;

use crate::states::PaymentProvider;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "companies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    /// How the company pays its alumni: `manual` bank transfers or `stripe` Connect.
    pub payment_provider: PaymentProvider,
    /// Days a SUBMITTED delivery waits for review before it is accepted automatically (1–60).
    pub review_window_days: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
