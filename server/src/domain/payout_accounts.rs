//! Alumni's Stripe Express accounts: created once per user, and kept in step with Stripe's
//! `account.updated` events. When an account becomes able to receive payouts, the payouts
//! waiting for it run again.
use entity::payout_account;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    TryInsertResult,
};

use super::audit::Subject;
use super::error::{DomainError, DomainResult};
use super::{audit, jobs, now, payouts, write_tx};

pub async fn of_user(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> DomainResult<Option<payout_account::Model>> {
    Ok(payout_account::Entity::find()
        .filter(payout_account::Column::UserId.eq(user_id))
        .one(db)
        .await?)
}

/// Records the user's Stripe account. Two concurrent onboardings get the same account from
/// Stripe (the idempotency key is the user id); the first insert wins and the second finds it.
pub async fn record(
    db: &DatabaseConnection,
    user_id: i64,
    stripe_account_id: &str,
) -> DomainResult<payout_account::Model> {
    let tx = write_tx(db).await?;
    let at = now();
    let inserted = payout_account::Entity::insert(payout_account::ActiveModel {
        user_id: Set(user_id),
        stripe_account_id: Set(stripe_account_id.to_string()),
        payouts_enabled: Set(false),
        details_submitted: Set(false),
        stripe_updated: Set(0),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([payout_account::Column::UserId])
    .exec(&tx)
    .await?;
    let account = of_user(&tx, user_id)
        .await?
        .ok_or(DomainError::NotFound("payout account"))?;
    if let TryInsertResult::Inserted(_) = inserted {
        audit::record(
            &tx,
            Some(user_id),
            audit::Change::new("payout_account.create", Subject::PayoutAccount, account.id),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(account)
}

/// What Stripe says of an account, as of `created` (the event's time).
pub struct AccountState<'a> {
    pub stripe_account_id: &'a str,
    pub payouts_enabled: bool,
    pub details_submitted: bool,
    pub created: i64,
}

/// Applies the newest account state only; when payouts become possible, waiting payouts run.
pub(crate) async fn apply_stripe_state(
    tx: &impl ConnectionTrait,
    state: AccountState<'_>,
) -> DomainResult<()> {
    let updated = payout_account::Entity::update_many()
        .col_expr(
            payout_account::Column::PayoutsEnabled,
            Expr::value(state.payouts_enabled),
        )
        .col_expr(
            payout_account::Column::DetailsSubmitted,
            Expr::value(state.details_submitted),
        )
        .col_expr(
            payout_account::Column::StripeUpdated,
            Expr::value(state.created),
        )
        .col_expr(payout_account::Column::UpdatedAt, Expr::value(now()))
        .filter(payout_account::Column::StripeAccountId.eq(state.stripe_account_id))
        .filter(payout_account::Column::StripeUpdated.lte(state.created))
        .exec(tx)
        .await?;
    if updated.rows_affected == 0 || !state.payouts_enabled {
        return Ok(());
    }
    let Some(account) = payout_account::Entity::find()
        .filter(payout_account::Column::StripeAccountId.eq(state.stripe_account_id))
        .one(tx)
        .await?
    else {
        return Ok(());
    };
    let waiting = payouts::waiting_for_account(tx, account.user_id).await?;
    jobs::reschedule_now(tx, jobs::PAYOUT_TRANSFER, &waiting).await
}
