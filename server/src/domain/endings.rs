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
use entity::states::{CompanyRole, ContractStatus, MilestoneStatus};
use entity::{contract, milestone};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::audit::Subject;
use super::error::{DomainError, DomainResult};
use super::{Access, audit, contracts, now, refunds, terms, text, write_tx};

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
    if contract.freelancer_id != access.user_id() {
        access.require_role(contract.company_id, ENDERS, "ending a contract")?;
    }
    contracts::require_running(
        &contract,
        " already",
        "only a running contract can be ended",
    )?;
    let actor = Some(access.user_id());
    // Milestones first, then the contract: the order delivery and acceptance lock them in,
    // so a racing acceptance either lands before the end (and stays payable) or finds its
    // milestone CANCELLED.
    cancel_open_milestones(&tx, actor, contract.id).await?;
    // Read again under the lock: what was accepted before the end is what stays payable.
    let contract = contracts::visible_for_update(&tx, access, contract_id).await?;
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
    let ended = update
        .filter(contract::Column::Id.eq(contract.id))
        .filter(contract::Column::Status.eq(ContractStatus::Active))
        .filter(contract::Column::EndedAt.is_null())
        .exec(&tx)
        .await?;
    if ended.rows_affected != 1 {
        return Err(DomainError::conflict(
            "the contract changed meanwhile; reload it",
        ));
    }
    let ended = contract::Model {
        status: to,
        ended_at: Some(at),
        end_reason: Some(reason.clone()),
        completed_at: (to == ContractStatus::Completed)
            .then_some(at)
            .or(contract.completed_at),
        updated_at: at,
        ..contract
    };
    terms::issue(&tx, actor, &ended, terms::Reason::Ended).await?;
    audit::record(
        &tx,
        actor,
        audit::Change::new("contract.end", Subject::Contract, ended.id)
            .from(ContractStatus::Active)
            .to(to)
            .detail(reason.as_str()),
    )
    .await?;
    refunds::schedule(&tx, &ended).await?;
    tx.commit().await?;
    Ok(ended)
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
