//! Invoices: submitted by the contract's freelancer, reviewed by the company's FINANCE staff.
//! `contracts.invoiced_minor` carries the sum of non-rejected invoices; a conditional update
//! and a trigger keep it within the accepted work (`accepted_minor`, grown by accepting
//! milestones), and so within the contract amount, under any race.
use entity::states::{
    CompanyRole, ContractStatus, FundingStatus, InvoiceStatus, MilestoneStatus, PaymentProvider,
    PayoutStatus,
};
use entity::{contract, invoice, milestone, payout, project, user};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};

use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Asia::Tokyo;

use super::audit::Subject;
use super::error::{DomainError, DomainResult};
use super::invoice_tax::{self, InvoiceTax};
use super::money::Money;
use super::page::{Page, Paged};
use super::{Access, audit, contracts, jobs, now, text, write_tx};

pub const FINANCE: &[CompanyRole] = &[CompanyRole::Finance];

#[derive(Debug, Default, Clone)]
pub struct InvoiceFilter {
    pub company_id: Option<i64>,
    pub status: Option<InvoiceStatus>,
    /// Only invoices past their due date and not settled (`Some(false)`: only the others).
    pub overdue: Option<bool>,
    /// Only invoices due strictly before this day.
    pub due_before: Option<NaiveDate>,
    pub order: InvoiceOrder,
}

/// The queue's order. Keyset pages: `Page::after` (an id) for `Newest`, `after_due` for `DueDate`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceOrder {
    #[default]
    Newest,
    /// Earliest due first, then oldest first; pages continue after `(due date, id)`.
    DueDate { after: Option<(NaiveDate, i64)> },
}

/// Days after the day the work was received the payment is due by: that day is day 1, so this
/// is the 60th day (Freelance Act art. 4 counts from 給付を受領した日, inspection or not).
pub const PAYMENT_DAYS: u64 = 59;

/// The payment due date of work accepted at `accepted`: its day in Asia/Tokyo + 59 days.
pub fn due_date(accepted: DateTime<Utc>) -> NaiveDate {
    due_date_under_terms(accepted, None)
}

/// The payment due date under the contract's payment terms (`contracts.payment_terms_days`, days
/// after the acceptance day): the earlier of the terms' date and the acceptance day + 59 days.
pub fn due_date_under_terms(accepted: DateTime<Utc>, terms_days: Option<i32>) -> NaiveDate {
    let day = accepted.with_timezone(&Tokyo).date_naive();
    let days = terms_days
        .and_then(|d| u64::try_from(d).ok())
        .map_or(PAYMENT_DAYS, |d| std::cmp::min(d, PAYMENT_DAYS));
    day.checked_add_days(Days::new(days)).unwrap_or(day)
}

/// Today in Asia/Tokyo, the day "overdue" is judged by.
pub fn today() -> NaiveDate {
    now().with_timezone(&Tokyo).date_naive()
}

/// Whether an invoice in `status` due on `due` is overdue on `today`.
pub fn is_overdue(status: InvoiceStatus, due: NaiveDate, today: NaiveDate) -> bool {
    due < today && !matches!(status, InvoiceStatus::Paid | InvoiceStatus::Rejected)
}

