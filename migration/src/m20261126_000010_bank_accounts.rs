//! Payee bank accounts and Zengin transfer batches (issue 12 §8): the freelancer's Japanese
//! bank account (one per user), the account a company pays from with its consignor code
//! (委託者コード), and the batches finance downloads as a 総合振込 file and then records as
//! paid. A payout belongs to at most one batch at a time (`payouts.batch_id`).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn bank_accounts() -> TableCreateStatement {
    Table::create()
        .table("bank_accounts")
        .col(big_pk_auto("id"))
        .col(big_integer_uniq("user_id"))
        .col(string_len("bank_code", 4))
        .col(string_len("bank_name", 15))
        .col(string_len("branch_code", 3))
        .col(string_len("branch_name", 15))
        .col(string_len("account_type", 16))
        .col(string_len("account_number", 7))
        .col(string_len("holder_kana", 30))
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"))
        .foreign_key(
            ForeignKey::create()
                .name("fk_bank_accounts_user_id")
                .from("bank_accounts", "user_id")
                .to("users", "id")
                .on_delete(ForeignKeyAction::Restrict),
        )
        .take()
}

fn company_bank_accounts() -> TableCreateStatement {
    Table::create()
        .table("company_bank_accounts")
        .col(big_pk_auto("id"))
        .col(big_integer_uniq("company_id"))
        .col(string_len("consignor_code", 10))
        .col(string_len("consignor_name", 40))
        .col(string_len("bank_code", 4))
        .col(string_len("bank_name", 15))
        .col(string_len("branch_code", 3))
        .col(string_len("branch_name", 15))
        .col(string_len("account_type", 16))
        .col(string_len("account_number", 7))
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"))
        .foreign_key(
            ForeignKey::create()
                .name("fk_company_bank_accounts_company_id")
                .from("company_bank_accounts", "company_id")
                .to("companies", "id")
                .on_delete(ForeignKeyAction::Restrict),
        )
        .take()
}

fn transfer_batches() -> TableCreateStatement {
    Table::create()
        .table("transfer_batches")
        .col(big_pk_auto("id"))
        .col(big_integer("company_id"))
        .col(date("transfer_date"))
        .col(string_len("status", 16))
        .col(integer("payout_count"))
        .col(big_integer("total_minor"))
        .col(string_len("currency", 3))
        .col(blob("file"))
        .col(big_integer("created_by"))
        .col(string_len_null("reference", 200))
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone_null("paid_at"))
        .foreign_key(
            ForeignKey::create()
                .name("fk_transfer_batches_company_id")
                .from("transfer_batches", "company_id")
                .to("companies", "id")
                .on_delete(ForeignKeyAction::Restrict),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_transfer_batches_created_by")
                .from("transfer_batches", "created_by")
                .to("users", "id")
                .on_delete(ForeignKeyAction::Restrict),
        )
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(bank_accounts()).await?;
        manager.create_table(company_bank_accounts()).await?;
        manager.create_table(transfer_batches()).await?;
        // No foreign key on the column: SQLite cannot add one to an existing table.
        manager
            .alter_table(
                Table::alter()
                    .table("payouts")
                    .add_column(big_integer_null("batch_id"))
                    .take(),
            )
            .await?;
        let db = manager.get_connection();
        for sql in [
            "CREATE INDEX ix_payouts_batch_id ON payouts (batch_id)",
            "CREATE INDEX ix_transfer_batches_company ON transfer_batches (company_id, id)",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX ix_payouts_batch_id")
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("payouts")
                    .drop_column("batch_id")
                    .take(),
            )
            .await?;
        for table in ["transfer_batches", "company_bank_accounts", "bank_accounts"] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        Ok(())
    }
}
