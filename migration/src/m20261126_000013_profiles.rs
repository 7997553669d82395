//! Profiles and tenure for the alumni directory (issue 13 §2, §3): one profile per person
//! (headline, bio, availability, languages and links as JSON arrays), her skills as rows so the
//! directory can filter on them, and the roster's department and leaving year.
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
            .table("profiles")
            .col(big_pk_auto("id"))
            .col(big_integer("user_id"))
            .col(string_len("headline", 200))
            .col(text("bio"))
            .col(string_len("availability", 24))
            .col(text("languages"))
            .col(text("links"))
            .col(timestamp_with_time_zone("updated_at"))
            .foreign_key(&mut fk("profiles", "user_id", "users"))
            .take(),
        Table::create()
            .table("profile_skills")
            .col(big_pk_auto("id"))
            .col(big_integer("user_id"))
            .col(string_len("skill", 64))
            .foreign_key(&mut fk("profile_skills", "user_id", "users"))
            .take(),
    ]
}

const INDEXES: &[&str] = &[
    "CREATE UNIQUE INDEX ux_profiles_user ON profiles (user_id)",
    "CREATE UNIQUE INDEX ux_profile_skills ON profile_skills (user_id, skill)",
    "CREATE INDEX ix_profile_skills_skill ON profile_skills (skill)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in tables() {
            manager.create_table(table).await?;
        }
        // One column per statement (SQLite alters one at a time).
        manager
            .alter_table(
                Table::alter()
                    .table("alumni_records")
                    .add_column(string_len_null("department", 100))
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("alumni_records")
                    .add_column(integer_null("left_year"))
                    .take(),
            )
            .await?;
        let db = manager.get_connection();
        for sql in INDEXES {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["left_year", "department"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("alumni_records")
                        .drop_column(column)
                        .take(),
                )
                .await?;
        }
        for table in ["profile_skills", "profiles"] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        Ok(())
    }
}