#[tracing::instrument(skip_all, fields(user = access.user_id(), contract_id))]
pub async fn submit(
    db: &DatabaseConnection,
    access: &Access,
    contract_id: i64,
    milestone_id: Option<i64>,
    amount: Money,
    description: &str,
    tax: InvoiceTax,
) -> DomainResult<invoice::Model> {
    let tx = write_tx(db).await?;
    let invoice = submit_in(
        &tx,
        access,
        contract_id,
        milestone_id,
        amount,
        description,
        tax,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(invoice)
}

/// `submit` inside the caller's transaction. `subject` overrides the project category's
/// withholding default for every line (a speaker's honorarium is a lecture fee, subject under
/// Income Tax Act art. 204 (1) i, whatever the carrier project's category: `domain::events`).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn submit_in(
    tx: &sea_orm::DatabaseTransaction,
    access: &Access,
    contract_id: i64,
    milestone_id: Option<i64>,
    amount: Money,
    description: &str,
    tax: InvoiceTax,
    subject: Option<bool>,
) -> DomainResult<invoice::Model> {
    let description = text::multi_line(description, "input.description", 5_000)?;
    let contract = contracts::visible_for_update(tx, access, contract_id).await?;
    if contract.freelancer_id != access.user_id() {
        return Err(DomainError::forbidden(
            "only the contract's freelancer can invoice it",
        ));
    }
    if contract.status != ContractStatus::Active {
        return Err(DomainError::conflict(format!(
            "the contract is {}; only an ACTIVE contract can be invoiced",
            contract.status.to_value()
        )));
    }
    if amount.currency.code() != contract.currency {
        return Err(DomainError::bad_input(
            "input.amount.currencyCode",
            format!("the contract is in {}", contract.currency),
        ));
    }
    if tax.tax_shown_separately && contract.funding_status.is_some() {
        return Err(DomainError::bad_input(
            "input.taxShownSeparately",
            "the contract's escrow holds the agreed amount: on a Stripe-funded contract the \
             consumption tax is included in the amount",
        ));
    }
    let (project, freelancer) = parties(tx, &contract).await?;
    let lines = invoice_tax::lines(
        &tax,
        amount,
        &description,
        subject.unwrap_or(invoice_tax::subject_by_default(project.category)),
    )?;
    let figures = invoice_tax::figures(&lines, tax.tax_shown_separately, contract.payee_type)?;
    let work = match milestone_id {
        Some(milestone_id) => check_milestone(tx, &contract, milestone_id, amount).await?,
        None => latest_acceptance(tx, contract.id).await?,
    };
    let reserved = contract::Entity::update_many()
        .col_expr(
            contract::Column::InvoicedMinor,
            Expr::col(contract::Column::InvoicedMinor).add(amount.minor),
        )
        .col_expr(contract::Column::UpdatedAt, Expr::value(now()))
        .filter(contract::Column::Id.eq(contract.id))
        .filter(contract::Column::Status.eq(ContractStatus::Active))
        .filter(
            Expr::col(contract::Column::InvoicedMinor)
                .add(amount.minor)
                .lte(Expr::col(contract::Column::AmountMinor)),
        )
        .filter(
            Expr::col(contract::Column::InvoicedMinor)
                .add(amount.minor)
                .lte(Expr::col(contract::Column::AcceptedMinor)),
        )
        .exec(tx)
        .await?;
    if reserved.rows_affected != 1 {
        let remaining = Money::from_stored(
            std::cmp::max(contract.accepted_minor - contract.invoiced_minor, 0),
            &contract.currency,
        )?;
        return Err(DomainError::conflict(format!(
            "only accepted work can be invoiced: {} {} of accepted milestones remains to invoice",
            remaining.to_decimal_string(),
            contract.currency
        )));
    }
    let at = now();
    let invoice = invoice::ActiveModel {
        payment_due_date: Set(due_date_under_terms(
            work.received.or(work.accepted).unwrap_or(at),
            contract.payment_terms_days,
        )),
        contract_id: Set(contract.id),
        milestone_id: Set(milestone_id),
        company_id: Set(contract.company_id),
        submitted_by: Set(access.user_id()),
        amount_minor: Set(amount.minor),
        currency: Set(contract.currency.clone()),
        description: Set(description),
        status: Set(InvoiceStatus::Submitted),
        rejection_reason: Set(None),
        tax_shown_separately: Set(tax.tax_shown_separately),
        consumption_tax_minor: Set(figures.consumption_tax),
        total_minor: Set(figures.total),
        withholding_minor: Set(figures.withholding),
        issuer_name: Set(Some(
            freelancer
                .legal_name
                .clone()
                .unwrap_or_else(|| freelancer.display_name.clone()),
        )),
        registration_number: Set(freelancer.registration_number),
        transaction_date: Set(work
            .accepted
            .unwrap_or(at)
            .with_timezone(&Tokyo)
            .date_naive()),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    invoice_tax::insert(tx, invoice.id, &lines).await?;
    audit::record(
        tx,
        Some(access.user_id()),
        audit::Change::new("invoice.submit", Subject::Invoice, invoice.id)
            .to(InvoiceStatus::Submitted),
    )
    .await?;
    super::notification_hooks::invoice_submitted(tx, &invoice).await?;
    Ok(invoice)
}

/// The contract's project (its category decides withholding) and freelancer (the issuer).
async fn parties(
    tx: &impl ConnectionTrait,
    contract: &contract::Model,
) -> DomainResult<(project::Model, user::Model)> {
    let project = project::Entity::find_by_id(contract.project_id)
        .one(tx)
        .await?;
    let freelancer = user::Entity::find_by_id(contract.freelancer_id)
        .one(tx)
        .await?;
    match (project, freelancer) {
        (Some(project), Some(freelancer)) => Ok((project, freelancer)),
        _ => Err(DomainError::Internal(anyhow::anyhow!(
            "contract {}: its project or freelancer is missing",
            contract.id
        ))),
    }
}

/// When billed work was received (its accepted delivery; the payment deadline counts from
/// it) and accepted (the transaction date). Either is unknown for work recorded before
/// deliveries were (the due date then counts from the acceptance, else the invoice).
#[derive(Debug, Default, Clone, Copy)]
struct Work {
    received: Option<DateTime<Utc>>,
    accepted: Option<DateTime<Utc>>,
}

/// The contract's most recently accepted milestone: what an invoice naming no milestone bills.
async fn latest_acceptance(tx: &impl ConnectionTrait, contract_id: i64) -> DomainResult<Work> {
    Ok(milestone::Entity::find()
        .filter(milestone::Column::ContractId.eq(contract_id))
        .filter(milestone::Column::AcceptedAt.is_not_null())
        .order_by_desc(milestone::Column::AcceptedAt)
        .one(tx)
        .await?
        .map(|m| Work {
            received: m.submitted_at,
            accepted: m.accepted_at,
        })
        .unwrap_or_default())
}

/// An invoice naming a milestone bills that milestone only: it must be the contract's, ACCEPTED,
/// and the invoice at most what its non-rejected invoices leave of it. The contract row is
/// locked (the write lock on SQLite), so the sum read here cannot change before the insert.
/// Gives when the milestone's work was received and accepted.
async fn check_milestone(
    tx: &impl ConnectionTrait,
    contract: &contract::Model,
    milestone_id: i64,
    amount: Money,
) -> DomainResult<Work> {
    let field = "input.milestoneId";
    let m = milestone::Entity::find_by_id(milestone_id)
        .one(tx)
        .await?
        .filter(|m| m.contract_id == contract.id)
        .ok_or_else(|| DomainError::bad_input(field, "not a milestone of this contract"))?;
    if m.status != MilestoneStatus::Accepted {
        return Err(DomainError::conflict(format!(
            "the milestone is {}; only accepted work can be invoiced",
            m.status.to_value()
        )));
    }
    // Summed here: PostgreSQL's SUM of a BIGINT is NUMERIC; a milestone has few invoices.
    let billed: i64 = invoice::Entity::find()
        .select_only()
        .column(invoice::Column::AmountMinor)
        .filter(invoice::Column::MilestoneId.eq(m.id))
        .filter(invoice::Column::Status.ne(InvoiceStatus::Rejected))
        .into_tuple::<i64>()
        .all(tx)
        .await?
        .into_iter()
        .sum();
    let left = m.amount_minor - billed;
    if amount.minor > left {
        let left = Money::from_stored(std::cmp::max(left, 0), &contract.currency)?;
        return Err(DomainError::conflict(format!(
            "the invoice would exceed the milestone; at most {} {} of it remains to invoice",
            left.to_decimal_string(),
            contract.currency
        )));
    }
    Ok(Work {
        received: m.submitted_at,
        accepted: m.accepted_at,
    })
}

/// SUBMITTED → APPROVED and exactly one PENDING payout, in one transaction.
#[tracing::instrument(skip_all, fields(user = access.user_id(), invoice_id))]
pub async fn approve(
    db: &DatabaseConnection,
    access: &Access,
    invoice_id: i64,
) -> DomainResult<invoice::Model> {
    let tx = write_tx(db).await?;
    let invoice = review(&tx, access, invoice_id, "approving an invoice").await?;
    // Locked like `endContract` locks it, so an approval and an end never interleave.
    let contract = contract::Entity::find_by_id(invoice.contract_id)
        .lock_exclusive()
        .one(&tx)
        .await?
        .ok_or_else(|| {
            DomainError::Internal(anyhow::anyhow!("invoice {} has no contract", invoice.id))
        })?;
    let provider = match contract.funding_status {
        None => PaymentProvider::Manual,
        Some(FundingStatus::Funded) => PaymentProvider::Stripe,
        Some(FundingStatus::Unfunded) => {
            return Err(DomainError::conflict(
                "the contract is not funded yet; fund it through Stripe before approving invoices",
            ));
        }
    };
    let invoice = transition(&tx, invoice, InvoiceStatus::Approved, None).await?;
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("invoice.approve", Subject::Invoice, invoice.id)
            .from(InvoiceStatus::Submitted)
            .to(InvoiceStatus::Approved),
    )
    .await?;
    super::notification_hooks::invoice_decided(&tx, &invoice, true).await?;
    let at = now();
    let payout = payout::ActiveModel {
        invoice_id: Set(invoice.id),
        company_id: Set(invoice.company_id),
        // What the freelancer receives: the total less the withholding kept for the tax
        // office; never less a bank fee (Freelance Act art. 5: the company bears it).
        amount_minor: Set(invoice.total_minor - invoice.withholding_minor),
        currency: Set(invoice.currency.clone()),
        status: Set(PayoutStatus::Pending),
        provider: Set(provider),
        reference: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        paid_at: Set(None),
        stripe_transfer_id: Set(None),
        failure_reason: Set(None),
        reversed_minor: Set(0),
        withholding_minor: Set(invoice.withholding_minor),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("payout.create", Subject::Payout, payout.id).to(PayoutStatus::Pending),
    )
    .await?;
    if provider == PaymentProvider::Stripe {
        jobs::enqueue(&tx, jobs::PAYOUT_TRANSFER, payout.id).await?;
    }
    tx.commit().await?;
    Ok(invoice)
}

