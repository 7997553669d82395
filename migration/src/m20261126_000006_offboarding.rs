//! Offboarding and edits (issue 10 §5): a bid's rejection reason, and an audit event's detail
//! (what an edit changed, such as the fields of a `project.update`).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("bids")
                    .add_column(text_null("rejection_reason"))
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("audit_events")
                    .add_column(text_null("detail"))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in [("audit_events", "detail"), ("bids", "rejection_reason")] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).take())
                .await?;
        }
        Ok(())
    }
}
