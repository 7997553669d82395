//! `POST /webhooks/stripe`: verified (signature and a five-minute timestamp window), each event
//! stored once, and applied so that duplicate or out-of-order delivery ends in the same state.
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use entity::states::{FundingStatus, PayoutStatus};
use entity::{contract, invoice, payout, payout_account, stripe_event};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect,
};
use stripe_webhook::{Event, EventObject, Webhook};

use super::gateway::contract_of_transfer_group;
use crate::domain::error::{DomainError, DomainResult};
use crate::domain::{audit, jobs, ledger, now, write_tx};
use crate::http::AppState;

pub async fn receive(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, &'static str) {
    let Some(secret) = &state.stripe_webhook_secret else {
        return (StatusCode::NOT_FOUND, "Stripe webhooks are not configured");
    };
    let Some(signature) = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
    else {
        return (StatusCode::BAD_REQUEST, "missing Stripe-Signature");
    };
    let event = match Webhook::construct_event(&body, signature, secret.expose()) {
        Ok(event) => event,
        Err(err) => {
            tracing::warn!(error = %err, "refused a Stripe webhook");
            return (StatusCode::BAD_REQUEST, "invalid signature or payload");
        }
    };
    match apply(&state.db, &event).await {
        Ok(Applied::New) => (StatusCode::OK, "applied"),
        Ok(Applied::Duplicate) => (StatusCode::OK, "already received"),
        Err(err) => {
            tracing::error!(event = %event.id, error = format!("{err:#}"), "applying a Stripe event");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "not applied; Stripe will retry",
            )
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum Applied {
    New,
    Duplicate,
}

/// Stores the event id and applies the event in one transaction.
pub async fn apply(db: &DatabaseConnection, event: &Event) -> DomainResult<Applied> {
    let tx = write_tx(db).await?;
    let event_id = event.id.to_string();
    let seen = stripe_event::Entity::find()
        .filter(stripe_event::Column::EventId.eq(event_id.as_str()))
        .one(&tx)
        .await?;
    if seen.is_some() {
        return Ok(Applied::Duplicate);
    }
    stripe_event::Entity::insert(stripe_event::ActiveModel {
        event_id: Set(event_id),
        event_type: Set(event.type_.to_string()),
        received_at: Set(now()),
        ..Default::default()
    })
    .exec(&tx)
    .await?;
    match &event.data.object {
        EventObject::AccountUpdated(account) => {
            account_updated(
                &tx,
                account.id.as_str(),
                account.payouts_enabled.unwrap_or(false),
                account.details_submitted.unwrap_or(false),
                event.created,
            )
            .await?
        }
        EventObject::PaymentIntentSucceeded(intent) => funded(&tx, intent).await?,
        EventObject::PaymentIntentPaymentFailed(intent) => funding_failed(&tx, intent).await?,
        EventObject::TransferReversed(transfer) => transfer_reversed(&tx, transfer).await?,
        _ => tracing::debug!(kind = %event.type_, "ignored Stripe event"),
    }
    tx.commit().await?;
    Ok(Applied::New)
}

/// Applies the newest account state only; when payouts become possible, waiting payouts run.
async fn account_updated(
    tx: &impl ConnectionTrait,
    account_id: &str,
    payouts_enabled: bool,
    details_submitted: bool,
    created: i64,
) -> DomainResult<()> {
    let updated = payout_account::Entity::update_many()
        .col_expr(
            payout_account::Column::PayoutsEnabled,
            Expr::value(payouts_enabled),
        )
        .col_expr(
            payout_account::Column::DetailsSubmitted,
            Expr::value(details_submitted),
        )
        .col_expr(payout_account::Column::StripeUpdated, Expr::value(created))
        .col_expr(payout_account::Column::UpdatedAt, Expr::value(now()))
        .filter(payout_account::Column::StripeAccountId.eq(account_id))
        .filter(payout_account::Column::StripeUpdated.lte(created))
        .exec(tx)
        .await?;
    if updated.rows_affected == 0 || !payouts_enabled {
        return Ok(());
    }
    let Some(account) = payout_account::Entity::find()
        .filter(payout_account::Column::StripeAccountId.eq(account_id))
        .one(tx)
        .await?
    else {
        return Ok(());
    };
    let waiting: Vec<i64> = payout::Entity::find()
        .select_only()
        .column(payout::Column::Id)
        .filter(payout::Column::Status.eq(PayoutStatus::Pending))
        .filter(
            payout::Column::InvoiceId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(invoice::Column::Id)
                    .from(invoice::Entity)
                    .and_where(Expr::col(invoice::Column::SubmittedBy).eq(account.user_id))
                    .to_owned(),
            ),
        )
        .into_tuple()
        .all(tx)
        .await?;
    jobs::reschedule_now(tx, jobs::PAYOUT_TRANSFER, &waiting).await
}

fn contract_id_of(
    transfer_group: Option<&str>,
    metadata: &std::collections::HashMap<String, String>,
) -> Option<i64> {
    transfer_group
        .and_then(contract_of_transfer_group)
        .or_else(|| {
            metadata
                .get("boomerang_contract_id")
                .and_then(|id| id.parse().ok())
        })
}

/// UNFUNDED → FUNDED once, with the funding in the ledger.
async fn funded(
    tx: &impl ConnectionTrait,
    intent: &stripe_shared::PaymentIntent,
) -> DomainResult<()> {
    let Some(contract_id) = contract_id_of(intent.transfer_group.as_deref(), &intent.metadata)
    else {
        tracing::warn!(intent = %intent.id, "a PaymentIntent for no contract");
        return Ok(());
    };
    let Some(contract) = contract::Entity::find_by_id(contract_id).one(tx).await? else {
        return Err(DomainError::Internal(anyhow::anyhow!(
            "PaymentIntent {} names unknown contract {contract_id}",
            intent.id
        )));
    };
    if contract.funding_status != Some(FundingStatus::Unfunded) {
        return Ok(());
    }
    contract::Entity::update_many()
        .col_expr(
            contract::Column::FundingStatus,
            Expr::value(sea_orm::ActiveEnum::to_value(&FundingStatus::Funded)),
        )
        .col_expr(
            contract::Column::PaymentIntentId,
            Expr::value(intent.id.to_string()),
        )
        .col_expr(
            contract::Column::FundingFailure,
            Expr::value(Option::<String>::None),
        )
        .col_expr(contract::Column::UpdatedAt, Expr::value(now()))
        .filter(contract::Column::Id.eq(contract.id))
        .exec(tx)
        .await?;
    audit::record(
        tx,
        None,
        audit::Change {
            action: "contract.fund",
            object_type: "Contract",
            object_id: contract.id,
            from: Some("UNFUNDED"),
            to: Some("FUNDED"),
        },
    )
    .await?;
    let postings = [
        ("platform:stripe".to_string(), intent.amount),
        (format!("contract:{}:escrow", contract.id), -intent.amount),
    ];
    ledger::post(
        tx,
        &format!("funding:{}", intent.id),
        &contract.currency,
        &postings,
    )
    .await?;
    Ok(())
}

/// Records why funding failed, unless the contract is funded already (a late failure of an
/// earlier attempt changes nothing).
async fn funding_failed(
    tx: &impl ConnectionTrait,
    intent: &stripe_shared::PaymentIntent,
) -> DomainResult<()> {
    let Some(contract_id) = contract_id_of(intent.transfer_group.as_deref(), &intent.metadata)
    else {
        return Ok(());
    };
    let reason = intent
        .last_payment_error
        .as_ref()
        .and_then(|e| e.message.clone())
        .unwrap_or_else(|| "the payment failed".to_string());
    contract::Entity::update_many()
        .col_expr(contract::Column::FundingFailure, Expr::value(reason))
        .col_expr(contract::Column::UpdatedAt, Expr::value(now()))
        .filter(contract::Column::Id.eq(contract_id))
        .filter(contract::Column::FundingStatus.eq(FundingStatus::Unfunded))
        .exec(tx)
        .await?;
    Ok(())
}

/// Records the reversed total; only growth is posted, so replays and stale events add nothing.
async fn transfer_reversed(
    tx: &impl ConnectionTrait,
    transfer: &stripe_shared::Transfer,
) -> DomainResult<()> {
    let by_id = payout::Entity::find()
        .filter(payout::Column::StripeTransferId.eq(transfer.id.as_str()))
        .one(tx)
        .await?;
    let payout = match by_id {
        Some(p) => Some(p),
        None => match transfer
            .metadata
            .get("boomerang_payout_id")
            .and_then(|id| id.parse::<i64>().ok())
        {
            Some(id) => payout::Entity::find_by_id(id).one(tx).await?,
            None => None,
        },
    };
    let Some(payout) = payout else {
        tracing::warn!(transfer = %transfer.id, "a reversal of an unknown transfer");
        return Ok(());
    };
    let delta = transfer.amount_reversed - payout.reversed_minor;
    if delta <= 0 {
        return Ok(());
    }
    let grew = payout::Entity::update_many()
        .col_expr(
            payout::Column::ReversedMinor,
            Expr::value(transfer.amount_reversed),
        )
        .col_expr(payout::Column::UpdatedAt, Expr::value(now()))
        .filter(payout::Column::Id.eq(payout.id))
        .filter(Expr::col(payout::Column::ReversedMinor).lt(transfer.amount_reversed))
        .exec(tx)
        .await?;
    if grew.rows_affected != 1 {
        return Ok(());
    }
    let contract_id = contract_id_of(transfer.transfer_group.as_deref(), &transfer.metadata);
    let escrow = match contract_id {
        Some(id) => format!("contract:{id}:escrow"),
        None => format!("payout:{}:reversed", payout.id),
    };
    let postings = [("platform:stripe".to_string(), delta), (escrow, -delta)];
    ledger::post(
        tx,
        &format!("reversal:{}:{}", transfer.id, transfer.amount_reversed),
        &payout.currency,
        &postings,
    )
    .await?;
    audit::record(
        tx,
        None,
        audit::Change {
            action: "payout.reversed",
            object_type: "Payout",
            object_id: payout.id,
            from: None,
            to: None,
        },
    )
    .await?;
    Ok(())
}