/// SUBMITTED → REJECTED with a reason and its code (recorded for the compliance report,
/// `domain::compliance`); the amount returns to the contract so the freelancer can invoice
/// again.
#[tracing::instrument(skip_all, fields(user = access.user_id(), invoice_id))]
pub async fn reject(
    db: &DatabaseConnection,
    access: &Access,
    invoice_id: i64,
    reason: &str,
    code: entity::refusal::ReasonCode,
) -> DomainResult<invoice::Model> {
    let reason = text::multi_line(reason, "input.reason", 2_000)?;
    let tx = write_tx(db).await?;
    let invoice = review(&tx, access, invoice_id, "rejecting an invoice").await?;
    let invoice = transition(&tx, invoice, InvoiceStatus::Rejected, Some(reason.clone())).await?;
    super::compliance::record(
        &tx,
        super::compliance::Refusal {
            company_id: invoice.company_id,
            contract_id: invoice.contract_id,
            kind: entity::refusal::RefusalKind::InvoiceRejected,
            subject_id: invoice.id,
            code,
            reason: &reason,
            actor_id: access.user_id(),
        },
    )
    .await?;
    contract::Entity::update_many()
        .col_expr(
            contract::Column::InvoicedMinor,
            Expr::col(contract::Column::InvoicedMinor).sub(invoice.amount_minor),
        )
        .col_expr(contract::Column::UpdatedAt, Expr::value(now()))
        .filter(contract::Column::Id.eq(invoice.contract_id))
        .exec(&tx)
        .await?;
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("invoice.reject", Subject::Invoice, invoice.id)
            .from(InvoiceStatus::Submitted)
            .to(InvoiceStatus::Rejected)
            .detail(code.to_value()),
    )
    .await?;
    super::notification_hooks::invoice_decided(&tx, &invoice, false).await?;
    tx.commit().await?;
    Ok(invoice)
}

