//! Ending a contract early (`endContract`). The milestones not yet accepted are cancelled;
//! accepted work stays payable, so the contract completes when it is paid (see
//! `payouts::complete_contract_if_paid`), at once if it is paid already, or is CANCELLED at
//! once when nothing was accepted. A funded Stripe contract gets back the escrow not owed for
//! accepted work through a refund job (`refunds`), enqueued in the same transaction. The end
//! issues the next version of the terms statement (`terms`): the cancelled milestones and the
//! end date, the earlier versions unchanged.
//!
//! The open milestones and then the contract row are locked (PostgreSQL; SQLite writers queue on
//! `BEGIN IMMEDIATE`), in the order acceptance locks them, and approvals and payments lock the
//! contract too, so an end racing an acceptance, an approval or a payment sees the outcome of
//! the other and the completion rule holds either way.
use chrono::{DateTime, Days, Months, NaiveDate, Utc};
use chrono_tz::Asia::Tokyo;
use entity::states::{CompanyRole, ContractStatus, MilestoneStatus, PayeeType};
use entity::{contract, job, milestone};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::audit::Subject;
use super::error::{DomainError, DomainResult};
use super::jobs::{self, Outcome};
use super::{Access, audit, compliance, contracts, invoices, now, refunds, terms, text, write_tx};

/// The longest reason a user may give for ending a contract.
pub const REASON_MAX_CHARS: usize = 2_000;

/// Who may end a contract besides its freelancer.
const ENDERS: &[CompanyRole] = &[CompanyRole::Admin, CompanyRole::Member];

/// The milestone states that ending cancels: work not yet accepted.
pub const OPEN_MILESTONES: [MilestoneStatus; 3] = [
    MilestoneStatus::Active,
    MilestoneStatus::Submitted,
    MilestoneStatus::ChangesRequested,
];

/// Ends an ACTIVE contract with a reason. The freelancer, or ADMIN/MEMBER of the company.
///
/// Notice (Freelance Act art. 16): when the company ends a contract that has run six months
/// or more (from its creation, judged in Asia/Tokyo), it does not end at once: `ends_on` is
/// set to today + 30 days, the contract stays ACTIVE and work goes on, and the
/// `contract.end_on_notice` job ends it on that day through the same path ([`end_on_notice`]).
/// A second end by the company meanwhile is a `CONFLICT`; the freelancer may still end it at
/// once. Ends by the freelancer, and shorter contracts, end at once.
#[tracing::instrument(skip_all, fields(user = access.user_id(), contract_id))]
pub async fn end(
    db: &DatabaseConnection,
    access: &Access,
    contract_id: i64,
    reason: &str,
) -> DomainResult<contract::Model> {
    let reason = text::multi_line(reason, "input.reason", REASON_MAX_CHARS)?;
    let tx = write_tx(db).await?;
    let contract = contracts::get(&tx, access, contract_id).await?;
    let by_company = contract.freelancer_id != access.user_id();
    if by_company {
        access.require_role(contract.company_id, ENDERS, "ending a contract")?;
    }
    contracts::require_running(
        &contract,
        " already",
        "only a running contract can be ended",
    )?;
    if by_company {
        if let Some(ends_on) = contract.ends_on {
            return Err(DomainError::conflict(format!(
                "notice was already given; the contract ends on {ends_on}"
            )));
        }
        let last_due = last_due_date(&tx, contract.id).await?;
        if needs_notice(&contract, last_due, invoices::today()) {
            let noticed = give_notice(&tx, access.user_id(), contract, reason).await?;
            tx.commit().await?;
            return Ok(noticed);
        }
    }
    let actor = Some(access.user_id());
    let requested = Requested {
        by: Some(access.user_id()),
        at: now(),
    };
    let ended = end_in(&tx, actor, contract.id, reason, Some(requested)).await?;
    tx.commit().await?;
    Ok(ended)
}

/// Notice the company must give before an end: 30 days (art. 16).
pub const NOTICE_DAYS: u64 = 30;
/// Contracts that have run this many months or more need notice.
pub const NOTICE_AFTER_MONTHS: u32 = 6;

