//! The payout worker: claims `payout.transfer` jobs and creates the Stripe transfer, at most
//! once per payout thanks to the `payout:<id>` idempotency key — a job whose worker died
//! between the Stripe call and the commit is claimed again after its lease and the repeated
//! call returns the same transfer.
use std::time::Duration;

use entity::states::PayoutStatus;
use entity::{contract, invoice, job, payout};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveEnum, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use tokio::sync::watch;

use super::flows::payout_account;
use super::gateway::{StripeGateway, transfer_group};
use crate::domain::error::{DomainError, DomainResult};
use crate::domain::jobs::{self, Outcome};
use crate::domain::{audit, now, payouts, write_tx};

/// Where to stop on purpose, so tests can show that a crash loses nothing and doubles nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrashPoint {
    Never,
    /// After Stripe created the transfer, before the database records it.
    AfterTransfer,
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
                tracing::error!(error = format!("{err:#}"), "payout worker");
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
    let Some(job) = jobs::claim(db, jobs::PAYOUT_TRANSFER).await? else {
        return Ok(false);
    };
    transfer(db, gateway, &job, crash).await?;
    Ok(true)
}

#[tracing::instrument(skip_all, fields(job = job.id, payout = job.subject_id, attempt = job.attempts))]
async fn transfer(
    db: &DatabaseConnection,
    gateway: &StripeGateway,
    job: &job::Model,
    crash: CrashPoint,
) -> DomainResult<()> {
    let missing = |what: &str| {
        DomainError::Internal(anyhow::anyhow!("payout job {}: {what} is missing", job.id))
    };
    let payout = payout::Entity::find_by_id(job.subject_id)
        .one(db)
        .await?
        .ok_or_else(|| missing("payout"))?;
    if !matches!(
        payout.status,
        PayoutStatus::Pending | PayoutStatus::Processing
    ) {
        return jobs::finish(db, job, Outcome::Done).await;
    }
    let invoice = invoice::Entity::find_by_id(payout.invoice_id)
        .one(db)
        .await?
        .ok_or_else(|| missing("invoice"))?;
    let contract = contract::Entity::find_by_id(invoice.contract_id)
        .one(db)
        .await?
        .ok_or_else(|| missing("contract"))?;

    let account = payout_account(db, invoice.submitted_by)
        .await?
        .filter(|a| a.payouts_enabled);
    let Some(account) = account else {
        let reason = "waiting for the freelancer to finish Stripe onboarding so their account can receive payouts";
        note(db, payout.id, reason).await?;
        return jobs::finish(
            db,
            job,
            Outcome::RetryAt(now() + ACCOUNT_RECHECK, reason.to_string()),
        )
        .await;
    };
    mark_processing(db, &payout).await?;

    let created = gateway
        .create_transfer(
            payout.id,
            payout.amount_minor,
            &payout.currency,
            &account.stripe_account_id,
            &transfer_group(contract.id),
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
            let tx = write_tx(db).await?;
            payout::Entity::update_many()
                .col_expr(
                    payout::Column::StripeTransferId,
                    Expr::value(transfer_id.clone()),
                )
                .filter(payout::Column::Id.eq(payout.id))
                .exec(&tx)
                .await?;
            let payout = payout::Entity::find_by_id(payout.id)
                .one(&tx)
                .await?
                .ok_or_else(|| missing("payout"))?;
            let postings = [
                (
                    format!("contract:{}:escrow", contract.id),
                    payout.amount_minor,
                ),
                ("platform:stripe".to_string(), -payout.amount_minor),
            ];
            payouts::settle(
                &tx,
                None,
                payout,
                invoice,
                &transfer_id,
                (&format!("transfer:{}", job.subject_id), &postings),
            )
            .await?;
            jobs::finish(&tx, job, Outcome::Done).await?;
            tx.commit().await?;
            tracing::info!(transfer = %transfer_id, "payout transferred");
            Ok(())
        }
        Err(err) if err.retryable && job.attempts < jobs::MAX_ATTEMPTS => {
            tracing::warn!(error = %err.message, "transfer failed; will retry");
            note(db, payout.id, &format!("retrying: {}", err.message)).await?;
            jobs::finish(
                db,
                job,
                Outcome::RetryAt(now() + jobs::backoff(job.attempts), err.message),
            )
            .await
        }
        Err(err) => {
            tracing::warn!(error = %err.message, "transfer failed for good");
            let tx = write_tx(db).await?;
            let failed = payout::Entity::update_many()
                .col_expr(
                    payout::Column::Status,
                    Expr::value(PayoutStatus::Failed.to_value()),
                )
                .col_expr(
                    payout::Column::FailureReason,
                    Expr::value(err.message.clone()),
                )
                .col_expr(payout::Column::UpdatedAt, Expr::value(now()))
                .filter(payout::Column::Id.eq(payout.id))
                .filter(payout::Column::Status.eq(PayoutStatus::Processing))
                .exec(&tx)
                .await?;
            if failed.rows_affected == 1 {
                audit::record(
                    &tx,
                    None,
                    audit::Change {
                        action: "payout.fail",
                        object_type: "Payout",
                        object_id: payout.id,
                        from: Some("PROCESSING"),
                        to: Some("FAILED"),
                    },
                )
                .await?;
            }
            jobs::finish(&tx, job, Outcome::Failed(err.message)).await?;
            tx.commit().await?;
            Ok(())
        }
    }
}

/// PENDING → PROCESSING before the Stripe call, so finance sees it under way.
async fn mark_processing(db: &DatabaseConnection, payout: &payout::Model) -> DomainResult<()> {
    if payout.status == PayoutStatus::Processing {
        return Ok(());
    }
    let tx = write_tx(db).await?;
    let moved = payout::Entity::update_many()
        .col_expr(
            payout::Column::Status,
            Expr::value(PayoutStatus::Processing.to_value()),
        )
        .col_expr(payout::Column::UpdatedAt, Expr::value(now()))
        .filter(payout::Column::Id.eq(payout.id))
        .filter(payout::Column::Status.eq(PayoutStatus::Pending))
        .exec(&tx)
        .await?;
    if moved.rows_affected == 1 {
        audit::record(
            &tx,
            None,
            audit::Change {
                action: "payout.process",
                object_type: "Payout",
                object_id: payout.id,
                from: Some("PENDING"),
                to: Some("PROCESSING"),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Records why a payout is not paid yet, for finance to read.
async fn note(db: &DatabaseConnection, payout_id: i64, reason: &str) -> DomainResult<()> {
    payout::Entity::update_many()
        .col_expr(
            payout::Column::FailureReason,
            Expr::value(reason.to_string()),
        )
        .col_expr(payout::Column::UpdatedAt, Expr::value(now()))
        .filter(payout::Column::Id.eq(payout_id))
        .exec(db)
        .await?;
    Ok(())
}
