//! Payouts: one per approved invoice. With the `manual` provider finance pays by bank
//! transfer and records it here with the bank reference; with `stripe` the payout worker
//! transfers to the alumnus' connected account (`crate::payments`). Both end in `settle`.
use entity::states::{ContractStatus, InvoiceStatus, PaymentProvider, PayoutStatus};
use entity::{contract, invoice, payout};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect,
};

use super::error::{DomainError, DomainResult};
use super::invoices::{self, FINANCE};
use super::{Access, audit, ledger, now, required_text, write_tx};

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
    if payout.provider != PaymentProvider::Manual {
        return Err(DomainError::conflict(
            "this payout is paid through Stripe, not recorded by hand",
        ));
    }
    let ledger_postings = vec![
        (
            format!("company:{}:bank", payout.company_id),
            -payout.amount_minor,
        ),
        (
            format!("freelancer:{}:paid", invoice.submitted_by),
            payout.amount_minor,
        ),
    ];
    let group = format!("manual:{}", payout.id);
    let paid = settle(
        &tx,
        Some(access.user_id()),
        payout,
        invoice,
        &reference,
        (&group, &ledger_postings),
    )
    .await?;
    tx.commit().await?;
    Ok(paid)
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

/// The payout is paid: it becomes PAID with `reference`, the invoice PAID, the ledger group
/// is written, and the contract COMPLETED once its whole amount is paid.
pub(crate) async fn settle(
    tx: &impl ConnectionTrait,
    actor: Option<i64>,
    payout: payout::Model,
    invoice: invoice::Model,
    reference: &str,
    (group, postings): (&str, &[(String, i64)]),
) -> DomainResult<payout::Model> {
    let from = payout.status;
    if !matches!(from, PayoutStatus::Pending | PayoutStatus::Processing) {
        return Err(DomainError::conflict(format!(
            "the payout is {}; it cannot be paid again",
            from.to_value()
        )));
    }
    let at = now();
    let updated = payout::Entity::update_many()
        .col_expr(
            payout::Column::Status,
            Expr::value(PayoutStatus::Paid.to_value()),
        )
        .col_expr(
            payout::Column::Reference,
            Expr::value(reference.to_string()),
        )
        .col_expr(
            payout::Column::FailureReason,
            Expr::value(Option::<String>::None),
        )
        .col_expr(payout::Column::PaidAt, Expr::value(at))
        .col_expr(payout::Column::UpdatedAt, Expr::value(at))
        .filter(payout::Column::Id.eq(payout.id))
        .filter(payout::Column::Status.eq(from))
        .exec(tx)
        .await?;
    if updated.rows_affected != 1 {
        return Err(DomainError::conflict(
            "the payout changed meanwhile; reload it",
        ));
    }
    audit::record(
        tx,
        actor,
        audit::Change {
            action: "payout.pay",
            object_type: "Payout",
            object_id: payout.id,
            from: Some(from.to_value().as_str()),
            to: Some("PAID"),
        },
    )
    .await?;
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
        audit::Change {
            action: "invoice.pay",
            object_type: "Invoice",
            object_id: invoice.id,
            from: Some("APPROVED"),
            to: Some("PAID"),
        },
    )
    .await?;
    ledger::post(tx, group, &payout.currency, postings).await?;
    complete_contract_if_paid(tx, actor, invoice.contract_id, payout.amount_minor).await?;
    Ok(payout::Model {
        status: PayoutStatus::Paid,
        reference: Some(reference.to_string()),
        failure_reason: None,
        paid_at: Some(at),
        updated_at: at,
        ..payout
    })
}

/// Adds a paid amount to the contract and completes it when the full amount is paid.
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
    let completed = contract::Entity::update_many()
        .col_expr(
            contract::Column::Status,
            Expr::value(ContractStatus::Completed.to_value()),
        )
        .filter(contract::Column::Id.eq(contract_id))
        .filter(contract::Column::Status.eq(ContractStatus::Active))
        .filter(Expr::col(contract::Column::PaidMinor).eq(Expr::col(contract::Column::AmountMinor)))
        .exec(tx)
        .await?;
    if completed.rows_affected == 1 {
        audit::record(
            tx,
            actor,
            audit::Change {
                action: "contract.complete",
                object_type: "Contract",
                object_id: contract_id,
                from: Some("ACTIVE"),
                to: Some("COMPLETED"),
            },
        )
        .await?;
    }
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
