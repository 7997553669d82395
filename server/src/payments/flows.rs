//! The Stripe flows a user starts that call Stripe: onboarding a payout account and funding a
//! contract. Stripe is called outside any database transaction (idempotency keys make a
//! repeated call return the same object); what changes in the database is written by the
//! domain (`payout_accounts`, `contracts`).
use entity::states::{CompanyRole, ContractStatus, FundingStatus};

use super::gateway::{AccountLink, GatewayError, PaymentIntent, StripeGateway, transfer_group};
use crate::domain::error::{DomainError, DomainResult};
use crate::domain::{Access, contracts, payout_accounts};

/// The Stripe provider as configured: the gateway and where Stripe sends users back to.
pub struct Stripe {
    pub gateway: StripeGateway,
    pub public_url: String,
}

/// Creates the caller's Express account once, and a fresh onboarding link each time.
#[tracing::instrument(skip_all, fields(user = access.user_id()))]
pub async fn onboarding_link(
    db: &sea_orm::DatabaseConnection,
    access: &Access,
    stripe: &Stripe,
) -> DomainResult<AccountLink> {
    if !access.is_alumnus() {
        return Err(DomainError::forbidden("payout accounts are for alumni"));
    }
    let account = match payout_accounts::of_user(db, access.user_id()).await? {
        Some(account) => account,
        None => {
            let stripe_account_id = stripe
                .gateway
                .create_express_account(access.user_id(), &access.actor.email)
                .await
                .map_err(GatewayError::into_domain)?;
            payout_accounts::record(db, access.user_id(), &stripe_account_id).await?
        }
    };
    let base = stripe.public_url.trim_end_matches('/');
    stripe
        .gateway
        .onboarding_link(
            &account.stripe_account_id,
            &format!("{base}/payouts/onboarding/refresh"),
            &format!("{base}/payouts/onboarding/done"),
        )
        .await
        .map_err(GatewayError::into_domain)
}

/// Returns the contract's funding PaymentIntent, creating it once. ADMIN or FINANCE.
#[tracing::instrument(skip_all, fields(user = access.user_id(), contract_id))]
pub async fn fund(
    db: &sea_orm::DatabaseConnection,
    access: &Access,
    stripe: &Stripe,
    contract_id: i64,
) -> DomainResult<PaymentIntent> {
    let contract = contracts::get(db, access, contract_id).await?;
    access.require_role(
        contract.company_id,
        &[CompanyRole::Admin, CompanyRole::Finance],
        "funding a contract",
    )?;
    if contract.status == ContractStatus::Cancelled {
        // Ended with nothing accepted: funding it would only be refunded, fees lost.
        return Err(DomainError::conflict(
            "the contract was cancelled; there is nothing to fund",
        ));
    }
    match contract.funding_status {
        None => {
            return Err(DomainError::conflict(
                "this contract is paid by bank transfer, not through Stripe",
            ));
        }
        Some(FundingStatus::Funded) => {
            return Err(DomainError::conflict("the contract is already funded"));
        }
        Some(FundingStatus::Unfunded) => {}
    }
    if let Some(id) = &contract.payment_intent_id {
        return stripe
            .gateway
            .payment_intent(id)
            .await
            .map_err(GatewayError::into_domain);
    }
    let intent = stripe
        .gateway
        .create_payment_intent(
            contract.id,
            contract.amount_minor,
            &contract.currency,
            &transfer_group(contract.id),
        )
        .await
        .map_err(GatewayError::into_domain)?;
    contracts::record_payment_intent(db, access, contract.id, &intent.id).await?;
    Ok(intent)
}
