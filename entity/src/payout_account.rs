use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payout_accounts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub user_id: i64,
    /// The alumnus' Stripe Express connected account.
    #[sea_orm(unique)]
    pub stripe_account_id: String,
    pub payouts_enabled: bool,
    pub details_submitted: bool,
    /// `created` of the newest `account.updated` event applied, so older ones are ignored.
    pub stripe_updated: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
