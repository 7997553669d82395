use sea_orm::entity::prelude::*;

/// What a news post is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum NewsCategory {
    #[sea_orm(string_value = "BUSINESS")]
    Business,
    #[sea_orm(string_value = "EVENT")]
    Event,
    #[sea_orm(string_value = "HIRING")]
    Hiring,
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// A company's news post; `body` is the Markdown source, rendered safely when read.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "news_posts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub company_id: i64,
    pub author_id: i64,
    pub title: String,
    pub body: String,
    pub category: NewsCategory,
    pub pinned: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
