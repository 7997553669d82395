//! `POST /webhooks/stripe`: verified (signature and a five-minute timestamp window), decoded
//! into the change it asks of the domain, and handed to `domain::stripe_events`, which stores
//! each event once and applies it so that duplicate or out-of-order delivery ends in the same
//! state.
use std::collections::HashMap;

use axum::extract::{FromRef, State};
use axum::http::{HeaderMap, StatusCode};
use sea_orm::DatabaseConnection;
use stripe_webhook::{Event, EventObject, Webhook};

use super::gateway::contract_of_transfer_group;
use crate::config::Secret;
use crate::domain::contracts::Payment;
use crate::domain::error::DomainResult;
use crate::domain::payout_accounts::AccountState;
use crate::domain::payouts::Reversal;
use crate::domain::refunds::Refunded;
use crate::domain::stripe_events::{self, Applied, Change};

/// What the route needs of the application state (`FromRef` keeps this module free of it).
#[derive(Clone)]
pub struct WebhookState {
    pub db: DatabaseConnection,
    /// Without it the route answers 404.
    pub secret: Option<Secret>,
}

pub async fn receive<S>(
    State(state): State<S>,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, &'static str)
where
    WebhookState: FromRef<S>,
{
    let state = WebhookState::from_ref(&state);
    let Some(secret) = &state.secret else {
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

/// Decodes a verified event and applies it through the domain.
pub async fn apply(db: &DatabaseConnection, event: &Event) -> DomainResult<Applied> {
    let change = decode(event);
    stripe_events::apply(db, event.id.as_str(), &event.type_.to_string(), change).await
}

fn decode(event: &Event) -> Change<'_> {
    match &event.data.object {
        EventObject::AccountUpdated(account) => Change::Account(AccountState {
            stripe_account_id: account.id.as_str(),
            payouts_enabled: account.payouts_enabled.unwrap_or(false),
            details_submitted: account.details_submitted.unwrap_or(false),
            created: event.created,
        }),
        EventObject::PaymentIntentSucceeded(intent) => {
            match contract_id_of(intent.transfer_group.as_deref(), &intent.metadata) {
                Some(contract_id) => Change::Funded(Payment {
                    contract_id,
                    payment_intent_id: intent.id.as_str(),
                    amount_minor: intent.amount,
                }),
                None => {
                    tracing::warn!(intent = %intent.id, "a PaymentIntent for no contract");
                    Change::Nothing
                }
            }
        }
        EventObject::PaymentIntentPaymentFailed(intent) => {
            match contract_id_of(intent.transfer_group.as_deref(), &intent.metadata) {
                Some(contract_id) => Change::FundingFailed {
                    contract_id,
                    reason: intent
                        .last_payment_error
                        .as_ref()
                        .and_then(|e| e.message.clone())
                        .unwrap_or_else(|| "the payment failed".to_string()),
                },
                None => Change::Nothing,
            }
        }
        EventObject::TransferReversed(transfer) => Change::Reversed(Reversal {
            transfer_id: transfer.id.as_str(),
            payout_id: transfer
                .metadata
                .get("boomerang_payout_id")
                .and_then(|id| id.parse().ok()),
            contract_id: contract_id_of(transfer.transfer_group.as_deref(), &transfer.metadata),
            amount_reversed: transfer.amount_reversed,
        }),
        EventObject::ChargeRefunded(charge) => Change::Refunded(Refunded {
            contract_id: contract_id_of(charge.transfer_group.as_deref(), &charge.metadata),
            payment_intent_id: charge
                .payment_intent
                .as_ref()
                .map(|intent| intent.id().as_str()),
            amount_refunded: charge.amount_refunded,
        }),
        _ => {
            tracing::debug!(kind = %event.type_, "ignored Stripe event");
            Change::Nothing
        }
    }
}

fn contract_id_of(transfer_group: Option<&str>, metadata: &HashMap<String, String>) -> Option<i64> {
    transfer_group
        .and_then(contract_of_transfer_group)
        .or_else(|| {
            metadata
                .get("boomerang_contract_id")
                .and_then(|id| id.parse().ok())
        })
}
