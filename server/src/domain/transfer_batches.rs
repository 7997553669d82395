//! Zengin transfer batches (issue 12 §8): finance downloads the company's approved, PENDING,
//! manual payouts as a 総合振込 file for a transfer date, which records a batch; once the bank
//! has executed it, `mark_paid` settles every payout of the batch in one transaction.
//!
//! Each transfer is the payout's `amount_minor` — already net of withholding, and never less a
//! bank fee: the Freelance Act forbids deducting the transfer fee, so the company bears it.
//! A payout that cannot be written (the freelancer has no bank account, it is not in yen, or
//! it is the caller's own invoice) is returned as blocked, never silently dropped.
use std::collections::HashMap;

use chrono::NaiveDate;
use entity::states::{PaymentProvider, PayoutStatus};
use entity::transfer_batch::{self, TransferBatchStatus};
use entity::{bank_account, company_bank_account, invoice, payout};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use super::audit::Subject;
use super::bank_accounts;
use super::error::{DomainError, DomainResult};
use super::invoices::FINANCE;
use super::{Access, audit, now, payouts, required_text, write_tx, zengin};

/// At most this many payouts in one file.
pub const MAX_BATCH: usize = 500;

/// Why a payout was left out of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocked {
    /// The freelancer has recorded no bank account.
    NoBankAccount,
    /// Zengin transfers are in yen.
    NotYen,
    /// Nobody handles the payment of their own invoice.
    OwnInvoice,
}

pub struct Created {
    pub batch: transfer_batch::Model,
    pub blocked: Vec<(payout::Model, Blocked)>,
}

/// The company's payouts a file may hold: approved (PENDING), paid by hand.
async fn eligible(
    tx: &impl ConnectionTrait,
    company_id: i64,
    ids: Option<&[i64]>,
) -> DomainResult<Vec<payout::Model>> {
    let mut query = payout::Entity::find()
        .filter(payout::Column::CompanyId.eq(company_id))
        .filter(payout::Column::Status.eq(PayoutStatus::Pending))
        .filter(payout::Column::Provider.eq(PaymentProvider::Manual));
    if let Some(ids) = ids {
        query = query.filter(payout::Column::Id.is_in(ids.iter().copied()));
    }
    Ok(query
        .order_by_asc(payout::Column::Id)
        .lock_exclusive()
        .all(tx)
        .await?)
}

type Verdict = Result<bank_account::Model, Blocked>;

