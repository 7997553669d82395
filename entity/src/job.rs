use sea_orm::entity::prelude::*;

use crate::states::JobStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// What to do, e.g. `payout.transfer`.
    pub kind: String,
    /// The row the job acts on (for `payout.transfer`, the payout).
    pub subject_id: i64,
    pub status: JobStatus,
    pub attempts: i32,
    pub run_at: DateTimeUtc,
    /// A RUNNING job whose lock has expired is taken to have crashed and is claimed again.
    pub locked_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
