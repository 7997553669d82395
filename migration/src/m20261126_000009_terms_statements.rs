//! Terms statements and payment terms (issue 12 §2, §3; Freelance Act arts. 3 and 4).
//!
//! `contract_terms` holds each contract's statement of terms (取引条件の明示), versioned and
//! append-only: a trigger refuses UPDATE and DELETE on both databases, as for `audit_events`.
//! Contracts accepted before this migration have no statement: one cannot honestly be issued
//! after the fact with an earlier date, so none is backfilled.
//!
//! `projects.delivery_method` is the place or manner of delivery the statement names (NULL:
//! through Boomerang's delivery form). `companies.payment_terms_days` is the number of days
//! after the acceptance day the company's finance pays by (NULL: the legal maximum, 59).
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn contract_terms() -> TableCreateStatement {
    Table::create()
        .table("contract_terms")
        .col(big_pk_auto("id"))
        .col(big_integer("contract_id"))
        .col(integer("version").check(Expr::col("version").gte(1)))
        .col(timestamp_with_time_zone("issued_at"))
        .col(text("text"))
        .col(big_integer_null("issued_by"))
        .col(string_len("reason", 64))
        .foreign_key(
            ForeignKey::create()
                .name("fk_contract_terms_contract_id")
                .from("contract_terms", "contract_id")
                .to("contracts", "id")
                .on_delete(ForeignKeyAction::Restrict),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_contract_terms_issued_by")
                .from("contract_terms", "issued_by")
                .to("users", "id")
                .on_delete(ForeignKeyAction::Restrict),
        )
        .take()
}

const SQLITE_TRIGGERS: &[&str] = &[
    "CREATE TRIGGER contract_terms_no_update BEFORE UPDATE ON contract_terms BEGIN SELECT RAISE(ABORT, 'terms statements are never changed; issue a new version'); END",
    "CREATE TRIGGER contract_terms_no_delete BEFORE DELETE ON contract_terms BEGIN SELECT RAISE(ABORT, 'terms statements are never changed; issue a new version'); END",
];

const POSTGRES_TRIGGERS: &[&str] = &[
    "CREATE FUNCTION contract_terms_append_only() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'terms statements are never changed; issue a new version'; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER contract_terms_append_only BEFORE UPDATE OR DELETE ON contract_terms FOR EACH ROW EXECUTE FUNCTION contract_terms_append_only()",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(contract_terms()).await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_contract_terms_version")
                    .table("contract_terms")
                    .col("contract_id")
                    .col("version")
                    .unique()
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("projects")
                    .add_column(text_null("delivery_method"))
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("companies")
                    .add_column(integer_null("payment_terms_days"))
                    .take(),
            )
            .await?;
        let triggers = match manager.get_database_backend() {
            DbBackend::Postgres => POSTGRES_TRIGGERS,
            _ => SQLITE_TRIGGERS,
        };
        let db = manager.get_connection();
        for sql in triggers {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("DROP TRIGGER contract_terms_append_only ON contract_terms")
                .await?;
            db.execute_unprepared("DROP FUNCTION contract_terms_append_only()")
                .await?;
        }
        manager
            .drop_table(Table::drop().table("contract_terms").take())
            .await?;
        for (table, column) in [
            ("companies", "payment_terms_days"),
            ("projects", "delivery_method"),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).take())
                .await?;
        }
        Ok(())
    }
}