/// Loads a SUBMITTED invoice for review by FINANCE, locked on PostgreSQL.
async fn review(
    tx: &impl ConnectionTrait,
    access: &Access,
    invoice_id: i64,
    action: &str,
) -> DomainResult<invoice::Model> {
    let invoice = invoice::Entity::find_by_id(invoice_id)
        .lock_exclusive()
        .one(tx)
        .await?
        .filter(|i| access.can_see_engagement(i.company_id, i.submitted_by))
        .ok_or(DomainError::NotFound("invoice"))?;
    access.require_role(invoice.company_id, FINANCE, action)?;
    if invoice.submitted_by == access.user_id() {
        return Err(DomainError::forbidden(
            "nobody reviews an invoice they submitted",
        ));
    }
    if invoice.status != InvoiceStatus::Submitted {
        return Err(DomainError::conflict(format!(
            "the invoice is {}; only a SUBMITTED invoice can be reviewed",
            invoice.status.to_value()
        )));
    }
    Ok(invoice)
}

/// Moves an invoice on from the status it was read in, or reports the race as a conflict.
pub(crate) async fn transition(
    tx: &impl ConnectionTrait,
    invoice: invoice::Model,
    to: InvoiceStatus,
    rejection_reason: Option<String>,
) -> DomainResult<invoice::Model> {
    let at = now();
    let mut update = invoice::Entity::update_many()
        .col_expr(invoice::Column::Status, Expr::value(to.to_value()))
        .col_expr(invoice::Column::UpdatedAt, Expr::value(at));
    if let Some(reason) = &rejection_reason {
        update = update.col_expr(
            invoice::Column::RejectionReason,
            Expr::value(reason.clone()),
        );
    }
    let updated = update
        .filter(invoice::Column::Id.eq(invoice.id))
        .filter(invoice::Column::Status.eq(invoice.status))
        .exec(tx)
        .await?;
    if updated.rows_affected != 1 {
        return Err(DomainError::conflict(
            "the invoice changed meanwhile; reload it",
        ));
    }
    let rejection_reason = rejection_reason.or(invoice.rejection_reason.clone());
    Ok(invoice::Model {
        status: to,
        updated_at: at,
        rejection_reason,
        ..invoice
    })
}

