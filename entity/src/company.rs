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
    /// Days after the acceptance day (検収日) the company pays by (0–59); `None`: 59, the
    /// Freelance Act's limit (art. 4).
    pub payment_terms_days: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
