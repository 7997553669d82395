use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use crate::domain::error::DomainError;
use crate::domain::{companies, payouts};
use crate::graphql::context::{access, api, db};
use crate::graphql::errors::{OrGql, gql};
use crate::graphql::ids;
use crate::graphql::scalars::PaymentProvider;
use crate::graphql::types::{Company, Contract, Payout};
use crate::payments::flows::{self, Stripe};

#[derive(Default)]
pub struct StripeMutation;

#[derive(InputObject)]
pub struct SetCompanyPaymentProviderInput {
    pub company_id: ID,
    pub provider: PaymentProvider,
}

/// Where to send the alumnus to set up (or finish) their Stripe payout account.
#[derive(SimpleObject)]
pub struct PayoutOnboardingLink {
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// What the company's checkout needs to pay for a contract with Stripe.js.
#[derive(SimpleObject)]
pub struct ContractFunding {
    pub payment_intent_id: String,
    /// Pass to Stripe.js; never log it.
    pub client_secret: Option<String>,
    pub contract: Contract,
}

fn stripe<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Stripe> {
    api(ctx).stripe.as_deref().ok_or_else(|| {
        gql(DomainError::conflict(
            "Stripe is not configured on this server",
        ))
    })
}

#[Object]
impl StripeMutation {
    /// Creates the caller's Stripe Express account (once) and returns an onboarding link. Alumni only.
    async fn create_payout_onboarding_link(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<PayoutOnboardingLink> {
        let access = access(ctx).await?;
        let link = flows::onboarding_link(db(ctx), access, stripe(ctx)?)
            .await
            .gql()?;
        let expires_at = DateTime::from_timestamp(link.expires_at, 0).unwrap_or_else(Utc::now);
        Ok(PayoutOnboardingLink {
            url: link.url,
            expires_at,
        })
    }

    /// Chooses how the company pays its alumni; contracts accepted afterwards follow it. ADMIN only.
    async fn set_company_payment_provider(
        &self,
        ctx: &Context<'_>,
        input: SetCompanyPaymentProviderInput,
    ) -> async_graphql::Result<Company> {
        let access = access(ctx).await?;
        let company_id = ids::decode(&input.company_id, "Company", "company").gql()?;
        let enabled = api(ctx).stripe.is_some();
        Ok(Company(
            companies::set_payment_provider(
                db(ctx),
                access,
                enabled,
                company_id,
                input.provider.into(),
            )
            .await
            .gql()?,
        ))
    }

    /// Creates (once) the PaymentIntent that funds a Stripe contract. ADMIN or FINANCE.
    async fn fund_contract(
        &self,
        ctx: &Context<'_>,
        contract_id: ID,
    ) -> async_graphql::Result<ContractFunding> {
        let access = access(ctx).await?;
        let key = ids::decode(&contract_id, "Contract", "contract").gql()?;
        let intent = flows::fund(db(ctx), access, stripe(ctx)?, key)
            .await
            .gql()?;
        let contract = crate::domain::contracts::get(db(ctx), access, key)
            .await
            .gql()?;
        Ok(ContractFunding {
            payment_intent_id: intent.id,
            client_secret: intent.client_secret,
            contract: Contract(contract),
        })
    }

    /// Sends a FAILED Stripe payout again. FINANCE.
    async fn retry_payout(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Payout> {
        let access = access(ctx).await?;
        let key = ids::decode(&id, "Payout", "payout").gql()?;
        Ok(Payout(payouts::retry(db(ctx), access, key).await.gql()?))
    }
}
