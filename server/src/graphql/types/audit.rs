use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::audit_event;

use super::{User, load_opt};
use crate::graphql::ids;
use crate::graphql::loaders::UserId;

/// One state change: who did what to which object, from which status to which, and when.
pub struct AuditEvent(pub audit_event::Model);

#[Object]
impl AuditEvent {
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// Null for changes made by the system.
    async fn actor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        match self.0.actor_id {
            Some(id) => Ok(load_opt(ctx, UserId(id), "user").await?.map(User::new)),
            None => Ok(None),
        }
    }

    async fn object_type(&self) -> &str {
        &self.0.object_type
    }

    async fn object_id(&self) -> ID {
        ids::encode(&self.0.object_type, self.0.object_id)
    }

    async fn from_status(&self) -> Option<&str> {
        self.0.from_status.as_deref()
    }

    async fn to_status(&self) -> Option<&str> {
        self.0.to_status.as_deref()
    }

    /// What the change carries beyond its states: for `project.update` the fields that changed,
    /// for `contract.end` the reason given.
    async fn detail(&self) -> Option<&str> {
        self.0.detail.as_deref()
    }

    async fn at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
