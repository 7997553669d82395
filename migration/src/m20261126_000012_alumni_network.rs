//! The alumni network's foundations (issue 13 §1, §7): consents per company and purpose, kept
//! as history (a grant is a row, a withdrawal closes it), and notifications with per-kind
//! delivery preferences.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(from: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from}_{col}"))
        .from(from, col)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Restrict)
        .take()
}

fn tables() -> Vec<TableCreateStatement> {
    vec![
        Table::create()
            .table("consents")
            .col(big_pk_auto("id"))
            .col(big_integer("user_id"))
            .col(big_integer("company_id"))
            .col(string_len("purpose", 16))
            .col(text("wording"))
            .col(timestamp_with_time_zone("granted_at"))
            .col(timestamp_with_time_zone_null("withdrawn_at"))
            .foreign_key(&mut fk("consents", "user_id", "users"))
            .foreign_key(&mut fk("consents", "company_id", "companies"))
            .take(),
        Table::create()
            .table("notifications")
            .col(big_pk_auto("id"))
            .col(big_integer("user_id"))
            .col(string_len("kind", 40))
            .col(big_integer_null("company_id"))
            .col(string_len_null("subject_type", 32))
            .col(big_integer_null("subject_id"))
            .col(text("params"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone_null("read_at"))
            .foreign_key(&mut fk("notifications", "user_id", "users"))
            .take(),
        Table::create()
            .table("notification_preferences")
            .col(big_pk_auto("id"))
            .col(big_integer("user_id"))
            .col(string_len("kind", 40))
            .col(string_len("delivery", 16))
            .col(timestamp_with_time_zone("updated_at"))
            .foreign_key(&mut fk("notification_preferences", "user_id", "users"))
            .take(),
    ]
}

const INDEXES: &[&str] = &[
    // At most one live consent per person, company and purpose.
    "CREATE UNIQUE INDEX ux_consents_live ON consents (user_id, company_id, purpose) WHERE withdrawn_at IS NULL",
    "CREATE INDEX ix_consents_company ON consents (company_id, purpose)",
    "CREATE INDEX ix_notifications_user ON notifications (user_id, id)",
    "CREATE INDEX ix_notifications_unread ON notifications (user_id, read_at)",
    "CREATE UNIQUE INDEX ux_notification_preferences ON notification_preferences (user_id, kind)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in tables() {
            manager.create_table(table).await?;
        }
        let db = manager.get_connection();
        for sql in INDEXES {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["notification_preferences", "notifications", "consents"] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        Ok(())
    }
}
