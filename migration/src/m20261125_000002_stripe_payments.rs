//! Stripe Connect: payout accounts, contract funding, the payout job outbox, received webhook
//! events (each stored once) and the double-entry ledger.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// One column per ALTER, as SQLite requires.
fn add_columns() -> Vec<TableAlterStatement> {
    let add = |table: &'static str, column: ColumnDef| {
        Table::alter().table(table).add_column(column).take()
    };
    vec![
        add(
            "companies",
            string_len("payment_provider", 16).default("manual").take(),
        ),
        add("contracts", string_len_null("funding_status", 16)),
        add("contracts", string_len_null("payment_intent_id", 255)),
        add("contracts", text_null("funding_failure")),
        add("payouts", string_len_null("stripe_transfer_id", 255)),
        add("payouts", text_null("failure_reason")),
        add("payouts", big_integer("reversed_minor").default(0).take()),
    ]
}

fn tables() -> Vec<TableCreateStatement> {
    vec![
        Table::create()
            .table("payout_accounts")
            .col(big_pk_auto("id"))
            .col(big_integer_uniq("user_id"))
            .col(string_len_uniq("stripe_account_id", 255))
            .col(boolean("payouts_enabled"))
            .col(boolean("details_submitted"))
            .col(big_integer("stripe_updated"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .foreign_key(
                ForeignKey::create()
                    .name("fk_payout_accounts_user_id")
                    .from("payout_accounts", "user_id")
                    .to("users", "id"),
            )
            .take(),
        Table::create()
            .table("jobs")
            .col(big_pk_auto("id"))
            .col(string_len("kind", 32))
            .col(big_integer("subject_id"))
            .col(string_len("status", 16))
            .col(integer("attempts"))
            .col(timestamp_with_time_zone("run_at"))
            .col(timestamp_with_time_zone_null("locked_until"))
            .col(text_null("last_error"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .take(),
        Table::create()
            .table("stripe_events")
            .col(big_pk_auto("id"))
            .col(string_len_uniq("event_id", 255))
            .col(string_len("event_type", 64))
            .col(timestamp_with_time_zone("received_at"))
            .take(),
        Table::create()
            .table("ledger_entries")
            .col(big_pk_auto("id"))
            .col(string_len("txn_group", 255))
            .col(string_len("account", 128))
            .col(string_len("currency", 3))
            .col(big_integer("amount_minor"))
            .col(timestamp_with_time_zone("created_at"))
            .take(),
    ]
}

const INDEXES: &[&str] = &[
    "CREATE UNIQUE INDEX ux_jobs_subject ON jobs (kind, subject_id)",
    "CREATE INDEX ix_jobs_due ON jobs (status, run_at)",
    "CREATE UNIQUE INDEX ux_ledger_posting ON ledger_entries (txn_group, account)",
    "CREATE INDEX ix_ledger_account ON ledger_entries (account)",
    "CREATE UNIQUE INDEX ux_contracts_payment_intent ON contracts (payment_intent_id)",
    "CREATE UNIQUE INDEX ux_payouts_transfer ON payouts (stripe_transfer_id)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for alter in add_columns() {
            manager.alter_table(alter).await?;
        }
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
        for table in ["ledger_entries", "stripe_events", "jobs", "payout_accounts"] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        for (table, column) in [
            ("payouts", "reversed_minor"),
            ("payouts", "failure_reason"),
            ("payouts", "stripe_transfer_id"),
            ("contracts", "funding_failure"),
            ("contracts", "payment_intent_id"),
            ("contracts", "funding_status"),
            ("companies", "payment_provider"),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).take())
                .await?;
        }
        Ok(())
    }
}
