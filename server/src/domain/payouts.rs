//! Payouts: one per approved invoice. With the `manual` provider finance pays by bank
//! transfer and records it here with the bank reference; with `stripe` the payout worker
//! (`crate::payments::worker`) calls Stripe and reports each outcome here. Every status
//! change goes through [`transition`]; both providers end in [`settle`].
use entity::states::{CompanyRole, ContractStatus, InvoiceStatus, PaymentProvider, PayoutStatus};
use entity::{contract, invoice, job, payout};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveEnum, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use super::audit::Subject;
use super::error::{DomainError, DomainResult};
use super::invoices::{self, FINANCE};
use super::jobs::{self, Outcome};
use super::ledger::{self, Account, Group};
use super::page::{Page, Paged};
use super::{Access, audit, milestones, now, required_text, withholding, write_tx};

/// What a transition records beside the status.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Detail<'a> {
    None,
    /// Why the payout failed (FAILED), shown to finance.
    Failure(&'a str),
    /// The bank reference or Stripe transfer id (PAID).
    Reference(&'a str),
}

/// The payout state machine's edges and the audit action of each.
fn action(from: PayoutStatus, to: PayoutStatus) -> Option<&'static str> {
    use PayoutStatus::*;
    match (from, to) {
        (Pending, Processing) => Some("payout.process"),
        (Pending | Processing, Paid) => Some("payout.pay"),
        (Processing, Failed) => Some("payout.fail"),
        (Failed, Pending) => Some("payout.retry"),
        _ => None,
    }
}

/// Moves the payout from the status it was read in to `to`, with its audit event. `None`
/// when it had moved meanwhile (the caller decides whether that is a conflict); an edge the
/// machine does not have is a CONFLICT.
pub(crate) async fn transition(
    tx: &impl ConnectionTrait,
    actor: Option<i64>,
    payout: &payout::Model,
    to: PayoutStatus,
    detail: Detail<'_>,
) -> DomainResult<Option<payout::Model>> {
    let from = payout.status;
    let Some(action) = action(from, to) else {
        return Err(DomainError::conflict(format!(
            "the payout is {}; it cannot become {}",
            from.to_value(),
            to.to_value()
        )));
    };
    let at = now();
    let mut next = payout::Model {
        status: to,
        updated_at: at,
        ..payout.clone()
    };
    let mut update = payout::Entity::update_many()
        .col_expr(payout::Column::Status, Expr::value(to.to_value()))
        .col_expr(payout::Column::UpdatedAt, Expr::value(at));
    match detail {
        Detail::None => {}
        Detail::Failure(reason) => {
            update = update.col_expr(
                payout::Column::FailureReason,
                Expr::value(reason.to_string()),
            );
            next.failure_reason = Some(reason.to_string());
        }
        Detail::Reference(reference) => {
            update = update
                .col_expr(
                    payout::Column::Reference,
                    Expr::value(reference.to_string()),
                )
                .col_expr(
                    payout::Column::FailureReason,
                    Expr::value(Option::<String>::None),
                )
                .col_expr(payout::Column::PaidAt, Expr::value(at));
            next.reference = Some(reference.to_string());
            next.failure_reason = None;
            next.paid_at = Some(at);
        }
    }
    let moved = update
        .filter(payout::Column::Id.eq(payout.id))
        .filter(payout::Column::Status.eq(from))
        .exec(tx)
        .await?;
    if moved.rows_affected != 1 {
        return Ok(None);
    }
    audit::record(
        tx,
        actor,
        audit::Change::new(action, Subject::Payout, payout.id)
            .from(from)
            .to(to),
    )
    .await?;
    if matches!(to, PayoutStatus::Paid | PayoutStatus::Failed) {
        super::notification_hooks::payout_settled(tx, &next, to == PayoutStatus::Paid).await?;
    }
    Ok(Some(next))
}

fn changed_meanwhile() -> DomainError {
    DomainError::conflict("the payout changed meanwhile; reload it")
}

/// PENDING/PROCESSING → PAID with the bank reference.
#[tracing::instrument(skip_all, fields(user = access.user_id(), payout_id))]
pub async fn mark_paid(
    db: &DatabaseConnection,
    access: &Access,
    payout_id: i64,
    reference: &str,
) -> DomainResult<payout::Model> {
    let reference = required_text(reference, "input.reference", 200)?;
    let tx = write_tx(db).await?;
    let (payout, invoice) = for_finance(&tx, access, payout_id, "recording a payout").await?;
    let paid = settle_manual(&tx, access, payout, invoice, &reference).await?;
    tx.commit().await?;
    Ok(paid)
}

