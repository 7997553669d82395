//! Company news and boomerang rehire (issue 13 §4, §5): news posts with a read per (post,
//! reader) for counts, rehire openings, applications (one per person per opening) and each
//! application's transitions with their time, for the rehire metrics.
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
            .table("news_posts")
            .col(big_pk_auto("id"))
            .col(big_integer("company_id"))
            .col(big_integer("author_id"))
            .col(string_len("title", 200))
            .col(text("body"))
            .col(string_len("category", 16))
            .col(boolean("pinned"))
            .col(timestamp_with_time_zone("created_at"))
            .foreign_key(&mut fk("news_posts", "company_id", "companies"))
            .foreign_key(&mut fk("news_posts", "author_id", "users"))
            .take(),
        Table::create()
            .table("news_reads")
            .col(big_pk_auto("id"))
            .col(big_integer("post_id"))
            .col(big_integer("user_id"))
            .col(timestamp_with_time_zone("read_at"))
            .foreign_key(&mut fk("news_reads", "post_id", "news_posts"))
            .foreign_key(&mut fk("news_reads", "user_id", "users"))
            .take(),
        Table::create()
            .table("openings")
            .col(big_pk_auto("id"))
            .col(big_integer("company_id"))
            .col(big_integer("author_id"))
            .col(string_len("title", 200))
            .col(string_len("department", 200))
            .col(string_len("employment_type", 16))
            .col(string_len("location", 200))
            .col(boolean("remote"))
            .col(text("description"))
            .col(string_len("status", 16))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone_null("closed_at"))
            .foreign_key(&mut fk("openings", "company_id", "companies"))
            .foreign_key(&mut fk("openings", "author_id", "users"))
            .take(),
        Table::create()
            .table("applications")
            .col(big_pk_auto("id"))
            .col(big_integer("opening_id"))
            .col(big_integer("user_id"))
            .col(text("note"))
            .col(string_len("status", 16))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .foreign_key(&mut fk("applications", "opening_id", "openings"))
            .foreign_key(&mut fk("applications", "user_id", "users"))
            .take(),
        Table::create()
            .table("application_transitions")
            .col(big_pk_auto("id"))
            .col(big_integer("application_id"))
            .col(string_len_null("from_status", 16))
            .col(string_len("to_status", 16))
            .col(big_integer("actor_id"))
            .col(text_null("note"))
            .col(timestamp_with_time_zone("at"))
            .foreign_key(&mut fk(
                "application_transitions",
                "application_id",
                "applications",
            ))
            .foreign_key(&mut fk("application_transitions", "actor_id", "users"))
            .take(),
    ]
}

const INDEXES: &[&str] = &[
    "CREATE INDEX ix_news_posts_company ON news_posts (company_id, pinned, id)",
    // One read per post and reader: counts, never who read.
    "CREATE UNIQUE INDEX ux_news_reads ON news_reads (post_id, user_id)",
    "CREATE INDEX ix_openings_company ON openings (company_id, id)",
    // One application per person per opening.
    "CREATE UNIQUE INDEX ux_applications ON applications (opening_id, user_id)",
    "CREATE INDEX ix_applications_user ON applications (user_id)",
    "CREATE INDEX ix_application_transitions ON application_transitions (application_id, id)",
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
        for table in [
            "application_transitions",
            "applications",
            "openings",
            "news_reads",
            "news_posts",
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        Ok(())
    }
}
