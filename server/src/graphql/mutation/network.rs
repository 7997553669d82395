//! The alumni network's consent mutations.
use async_graphql::{Context, ID, InputObject, Object};

use crate::domain::consents;
use crate::graphql::context::{access, db};
use crate::graphql::errors::OrGql;
use crate::graphql::ids;
use crate::graphql::scalars::ConsentPurpose;
use crate::graphql::types::Consent;

#[derive(Default)]
pub struct NetworkMutation;

#[derive(InputObject)]
pub struct ConsentInput {
    pub company_id: ID,
    pub purpose: ConsentPurpose,
}

#[Object]
impl NetworkMutation {
    /// Grants one company consent for one purpose; the caller must be on its roster. The
    /// wording shown is stored with the grant.
    async fn grant_consent(
        &self,
        ctx: &Context<'_>,
        input: ConsentInput,
    ) -> async_graphql::Result<Consent> {
        let access = access(ctx).await?;
        let company_id = ids::decode(&input.company_id, "Company", "company").gql()?;
        Ok(Consent(
            consents::grant(db(ctx), access, company_id, input.purpose.into())
                .await
                .gql()?,
        ))
    }

    /// Withdraws a consent; from the next request the company no longer uses her data for it.
    async fn withdraw_consent(
        &self,
        ctx: &Context<'_>,
        input: ConsentInput,
    ) -> async_graphql::Result<Consent> {
        let access = access(ctx).await?;
        let company_id = ids::decode(&input.company_id, "Company", "company").gql()?;
        Ok(Consent(
            consents::withdraw(db(ctx), access, company_id, input.purpose.into())
                .await
                .gql()?,
        ))
    }
}