/// Settles one manual payout inside the caller's transaction (loaded through
/// [`for_finance`]): the bank transfer finance records, alone or as a Zengin batch.
pub(crate) async fn settle_manual(
    tx: &impl ConnectionTrait,
    access: &Access,
    payout: payout::Model,
    invoice: invoice::Model,
    reference: &str,
) -> DomainResult<payout::Model> {
    if payout.provider != PaymentProvider::Manual {
        return Err(DomainError::conflict(
            "this payout is paid through Stripe, not recorded by hand",
        ));
    }
    // The bank transfer pays her the net amount; the withholding stays with the company as
    // its debt to the tax office, recorded as withheld on her behalf.
    let postings = settlement_postings(
        &payout,
        Account::CompanyBank {
            company_id: payout.company_id,
        },
        Account::FreelancerPaid {
            user_id: invoice.submitted_by,
        },
        Account::FreelancerWithheld {
            user_id: invoice.submitted_by,
        },
    );
    let group = Group::Manual {
        payout_id: payout.id,
    };
    settle(
        tx,
        Some(access.user_id()),
        payout,
        invoice,
        reference,
        (&group, &postings),
    )
    .await
}

/// FAILED → PENDING, and the transfer job runs again. FINANCE.
#[tracing::instrument(skip_all, fields(user = access.user_id(), payout_id))]
pub async fn retry(
    db: &DatabaseConnection,
    access: &Access,
    payout_id: i64,
) -> DomainResult<payout::Model> {
    let tx = write_tx(db).await?;
    let (payout, _) = for_finance(&tx, access, payout_id, "retrying a payout").await?;
    if payout.provider != PaymentProvider::Stripe || payout.status != PayoutStatus::Failed {
        return Err(DomainError::conflict(
            "only a FAILED Stripe payout can be retried",
        ));
    }
    let payout = transition(
        &tx,
        Some(access.user_id()),
        &payout,
        PayoutStatus::Pending,
        Detail::None,
    )
    .await?
    .ok_or_else(changed_meanwhile)?;
    jobs::reschedule_now(&tx, jobs::PAYOUT_TRANSFER, &[payout.id]).await?;
    tx.commit().await?;
    Ok(payout)
}

/// Loads a payout for a FINANCE action, locked on PostgreSQL, with its invoice.
pub(crate) async fn for_finance(
    tx: &impl ConnectionTrait,
    access: &Access,
    payout_id: i64,
    action: &str,
) -> DomainResult<(payout::Model, invoice::Model)> {
    let payout = payout::Entity::find_by_id(payout_id)
        .lock_exclusive()
        .one(tx)
        .await?
        .ok_or(DomainError::NotFound("payout"))?;
    let invoice = invoice::Entity::find_by_id(payout.invoice_id)
        .one(tx)
        .await?
        .filter(|i| access.can_see_engagement(i.company_id, i.submitted_by))
        .ok_or(DomainError::NotFound("payout"))?;
    access.require_role(payout.company_id, FINANCE, action)?;
    if invoice.submitted_by == access.user_id() {
        return Err(DomainError::forbidden(
            "nobody handles the payment of their own invoice",
        ));
    }
    Ok((payout, invoice))
}

/// What the payout worker needs to transfer a payout.
pub struct TransferOrder {
    pub payout: payout::Model,
    pub invoice: invoice::Model,
    pub contract: contract::Model,
}

/// The payout of a transfer job with its invoice and contract; `None` once it no longer
/// waits for a transfer (paid, failed, or gone).
pub async fn transfer_order(
    db: &impl ConnectionTrait,
    payout_id: i64,
) -> DomainResult<Option<TransferOrder>> {
    let missing = |what: &str| {
        DomainError::Internal(anyhow::anyhow!("payout {payout_id}: {what} is missing"))
    };
    let payout = payout::Entity::find_by_id(payout_id)
        .one(db)
        .await?
        .ok_or_else(|| missing("payout"))?;
    if !matches!(
        payout.status,
        PayoutStatus::Pending | PayoutStatus::Processing
    ) {
        return Ok(None);
    }
    let invoice = invoice::Entity::find_by_id(payout.invoice_id)
        .one(db)
        .await?
        .ok_or_else(|| missing("invoice"))?;
    let contract = contract::Entity::find_by_id(invoice.contract_id)
        .one(db)
        .await?
        .ok_or_else(|| missing("contract"))?;
    Ok(Some(TransferOrder {
        payout,
        invoice,
        contract,
    }))
}

