//! The refund of an ended Stripe contract: the escrow not owed for accepted work
//! (`amount − accepted`, once the contract is FUNDED) goes back to the company through a Stripe
//! Refund on the contract's PaymentIntent. `endContract` (or a funding that lands after the
//! end) enqueues a `contract.refund` job; the payments worker calls Stripe with the key
//! `refund:<contract id>` and reports here, where the refund id and its ledger group are written
//! once. Stripe's `charge.refunded` event confirms it: `refunded_minor` follows the charge's
//! refunded total, growing only, so replays and late events change nothing.
use entity::states::FundingStatus;
use entity::{contract, job};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::audit::Subject;
use super::error::DomainResult;
use super::jobs::{self, Outcome};
use super::ledger::{self, Account, Group};
use super::{audit, now, write_tx};

/// What an ended contract gives back: the funded amount not owed for accepted work. Zero
/// unless the contract is ended and FUNDED.
pub fn owed_back(contract: &contract::Model) -> i64 {
    let funded = contract.funding_status == Some(FundingStatus::Funded);
    if contract.ended_at.is_none() || !funded {
        return 0;
    }
    std::cmp::max(contract.amount_minor - contract.accepted_minor, 0)
}

/// Enqueues the refund job when the contract has escrow to give back (inside the transaction
/// that ended or funded it).
pub(crate) async fn schedule(
    tx: &impl ConnectionTrait,
    contract: &contract::Model,
) -> DomainResult<()> {
    if owed_back(contract) > 0 && contract.refund_id.is_none() {
        jobs::enqueue(tx, jobs::CONTRACT_REFUND, contract.id).await?;
    }
    Ok(())
}

/// What the worker needs to refund a contract.
pub struct RefundOrder {
    pub contract_id: i64,
    pub payment_intent_id: String,
    pub amount_minor: i64,
    pub currency: String,
}

/// The refund a job asks for; `None` once there is nothing (left) to refund.
pub async fn order(
    db: &impl ConnectionTrait,
    contract_id: i64,
) -> DomainResult<Option<RefundOrder>> {
    let Some(contract) = contract::Entity::find_by_id(contract_id).one(db).await? else {
        tracing::warn!(contract_id, "a refund job for an unknown contract");
        return Ok(None);
    };
    let amount_minor = owed_back(&contract);
    if contract.refund_id.is_some() || amount_minor == 0 {
        return Ok(None);
    }
    let Some(payment_intent_id) = contract.payment_intent_id else {
        tracing::warn!(contract_id, "a funded contract without its PaymentIntent");
        return Ok(None);
    };
    Ok(Some(RefundOrder {
        contract_id,
        payment_intent_id,
        amount_minor,
        currency: contract.currency,
    }))
}

/// Stripe made the refund: its id is stored, the escrow pays back out of the platform
/// balance, and the job is done, in one transaction. A refund recorded already (a replayed
/// answer after a crash) writes nothing twice.
pub async fn refunded(
    db: &DatabaseConnection,
    job: &job::Model,
    order: &RefundOrder,
    refund_id: &str,
) -> DomainResult<()> {
    let tx = write_tx(db).await?;
    let stored = contract::Entity::update_many()
        .col_expr(
            contract::Column::RefundId,
            Expr::value(refund_id.to_string()),
        )
        .col_expr(contract::Column::UpdatedAt, Expr::value(now()))
        .filter(contract::Column::Id.eq(order.contract_id))
        .filter(contract::Column::RefundId.is_null())
        .exec(&tx)
        .await?;
    if stored.rows_affected == 1 {
        let postings = ledger::movement(
            Account::PlatformStripe,
            Account::Escrow {
                contract_id: order.contract_id,
            },
            order.amount_minor,
        );
        let group = Group::Refund {
            contract_id: order.contract_id,
        };
        ledger::post(&tx, &group, &order.currency, &postings).await?;
        audit::record(
            &tx,
            None,
            audit::Change::new("contract.refund", Subject::Contract, order.contract_id),
        )
        .await?;
    }
    jobs::finish(&tx, job, Outcome::Done).await?;
    tx.commit().await?;
    Ok(())
}

/// Stripe failed in a way worth retrying: the job runs again at `retry_at`.
pub async fn postpone(
    db: &DatabaseConnection,
    job: &job::Model,
    reason: &str,
    retry_at: chrono::DateTime<chrono::Utc>,
) -> DomainResult<()> {
    jobs::finish(db, job, Outcome::RetryAt(retry_at, reason.to_string())).await
}

/// Stripe refused the refund for good: the job fails with Stripe's message, which the
/// contract's audit trail shows too.
pub async fn fail(db: &DatabaseConnection, job: &job::Model, message: &str) -> DomainResult<()> {
    let tx = write_tx(db).await?;
    audit::record(
        &tx,
        None,
        audit::Change::new("contract.refund_failed", Subject::Contract, job.subject_id)
            .detail(message),
    )
    .await?;
    jobs::finish(&tx, job, Outcome::Failed(message.to_string())).await?;
    tx.commit().await?;
    Ok(())
}

/// What Stripe says of a refunded charge.
pub struct Refunded<'a> {
    /// From the charge's transfer group or metadata.
    pub contract_id: Option<i64>,
    pub payment_intent_id: Option<&'a str>,
    /// The charge's refunded total so far.
    pub amount_refunded: i64,
}

/// Records the charge's refunded total on its contract; only growth is written.
pub(crate) async fn confirm(tx: &impl ConnectionTrait, refunded: Refunded<'_>) -> DomainResult<()> {
    let by_id = match refunded.contract_id {
        Some(id) => contract::Entity::find_by_id(id).one(tx).await?,
        None => None,
    };
    let contract = match (by_id, refunded.payment_intent_id) {
        (Some(c), _) => Some(c),
        (None, Some(intent)) => {
            contract::Entity::find()
                .filter(contract::Column::PaymentIntentId.eq(intent))
                .one(tx)
                .await?
        }
        (None, None) => None,
    };
    let Some(contract) = contract else {
        tracing::warn!(intent = ?refunded.payment_intent_id, "a refund of a charge for no contract");
        return Ok(());
    };
    if let (Some(stored), Some(intent)) = (&contract.payment_intent_id, refunded.payment_intent_id)
        && stored != intent
    {
        tracing::warn!(
            contract = contract.id,
            intent,
            "a refund of another PaymentIntent"
        );
        return Ok(());
    }
    let grew = contract::Entity::update_many()
        .col_expr(
            contract::Column::RefundedMinor,
            Expr::value(refunded.amount_refunded),
        )
        .col_expr(contract::Column::UpdatedAt, Expr::value(now()))
        .filter(contract::Column::Id.eq(contract.id))
        .filter(Expr::col(contract::Column::RefundedMinor).lt(refunded.amount_refunded))
        .exec(tx)
        .await?;
    if grew.rows_affected == 1 {
        audit::record(
            tx,
            None,
            audit::Change::new("contract.refunded", Subject::Contract, contract.id),
        )
        .await?;
    }
    Ok(())
}
