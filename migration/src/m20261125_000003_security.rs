//! Email ownership (verification and password-reset tokens, the mail outbox) and an
//! append-only audit trail enforced by the database itself.
use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn tables() -> Vec<TableCreateStatement> {
    vec![
        Table::create()
            .table("email_tokens")
            .col(big_pk_auto("id"))
            .col(big_integer("user_id"))
            .col(string_len("purpose", 16))
            .col(string_len_uniq("token_hash", 64))
            .col(timestamp_with_time_zone("expires_at"))
            .col(timestamp_with_time_zone_null("used_at"))
            .col(timestamp_with_time_zone("created_at"))
            .foreign_key(
                ForeignKey::create()
                    .name("fk_email_tokens_user_id")
                    .from("email_tokens", "user_id")
                    .to("users", "id"),
            )
            .take(),
        Table::create()
            .table("outbox_emails")
            .col(big_pk_auto("id"))
            .col(string_len("recipient", 320))
            .col(string_len("subject", 200))
            .col(text("body"))
            .col(timestamp_with_time_zone("created_at"))
            .take(),
    ]
}

const SQLITE_TRIGGERS: &[&str] = &[
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
];

const POSTGRES_TRIGGERS: &[&str] = &[
    "CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit events are append-only'; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("users")
                    .add_column(timestamp_with_time_zone_null("email_verified_at"))
                    .take(),
            )
            .await?;
        for table in tables() {
            manager.create_table(table).await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE INDEX ix_email_tokens_user ON email_tokens (user_id, purpose)",
        )
        .await?;
        let triggers = match manager.get_database_backend() {
            DbBackend::Postgres => POSTGRES_TRIGGERS,
            _ => SQLITE_TRIGGERS,
        };
        for sql in triggers {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared("DROP TRIGGER audit_events_append_only ON audit_events")
                    .await?;
                db.execute_unprepared("DROP FUNCTION audit_events_append_only()")
                    .await?;
            }
            _ => {
                db.execute_unprepared("DROP TRIGGER audit_events_no_update")
                    .await?;
                db.execute_unprepared("DROP TRIGGER audit_events_no_delete")
                    .await?;
            }
        }
        for table in ["outbox_emails", "email_tokens"] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("users")
                    .drop_column("email_verified_at")
                    .take(),
            )
            .await?;
        Ok(())
    }
}
