use crate::states::EventKind;
use sea_orm::entity::prelude::*;

/// A company's event; `seats_taken` counts live RSVPs and a CHECK keeps it within `capacity`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub company_id: i64,
    pub created_by: i64,
    pub title: String,
    pub kind: EventKind,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub place: String,
    pub online: bool,
    pub capacity: i32,
    pub seats_taken: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
