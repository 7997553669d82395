use crate::states::{ProjectCategory, ProjectStatus, ProjectVisibility};
use sea_orm::entity::prelude::*;
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "projects")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub company_id: i64,
    pub created_by: i64,
    pub title: String,
    pub description: String,
    pub category: ProjectCategory,
    pub budget_minor: i64,
    pub currency: String,
    pub deadline: Option<DateTimeUtc>,
    pub visibility: ProjectVisibility,
    pub status: ProjectStatus,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The place or manner of delivery the terms statement names; `None`: through Boomerang's
    /// delivery form.
    pub delivery_method: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::company::Entity",
        from = "Column::CompanyId",
        to = "super::company::Column::Id"
    )]
    Company,
}

impl Related<super::company::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Company.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
