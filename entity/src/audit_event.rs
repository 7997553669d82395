use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Null for system actions.
    pub actor_id: Option<i64>,
    pub action: String,
    pub object_type: String,
    pub object_id: i64,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    /// What the change carries beyond its states: the fields an edit changed
    /// (`project.update`), or the reason the actor gave (`contract.end`).
    pub detail: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
