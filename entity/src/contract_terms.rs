use sea_orm::entity::prelude::*;

/// A contract's statement of terms (Freelance Act art. 3), one row per version. Rows are only
/// ever inserted: a later change issues a new version and the old ones stay as issued.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contract_terms")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub contract_id: i64,
    /// 1 at acceptance, then one more per change.
    pub version: i32,
    pub issued_at: DateTimeUtc,
    /// The statement as issued, in Japanese.
    pub text: String,
    /// Who caused the version; `None` for the system.
    pub issued_by: Option<i64>,
    /// Why the version was issued: `ACCEPTED`, `ENDED` …
    pub reason: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
