use crate::states::ConsentPurpose;
use sea_orm::entity::prelude::*;

/// One grant of consent; `withdrawn_at` closes it. Rows are never deleted: they are the record
/// of what she agreed to and when.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    pub company_id: i64,
    pub purpose: ConsentPurpose,
    /// The wording she agreed to, as shown.
    pub wording: String,
    pub granted_at: DateTimeUtc,
    pub withdrawn_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
