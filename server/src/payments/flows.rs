//! The Stripe flows a user starts: onboarding a payout account, choosing Stripe for a
//! company, funding a contract, and retrying a failed payout. Stripe is called outside any
//! database transaction; idempotency keys make a repeated call return the same object.
use entity::states::{CompanyRole, FundingStatus, PaymentProvider, PayoutStatus};
use entity::{company, contract, payout, payout_account};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter,
};

use super::gateway::{AccountLink, GatewayError, PaymentIntent, StripeGateway, transfer_group};
use crate::domain::error::{DomainError, DomainResult};
use crate::domain::{Access, audit, companies, contracts, jobs, now, payouts, write_tx};

/// The Stripe provider as configured: the gateway and where Stripe sends users back to.
pub struct Stripe {
    pub gateway: StripeGateway,
    pub public_url: String,
}

fn upstream(err: GatewayError) -> DomainError {
    err.into_domain()
}

/// Creates the caller's Express account once, and a fresh onboarding link each time.
#[tracing::instrument(skip_all, fields(user = access.user_id()))]
pub async fn onboarding_link(
    db: &DatabaseConnection,
    access: &Access,
    stripe: &Stripe,
) -> DomainResult<AccountLink> {
    if !access.is_alumnus() {
        return Err(DomainError::forbidden("payout accounts are for alumni"));
    }
    let account = match payout_account(db, access.user_id()).await? {
        Some(account) => account,
        None => {
            let stripe_account_id = stripe
                .gateway
                .create_express_account(access.user_id(), &access.actor.email)
                .await
                .map_err(upstream)?;
            let tx = write_tx(db).await?;
            let account = match payout_account(&tx, access.user_id()).await? {
                Some(existing) => existing,
                None => {
                    let at = now();
                    let account = payout_account::ActiveModel {
                        user_id: Set(access.user_id()),
                        stripe_account_id: Set(stripe_account_id),
                        payouts_enabled: Set(false),
                        details_submitted: Set(false),
                        stripe_updated: Set(0),
                        created_at: Set(at),
                        updated_at: Set(at),
                        ..Default::default()
                    }
                    .insert(&tx)
                    .await?;
                    audit::record(
                        &tx,
                        Some(access.user_id()),
                        audit::Change {
                            action: "payout_account.create",
                            object_type: "PayoutAccount",
                            object_id: account.id,
                            from: None,
                            to: None,
                        },
                    )
                    .await?;
                    account
                }
            };
            tx.commit().await?;
            account
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
        .map_err(upstream)
}

pub async fn payout_account(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> DomainResult<Option<payout_account::Model>> {
    Ok(payout_account::Entity::find()
        .filter(payout_account::Column::UserId.eq(user_id))
        .one(db)
        .await?)
}

/// Chooses how a company pays: contracts accepted afterwards follow the choice. ADMIN only.
#[tracing::instrument(skip_all, fields(user = access.user_id(), company_id))]
pub async fn set_provider(
    db: &DatabaseConnection,
    access: &Access,
    stripe_enabled: bool,
    company_id: i64,
    provider: PaymentProvider,
) -> DomainResult<company::Model> {
    let company = companies::get(db, access, company_id).await?;
    access.require_role(
        company_id,
        &[CompanyRole::Admin],
        "choosing the payment provider",
    )?;
    if provider == PaymentProvider::Stripe && !stripe_enabled {
        return Err(DomainError::conflict(
            "Stripe is not configured on this server",
        ));
    }
    if company.payment_provider == provider {
        return Ok(company);
    }
    let tx = write_tx(db).await?;
    let from = company.payment_provider;
    let mut active: company::ActiveModel = company.into();
    active.payment_provider = Set(provider);
    let company = active.update(&tx).await?;
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change {
            action: "company.payment_provider",
            object_type: "Company",
            object_id: company.id,
            from: Some(from.to_value().as_str()),
            to: Some(provider.to_value().as_str()),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(company)
}

/// Returns the contract's funding PaymentIntent, creating it once. ADMIN or FINANCE.
#[tracing::instrument(skip_all, fields(user = access.user_id(), contract_id))]
pub async fn fund(
    db: &DatabaseConnection,
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
        return stripe.gateway.payment_intent(id).await.map_err(upstream);
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
        .map_err(upstream)?;
    let tx = write_tx(db).await?;
    let stored = contract::Entity::update_many()
        .col_expr(
            contract::Column::PaymentIntentId,
            Expr::value(intent.id.clone()),
        )
        .col_expr(contract::Column::UpdatedAt, Expr::value(now()))
        .filter(contract::Column::Id.eq(contract.id))
        .filter(contract::Column::PaymentIntentId.is_null())
        .exec(&tx)
        .await?;
    if stored.rows_affected == 1 {
        audit::record(
            &tx,
            Some(access.user_id()),
            audit::Change {
                action: "contract.funding_requested",
                object_type: "Contract",
                object_id: contract.id,
                from: None,
                to: None,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(intent)
}

/// FAILED → PENDING, and the transfer job runs again. FINANCE.
#[tracing::instrument(skip_all, fields(user = access.user_id(), payout_id))]
pub async fn retry_payout(
    db: &DatabaseConnection,
    access: &Access,
    payout_id: i64,
) -> DomainResult<payout::Model> {
    let tx = write_tx(db).await?;
    let (payout, _) = payouts::for_finance(&tx, access, payout_id, "retrying a payout").await?;
    if payout.provider != PaymentProvider::Stripe || payout.status != PayoutStatus::Failed {
        return Err(DomainError::conflict(
            "only a FAILED Stripe payout can be retried",
        ));
    }
    let updated = payout::Entity::update_many()
        .col_expr(
            payout::Column::Status,
            Expr::value(PayoutStatus::Pending.to_value()),
        )
        .col_expr(payout::Column::UpdatedAt, Expr::value(now()))
        .filter(payout::Column::Id.eq(payout.id))
        .filter(payout::Column::Status.eq(PayoutStatus::Failed))
        .exec(&tx)
        .await?;
    if updated.rows_affected != 1 {
        return Err(DomainError::conflict(
            "the payout changed meanwhile; reload it",
        ));
    }
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change {
            action: "payout.retry",
            object_type: "Payout",
            object_id: payout.id,
            from: Some("FAILED"),
            to: Some("PENDING"),
        },
    )
    .await?;
    jobs::reschedule_now(&tx, jobs::PAYOUT_TRANSFER, &[payout.id]).await?;
    tx.commit().await?;
    Ok(payout::Model {
        status: PayoutStatus::Pending,
        ..payout
    })
}