/// PENDING → PROCESSING before the Stripe call, so finance sees it under way. A payout
/// another worker moved already is left as it is.
pub async fn start_transfer(db: &DatabaseConnection, payout: &payout::Model) -> DomainResult<()> {
    if payout.status == PayoutStatus::Processing {
        return Ok(());
    }
    let tx = write_tx(db).await?;
    transition(&tx, None, payout, PayoutStatus::Processing, Detail::None).await?;
    tx.commit().await?;
    Ok(())
}

/// The transfer cannot happen yet (the account cannot receive payouts, or Stripe failed in a
/// way worth retrying): finance reads `reason`, and the job runs again at `retry_at`.
pub async fn postpone_transfer(
    db: &DatabaseConnection,
    job: &job::Model,
    payout_id: i64,
    reason: &str,
    retry_at: chrono::DateTime<chrono::Utc>,
) -> DomainResult<()> {
    let tx = write_tx(db).await?;
    payout::Entity::update_many()
        .col_expr(
            payout::Column::FailureReason,
            Expr::value(reason.to_string()),
        )
        .col_expr(payout::Column::UpdatedAt, Expr::value(now()))
        .filter(payout::Column::Id.eq(payout_id))
        .exec(&tx)
        .await?;
    jobs::finish(&tx, job, Outcome::RetryAt(retry_at, reason.to_string())).await?;
    tx.commit().await?;
    Ok(())
}

/// Stripe refused the transfer for good: PROCESSING → FAILED with Stripe's message, and the
/// job ends. `retryPayout` may start it again.
pub async fn fail_transfer(
    db: &DatabaseConnection,
    job: &job::Model,
    payout: &payout::Model,
    message: &str,
) -> DomainResult<()> {
    let tx = write_tx(db).await?;
    let processing = payout::Model {
        status: PayoutStatus::Processing,
        ..payout.clone()
    };
    transition(
        &tx,
        None,
        &processing,
        PayoutStatus::Failed,
        Detail::Failure(message),
    )
    .await?;
    jobs::finish(&tx, job, Outcome::Failed(message.to_string())).await?;
    tx.commit().await?;
    Ok(())
}

/// Stripe made the transfer: the payout is settled with the transfer id as its reference,
/// the escrow pays out of the platform balance, and the job is done — in one transaction.
pub async fn transferred(
    db: &DatabaseConnection,
    job: &job::Model,
    order: TransferOrder,
    transfer_id: &str,
) -> DomainResult<payout::Model> {
    let tx = write_tx(db).await?;
    payout::Entity::update_many()
        .col_expr(
            payout::Column::StripeTransferId,
            Expr::value(transfer_id.to_string()),
        )
        .filter(payout::Column::Id.eq(order.payout.id))
        .exec(&tx)
        .await?;
    let payout = payout::Entity::find_by_id(order.payout.id)
        .one(&tx)
        .await?
        .ok_or(DomainError::NotFound("payout"))?;
    // The escrow releases the invoice's total: the net leaves by the transfer, and the
    // withholding stays on the platform's balance as the company's debt to the tax office.
    let escrow = Account::Escrow {
        contract_id: order.contract.id,
    };
    let postings = settlement_postings(&payout, Account::PlatformStripe, escrow.clone(), escrow);
    let group = Group::Transfer {
        payout_id: payout.id,
    };
    let paid = settle(
        &tx,
        None,
        payout,
        order.invoice,
        transfer_id,
        (&group, &postings),
    )
    .await?;
    jobs::finish(&tx, job, Outcome::Done).await?;
    tx.commit().await?;
    Ok(paid)
}

/// The postings of a payout paid today: its net amount moves from `source` to `paid_to`, and
/// its withholding from the company's withholding liability (due on the 10th of next month,
/// 源泉所得税の納期) to `withheld_to`.
fn settlement_postings(
    payout: &payout::Model,
    source: Account,
    paid_to: Account,
    withheld_to: Account,
) -> Vec<(Account, i64)> {
    let mut postings = ledger::movement(source, paid_to, payout.amount_minor).to_vec();
    if payout.withholding_minor > 0 {
        let due = withholding::remittance_due(invoices::today());
        postings.extend(ledger::movement(
            Account::WithholdingPayable {
                company_id: payout.company_id,
                due,
            },
            withheld_to,
            payout.withholding_minor,
        ));
    }
    postings
}

