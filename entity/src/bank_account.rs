use sea_orm::entity::prelude::*;

/// 預金種目: ordinary (普通) or current (当座).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum AccountType {
    #[sea_orm(string_value = "ORDINARY")]
    Ordinary,
    #[sea_orm(string_value = "CURRENT")]
    Current,
}

/// A freelancer's Japanese bank account, checked by `domain::zengin::BankAccount::new`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bank_accounts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub user_id: i64,
    pub bank_code: String,
    /// Half-width katakana.
    pub bank_name: String,
    pub branch_code: String,
    pub branch_name: String,
    pub account_type: AccountType,
    pub account_number: String,
    /// 口座名義（カナ）, half-width katakana.
    pub holder_kana: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
