//! The audit trail: every state change writes one event inside its own transaction.
//! Events are only ever inserted; no code path updates or deletes them.
use entity::audit_event;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use super::error::DomainResult;

/// What changed: `object_type` is the aggregate (`Project`, `Bid`, …).
pub struct Change<'a> {
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: i64,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
}

pub async fn record(
    db: &impl ConnectionTrait,
    actor_id: Option<i64>,
    change: Change<'_>,
) -> DomainResult<()> {
    audit_event::Entity::insert(audit_event::ActiveModel {
        actor_id: Set(actor_id),
        action: Set(change.action.to_string()),
        object_type: Set(change.object_type.to_string()),
        object_id: Set(change.object_id),
        from_status: Set(change.from.map(str::to_string)),
        to_status: Set(change.to.map(str::to_string)),
        created_at: Set(super::now()),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

/// The trail of one object, oldest first.
pub async fn trail(
    db: &impl ConnectionTrait,
    object_type: &str,
    object_id: i64,
) -> DomainResult<Vec<audit_event::Model>> {
    Ok(audit_event::Entity::find()
        .filter(audit_event::Column::ObjectType.eq(object_type))
        .filter(audit_event::Column::ObjectId.eq(object_id))
        .order_by_asc(audit_event::Column::Id)
        .all(db)
        .await?)
}
