//! Prohibited acts and notice (issue 12 §4; Freelance Act art. 5 and 16).
//!
//! `refusals`: every request for changes after a delivery and every invoice rejection, with a
//! reason code, so a company can show per period that it did not refuse or reduce without
//! cause. Only inserted, never updated.
//!
//! `contracts`: who asked for the end and when (`end_requested_by/at`), the day a company's
//! notice runs out (`ends_on`: the contract stays ACTIVE until then), and when the freelancer
//! asked for the reason (`end_reason_requested_at`). Contracts ended before this migration keep
//! these null: who ended them is in their audit events.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn refusals() -> TableCreateStatement {
    Table::create()
        .table("refusals")
        .col(big_pk_auto("id"))
        .col(big_integer("company_id"))
        .col(big_integer("contract_id"))
        // CHANGES_REQUESTED (subject: a milestone) or INVOICE_REJECTED (subject: an invoice).
        .col(string_len("kind", 32))
        .col(big_integer("subject_id"))
        .col(string_len("reason_code", 32))
        .col(text("reason"))
        .col(big_integer("actor_id"))
        .col(timestamp_with_time_zone("created_at"))
        .foreign_key(
            ForeignKey::create()
                .name("fk_refusals_contract_id")
                .from("refusals", "contract_id")
                .to("contracts", "id")
                .on_delete(ForeignKeyAction::Restrict),
        )
        .take()
}

fn columns() -> Vec<TableAlterStatement> {
    let add = |column: &mut ColumnDef| Table::alter().table("contracts").add_column(column).take();
    vec![
        add(&mut big_integer_null("end_requested_by")),
        add(&mut timestamp_with_time_zone_null("end_requested_at")),
        add(&mut date_null("ends_on")),
        add(&mut timestamp_with_time_zone_null(
            "end_reason_requested_at",
        )),
    ]
}

const ADDED: &[&str] = &[
    "end_requested_by",
    "end_requested_at",
    "ends_on",
    "end_reason_requested_at",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for alter in columns() {
            manager.alter_table(alter).await?;
        }
        manager.create_table(refusals()).await?;
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX ix_refusals_company_created ON refusals (company_id, created_at)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX ix_refusals_company_created")
            .await?;
        manager
            .drop_table(Table::drop().table("refusals").take())
            .await?;
        for column in ADDED.iter().rev() {
            manager
                .alter_table(
                    Table::alter()
                        .table("contracts")
                        .drop_column(*column)
                        .take(),
                )
                .await?;
        }
        Ok(())
    }
}
