//! Marking notifications read and choosing how they arrive.
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use crate::domain::notifications;
use crate::graphql::context::{access, db};
use crate::graphql::errors::OrGql;
use crate::graphql::ids;
use crate::graphql::types::NotificationPreference;
use crate::graphql::types::notification::{NotificationDelivery, NotificationKind};

#[derive(Default)]
pub struct NotificationMutation;

#[derive(InputObject)]
pub struct MarkNotificationsReadInput {
    /// Her notifications to mark read (at most 100); another person's are passed over.
    #[graphql(default)]
    pub ids: Vec<ID>,
    /// Marks every unread notification of hers instead.
    #[graphql(default)]
    pub all: bool,
}

#[derive(SimpleObject)]
pub struct MarkNotificationsReadPayload {
    /// How many were unread and are now read.
    pub marked: u64,
    /// How many remain unread.
    pub unread_count: u64,
}

#[derive(InputObject)]
pub struct SetNotificationPreferenceInput {
    pub kind: NotificationKind,
    pub delivery: NotificationDelivery,
}

#[Object]
impl NotificationMutation {
    /// Marks her own notifications read: those named, or all.
    async fn mark_notifications_read(
        &self,
        ctx: &Context<'_>,
        input: MarkNotificationsReadInput,
    ) -> async_graphql::Result<MarkNotificationsReadPayload> {
        let access = access(ctx).await?;
        // An id of another type names nothing of hers: passed over like another person's.
        let keys: Vec<i64> = input
            .ids
            .iter()
            .filter_map(|id| ids::decode(id, "Notification", "notification").ok())
            .collect();
        if !input.all && input.ids.is_empty() {
            return Err(crate::domain::error::DomainError::bad_input(
                "input.ids",
                "name at least one notification, or set all",
            ))
            .gql();
        }
        let marked = if !input.all && keys.is_empty() {
            0
        } else {
            notifications::mark_read(db(ctx), &access.actor, &keys, input.all)
                .await
                .gql()?
        };
        let unread_count = notifications::unread_count(db(ctx), access.user_id())
            .await
            .gql()?;
        Ok(MarkNotificationsReadPayload {
            marked,
            unread_count,
        })
    }

    /// Chooses how one kind of notification reaches her from now on.
    async fn set_notification_preference(
        &self,
        ctx: &Context<'_>,
        input: SetNotificationPreferenceInput,
    ) -> async_graphql::Result<NotificationPreference> {
        let access = access(ctx).await?;
        let delivery = notifications::set_preference(
            db(ctx),
            &access.actor,
            input.kind.into(),
            input.delivery.into(),
        )
        .await
        .gql()?;
        Ok(NotificationPreference {
            kind: input.kind,
            delivery: delivery.into(),
        })
    }
}