pub async fn get(
    db: &impl ConnectionTrait,
    access: &Access,
    id: i64,
) -> DomainResult<invoice::Model> {
    invoice::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|i| access.can_see_engagement(i.company_id, i.submitted_by))
        .ok_or(DomainError::NotFound("invoice"))
}

/// The finance queue: invoices of the companies the caller staffs, plus their own,
/// newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    access: &Access,
    filter: &InvoiceFilter,
    page: Page,
) -> DomainResult<Paged<invoice::Model>> {
    let rows = visible(access, filter, page)?.all(db).await?;
    Ok(Paged::from_fetch(rows, page))
}

/// An invoice with the rows a finance queue shows beside it.
pub struct InvoiceWithContract {
    pub invoice: invoice::Model,
    pub contract: contract::Model,
    pub project: project::Model,
    pub freelancer: user::Model,
}

/// `list`, each invoice with its contract, the contract's project and its freelancer, in one
/// statement.
pub async fn list_with_contracts(
    db: &impl ConnectionTrait,
    access: &Access,
    filter: &InvoiceFilter,
    page: Page,
) -> DomainResult<Paged<InvoiceWithContract>> {
    let rows = visible(access, filter, page)?
        .find_also_related(contract::Entity)
        .and_also_related(project::Entity)
        .find_also(contract::Entity, user::Entity)
        .all(db)
        .await?
        .into_iter()
        .map(|row| match row {
            (invoice, Some(contract), Some(project), Some(freelancer)) => Ok(InvoiceWithContract {
                invoice,
                contract,
                project,
                freelancer,
            }),
            (invoice, ..) => Err(DomainError::Internal(anyhow::anyhow!(
                "invoice {}: its contract, project or freelancer is missing",
                invoice.id
            ))),
        })
        .collect::<DomainResult<Vec<_>>>()?;
    Ok(Paged::from_fetch(rows, page))
}

/// Every invoice the caller may see under `filter`, unordered.
fn selected(access: &Access, filter: &InvoiceFilter) -> DomainResult<Select<invoice::Entity>> {
    if let Some(company_id) = filter.company_id
        && !access.can_see_company(company_id)
    {
        return Err(DomainError::NotFound("company"));
    }
    let visible = Condition::any()
        .add(invoice::Column::SubmittedBy.eq(access.user_id()))
        .add(invoice::Column::CompanyId.is_in(access.staff.keys().copied()));
    let mut query = invoice::Entity::find().filter(visible);
    if let Some(company_id) = filter.company_id {
        query = query.filter(invoice::Column::CompanyId.eq(company_id));
    }
    Ok(filtered(query, filter))
}

/// The page of invoices the caller may see under `filter`, in the filter's order.
fn visible(
    access: &Access,
    filter: &InvoiceFilter,
    page: Page,
) -> DomainResult<Select<invoice::Entity>> {
    let mut query = selected(access, filter)?;
    let query = match filter.order {
        InvoiceOrder::Newest => {
            if let Some(after) = page.after {
                query = query.filter(invoice::Column::Id.lt(after));
            }
            query.order_by_desc(invoice::Column::Id)
        }
        InvoiceOrder::DueDate { after } => {
            if let Some((due, id)) = after {
                query = query.filter(
                    Condition::any()
                        .add(invoice::Column::PaymentDueDate.gt(due))
                        .add(
                            Condition::all()
                                .add(invoice::Column::PaymentDueDate.eq(due))
                                .add(invoice::Column::Id.gt(id)),
                        ),
                );
            }
            query
                .order_by_asc(invoice::Column::PaymentDueDate)
                .order_by_asc(invoice::Column::Id)
        }
    };
    Ok(query.limit(page.limit()))
}

