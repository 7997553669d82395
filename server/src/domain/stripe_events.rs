//! Stripe events, decoded by `crate::payments::webhook` into the changes they ask for. Each
//! event id is stored once, in the transaction that applies it, so a redelivered event changes
//! nothing; each change is written so that any order of events ends in the same state.
use entity::stripe_event;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::contracts::{self, Payment};
use super::error::DomainResult;
use super::payout_accounts::{self, AccountState};
use super::payouts::{self, Reversal};
use super::refunds::{self, Refunded};
use super::{now, write_tx};

/// What an event asks of the domain.
pub enum Change<'a> {
    Account(AccountState<'a>),
    Funded(Payment<'a>),
    FundingFailed {
        contract_id: i64,
        reason: String,
    },
    Reversed(Reversal<'a>),
    /// A charge's refunded total grew (`charge.refunded`): confirms a contract's refund.
    Refunded(Refunded<'a>),
    /// Stored (so it is not applied twice) but asks nothing.
    Nothing,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Applied {
    New,
    Duplicate,
}

/// Stores the event id and applies its change in one transaction.
pub async fn apply(
    db: &DatabaseConnection,
    event_id: &str,
    event_type: &str,
    change: Change<'_>,
) -> DomainResult<Applied> {
    let tx = write_tx(db).await?;
    let seen = stripe_event::Entity::find()
        .filter(stripe_event::Column::EventId.eq(event_id))
        .one(&tx)
        .await?;
    if seen.is_some() {
        return Ok(Applied::Duplicate);
    }
    stripe_event::Entity::insert(stripe_event::ActiveModel {
        event_id: Set(event_id.to_string()),
        event_type: Set(event_type.to_string()),
        received_at: Set(now()),
        ..Default::default()
    })
    .exec(&tx)
    .await?;
    match change {
        Change::Account(state) => payout_accounts::apply_stripe_state(&tx, state).await?,
        Change::Funded(payment) => contracts::mark_funded(&tx, payment).await?,
        Change::FundingFailed {
            contract_id,
            reason,
        } => contracts::record_funding_failure(&tx, contract_id, &reason).await?,
        Change::Reversed(reversal) => payouts::record_reversal(&tx, reversal).await?,
        Change::Refunded(refunded) => refunds::confirm(&tx, refunded).await?,
        Change::Nothing => {}
    }
    tx.commit().await?;
    Ok(Applied::New)
}