/// Whether the company must give notice to end `contract` on `today` (Asia/Tokyo): art. 16
/// protects a freelancer (an individual without employees or a one-person corporation) in a
/// commission of six months or more — the period from the creation day to the last milestone's
/// due date, or the time it has run already if that is longer.
pub fn needs_notice(
    contract: &contract::Model,
    last_due: Option<NaiveDate>,
    today: NaiveDate,
) -> bool {
    if !matches!(
        contract.payee_type,
        PayeeType::Individual | PayeeType::OnePersonCorporation
    ) {
        return false;
    }
    let started = contract.created_at.with_timezone(&Tokyo).date_naive();
    let until = last_due.map_or(today, |due| std::cmp::max(due, today));
    started
        .checked_add_months(Months::new(NOTICE_AFTER_MONTHS))
        .is_some_and(|six_months| six_months <= until)
}

/// The latest due date among the contract's milestones: where its agreed period ends.
async fn last_due_date(
    tx: &impl ConnectionTrait,
    contract_id: i64,
) -> DomainResult<Option<NaiveDate>> {
    Ok(milestone::Entity::find()
        .select_only()
        .column(milestone::Column::DueDate)
        .filter(milestone::Column::ContractId.eq(contract_id))
        .filter(milestone::Column::DueDate.is_not_null())
        .order_by_desc(milestone::Column::DueDate)
        .limit(1)
        .into_tuple::<Option<NaiveDate>>()
        .one(tx)
        .await?
        .flatten())
}

/// Records the company's notice: `ends_on` = today (Asia/Tokyo) + 30 days, the reason kept
/// for the end, the end job scheduled for 00:00 that day. The contract stays ACTIVE.
async fn give_notice(
    tx: &impl ConnectionTrait,
    actor: i64,
    contract: contract::Model,
    reason: String,
) -> DomainResult<contract::Model> {
    let today = invoices::today();
    let ends_on = today
        .checked_add_days(Days::new(NOTICE_DAYS))
        .ok_or_else(|| DomainError::conflict("the notice period runs past the calendar"))?;
    let at = now();
    let noticed = contract::Entity::update_many()
        .col_expr(contract::Column::EndsOn, Expr::value(ends_on))
        .col_expr(contract::Column::EndRequestedBy, Expr::value(actor))
        .col_expr(contract::Column::EndRequestedAt, Expr::value(at))
        .col_expr(contract::Column::EndReason, Expr::value(reason.clone()))
        .col_expr(contract::Column::UpdatedAt, Expr::value(at))
        .filter(contract::Column::Id.eq(contract.id))
        .filter(contract::Column::Status.eq(ContractStatus::Active))
        .filter(contract::Column::EndedAt.is_null())
        .filter(contract::Column::EndsOn.is_null())
        .exec(tx)
        .await?;
    if noticed.rows_affected != 1 {
        return Err(DomainError::conflict(
            "the contract changed meanwhile; reload it",
        ));
    }
    audit::record(
        tx,
        Some(actor),
        // The reason stays on the contract, shown to the freelancer once she asks for it.
        audit::Change::new("contract.give_notice", Subject::Contract, contract.id)
            .detail(format!("ends on {ends_on}")),
    )
    .await?;
    jobs::schedule(
        tx,
        jobs::CONTRACT_END_ON_NOTICE,
        contract.id,
        compliance::tokyo_midnight(ends_on),
    )
    .await?;
    Ok(contract::Model {
        ends_on: Some(ends_on),
        end_requested_by: Some(actor),
        end_requested_at: Some(at),
        end_reason: Some(reason),
        updated_at: at,
        ..contract
    })
}