/// The filter's status and due-date conditions (the company and visibility are the caller's).
fn filtered(mut query: Select<invoice::Entity>, filter: &InvoiceFilter) -> Select<invoice::Entity> {
    if let Some(status) = filter.status {
        query = query.filter(invoice::Column::Status.eq(status));
    }
    if let Some(overdue) = filter.overdue {
        let open =
            invoice::Column::Status.is_not_in([InvoiceStatus::Paid, InvoiceStatus::Rejected]);
        let late = invoice::Column::PaymentDueDate.lt(today());
        query = if overdue {
            query.filter(open).filter(late)
        } else {
            query.filter(Condition::any().add(open.not()).add(late.not()))
        };
    }
    if let Some(before) = filter.due_before {
        query = query.filter(invoice::Column::PaymentDueDate.lt(before));
    }
    query
}

/// The sum of the totals (what the company owes: amount plus any tax added) per currency of
/// every invoice `filter` selects (all pages), in one
/// GROUP BY; exact in minor units (PostgreSQL's NUMERIC sum cast back to BIGINT).
pub async fn totals(
    db: &impl ConnectionTrait,
    access: &Access,
    filter: &InvoiceFilter,
) -> DomainResult<Vec<Money>> {
    let rows: Vec<(String, i64)> = selected(access, filter)?
        .select_only()
        .column(invoice::Column::Currency)
        .column_as(Expr::cust("CAST(SUM(total_minor) AS BIGINT)"), "total")
        .group_by(invoice::Column::Currency)
        .order_by_asc(invoice::Column::Currency)
        .into_tuple()
        .all(db)
        .await?;
    rows.into_iter()
        .map(|(currency, minor)| Money::from_stored(minor, &currency))
        .collect()
}

/// Who may list a company's overdue invoices.
pub const OVERDUE_READERS: &[CompanyRole] = &[CompanyRole::Finance, CompanyRole::Admin];

/// The most overdue invoices `overdue` returns; the finance queue pages through the rest.
pub const MAX_OVERDUE: u64 = 500;

/// The company's invoices past their due date and not PAID or REJECTED, earliest due first
/// (then oldest first), at most `MAX_OVERDUE`. FINANCE or ADMIN of the company: an ADMIN
/// answers for the company's obligations under the Freelance Act (art. 4), so they see what is
/// late. NOT_FOUND for those who cannot see the company, FORBIDDEN for its other members.
pub async fn overdue(
    db: &impl ConnectionTrait,
    access: &Access,
    company_id: i64,
) -> DomainResult<Vec<invoice::Model>> {
    access.require_company_role(company_id, OVERDUE_READERS, "listing overdue invoices")?;
    let filter = InvoiceFilter {
        company_id: Some(company_id),
        overdue: Some(true),
        ..Default::default()
    };
    Ok(filtered(
        invoice::Entity::find().filter(invoice::Column::CompanyId.eq(company_id)),
        &filter,
    )
    .order_by_asc(invoice::Column::PaymentDueDate)
    .order_by_asc(invoice::Column::Id)
    .limit(MAX_OVERDUE)
    .all(db)
    .await?)
}

#[cfg(test)]
mod due_date_tests {
    use super::*;

    fn tokyo_noon(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|day| day.and_hms_opt(3, 0, 0))
            .map(|t| t.and_utc())
            .unwrap()
    }

    #[test]
    fn terms_shorten_but_never_lengthen_the_legal_deadline() {
        let may15 = tokyo_noon(2025, 5, 15);
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(due_date(may15), day("2025-07-13"));
        assert_eq!(due_date_under_terms(may15, None), day("2025-07-13"));
        assert_eq!(due_date_under_terms(may15, Some(59)), day("2025-07-13"));
        assert_eq!(due_date_under_terms(may15, Some(30)), day("2025-06-14"));
        assert_eq!(due_date_under_terms(may15, Some(0)), day("2025-05-15"));
        assert_eq!(due_date_under_terms(may15, Some(90)), day("2025-07-13"));
    }
}
