use crate::states::PayeeType;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Trimmed and lower-cased; unique.
    #[sea_orm(unique)]
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    /// Set once the user proved they own the email.
    pub email_verified_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// Individual or corporation; unset until the freelancer says (treated as INDIVIDUAL).
    pub payee_type: Option<PayeeType>,
    /// The qualified-invoice registration number (`T` + 13 digits), when registered.
    pub registration_number: Option<String>,
    /// The name and address the annual payment records (支払調書) need.
    pub legal_name: Option<String>,
    pub address: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
