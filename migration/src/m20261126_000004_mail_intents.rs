//! The mail outbox holds intents, not bodies: the worker makes the single-use token when it
//! sends, so no usable token is written to the database. Delivery is retried with backoff.
//!
//! Upgrading: the old `outbox_emails.body` held every link in plain text, and dropping the
//! table does not wipe those bytes from the write-ahead log or free pages. So every unused
//! email token is deleted first — whatever copies remain on disk are dead. Anyone who was
//! waiting on a link asks for a new one.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn outbox() -> TableCreateStatement {
    Table::create()
        .table("outbox_emails")
        .col(big_pk_auto("id"))
        .col(string_len("purpose", 16))
        .col(big_integer_null("user_id"))
        .col(string_len_null("recipient", 320))
        .col(string_len("status", 16))
        .col(integer("attempts"))
        .col(timestamp_with_time_zone("next_attempt_at"))
        .col(timestamp_with_time_zone_null("locked_until"))
        .col(timestamp_with_time_zone_null("sent_at"))
        .col(text_null("last_error"))
        .col(timestamp_with_time_zone("created_at"))
        .foreign_key(
            ForeignKey::create()
                .name("fk_outbox_emails_user_id")
                .from("outbox_emails", "user_id")
                .to("users", "id"),
        )
        .take()
}

/// The shape before this migration, for `down`.
fn old_outbox() -> TableCreateStatement {
    Table::create()
        .table("outbox_emails")
        .col(big_pk_auto("id"))
        .col(string_len("recipient", 320))
        .col(string_len("subject", 200))
        .col(text("body"))
        .col(timestamp_with_time_zone("created_at"))
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DELETE FROM email_tokens WHERE used_at IS NULL")
            .await?;
        manager
            .drop_table(Table::drop().table("outbox_emails").take())
            .await?;
        manager.create_table(outbox()).await?;
        db.execute_unprepared(
            "CREATE INDEX ix_outbox_emails_due ON outbox_emails (status, next_attempt_at)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("outbox_emails").take())
            .await?;
        manager.create_table(old_outbox()).await?;
        Ok(())
    }
}
