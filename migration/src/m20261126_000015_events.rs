//! Events and speakers (issue 13 §6): a company's events with a seat count the database keeps
//! within capacity (a CHECK; `rsvp` reserves with a conditional UPDATE), RSVPs kept as history
//! (a cancellation closes the row), and speaker invitations whose honorarium is paid through a
//! contract of its own (`domain::events`).
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
            .table("events")
            .col(big_pk_auto("id"))
            .col(big_integer("company_id"))
            .col(big_integer("created_by"))
            .col(string_len("title", 200))
            .col(string_len("kind", 24))
            .col(timestamp_with_time_zone("starts_at"))
            .col(timestamp_with_time_zone("ends_at"))
            .col(string_len("place", 500))
            .col(boolean("online"))
            .col(integer("capacity").check(Expr::col("capacity").gt(0)))
            .col(integer("seats_taken").default(0))
            // The last seat is taken once: whatever writes the row, never more than capacity.
            .check(
                Expr::col("seats_taken")
                    .gte(0)
                    .and(Expr::col("seats_taken").lte(Expr::col("capacity"))),
            )
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .foreign_key(&mut fk("events", "company_id", "companies"))
            .foreign_key(&mut fk("events", "created_by", "users"))
            .take(),
        Table::create()
            .table("event_rsvps")
            .col(big_pk_auto("id"))
            .col(big_integer("event_id"))
            .col(big_integer("user_id"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone_null("cancelled_at"))
            .foreign_key(&mut fk("event_rsvps", "event_id", "events"))
            .foreign_key(&mut fk("event_rsvps", "user_id", "users"))
            .take(),
        Table::create()
            .table("speaker_invitations")
            .col(big_pk_auto("id"))
            .col(big_integer("event_id"))
            .col(big_integer("company_id"))
            .col(big_integer("user_id"))
            .col(big_integer("invited_by"))
            .col(string_len("topic", 500))
            .col(big_integer("honorarium_minor").check(Expr::col("honorarium_minor").gt(0)))
            .col(string_len("currency", 3))
            .col(string_len("status", 16))
            .col(big_integer_null("contract_id"))
            .col(big_integer_null("invoice_id"))
            .col(timestamp_with_time_zone_null("responded_at"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .foreign_key(&mut fk("speaker_invitations", "event_id", "events"))
            .foreign_key(&mut fk("speaker_invitations", "company_id", "companies"))
            .foreign_key(&mut fk("speaker_invitations", "user_id", "users"))
            .foreign_key(&mut fk("speaker_invitations", "invited_by", "users"))
            .foreign_key(&mut fk("speaker_invitations", "contract_id", "contracts"))
            .foreign_key(&mut fk("speaker_invitations", "invoice_id", "invoices"))
            .take(),
    ]
}

const INDEXES: &[&str] = &[
    "CREATE INDEX ix_events_company ON events (company_id, starts_at)",
    // One live seat per person and event.
    "CREATE UNIQUE INDEX ux_event_rsvps_live ON event_rsvps (event_id, user_id) WHERE cancelled_at IS NULL",
    "CREATE INDEX ix_speaker_invitations_user ON speaker_invitations (user_id, id)",
    "CREATE INDEX ix_speaker_invitations_event ON speaker_invitations (event_id)",
    // One open or accepted invitation per speaker and event; one per honorarium contract.
    "CREATE UNIQUE INDEX ux_speaker_invitations_live ON speaker_invitations (event_id, user_id) WHERE status <> 'DECLINED'",
    "CREATE UNIQUE INDEX ux_speaker_invitations_contract ON speaker_invitations (contract_id)",
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
        for table in ["speaker_invitations", "event_rsvps", "events"] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        Ok(())
    }
}