/// The payout is paid: it becomes PAID with `reference`, the invoice PAID, the ledger group
/// is written, and the contract COMPLETED once all it owes is paid (see
/// [`complete_contract_if_paid`]).
pub(crate) async fn settle(
    tx: &impl ConnectionTrait,
    actor: Option<i64>,
    payout: payout::Model,
    invoice: invoice::Model,
    reference: &str,
    (group, postings): (&Group, &[(Account, i64)]),
) -> DomainResult<payout::Model> {
    if !matches!(
        payout.status,
        PayoutStatus::Pending | PayoutStatus::Processing
    ) {
        return Err(DomainError::conflict(format!(
            "the payout is {}; it cannot be paid again",
            payout.status.to_value()
        )));
    }
    let paid = transition(
        tx,
        actor,
        &payout,
        PayoutStatus::Paid,
        Detail::Reference(reference),
    )
    .await?
    .ok_or_else(changed_meanwhile)?;
    if invoice.status != InvoiceStatus::Approved {
        return Err(DomainError::Internal(anyhow::anyhow!(
            "payout {} belongs to invoice {} in status {}",
            payout.id,
            invoice.id,
            invoice.status.to_value()
        )));
    }
    let invoice = invoices::transition(tx, invoice, InvoiceStatus::Paid, None).await?;
    audit::record(
        tx,
        actor,
        audit::Change::new("invoice.pay", Subject::Invoice, invoice.id)
            .from(InvoiceStatus::Approved)
            .to(InvoiceStatus::Paid),
    )
    .await?;
    ledger::post(tx, group, &paid.currency, postings).await?;
    // The contract counts what the invoice billed, whatever tax was added or withheld.
    complete_contract_if_paid(tx, actor, invoice.contract_id, invoice.amount_minor).await?;
    milestones::mark_paid(tx, actor, invoice.contract_id).await?;
    Ok(paid)
}

/// Adds a paid invoice's billed amount to the contract and completes it when everything it owes is paid: its
/// whole amount, or, once ended early, its accepted work.
async fn complete_contract_if_paid(
    tx: &impl ConnectionTrait,
    actor: Option<i64>,
    contract_id: i64,
    paid_minor: i64,
) -> DomainResult<()> {
    contract::Entity::update_many()
        .col_expr(
            contract::Column::PaidMinor,
            Expr::col(contract::Column::PaidMinor).add(paid_minor),
        )
        .col_expr(contract::Column::UpdatedAt, Expr::value(now()))
        .filter(contract::Column::Id.eq(contract_id))
        .exec(tx)
        .await?;
    let paid_in_full =
        Expr::col(contract::Column::PaidMinor).eq(Expr::col(contract::Column::AmountMinor));
    let accepted_work_paid = Condition::all()
        .add(contract::Column::EndedAt.is_not_null())
        .add(
            Expr::col(contract::Column::PaidMinor).gte(Expr::col(contract::Column::AcceptedMinor)),
        );
    let completed = contract::Entity::update_many()
        .col_expr(
            contract::Column::Status,
            Expr::value(ContractStatus::Completed.to_value()),
        )
        .col_expr(contract::Column::CompletedAt, Expr::value(now()))
        .filter(contract::Column::Id.eq(contract_id))
        .filter(contract::Column::Status.eq(ContractStatus::Active))
        .filter(Condition::any().add(paid_in_full).add(accepted_work_paid))
        .exec(tx)
        .await?;
    if completed.rows_affected == 1 {
        audit::record(
            tx,
            actor,
            audit::Change::new("contract.complete", Subject::Contract, contract_id)
                .from(ContractStatus::Active)
                .to(ContractStatus::Completed),
        )
        .await?;
    }
    Ok(())
}

/// The PENDING payouts of a freelancer's invoices: they wait for the payout account.
pub(crate) async fn waiting_for_account(
    tx: &impl ConnectionTrait,
    user_id: i64,
) -> DomainResult<Vec<i64>> {
    Ok(payout::Entity::find()
        .select_only()
        .column(payout::Column::Id)
        .filter(payout::Column::Status.eq(PayoutStatus::Pending))
        .filter(
            payout::Column::InvoiceId.in_subquery(
                Query::select()
                    .column(invoice::Column::Id)
                    .from(invoice::Entity)
                    .and_where(Expr::col(invoice::Column::SubmittedBy).eq(user_id))
                    .to_owned(),
            ),
        )
        .into_tuple()
        .all(tx)
        .await?)
}

/// What Stripe says of a reversed transfer.
pub struct Reversal<'a> {
    pub transfer_id: &'a str,
    /// From the transfer's metadata, when the transfer id is not stored yet.
    pub payout_id: Option<i64>,
    pub contract_id: Option<i64>,
    /// The transfer's reversed total so far.
    pub amount_reversed: i64,
}

