//! Consent records as the API shows them (to the alumna herself).
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::consent;

use super::{Company, load_one};
use crate::graphql::ids;
use crate::graphql::loaders::CompanyId;
use crate::graphql::scalars::ConsentPurpose;

/// One grant of consent to one company for one purpose; `withdrawnAt` once withdrawn.
pub struct Consent(pub consent::Model);

#[Object]
impl Consent {
    async fn id(&self) -> ID {
        ids::encode("Consent", self.0.id)
    }

    async fn company(&self, ctx: &Context<'_>) -> async_graphql::Result<Company> {
        Ok(Company(
            load_one(ctx, CompanyId(self.0.company_id), "company").await?,
        ))
    }

    async fn purpose(&self) -> ConsentPurpose {
        self.0.purpose.into()
    }

    /// The wording she agreed to, as shown (Japanese / English).
    async fn wording(&self) -> &str {
        &self.0.wording
    }

    async fn granted_at(&self) -> DateTime<Utc> {
        self.0.granted_at
    }

    async fn withdrawn_at(&self) -> Option<DateTime<Utc>> {
        self.0.withdrawn_at
    }

    /// Granted and not withdrawn.
    async fn live(&self) -> bool {
        self.0.withdrawn_at.is_none()
    }
}