/// Each payout with the account it is paid to, or why it cannot be written.
async fn classify(
    db: &impl ConnectionTrait,
    access: &Access,
    found: Vec<payout::Model>,
) -> DomainResult<Vec<(payout::Model, Verdict)>> {
    let invoices: HashMap<i64, invoice::Model> = invoice::Entity::find()
        .filter(invoice::Column::Id.is_in(found.iter().map(|p| p.invoice_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let accounts: HashMap<i64, bank_account::Model> = bank_account::Entity::find()
        .filter(bank_account::Column::UserId.is_in(invoices.values().map(|i| i.submitted_by)))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.user_id, a))
        .collect();
    Ok(found
        .into_iter()
        .map(|p| {
            let payee = invoices.get(&p.invoice_id).map(|i| i.submitted_by);
            let verdict = if payee == Some(access.user_id()) {
                Err(Blocked::OwnInvoice)
            } else if p.currency != "JPY" {
                Err(Blocked::NotYen)
            } else {
                payee
                    .and_then(|u| accounts.get(&u).cloned())
                    .ok_or(Blocked::NoBankAccount)
            };
            (p, verdict)
        })
        .collect())
}

/// The company's approved manual payouts, each with why it cannot go into a file (`None`
/// when it can). FINANCE.
pub async fn candidates(
    db: &impl ConnectionTrait,
    access: &Access,
    company_id: i64,
) -> DomainResult<Vec<(payout::Model, Option<Blocked>)>> {
    access.require_company_role(company_id, FINANCE, "preparing a transfer file")?;
    let found = payout::Entity::find()
        .filter(payout::Column::CompanyId.eq(company_id))
        .filter(payout::Column::Status.eq(PayoutStatus::Pending))
        .filter(payout::Column::Provider.eq(PaymentProvider::Manual))
        .order_by_asc(payout::Column::Id)
        .limit(MAX_BATCH as u64)
        .all(db)
        .await?;
    Ok(classify(db, access, found)
        .await?
        .into_iter()
        .map(|(p, v)| (p, v.err()))
        .collect())
}

/// Writes the file of the company's approved manual payouts (all, or those of `ids`) for
/// `date` and records it as an OPEN batch. A payout already in an earlier OPEN batch moves to
/// this one, and that earlier batch becomes SUPERSEDED: it can no longer be recorded as paid
/// (a bank would otherwise pay twice). FINANCE.
#[tracing::instrument(skip_all, fields(user = access.user_id(), company_id))]
pub async fn create(
    db: &DatabaseConnection,
    access: &Access,
    company_id: i64,
    date: NaiveDate,
    ids: Option<&[i64]>,
) -> DomainResult<Created> {
    access.require_company_role(company_id, FINANCE, "downloading a transfer file")?;
    if ids.is_some_and(|ids| ids.len() > MAX_BATCH) {
        return Err(DomainError::bad_input(
            "input.payoutIds",
            format!("at most {MAX_BATCH} payouts in one file"),
        ));
    }
    if date < super::invoices::today() {
        return Err(DomainError::bad_input(
            "input.transferDate",
            "the transfer date has passed",
        ));
    }
    let tx = write_tx(db).await?;
    let requester = company_bank_account::Entity::find()
        .filter(company_bank_account::Column::CompanyId.eq(company_id))
        .one(&tx)
        .await?
        .ok_or_else(|| {
            DomainError::conflict(
                "the company has no bank account to pay from; set it in the company settings",
            )
        })?;
    let found = eligible(&tx, company_id, ids).await?;
    if let Some(ids) = ids
        && ids.iter().any(|id| !found.iter().any(|p| p.id == *id))
    {
        return Err(DomainError::bad_input(
            "input.payoutIds",
            "a chosen payout is not an approved, unpaid bank-transfer payout of this company",
        ));
    }
    let mut transfers = Vec::new();
    let mut included = Vec::new();
    let mut blocked = Vec::new();
    for (p, verdict) in classify(&tx, access, found).await? {
        match verdict {
            Ok(account) => {
                transfers.push(zengin::Transfer {
                    to: bank_accounts::to_zengin(&account),
                    amount_yen: p.amount_minor,
                });
                included.push(p);
            }
            Err(reason) => blocked.push((p, reason)),
        }
    }
    if included.is_empty() {
        return Err(DomainError::bad_input(
            "input.payoutIds",
            if blocked.is_empty() {
                "there is no approved bank-transfer payout to pay".to_string()
            } else {
                format!(
                    "none of the {} payouts can be transferred (no bank account, not in yen, or your own invoice)",
                    blocked.len()
                )
            },
        ));
    }
    let file = zengin::transfer_file(&bank_accounts::requester(&requester), date, &transfers)?;
    let total: i64 = included.iter().map(|p| p.amount_minor).sum();
    let batch = transfer_batch::Entity::insert(transfer_batch::ActiveModel {
        company_id: Set(company_id),
        transfer_date: Set(date),
        status: Set(TransferBatchStatus::Open),
        payout_count: Set(i32::try_from(included.len()).unwrap_or(i32::MAX)),
        total_minor: Set(total),
        currency: Set("JPY".into()),
        file: Set(file),
        created_by: Set(access.user_id()),
        reference: Set(None),
        created_at: Set(now()),
        paid_at: Set(None),
        ..Default::default()
    })
    .exec_with_returning(&tx)
    .await?;
    let earlier: Vec<i64> = included.iter().filter_map(|p| p.batch_id).collect();
    payout::Entity::update_many()
        .col_expr(payout::Column::BatchId, Expr::value(batch.id))
        .filter(payout::Column::Id.is_in(included.iter().map(|p| p.id)))
        .exec(&tx)
        .await?;
    supersede(&tx, access, &earlier, batch.id).await?;
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("transfer_batch.create", Subject::TransferBatch, batch.id)
            .to(TransferBatchStatus::Open)
            .detail(format!(
                "{} payouts, ¥{total}, transfer date {date}",
                included.len()
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(Created { batch, blocked })
}

/// The OPEN batches that lost payouts to `by`: they can no longer be recorded as paid.
async fn supersede(
    tx: &impl ConnectionTrait,
    access: &Access,
    earlier: &[i64],
    by: i64,
) -> DomainResult<()> {
    let mut earlier = earlier.to_vec();
    earlier.sort_unstable();
    earlier.dedup();
    for id in earlier {
        let moved = transfer_batch::Entity::update_many()
            .col_expr(
                transfer_batch::Column::Status,
                Expr::value(TransferBatchStatus::Superseded.to_value()),
            )
            .filter(transfer_batch::Column::Id.eq(id))
            .filter(transfer_batch::Column::Status.eq(TransferBatchStatus::Open))
            .exec(tx)
            .await?;
        if moved.rows_affected == 1 {
            audit::record(
                tx,
                Some(access.user_id()),
                audit::Change::new("transfer_batch.supersede", Subject::TransferBatch, id)
                    .from(TransferBatchStatus::Open)
                    .to(TransferBatchStatus::Superseded)
                    .detail(format!("its payouts moved to batch {by}")),
            )
            .await?;
        }
    }
    Ok(())
}

/// A batch the caller may see: FINANCE or ADMIN of its company; NOT_FOUND for anyone else.
pub async fn get(
    db: &impl ConnectionTrait,
    access: &Access,
    id: i64,
) -> DomainResult<transfer_batch::Model> {
    let batch = transfer_batch::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|b| access.is_staff(b.company_id))
        .ok_or(DomainError::NotFound("transfer batch"))?;
    access.require_role(
        batch.company_id,
        bank_accounts::PAYERS,
        "reading a transfer batch",
    )?;
    Ok(batch)
}

/// The company's batches, newest first (at most 50). FINANCE or ADMIN.
pub async fn of_company(
    db: &impl ConnectionTrait,
    access: &Access,
    company_id: i64,
    status: Option<TransferBatchStatus>,
) -> DomainResult<Vec<transfer_batch::Model>> {
    access.require_company_role(
        company_id,
        bank_accounts::PAYERS,
        "reading transfer batches",
    )?;
    let mut query =
        transfer_batch::Entity::find().filter(transfer_batch::Column::CompanyId.eq(company_id));
    if let Some(status) = status {
        query = query.filter(transfer_batch::Column::Status.eq(status));
    }
    Ok(query
        .order_by_desc(transfer_batch::Column::Id)
        .limit(50)
        .all(db)
        .await?)
}

/// The payouts of a batch.
pub async fn payouts_of(
    db: &impl ConnectionTrait,
    batch_id: i64,
) -> DomainResult<Vec<payout::Model>> {
    Ok(payout::Entity::find()
        .filter(payout::Column::BatchId.eq(batch_id))
        .order_by_asc(payout::Column::Id)
        .all(db)
        .await?)
}

fn changed_meanwhile() -> DomainError {
    DomainError::conflict(
        "a payout of this batch changed since the file was made (paid, or moved to a later \
         file); nothing was recorded — check the payouts and download a new file",
    )
}

/// Records the bank's execution of a batch: every payout becomes PAID with `reference`
/// (each with its ledger group and audit events), and the batch PAID, in one transaction. A
/// payout that changed meanwhile makes it a CONFLICT with nothing written. FINANCE.
#[tracing::instrument(skip_all, fields(user = access.user_id(), batch_id))]
pub async fn mark_paid(
    db: &DatabaseConnection,
    access: &Access,
    batch_id: i64,
    reference: &str,
) -> DomainResult<transfer_batch::Model> {
    let reference = required_text(reference, "input.reference", 200)?;
    let tx = write_tx(db).await?;
    let batch = transfer_batch::Entity::find_by_id(batch_id)
        .lock_exclusive()
        .one(&tx)
        .await?
        .filter(|b| access.is_staff(b.company_id))
        .ok_or(DomainError::NotFound("transfer batch"))?;
    access.require_role(batch.company_id, FINANCE, "recording a transfer batch")?;
    if batch.status != TransferBatchStatus::Open {
        return Err(DomainError::conflict(format!(
            "the batch is {}; it cannot be paid again",
            batch.status.to_value()
        )));
    }
    let members: Vec<i64> = payout::Entity::find()
        .select_only()
        .column(payout::Column::Id)
        .filter(payout::Column::BatchId.eq(batch.id))
        .order_by_asc(payout::Column::Id)
        .into_tuple()
        .all(&tx)
        .await?;
    if members.len() != usize::try_from(batch.payout_count).unwrap_or(usize::MAX) {
        return Err(changed_meanwhile());
    }
    for id in members {
        let (payout, invoice) =
            payouts::for_finance(&tx, access, id, "recording a transfer batch").await?;
        if payout.status != PayoutStatus::Pending {
            return Err(changed_meanwhile());
        }
        payouts::settle_manual(&tx, access, payout, invoice, &reference)
            .await
            .map_err(|e| match e {
                DomainError::Conflict(_) => changed_meanwhile(),
                other => other,
            })?;
    }
    let at = now();
    let moved = transfer_batch::Entity::update_many()
        .col_expr(
            transfer_batch::Column::Status,
            Expr::value(TransferBatchStatus::Paid.to_value()),
        )
        .col_expr(
            transfer_batch::Column::Reference,
            Expr::value(reference.clone()),
        )
        .col_expr(transfer_batch::Column::PaidAt, Expr::value(at))
        .filter(transfer_batch::Column::Id.eq(batch.id))
        .filter(transfer_batch::Column::Status.eq(TransferBatchStatus::Open))
        .exec(&tx)
        .await?;
    if moved.rows_affected != 1 {
        return Err(changed_meanwhile());
    }
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("transfer_batch.pay", Subject::TransferBatch, batch.id)
            .from(TransferBatchStatus::Open)
            .to(TransferBatchStatus::Paid),
    )
    .await?;
    tx.commit().await?;
    Ok(transfer_batch::Model {
        status: TransferBatchStatus::Paid,
        reference: Some(reference),
        paid_at: Some(at),
        ..batch
    })
}