/// Records a transfer's reversed total; only growth is posted, so replays and stale events
/// add nothing.
pub(crate) async fn record_reversal(
    tx: &impl ConnectionTrait,
    reversal: Reversal<'_>,
) -> DomainResult<()> {
    // Locked: the delta below must come from the stored total, not one a concurrent event
    // has moved on since.
    let by_transfer = payout::Entity::find()
        .filter(payout::Column::StripeTransferId.eq(reversal.transfer_id))
        .lock_exclusive()
        .one(tx)
        .await?;
    let payout = match (by_transfer, reversal.payout_id) {
        (Some(p), _) => Some(p),
        (None, Some(id)) => {
            payout::Entity::find_by_id(id)
                .lock_exclusive()
                .one(tx)
                .await?
        }
        (None, None) => None,
    };
    let Some(payout) = payout else {
        tracing::warn!(transfer = %reversal.transfer_id, "a reversal of an unknown transfer");
        return Ok(());
    };
    let delta = reversal.amount_reversed - payout.reversed_minor;
    if delta <= 0 {
        return Ok(());
    }
    let grew = payout::Entity::update_many()
        .col_expr(
            payout::Column::ReversedMinor,
            Expr::value(reversal.amount_reversed),
        )
        .col_expr(payout::Column::UpdatedAt, Expr::value(now()))
        .filter(payout::Column::Id.eq(payout.id))
        .filter(Expr::col(payout::Column::ReversedMinor).lt(reversal.amount_reversed))
        .exec(tx)
        .await?;
    if grew.rows_affected != 1 {
        return Ok(());
    }
    let back_to = match reversal.contract_id {
        Some(contract_id) => Account::Escrow { contract_id },
        None => Account::Reversed {
            payout_id: payout.id,
        },
    };
    let group = Group::Reversal {
        transfer_id: reversal.transfer_id.to_string(),
        reversed_total: reversal.amount_reversed,
    };
    let postings = ledger::movement(back_to, Account::PlatformStripe, delta);
    ledger::post(tx, &group, &payout.currency, &postings).await?;
    audit::record(
        tx,
        None,
        audit::Change::new("payout.reversed", Subject::Payout, payout.id),
    )
    .await?;
    Ok(())
}

pub async fn get(
    db: &impl ConnectionTrait,
    access: &Access,
    id: i64,
) -> DomainResult<payout::Model> {
    let payout = payout::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("payout"))?;
    match invoices::get(db, access, payout.invoice_id).await {
        Ok(_) => Ok(payout),
        Err(DomainError::NotFound(_)) => Err(DomainError::NotFound("payout")),
        Err(other) => Err(other),
    }
}

#[derive(Debug, Default, Clone)]
pub struct PayoutFilter {
    pub company_id: Option<i64>,
    pub status: Option<PayoutStatus>,
}

/// Payouts for finance, newest first: those of the companies where the caller is FINANCE or
/// ADMIN, and the caller's own (as the invoice's payee).
pub async fn list(
    db: &impl ConnectionTrait,
    access: &Access,
    filter: &PayoutFilter,
    page: Page,
) -> DomainResult<Paged<payout::Model>> {
    if let Some(company_id) = filter.company_id
        && !access.can_see_company(company_id)
    {
        return Err(DomainError::NotFound("company"));
    }
    let finance_of = access
        .staff
        .iter()
        .filter(|(_, role)| matches!(role, CompanyRole::Finance | CompanyRole::Admin))
        .map(|(id, _)| *id);
    let own = Query::select()
        .column(invoice::Column::Id)
        .from(invoice::Entity)
        .and_where(invoice::Column::SubmittedBy.eq(access.user_id()))
        .to_owned();
    let mut query = payout::Entity::find().filter(
        Condition::any()
            .add(payout::Column::CompanyId.is_in(finance_of))
            .add(payout::Column::InvoiceId.in_subquery(own)),
    );
    if let Some(company_id) = filter.company_id {
        query = query.filter(payout::Column::CompanyId.eq(company_id));
    }
    if let Some(status) = filter.status {
        query = query.filter(payout::Column::Status.eq(status));
    }
    if let Some(after) = page.after {
        query = query.filter(payout::Column::Id.lt(after));
    }
    let rows = query
        .order_by_desc(payout::Column::Id)
        .limit(page.limit())
        .all(db)
        .await?;
    Ok(Paged::from_fetch(rows, page))
}
