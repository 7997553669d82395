//! Japanese tax on invoices (issue 12 §1, §5, §6): who the payee is, the invoice's lines per
//! consumption tax rate with the tax floored once per rate, the qualified-invoice registration
//! number the invoice was issued under, and the withholding income tax taken from the payout.
//!
//! Existing invoices become one line at the standard rate with the tax included in their
//! amount (what a Japanese fee without a separate tax line means), not subject to withholding:
//! what was paid stays what was paid.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn invoice_lines() -> TableCreateStatement {
    Table::create()
        .table("invoice_lines")
        .col(big_pk_auto("id"))
        .col(big_integer("invoice_id"))
        .col(integer("position"))
        .col(text("description"))
        .col(big_integer("amount_minor").check(Expr::col("amount_minor").gte(0)))
        .col(integer("tax_rate").check(Expr::col("tax_rate").is_in([0, 8, 10])))
        .col(boolean("withholding_subject"))
        .col(timestamp_with_time_zone("created_at"))
        .foreign_key(
            ForeignKey::create()
                .name("fk_invoice_lines_invoice_id")
                .from("invoice_lines", "invoice_id")
                .to("invoices", "id")
                .on_delete(ForeignKeyAction::Restrict),
        )
        .take()
}

fn columns() -> Vec<TableAlterStatement> {
    let add = |table: &str, column: &mut ColumnDef| {
        Table::alter()
            .table(table.to_string())
            .add_column(column)
            .take()
    };
    vec![
        add("users", &mut string_len_null("payee_type", 32)),
        add("users", &mut string_len_null("registration_number", 14)),
        add("users", &mut string_len_null("legal_name", 200)),
        add("users", &mut text_null("address")),
        add(
            "contracts",
            string_len("payee_type", 32).default("INDIVIDUAL"),
        ),
        add("invoices", boolean("tax_shown_separately").default(false)),
        add("invoices", big_integer("consumption_tax_minor").default(0)),
        add("invoices", big_integer("total_minor").default(0)),
        add("invoices", big_integer("withholding_minor").default(0)),
        add("invoices", &mut string_len_null("registration_number", 14)),
        add("invoices", date("transaction_date").default("1970-01-01")),
        add("payouts", big_integer("withholding_minor").default(0)),
    ]
}

/// The columns `columns` adds, for `down`.
const ADDED: &[(&str, &str)] = &[
    ("users", "payee_type"),
    ("users", "registration_number"),
    ("users", "legal_name"),
    ("users", "address"),
    ("contracts", "payee_type"),
    ("invoices", "tax_shown_separately"),
    ("invoices", "consumption_tax_minor"),
    ("invoices", "total_minor"),
    ("invoices", "withholding_minor"),
    ("invoices", "registration_number"),
    ("invoices", "transaction_date"),
    ("payouts", "withholding_minor"),
];

const BACKFILL: &[&str] = &[
    "UPDATE invoices SET total_minor = amount_minor",
    "UPDATE invoices SET consumption_tax_minor = (amount_minor * 10) / 110 WHERE currency = 'JPY'",
    "INSERT INTO invoice_lines (invoice_id, position, description, amount_minor, tax_rate, withholding_subject, created_at) \
     SELECT id, 1, description, amount_minor, CASE WHEN currency = 'JPY' THEN 10 ELSE 0 END, false, created_at FROM invoices",
    "CREATE UNIQUE INDEX ux_invoice_lines_position ON invoice_lines (invoice_id, position)",
    "CREATE INDEX ix_payouts_company_paid ON payouts (company_id, paid_at)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for alter in columns() {
            manager.alter_table(alter).await?;
        }
        manager.create_table(invoice_lines()).await?;
        let db = manager.get_connection();
        // The transaction day is the billed acceptance day, which the due date counts from.
        let transaction_day = match manager.get_database_backend() {
            sea_orm_migration::sea_orm::DbBackend::Postgres => {
                "UPDATE invoices SET transaction_date = payment_due_date - 59"
            }
            _ => "UPDATE invoices SET transaction_date = date(payment_due_date, '-59 days')",
        };
        for sql in BACKFILL.iter().chain([&transaction_day]) {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX ix_payouts_company_paid")
            .await?;
        manager
            .drop_table(Table::drop().table("invoice_lines").take())
            .await?;
        for (table, column) in ADDED.iter().rev() {
            manager
                .alter_table(Table::alter().table(*table).drop_column(*column).take())
                .await?;
        }
        Ok(())
    }
}