/// The `contract.end_on_notice` job: ends the contract whose notice ran out by `at`
/// (Asia/Tokyo day), with no actor, through the ending path; the job finishes in the same
/// transaction. A contract already ended (the freelancer ended it meanwhile) is left alone.
#[tracing::instrument(skip_all, fields(job = job.id, contract = job.subject_id))]
pub async fn end_on_notice(
    db: &DatabaseConnection,
    job: &job::Model,
    at: DateTime<Utc>,
) -> DomainResult<bool> {
    let tx = write_tx(db).await?;
    let found = contract::Entity::find_by_id(job.subject_id)
        .one(&tx)
        .await?;
    let today = at.with_timezone(&Tokyo).date_naive();
    let (ended, outcome) = match found {
        Some(c) if c.status == ContractStatus::Active && c.ended_at.is_none() => match c.ends_on {
            Some(ends_on) if ends_on <= today => {
                let reason = c.end_reason.clone().unwrap_or_default();
                end_in(&tx, None, c.id, reason, None).await?;
                (true, Outcome::Done)
            }
            Some(ends_on) => (
                false,
                Outcome::RetryAt(
                    compliance::tokyo_midnight(ends_on),
                    "the notice has not run out".to_string(),
                ),
            ),
            None => (false, Outcome::Done),
        },
        _ => (false, Outcome::Done),
    };
    jobs::finish_claimed(&tx, job, outcome).await?;
    tx.commit().await?;
    Ok(ended)
}

/// Who asked for an end and when, written with it (None: kept from the notice).
struct Requested {
    by: Option<i64>,
    at: DateTime<Utc>,
}

/// The ending path: open milestones cancelled, the contract CANCELLED, COMPLETED or left
/// ACTIVE for accepted work to be paid, `ended_at` set, audited, the refund scheduled.
async fn end_in(
    tx: &impl ConnectionTrait,
    actor: Option<i64>,
    contract_id: i64,
    reason: String,
    requested: Option<Requested>,
) -> DomainResult<contract::Model> {
    // Milestones first, then the contract: the order delivery and acceptance lock them in,
    // so a racing acceptance either lands before the end (and stays payable) or finds its
    // milestone CANCELLED.
    cancel_open_milestones(tx, actor, contract_id).await?;
    // Read again under the lock: what was accepted before the end is what stays payable.
    let contract = contract::Entity::find_by_id(contract_id)
        .lock_exclusive()
        .one(tx)
        .await?
        .ok_or(DomainError::NotFound("contract"))?;
    contracts::require_running(
        &contract,
        " already",
        "only a running contract can be ended",
    )?;
    let to = if contract.accepted_minor == 0 {
        ContractStatus::Cancelled
    } else if contract.paid_minor >= contract.accepted_minor {
        ContractStatus::Completed
    } else {
        ContractStatus::Active
    };
    let at = now();
    let mut update = contract::Entity::update_many()
        .col_expr(contract::Column::Status, Expr::value(to.to_value()))
        .col_expr(contract::Column::EndedAt, Expr::value(at))
        .col_expr(contract::Column::EndReason, Expr::value(reason.clone()))
        .col_expr(contract::Column::UpdatedAt, Expr::value(at));
    if to == ContractStatus::Completed {
        update = update.col_expr(contract::Column::CompletedAt, Expr::value(at));
    }
    if let Some(requested) = &requested {
        update = update
            .col_expr(contract::Column::EndRequestedBy, Expr::value(requested.by))
            .col_expr(contract::Column::EndRequestedAt, Expr::value(requested.at));
    }
    let ended = update
        .filter(contract::Column::Id.eq(contract.id))
        .filter(contract::Column::Status.eq(ContractStatus::Active))
        .filter(contract::Column::EndedAt.is_null())
        .exec(tx)
        .await?;
    if ended.rows_affected != 1 {
        return Err(DomainError::conflict(
            "the contract changed meanwhile; reload it",
        ));
    }
    let (end_requested_by, end_requested_at) = match &requested {
        Some(r) => (r.by, Some(r.at)),
        None => (contract.end_requested_by, contract.end_requested_at),
    };
    // After notice the reason stays on the contract (shown to her once she asks).
    let detail = match contract.ends_on {
        Some(ends_on) if requested.is_none() => format!("notice ran out on {ends_on}"),
        _ => reason.clone(),
    };
    let ended = contract::Model {
        status: to,
        ended_at: Some(at),
        end_reason: Some(reason.clone()),
        completed_at: (to == ContractStatus::Completed)
            .then_some(at)
            .or(contract.completed_at),
        updated_at: at,
        end_requested_by,
        end_requested_at,
        ..contract
    };
    // The statement's new version first, so `contract.end` stays the last event of the end.
    terms::issue(tx, actor, &ended, terms::Reason::Ended).await?;
    audit::record(
        tx,
        actor,
        audit::Change::new("contract.end", Subject::Contract, ended.id)
            .from(ContractStatus::Active)
            .to(to)
            .detail(detail),
    )
    .await?;
    refunds::schedule(tx, &ended).await?;
    Ok(ended)
}

