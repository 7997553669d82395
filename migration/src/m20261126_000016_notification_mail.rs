//! Notifications by mail (issue 13 §7): a notification remembers how it was to reach its
//! reader when it was written (`delivery`), an outbox row can carry one notification or one
//! day's digest, and keys that make a daily job's work happen once however many replicas run
//! it: one digest per person and day, one due-soon notice per invoice and person.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "ALTER TABLE notifications ADD COLUMN delivery VARCHAR(16) NULL",
    "ALTER TABLE notifications ADD COLUMN once_key VARCHAR(80) NULL",
    "CREATE UNIQUE INDEX ux_notifications_once ON notifications (once_key)",
    "CREATE INDEX ix_notifications_digest ON notifications (delivery, created_at)",
    "ALTER TABLE outbox_emails ADD COLUMN notification_id BIGINT NULL",
    "ALTER TABLE outbox_emails ADD COLUMN digest_on DATE NULL",
    "CREATE UNIQUE INDEX ux_outbox_emails_digest ON outbox_emails (user_id, digest_on)",
];

const DOWN: &[&str] = &[
    "DROP INDEX ux_outbox_emails_digest",
    "ALTER TABLE outbox_emails DROP COLUMN digest_on",
    "ALTER TABLE outbox_emails DROP COLUMN notification_id",
    "DROP INDEX ix_notifications_digest",
    "DROP INDEX ux_notifications_once",
    "ALTER TABLE notifications DROP COLUMN once_key",
    "ALTER TABLE notifications DROP COLUMN delivery",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for sql in UP {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for sql in DOWN {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
