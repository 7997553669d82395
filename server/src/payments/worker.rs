//! The payments worker: claims `payout.transfer` jobs, creates the Stripe transfer and reports
//! the outcome to `domain::payouts`, and `contract.refund` jobs, whose refunds it reports to
//! `domain::refunds`. Each happens at most once thanks to its idempotency key (`payout:<id>`,
//! `refund:<contract id>`) — a job whose worker died between the Stripe call and the commit is
//! claimed again after its lease and the repeated call returns the same object.
use std::time::Duration;

use entity::job;
use sea_orm::DatabaseConnection;
use tokio::sync::watch;

use super::gateway::{StripeGateway, transfer_group};
use crate::domain::error::{DomainError, DomainResult};
use crate::domain::jobs::{self, Outcome};
use crate::domain::{now, payout_accounts, payouts, refunds};

/// Where to stop on purpose, so tests can show that a crash loses nothing and doubles nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrashPoint {
    Never,
    /// After Stripe created the transfer, before the database records it.
    AfterTransfer,
    /// After Stripe created the refund, before the database records it.
    AfterRefund,
}

/// How long a payout waits before looking again at an account that cannot receive transfers.
const ACCOUNT_RECHECK: chrono::Duration = chrono::Duration::hours(1);

/// Runs until `shutdown` turns true, sleeping `idle` whenever no job is due.
pub async fn run(
    db: DatabaseConnection,
    gateway: &StripeGateway,
    idle: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let worked = match run_once(&db, gateway, CrashPoint::Never).await {
            Ok(worked) => worked,
            Err(err) => {
                tracing::error!(
                    error = format!("{err:#}"),
                    "Stripe worker (payouts and refunds)"
                );
                false
            }
        };
        if *shutdown.borrow() {
            return;
        }
        if !worked {
            tokio::select! {
                _ = tokio::time::sleep(idle) => {}
                _ = shutdown.changed() => return,
            }
        }
    }
}

/// Claims and processes one due job. Returns whether there was one.
pub async fn run_once(
    db: &DatabaseConnection,
    gateway: &StripeGateway,
    crash: CrashPoint,
) -> DomainResult<bool> {
    if let Some(job) = jobs::claim(db, jobs::PAYOUT_TRANSFER).await? {
        transfer(db, gateway, &job, crash).await?;
        return Ok(true);
    }
    if let Some(job) = jobs::claim(db, jobs::CONTRACT_REFUND).await? {
        refund(db, gateway, &job, crash).await?;
        return Ok(true);
    }
    Ok(false)
}

#[tracing::instrument(skip_all, fields(job = job.id, contract = job.subject_id, attempt = job.attempts))]
async fn refund(
    db: &DatabaseConnection,
    gateway: &StripeGateway,
    job: &job::Model,
    crash: CrashPoint,
) -> DomainResult<()> {
    let Some(order) = refunds::order(db, job.subject_id).await? else {
        return jobs::finish(db, job, Outcome::Done).await;
    };
    let created = gateway
        .create_refund(
            order.contract_id,
            &order.payment_intent_id,
            order.amount_minor,
        )
        .await;
    if crash == CrashPoint::AfterRefund {
        return Err(DomainError::Internal(anyhow::anyhow!(
            "simulated crash after the refund of contract {}",
            order.contract_id
        )));
    }
    match created {
        Ok(refund_id) => {
            refunds::refunded(db, job, &order, &refund_id).await?;
            tracing::info!(refund = %refund_id, "escrow refunded");
            Ok(())
        }
        Err(err) if err.retryable && job.attempts < jobs::MAX_ATTEMPTS => {
            tracing::warn!(error = %err.message, "refund failed; will retry");
            refunds::postpone(
                db,
                job,
                &format!("retrying: {}", err.message),
                now() + jobs::backoff(job.attempts),
            )
            .await
        }
        Err(err) => {
            tracing::warn!(error = %err.message, "refund failed for good");
            refunds::fail(db, job, &err.message).await
        }
    }
}

#[tracing::instrument(skip_all, fields(job = job.id, payout = job.subject_id, attempt = job.attempts))]
async fn transfer(
    db: &DatabaseConnection,
    gateway: &StripeGateway,
    job: &job::Model,
    crash: CrashPoint,
) -> DomainResult<()> {
    let Some(order) = payouts::transfer_order(db, job.subject_id).await? else {
        return jobs::finish(db, job, Outcome::Done).await;
    };
    let account = payout_accounts::of_user(db, order.invoice.submitted_by)
        .await?
        .filter(|a| a.payouts_enabled);
    let Some(account) = account else {
        let reason = "waiting for the freelancer to finish Stripe onboarding so their account can receive payouts";
        return payouts::postpone_transfer(
            db,
            job,
            order.payout.id,
            reason,
            now() + ACCOUNT_RECHECK,
        )
        .await;
    };
    payouts::start_transfer(db, &order.payout).await?;

    let payout = &order.payout;
    let created = gateway
        .create_transfer(
            payout.id,
            payout.amount_minor,
            &payout.currency,
            &account.stripe_account_id,
            &transfer_group(order.contract.id),
        )
        .await;
    if crash == CrashPoint::AfterTransfer {
        return Err(DomainError::Internal(anyhow::anyhow!(
            "simulated crash after the transfer of payout {}",
            payout.id
        )));
    }
    match created {
        Ok(transfer_id) => {
            payouts::transferred(db, job, order, &transfer_id).await?;
            tracing::info!(transfer = %transfer_id, "payout transferred");
            Ok(())
        }
        Err(err) if err.retryable && job.attempts < jobs::MAX_ATTEMPTS => {
            tracing::warn!(error = %err.message, "transfer failed; will retry");
            payouts::postpone_transfer(
                db,
                job,
                payout.id,
                &format!("retrying: {}", err.message),
                now() + jobs::backoff(job.attempts),
            )
            .await
        }
        Err(err) => {
            tracing::warn!(error = %err.message, "transfer failed for good");
            payouts::fail_transfer(db, job, payout, &err.message).await
        }
    }
}
