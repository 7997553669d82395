use sea_orm::entity::prelude::*;

/// Where an application stands: APPLIED → SCREENING → INTERVIEW → OFFER → HIRED, or DECLINED
/// (by staff) / WITHDRAWN (by her) from any open state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ApplicationStatus {
    #[sea_orm(string_value = "APPLIED")]
    Applied,
    #[sea_orm(string_value = "SCREENING")]
    Screening,
    #[sea_orm(string_value = "INTERVIEW")]
    Interview,
    #[sea_orm(string_value = "OFFER")]
    Offer,
    #[sea_orm(string_value = "HIRED")]
    Hired,
    #[sea_orm(string_value = "DECLINED")]
    Declined,
    #[sea_orm(string_value = "WITHDRAWN")]
    Withdrawn,
}

/// An alumna's application to a rehire opening; one per person per opening.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "applications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub opening_id: i64,
    pub user_id: i64,
    pub note: String,
    pub status: ApplicationStatus,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
