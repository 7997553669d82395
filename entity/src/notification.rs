use sea_orm::entity::prelude::*;

/// Something that happened that a person should know about, written in the transaction of the
/// change that caused it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    /// `domain::notifications::Kind`, e.g. `bid.accepted`.
    pub kind: String,
    pub company_id: Option<i64>,
    /// The GraphQL type of what it is about (an `audit::Subject` name) and its key.
    pub subject_type: Option<String>,
    pub subject_id: Option<i64>,
    /// JSON: the values its message needs (titles, amounts), rendered in the reader's language.
    pub params: String,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
    /// How it was to reach its reader when written (`NotificationDelivery`); none for rows
    /// written before mail existed.
    pub delivery: Option<String>,
    /// Makes a notice a daily job writes happen once (e.g. one due-soon notice per invoice).
    pub once_key: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
