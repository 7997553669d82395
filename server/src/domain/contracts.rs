//! Contracts: written by `bids::accept`, worked by the freelancer, completed when paid in full
//! (or, once ended early by `endings::end`, when its accepted work is paid).
//! A Stripe contract is funded first: its PaymentIntent is recorded here, and Stripe's events
//! (through `crate::payments::webhook`) mark it funded or say why funding failed.
use entity::states::{ContractStatus, FundingStatus, PayeeType};
use entity::{bid, company, contract, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::audit::Subject;
use super::error::{DomainError, DomainResult};
use super::ledger::{self, Account, Group};
use super::page::{Page, Paged};
use super::{Access, audit, milestones, now, refunds, terms, write_tx};

/// Writes the contract an accepted bid becomes, with its audit event (`detail` added when
/// given), its milestones and its statement of terms. The freelancer's payee type and the
/// company's payment terms are copied onto it: they stay what was agreed. `funding`: the
/// Stripe funding state it starts in (None: paid by bank transfer).
pub(crate) async fn create_for_bid(
    tx: &impl ConnectionTrait,
    actor: Option<i64>,
    bid: &bid::Model,
    company: &company::Model,
    funding: Option<FundingStatus>,
    title: &str,
    detail: Option<&str>,
) -> DomainResult<contract::Model> {
    // The payee type decides which rules apply for the life of the contract (unset: an
    // individual, the case the Freelance Act and withholding protect).
    let payee_type = user::Entity::find_by_id(bid.bidder_id)
        .one(tx)
        .await?
        .and_then(|u| u.payee_type)
        .unwrap_or(PayeeType::Individual);
    let at = now();
    let contract = contract::ActiveModel {
        project_id: Set(bid.project_id),
        bid_id: Set(bid.id),
        company_id: Set(company.id),
        freelancer_id: Set(bid.bidder_id),
        amount_minor: Set(bid.amount_minor),
        currency: Set(bid.currency.clone()),
        invoiced_minor: Set(0),
        paid_minor: Set(0),
        accepted_minor: Set(0),
        refunded_minor: Set(0),
        status: Set(ContractStatus::Active),
        funding_status: Set(funding),
        payment_intent_id: Set(None),
        funding_failure: Set(None),
        payee_type: Set(payee_type),
        payment_terms_days: Set(company.payment_terms_days),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    let mut change = audit::Change::new("contract.create", Subject::Contract, contract.id)
        .to(ContractStatus::Active);
    if let Some(detail) = detail {
        change = change.detail(detail);
    }
    audit::record(tx, actor, change).await?;
    milestones::create_for_contract(tx, actor, &contract, bid, title).await?;
    terms::issue(tx, actor, &contract, terms::Reason::Accepted).await?;
    Ok(contract)
}

#[derive(Debug, Default, Clone)]
pub struct ContractFilter {
    pub company_id: Option<i64>,
    pub status: Option<ContractStatus>,
}

pub async fn get(
    db: &impl ConnectionTrait,
    access: &Access,
    id: i64,
) -> DomainResult<contract::Model> {
    contract::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|c| access.can_see_engagement(c.company_id, c.freelancer_id))
        .ok_or(DomainError::NotFound("contract"))
}

/// CONFLICT unless the contract is ACTIVE and not ended; the message names its state (with
/// `ended_note` after "and ended" when it has ended) and then `rule`.
pub(crate) fn require_running(
    contract: &contract::Model,
    ended_note: &str,
    rule: &str,
) -> DomainResult<()> {
    if contract.status == ContractStatus::Active && contract.ended_at.is_none() {
        return Ok(());
    }
    let ended = if contract.ended_at.is_some() {
        format!(" and ended{ended_note}")
    } else {
        String::new()
    };
    Err(DomainError::conflict(format!(
        "the contract is {}{ended}; {rule}",
        contract.status.to_value()
    )))
}

/// Reads the contract inside a write transaction, row-locked on PostgreSQL.
pub(crate) async fn visible_for_update(
    tx: &impl ConnectionTrait,
    access: &Access,
    id: i64,
) -> DomainResult<contract::Model> {
    contract::Entity::find_by_id(id)
        .lock_exclusive()
        .one(tx)
        .await?
        .filter(|c| access.can_see_engagement(c.company_id, c.freelancer_id))
        .ok_or(DomainError::NotFound("contract"))
}

/// The caller's contracts as freelancer and those of the companies they staff, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    access: &Access,
    filter: &ContractFilter,
    page: Page,
) -> DomainResult<Paged<contract::Model>> {
    let visible = Condition::any()
        .add(contract::Column::FreelancerId.eq(access.user_id()))
        .add(contract::Column::CompanyId.is_in(access.staff.keys().copied()));
    let mut query = contract::Entity::find().filter(visible);
    if let Some(company_id) = filter.company_id {
        query = query.filter(contract::Column::CompanyId.eq(company_id));
    }
    if let Some(status) = filter.status {
        query = query.filter(contract::Column::Status.eq(status));
    }
    if let Some(after) = page.after {
        query = query.filter(contract::Column::Id.lt(after));
    }
    let rows = query
        .order_by_desc(contract::Column::Id)
        .limit(page.limit())
        .all(db)
        .await?;
    Ok(Paged::from_fetch(rows, page))
}