/// The freelancer asks why the company gave notice to end her contract (art. 16 para. 2):
/// recorded once, audited; the company sees the request and the reason it gave is shown to
/// her from then on. `CONFLICT` unless the company gave notice (an immediate end shows its
/// reason at once).
#[tracing::instrument(skip_all, fields(user = access.user_id(), contract_id))]
pub async fn request_reason(
    db: &DatabaseConnection,
    access: &Access,
    contract_id: i64,
) -> DomainResult<contract::Model> {
    let tx = write_tx(db).await?;
    let contract = contracts::get(&tx, access, contract_id).await?;
    if contract.freelancer_id != access.user_id() {
        return Err(DomainError::forbidden(
            "only the contract's freelancer asks for the reason for its end",
        ));
    }
    if contract.ends_on.is_none() {
        return Err(DomainError::conflict(
            "the company has not given notice to end this contract; a reason given with an \
             immediate end is shown with it",
        ));
    }
    if let Some(asked) = contract.end_reason_requested_at {
        return Err(DomainError::conflict(format!(
            "the reason was already requested at {}",
            asked.to_rfc3339()
        )));
    }
    let at = now();
    let asked = contract::Entity::update_many()
        .col_expr(contract::Column::EndReasonRequestedAt, Expr::value(at))
        .col_expr(contract::Column::UpdatedAt, Expr::value(at))
        .filter(contract::Column::Id.eq(contract.id))
        .filter(contract::Column::EndReasonRequestedAt.is_null())
        .exec(&tx)
        .await?;
    if asked.rows_affected != 1 {
        return Err(DomainError::conflict(
            "the contract changed meanwhile; reload it",
        ));
    }
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new(
            "contract.request_end_reason",
            Subject::Contract,
            contract.id,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(contract::Model {
        end_reason_requested_at: Some(at),
        updated_at: at,
        ..contract
    })
}

/// Whether `viewer` may read the end reason: the company's staff always; the freelancer too,
/// except on a contract the company ended with notice, until she asks for the reason.
pub fn end_reason_visible(contract: &contract::Model, viewer: i64) -> bool {
    viewer != contract.freelancer_id
        || contract.ends_on.is_none()
        || contract.end_reason_requested_at.is_some()
}

/// ACTIVE, SUBMITTED and CHANGES_REQUESTED milestones become CANCELLED, each with its event.
async fn cancel_open_milestones(
    tx: &impl ConnectionTrait,
    actor: Option<i64>,
    contract_id: i64,
) -> DomainResult<()> {
    let open = milestone::Entity::find()
        .filter(milestone::Column::ContractId.eq(contract_id))
        .filter(milestone::Column::Status.is_in(OPEN_MILESTONES))
        .order_by_asc(milestone::Column::Position)
        .lock_exclusive()
        .all(tx)
        .await?;
    let at = now();
    for m in open {
        let cancelled = milestone::Entity::update_many()
            .col_expr(
                milestone::Column::Status,
                Expr::value(MilestoneStatus::Cancelled.to_value()),
            )
            .col_expr(
                milestone::Column::AutoAcceptAt,
                Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
            )
            .col_expr(milestone::Column::UpdatedAt, Expr::value(at))
            .filter(milestone::Column::Id.eq(m.id))
            .filter(milestone::Column::Status.eq(m.status))
            .exec(tx)
            .await?;
        if cancelled.rows_affected != 1 {
            return Err(DomainError::conflict(
                "a milestone changed meanwhile; reload the contract",
            ));
        }
        audit::record(
            tx,
            actor,
            audit::Change::new("milestone.cancel", Subject::Milestone, m.id)
                .from(m.status)
                .to(MilestoneStatus::Cancelled),
        )
        .await?;
    }
    Ok(())
}
