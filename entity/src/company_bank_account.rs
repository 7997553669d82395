use sea_orm::entity::prelude::*;

use crate::bank_account::AccountType;

/// The account a company pays from, with the consignor code (委託者コード) its bank assigned.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "company_bank_accounts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub company_id: i64,
    /// 10 digits.
    pub consignor_code: String,
    /// 委託者名, half-width katakana.
    pub consignor_name: String,
    pub bank_code: String,
    pub bank_name: String,
    pub branch_code: String,
    pub branch_name: String,
    pub account_type: AccountType,
    pub account_number: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
