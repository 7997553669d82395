use sea_orm::entity::prelude::*;

/// Whether she is looking for work, as she says on her profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum Availability {
    #[sea_orm(string_value = "OPEN_TO_SIDE_JOBS")]
    OpenToSideJobs,
    #[sea_orm(string_value = "OPEN_TO_REHIRE")]
    OpenToRehire,
    #[sea_orm(string_value = "NOT_NOW")]
    NotNow,
}

/// One person's profile (at most one per user); skills are `profile_skill` rows.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "profiles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    pub headline: String,
    pub bio: String,
    pub availability: Availability,
    /// JSON array of strings.
    pub languages: String,
    /// JSON array of URLs.
    pub links: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
