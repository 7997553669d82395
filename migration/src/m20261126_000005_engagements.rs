//! Engagements from offer to review (issue 10): milestones proposed on bids and worked on
//! contracts, delivery and acceptance, ending a contract early with its refund, reviews, and a
//! company's review window. `contracts.completed_at` opens the review window of a contract
//! completed without ending early.
//!
//! Existing contracts get one milestone for their whole amount, ACCEPTED when
//! they were invoiced already (the invoice predates acceptance), PAID when fully paid.
use sea_orm_migration::sea_orm::DbBackend;
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
            .table("bid_milestones")
            .col(big_pk_auto("id"))
            .col(big_integer("bid_id"))
            .col(integer("position"))
            .col(string_len("title", 200))
            .col(big_integer("amount_minor").check(Expr::col("amount_minor").gt(0)))
            .col(date_null("due_date"))
            .foreign_key(&mut fk("bid_milestones", "bid_id", "bids"))
            .take(),
        Table::create()
            .table("milestones")
            .col(big_pk_auto("id"))
            .col(big_integer("contract_id"))
            .col(integer("position"))
            .col(string_len("title", 200))
            .col(big_integer("amount_minor").check(Expr::col("amount_minor").gt(0)))
            .col(string_len("currency", 3))
            .col(date_null("due_date"))
            .col(string_len("status", 24))
            .col(text_null("delivery_note"))
            .col(text_null("delivery_links"))
            .col(text_null("changes_reason"))
            .col(timestamp_with_time_zone_null("submitted_at"))
            .col(timestamp_with_time_zone_null("accepted_at"))
            .col(timestamp_with_time_zone_null("auto_accept_at"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .foreign_key(&mut fk("milestones", "contract_id", "contracts"))
            .take(),
        Table::create()
            .table("reviews")
            .col(big_pk_auto("id"))
            .col(big_integer("contract_id"))
            .col(string_len("side", 16))
            .col(big_integer("author_id"))
            .col(integer("rating").check(Expr::col("rating").between(1, 5)))
            .col(text("comment"))
            .col(boolean_null("would_rehire"))
            .col(timestamp_with_time_zone("created_at"))
            .foreign_key(&mut fk("reviews", "contract_id", "contracts"))
            .foreign_key(&mut fk("reviews", "author_id", "users"))
            .take(),
    ]
}

const INDEXES: &[&str] = &[
    "CREATE UNIQUE INDEX ux_bid_milestones_position ON bid_milestones (bid_id, position)",
    "CREATE UNIQUE INDEX ux_milestones_position ON milestones (contract_id, position)",
    "CREATE INDEX ix_milestones_status ON milestones (status)",
    "CREATE UNIQUE INDEX ux_reviews_side ON reviews (contract_id, side)",
    "CREATE INDEX ix_invoices_milestone ON invoices (milestone_id)",
];

const BACKFILL: &[&str] = &[
    "INSERT INTO milestones (contract_id, position, title, amount_minor, currency, status, accepted_at, created_at, updated_at) \
     SELECT id, 1, 'Whole contract', amount_minor, currency, \
     CASE WHEN paid_minor = amount_minor THEN 'PAID' WHEN invoiced_minor > 0 THEN 'ACCEPTED' WHEN status = 'CANCELLED' THEN 'CANCELLED' ELSE 'ACTIVE' END, \
     CASE WHEN invoiced_minor > 0 THEN updated_at END, created_at, updated_at FROM contracts",
    "UPDATE contracts SET accepted_minor = amount_minor WHERE invoiced_minor > 0",
    "UPDATE contracts SET completed_at = updated_at WHERE status = 'COMPLETED'",
];

