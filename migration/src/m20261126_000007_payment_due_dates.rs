//! Payment due dates (issue 12 §3, first version): each invoice stores the day it must be paid
//! by — the billed milestone's acceptance day in Asia/Tokyo + 59 days (the acceptance day is
//! day 1, so the 60th day; Freelance Act art. 4). Existing invoices are backfilled: an invoice
//! without a milestone counts from its contract's latest acceptance, else from its submission.
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The day the deadline counts from, as a timestamp (the same expression on both databases).
const ANCHOR: &str = "COALESCE(\
     (SELECT m.accepted_at FROM milestones m WHERE m.id = invoices.milestone_id), \
     (SELECT MAX(m.accepted_at) FROM milestones m WHERE m.contract_id = invoices.contract_id), \
     invoices.created_at)";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // NOT NULL needs a default for the rows already there; the backfill replaces it.
        manager
            .alter_table(
                Table::alter()
                    .table("invoices")
                    .add_column(date("payment_due_date").default("1970-01-01"))
                    .take(),
            )
            .await?;
        // Asia/Tokyo has no daylight saving time: +9 hours is its day on both databases.
        let backfill = match manager.get_database_backend() {
            DatabaseBackend::Postgres => format!(
                "UPDATE invoices SET payment_due_date = \
                 CAST(({ANCHOR} AT TIME ZONE 'Asia/Tokyo') AS DATE) + 59"
            ),
            _ => format!(
                "UPDATE invoices SET payment_due_date = date({ANCHOR}, '+9 hours', '+59 days')"
            ),
        };
        manager
            .get_connection()
            .execute_unprepared(&backfill)
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("invoices_company_due")
                    .table("invoices")
                    .col("company_id")
                    .col("payment_due_date")
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("invoices_company_due")
                    .table("invoices")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("invoices")
                    .drop_column("payment_due_date")
                    .take(),
            )
            .await
    }
}
