//! Accounts, companies, the project → bid → contract → invoice → payout flow, and the audit trail.
//!
//! Invariants that must hold under concurrency live here as constraints: partial unique
//! indexes (one ACCEPTED bid per project, one PENDING bid per bidder and project), unique
//! contract per project and payout per invoice, and CHECKs that keep invoiced money within
//! the contract amount.
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

fn status(col: &'static str) -> ColumnDef {
    string_len(col, 16)
}

fn tables() -> Vec<TableCreateStatement> {
    vec![
        Table::create()
            .table("users")
            .col(big_pk_auto("id"))
            .col(string_len_uniq("email", 320))
            .col(string_len("display_name", 200))
            .col(string("password_hash"))
            .col(timestamp_with_time_zone("created_at"))
            .take(),
        Table::create()
            .table("sessions")
            .col(big_pk_auto("id"))
            .col(big_integer("user_id"))
            .col(string_len_uniq("token_hash", 64))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("expires_at"))
            .foreign_key(&mut fk("sessions", "user_id", "users"))
            .take(),
        Table::create()
            .table("companies")
            .col(big_pk_auto("id"))
            .col(string_len("name", 200))
            .col(timestamp_with_time_zone("created_at"))
            .take(),
        Table::create()
            .table("company_members")
            .col(big_pk_auto("id"))
            .col(big_integer("company_id"))
            .col(big_integer("user_id"))
            .col(status("role"))
            .col(timestamp_with_time_zone("created_at"))
            .foreign_key(&mut fk("company_members", "company_id", "companies"))
            .foreign_key(&mut fk("company_members", "user_id", "users"))
            .take(),
        Table::create()
            .table("alumni_records")
            .col(big_pk_auto("id"))
            .col(big_integer("company_id"))
            .col(string_len("email", 320))
            .col(timestamp_with_time_zone("created_at"))
            .foreign_key(&mut fk("alumni_records", "company_id", "companies"))
            .take(),
        Table::create()
            .table("projects")
            .col(big_pk_auto("id"))
            .col(big_integer("company_id"))
            .col(big_integer("created_by"))
            .col(string_len("title", 200))
            .col(text("description"))
            .col(status("category"))
            .col(big_integer("budget_minor").check(Expr::col("budget_minor").gt(0)))
            .col(string_len("currency", 3))
            .col(timestamp_with_time_zone_null("deadline"))
            .col(status("visibility"))
            .col(status("status"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .foreign_key(&mut fk("projects", "company_id", "companies"))
            .foreign_key(&mut fk("projects", "created_by", "users"))
            .take(),
        Table::create()
            .table("project_skills")
            .col(big_pk_auto("id"))
            .col(big_integer("project_id"))
            .col(string_len("skill", 64))
            .foreign_key(&mut fk("project_skills", "project_id", "projects"))
            .take(),
        Table::create()
            .table("bids")
            .col(big_pk_auto("id"))
            .col(big_integer("project_id"))
            .col(big_integer("bidder_id"))
            .col(big_integer("amount_minor").check(Expr::col("amount_minor").gt(0)))
            .col(string_len("currency", 3))
            .col(integer("delivery_days"))
            .col(text("proposal"))
            .col(status("status"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .foreign_key(&mut fk("bids", "project_id", "projects"))
            .foreign_key(&mut fk("bids", "bidder_id", "users"))
            .take(),
        Table::create()
            .table("contracts")
            .col(big_pk_auto("id"))
            .col(big_integer_uniq("project_id"))
            .col(big_integer_uniq("bid_id"))
            .col(big_integer("company_id"))
            .col(big_integer("freelancer_id"))
            .col(big_integer("amount_minor").check(Expr::col("amount_minor").gt(0)))
            .col(string_len("currency", 3))
            .col(big_integer("invoiced_minor"))
            .col(big_integer("paid_minor"))
            .col(status("status"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .check(
                Expr::col("invoiced_minor")
                    .gte(0)
                    .and(Expr::col("invoiced_minor").lte(Expr::col("amount_minor")))
                    .and(Expr::col("paid_minor").gte(0))
                    .and(Expr::col("paid_minor").lte(Expr::col("invoiced_minor"))),
            )
            .foreign_key(&mut fk("contracts", "project_id", "projects"))
            .foreign_key(&mut fk("contracts", "bid_id", "bids"))
            .foreign_key(&mut fk("contracts", "company_id", "companies"))
            .foreign_key(&mut fk("contracts", "freelancer_id", "users"))
            .take(),
        Table::create()
            .table("invoices")
            .col(big_pk_auto("id"))
            .col(big_integer("contract_id"))
            .col(big_integer("company_id"))
            .col(big_integer("submitted_by"))
            .col(big_integer("amount_minor").check(Expr::col("amount_minor").gt(0)))
            .col(string_len("currency", 3))
            .col(text("description"))
            .col(status("status"))
            .col(text_null("rejection_reason"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .foreign_key(&mut fk("invoices", "contract_id", "contracts"))
            .foreign_key(&mut fk("invoices", "company_id", "companies"))
            .foreign_key(&mut fk("invoices", "submitted_by", "users"))
            .take(),
        Table::create()
            .table("payouts")
            .col(big_pk_auto("id"))
            .col(big_integer_uniq("invoice_id"))
            .col(big_integer("company_id"))
            .col(big_integer("amount_minor").check(Expr::col("amount_minor").gt(0)))
            .col(string_len("currency", 3))
            .col(status("status"))
            .col(string_len("provider", 16))
            .col(string_len_null("reference", 200))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .col(timestamp_with_time_zone_null("paid_at"))
            .foreign_key(&mut fk("payouts", "invoice_id", "invoices"))
            .foreign_key(&mut fk("payouts", "company_id", "companies"))
            .take(),
        Table::create()
            .table("audit_events")
            .col(big_pk_auto("id"))
            .col(big_integer_null("actor_id"))
            .col(string_len("action", 64))
            .col(string_len("object_type", 32))
            .col(big_integer("object_id"))
            .col(string_len_null("from_status", 16))
            .col(string_len_null("to_status", 16))
            .col(timestamp_with_time_zone("created_at"))
            .foreign_key(&mut fk("audit_events", "actor_id", "users"))
            .take(),
    ]
}

/// Indexes in plain SQL that both PostgreSQL and SQLite accept, partial ones included.
const INDEXES: &[&str] = &[
    "CREATE INDEX ix_sessions_user ON sessions (user_id)",
    "CREATE UNIQUE INDEX ux_company_members ON company_members (company_id, user_id)",
    "CREATE INDEX ix_company_members_user ON company_members (user_id)",
    "CREATE UNIQUE INDEX ux_alumni_records ON alumni_records (company_id, email)",
    "CREATE INDEX ix_alumni_records_email ON alumni_records (email)",
    "CREATE INDEX ix_projects_company ON projects (company_id, id)",
    "CREATE INDEX ix_projects_status ON projects (status, id)",
    "CREATE INDEX ix_project_skills_project ON project_skills (project_id)",
    "CREATE INDEX ix_project_skills_skill ON project_skills (skill, project_id)",
    "CREATE INDEX ix_bids_project ON bids (project_id, id)",
    "CREATE INDEX ix_bids_bidder ON bids (bidder_id, id)",
    "CREATE UNIQUE INDEX ux_bids_one_accepted ON bids (project_id) WHERE status = 'ACCEPTED'",
    "CREATE UNIQUE INDEX ux_bids_one_pending ON bids (project_id, bidder_id) WHERE status = 'PENDING'",
    "CREATE INDEX ix_contracts_freelancer ON contracts (freelancer_id, id)",
    "CREATE INDEX ix_contracts_company ON contracts (company_id, id)",
    "CREATE INDEX ix_invoices_contract ON invoices (contract_id, id)",
    "CREATE INDEX ix_invoices_company_status ON invoices (company_id, status, id)",
    "CREATE INDEX ix_invoices_submitter ON invoices (submitted_by, id)",
    "CREATE INDEX ix_audit_events_object ON audit_events (object_type, object_id, id)",
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
        for table in tables().iter().rev() {
            let name = table
                .get_table_name()
                .ok_or_else(|| DbErr::Migration("table without a name".into()))?
                .clone();
            manager.drop_table(Table::drop().table(name).take()).await?;
        }
        Ok(())
    }
}