/// Stores the funding PaymentIntent's id once; a concurrent second call finds it stored.
pub async fn record_payment_intent(
    db: &DatabaseConnection,
    access: &Access,
    contract_id: i64,
    payment_intent_id: &str,
) -> DomainResult<()> {
    let tx = write_tx(db).await?;
    let stored = contract::Entity::update_many()
        .col_expr(
            contract::Column::PaymentIntentId,
            Expr::value(payment_intent_id.to_string()),
        )
        .col_expr(contract::Column::UpdatedAt, Expr::value(now()))
        .filter(contract::Column::Id.eq(contract_id))
        .filter(contract::Column::PaymentIntentId.is_null())
        .exec(&tx)
        .await?;
    if stored.rows_affected == 1 {
        audit::record(
            &tx,
            Some(access.user_id()),
            audit::Change::new("contract.funding_requested", Subject::Contract, contract_id),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// What Stripe says of a contract's PaymentIntent.
pub struct Payment<'a> {
    pub contract_id: i64,
    pub payment_intent_id: &'a str,
    pub amount_minor: i64,
}

/// UNFUNDED → FUNDED once, with the funding in the ledger.
pub(crate) async fn mark_funded(
    tx: &impl ConnectionTrait,
    payment: Payment<'_>,
) -> DomainResult<()> {
    // Locked, so an `endContract` running now is seen whole: its end decides the refund below.
    let Some(contract) = contract::Entity::find_by_id(payment.contract_id)
        .lock_exclusive()
        .one(tx)
        .await?
    else {
        return Err(DomainError::Internal(anyhow::anyhow!(
            "PaymentIntent {} names unknown contract {}",
            payment.payment_intent_id,
            payment.contract_id
        )));
    };
    if contract.funding_status != Some(FundingStatus::Unfunded) {
        return Ok(());
    }
    let funded = contract::Entity::update_many()
        .col_expr(
            contract::Column::FundingStatus,
            Expr::value(FundingStatus::Funded.to_value()),
        )
        .col_expr(
            contract::Column::PaymentIntentId,
            Expr::value(payment.payment_intent_id.to_string()),
        )
        .col_expr(
            contract::Column::FundingFailure,
            Expr::value(Option::<String>::None),
        )
        .col_expr(contract::Column::UpdatedAt, Expr::value(now()))
        .filter(contract::Column::Id.eq(contract.id))
        .filter(contract::Column::FundingStatus.eq(FundingStatus::Unfunded))
        .exec(tx)
        .await?;
    if funded.rows_affected != 1 {
        return Ok(());
    }
    audit::record(
        tx,
        None,
        audit::Change::new("contract.fund", Subject::Contract, contract.id)
            .from(FundingStatus::Unfunded)
            .to(FundingStatus::Funded),
    )
    .await?;
    let group = Group::Funding {
        payment_intent_id: payment.payment_intent_id.to_string(),
    };
    let postings = ledger::movement(
        Account::Escrow {
            contract_id: contract.id,
        },
        Account::PlatformStripe,
        payment.amount_minor,
    );
    ledger::post(tx, &group, &contract.currency, &postings).await?;
    // Funding that lands after the contract ended is given back at once.
    let funded = contract::Model {
        funding_status: Some(FundingStatus::Funded),
        ..contract
    };
    refunds::schedule(tx, &funded).await?;
    Ok(())
}

/// Records why funding failed, unless the contract is funded already (a late failure of an
/// earlier attempt changes nothing).
pub(crate) async fn record_funding_failure(
    tx: &impl ConnectionTrait,
    contract_id: i64,
    reason: &str,
) -> DomainResult<()> {
    contract::Entity::update_many()
        .col_expr(
            contract::Column::FundingFailure,
            Expr::value(reason.to_string()),
        )
        .col_expr(contract::Column::UpdatedAt, Expr::value(now()))
        .filter(contract::Column::Id.eq(contract_id))
        .filter(contract::Column::FundingStatus.eq(FundingStatus::Unfunded))
        .exec(tx)
        .await?;
    Ok(())
}
