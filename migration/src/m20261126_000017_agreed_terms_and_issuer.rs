//! What was agreed stays agreed (issue 12 review): a contract keeps the payment terms in force
//! when its bid was accepted (`contracts.payment_terms_days`), so a later change to the
//! company's settings never moves its invoices' due dates; and an invoice keeps its issuer's
//! name as it was when issued (`invoices.issuer_name`: the legal name, else the display name),
//! as a qualified invoice must state it.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const BACKFILL: &[&str] = &[
    "UPDATE contracts SET payment_terms_days = \
     (SELECT c.payment_terms_days FROM companies c WHERE c.id = contracts.company_id)",
    "UPDATE invoices SET issuer_name = \
     (SELECT COALESCE(u.legal_name, u.display_name) FROM users u WHERE u.id = invoices.submitted_by)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("contracts")
                    .add_column(integer_null("payment_terms_days"))
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("invoices")
                    .add_column(string_len_null("issuer_name", 200))
                    .take(),
            )
            .await?;
        let db = manager.get_connection();
        for sql in BACKFILL {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in [
            ("invoices", "issuer_name"),
            ("contracts", "payment_terms_days"),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).take())
                .await?;
        }
        Ok(())
    }
}