/// Invoices bill accepted work only, and accepted work never exceeds the contract: the code
/// checks it with conditional updates, these triggers make it true whatever writes the row.
/// Their message starts `contracts_accepted_work`, which `DomainError` answers as `CONFLICT`.
const SQLITE_TRIGGERS: &[&str] = &[
    "CREATE TRIGGER contracts_accepted_work_insert BEFORE INSERT ON contracts \
     WHEN NEW.invoiced_minor > NEW.accepted_minor OR NEW.accepted_minor > NEW.amount_minor \
     BEGIN SELECT RAISE(ABORT, 'contracts_accepted_work: invoiced <= accepted <= amount'); END",
    "CREATE TRIGGER contracts_accepted_work_update BEFORE UPDATE ON contracts \
     WHEN NEW.invoiced_minor > NEW.accepted_minor OR NEW.accepted_minor > NEW.amount_minor \
     BEGIN SELECT RAISE(ABORT, 'contracts_accepted_work: invoiced <= accepted <= amount'); END",
];

/// `CHANGES_REQUESTED` (17 characters) does not fit the audit trail's 16; SQLite does not
/// enforce lengths.
const POSTGRES_WIDEN_AUDIT: &str = "ALTER TABLE audit_events ALTER COLUMN from_status TYPE VARCHAR(24), \
     ALTER COLUMN to_status TYPE VARCHAR(24)";

const POSTGRES_TRIGGERS: &[&str] = &[
    "CREATE FUNCTION contracts_accepted_work() RETURNS trigger AS $$ BEGIN \
     IF NEW.invoiced_minor > NEW.accepted_minor OR NEW.accepted_minor > NEW.amount_minor THEN \
     RAISE EXCEPTION 'contracts_accepted_work: invoiced <= accepted <= amount' USING ERRCODE = 'check_violation'; \
     END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER contracts_accepted_work BEFORE INSERT OR UPDATE ON contracts \
     FOR EACH ROW EXECUTE FUNCTION contracts_accepted_work()",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let alters = [
            Table::alter()
                .table("contracts")
                .add_column(big_integer("accepted_minor").default(0))
                .take(),
            Table::alter()
                .table("contracts")
                .add_column(big_integer("refunded_minor").default(0))
                .take(),
            Table::alter()
                .table("contracts")
                .add_column(timestamp_with_time_zone_null("ended_at"))
                .take(),
            Table::alter()
                .table("contracts")
                .add_column(text_null("end_reason"))
                .take(),
            Table::alter()
                .table("contracts")
                .add_column(string_len_null("refund_id", 255))
                .take(),
            Table::alter()
                .table("contracts")
                .add_column(timestamp_with_time_zone_null("completed_at"))
                .take(),
            Table::alter()
                .table("companies")
                .add_column(
                    integer("review_window_days")
                        .default(14)
                        .check(Expr::col("review_window_days").between(1, 60)),
                )
                .take(),
            Table::alter()
                .table("invoices")
                .add_column(big_integer_null("milestone_id"))
                .take(),
        ];
        for alter in alters {
            manager.alter_table(alter).await?;
        }
        for table in tables() {
            manager.create_table(table).await?;
        }
        let db = manager.get_connection();
        let triggers = match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(POSTGRES_WIDEN_AUDIT).await?;
                POSTGRES_TRIGGERS
            }
            _ => SQLITE_TRIGGERS,
        };
        for sql in INDEXES.iter().chain(BACKFILL).chain(triggers) {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared("DROP TRIGGER contracts_accepted_work ON contracts")
                    .await?;
                db.execute_unprepared("DROP FUNCTION contracts_accepted_work()")
                    .await?;
            }
            _ => {
                db.execute_unprepared("DROP TRIGGER contracts_accepted_work_insert")
                    .await?;
                db.execute_unprepared("DROP TRIGGER contracts_accepted_work_update")
                    .await?;
            }
        }
        for table in ["reviews", "milestones", "bid_milestones"] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        db.execute_unprepared("DROP INDEX ix_invoices_milestone")
            .await?;
        for (table, column) in [
            ("invoices", "milestone_id"),
            ("companies", "review_window_days"),
            ("contracts", "completed_at"),
            ("contracts", "refund_id"),
            ("contracts", "end_reason"),
            ("contracts", "ended_at"),
            ("contracts", "refunded_minor"),
            ("contracts", "accepted_minor"),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).take())
                .await?;
        }
        Ok(())
    }
}
