//! Milestones: the parts of a contract's work, proposed with a bid, copied onto the contract
//! when the bid is accepted, and marked PAID as payouts cover them. Delivery and acceptance
//! (the state changes a person makes) live in `delivery`.
use std::collections::HashMap;

use chrono::NaiveDate;
use entity::states::{InvoiceStatus, MilestoneStatus};
use entity::{bid, bid_milestone, contract, invoice, milestone};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::audit::Subject;
use super::error::{DomainError, DomainResult};
use super::money::Money;
use super::{Access, audit, contracts, now, required_text};

/// A contract has 1–20 milestones.
pub const MAX_MILESTONES: usize = 20;
/// Milestone titles are one line, as project titles are.
pub const MAX_TITLE_CHARS: usize = 200;

/// One proposed milestone as the client sent it.
pub struct NewMilestone<'a> {
    pub title: &'a str,
    pub amount: Money,
    pub due_date: Option<NaiveDate>,
}

/// A checked proposal item, ready to store.
#[derive(Debug, Clone)]
pub struct Proposed {
    pub title: String,
    pub amount_minor: i64,
    pub due_date: Option<NaiveDate>,
}

/// Checks a bid's proposed milestones: 1–20 items, each titled, in the bid's currency, due
/// today or later, and together exactly the bid amount. `field` names the list in errors
/// (`input.milestones`), items as `input.milestones.<index>.<field>`.
pub fn check_proposal(
    items: &[NewMilestone<'_>],
    bid_amount: Money,
    field: &str,
) -> DomainResult<Vec<Proposed>> {
    if items.is_empty() || items.len() > MAX_MILESTONES {
        return Err(DomainError::bad_input(
            field,
            format!(
                "give between 1 and {MAX_MILESTONES} milestones, or none for one milestone of the whole amount"
            ),
        ));
    }
    let today = now().date_naive();
    let mut total: i64 = 0;
    let mut out = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let title = required_text(
            item.title,
            &format!("{field}.{index}.title"),
            MAX_TITLE_CHARS,
        )?;
        if item.amount.currency != bid_amount.currency {
            return Err(DomainError::bad_input(
                format!("{field}.{index}.amount.currencyCode"),
                format!("the bid is in {}", bid_amount.currency.code()),
            ));
        }
        if let Some(due) = item.due_date
            && due < today
        {
            return Err(DomainError::bad_input(
                format!("{field}.{index}.dueDate"),
                "must be today or later",
            ));
        }
        total = total.saturating_add(item.amount.minor);
        out.push(Proposed {
            title,
            amount_minor: item.amount.minor,
            due_date: item.due_date,
        });
    }
    if total != bid_amount.minor {
        let sum = Money {
            minor: total.min(super::money::MAX_MINOR),
            currency: bid_amount.currency,
        };
        return Err(DomainError::bad_input(
            field,
            format!(
                "the milestones sum to {} but the bid is {} {}; they must sum exactly to the bid amount",
                sum.to_decimal_string(),
                bid_amount.to_decimal_string(),
                bid_amount.currency.code()
            ),
        ));
    }
    Ok(out)
}

/// Stores a bid's checked proposal, in order.
pub(crate) async fn propose(
    tx: &impl ConnectionTrait,
    bid_id: i64,
    items: &[Proposed],
) -> DomainResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    let rows = items
        .iter()
        .enumerate()
        .map(|(index, item)| bid_milestone::ActiveModel {
            bid_id: Set(bid_id),
            position: Set(position(index)),
            title: Set(item.title.clone()),
            amount_minor: Set(item.amount_minor),
            due_date: Set(item.due_date),
            ..Default::default()
        });
    bid_milestone::Entity::insert_many(rows).exec(tx).await?;
    Ok(())
}

fn position(index: usize) -> i32 {
    i32::try_from(index + 1).unwrap_or(i32::MAX)
}

/// Writes a new contract's milestones: the bid's proposal, or one milestone titled after the
/// project for the whole amount. Runs inside `bids::accept`'s transaction. A milestone the bid
/// gave no due date is due when the whole work is: the commissioning date + the bid's delivery
/// days (`terms::default_due_date`), so the terms statement and the contract agree.
pub(crate) async fn create_for_contract(
    tx: &impl ConnectionTrait,
    actor: Option<i64>,
    contract: &contract::Model,
    bid: &bid::Model,
    project_title: &str,
) -> DomainResult<()> {
    let proposal = bid_milestone::Entity::find()
        .filter(bid_milestone::Column::BidId.eq(bid.id))
        .order_by_asc(bid_milestone::Column::Position)
        .all(tx)
        .await?;
    let items: Vec<Proposed> = if proposal.is_empty() {
        vec![Proposed {
            title: project_title.to_string(),
            amount_minor: contract.amount_minor,
            due_date: None,
        }]
    } else {
        proposal
            .into_iter()
            .map(|p| Proposed {
                title: p.title,
                amount_minor: p.amount_minor,
                due_date: p.due_date,
            })
            .collect()
    };
    let at = now();
    let whole_work_due = super::terms::default_due_date(contract.created_at, bid.delivery_days);
    let rows = items
        .iter()
        .enumerate()
        .map(|(index, item)| milestone::ActiveModel {
            contract_id: Set(contract.id),
            position: Set(position(index)),
            title: Set(item.title.clone()),
            amount_minor: Set(item.amount_minor),
            currency: Set(contract.currency.clone()),
            due_date: Set(item.due_date.or(Some(whole_work_due))),
            status: Set(MilestoneStatus::Active),
            delivery_note: Set(None),
            delivery_links: Set(None),
            changes_reason: Set(None),
            submitted_at: Set(None),
            accepted_at: Set(None),
            auto_accept_at: Set(None),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        });
    milestone::Entity::insert_many(rows).exec(tx).await?;
    let created = milestone::Entity::find()
        .filter(milestone::Column::ContractId.eq(contract.id))
        .order_by_asc(milestone::Column::Position)
        .all(tx)
        .await?;
    for m in &created {
        audit::record(
            tx,
            actor,
            audit::Change::new("milestone.create", Subject::Milestone, m.id)
                .to(MilestoneStatus::Active),
        )
        .await?;
    }
    Ok(())
}

/// A milestone the caller may see (the contract's company staff and its freelancer), with its
/// contract.
pub async fn get(
    db: &impl ConnectionTrait,
    access: &Access,
    id: i64,
) -> DomainResult<milestone::Model> {
    Ok(visible(db, access, id).await?.0)
}

pub(crate) async fn visible(
    db: &impl ConnectionTrait,
    access: &Access,
    id: i64,
) -> DomainResult<(milestone::Model, contract::Model)> {
    let milestone = milestone::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("milestone"))?;
    let contract = match contracts::get(db, access, milestone.contract_id).await {
        Ok(contract) => contract,
        Err(DomainError::NotFound(_)) => return Err(DomainError::NotFound("milestone")),
        Err(other) => return Err(other),
    };
    Ok((milestone, contract))
}

/// The contract's milestones in position order.
pub async fn of_contract(
    db: &impl ConnectionTrait,
    contract_id: i64,
) -> DomainResult<Vec<milestone::Model>> {
    Ok(milestone::Entity::find()
        .filter(milestone::Column::ContractId.eq(contract_id))
        .order_by_asc(milestone::Column::Position)
        .all(db)
        .await?)
}

/// After a payout settles: ACCEPTED milestones the contract's paid invoices now cover become
/// PAID, audited, in the settling transaction. Money paid on an invoice that names a milestone
/// counts for that milestone; money paid on other invoices first covers the milestones already
/// PAID, then the ACCEPTED ones in position order, each after what was named for it. The sum
/// of PAID milestones so never exceeds what was paid.
pub(crate) async fn mark_paid(
    tx: &impl ConnectionTrait,
    actor: Option<i64>,
    contract_id: i64,
) -> DomainResult<()> {
    let paid: Vec<(Option<i64>, i64)> = invoice::Entity::find()
        .select_only()
        .column(invoice::Column::MilestoneId)
        .column(invoice::Column::AmountMinor)
        .filter(invoice::Column::ContractId.eq(contract_id))
        .filter(invoice::Column::Status.eq(InvoiceStatus::Paid))
        .into_tuple()
        .all(tx)
        .await?;
    let mut named: HashMap<i64, i64> = HashMap::new();
    let mut pool: i64 = 0;
    for (milestone_id, amount) in paid {
        match milestone_id {
            Some(id) => *named.entry(id).or_default() += amount,
            None => pool += amount,
        }
    }
    let payable = milestone::Entity::find()
        .filter(milestone::Column::ContractId.eq(contract_id))
        .filter(milestone::Column::Status.is_in([MilestoneStatus::Accepted, MilestoneStatus::Paid]))
        .order_by_asc(milestone::Column::Position)
        .all(tx)
        .await?;
    let need = |m: &milestone::Model| {
        std::cmp::max(m.amount_minor - named.get(&m.id).copied().unwrap_or(0), 0)
    };
    // Milestones already PAID keep their share, whatever their position.
    for m in payable.iter().filter(|m| m.status == MilestoneStatus::Paid) {
        pool -= std::cmp::min(need(m), pool);
    }
    for m in payable
        .iter()
        .filter(|m| m.status == MilestoneStatus::Accepted)
    {
        let need = need(m);
        let share = std::cmp::min(need, pool);
        pool -= share;
        if share < need {
            continue;
        }
        let updated = milestone::Entity::update_many()
            .col_expr(
                milestone::Column::Status,
                Expr::value(MilestoneStatus::Paid.to_value()),
            )
            .col_expr(milestone::Column::UpdatedAt, Expr::value(now()))
            .filter(milestone::Column::Id.eq(m.id))
            .filter(milestone::Column::Status.eq(MilestoneStatus::Accepted))
            .exec(tx)
            .await?;
        if updated.rows_affected == 1 {
            audit::record(
                tx,
                actor,
                audit::Change::new("milestone.pay", Subject::Milestone, m.id)
                    .from(MilestoneStatus::Accepted)
                    .to(MilestoneStatus::Paid),
            )
            .await?;
        }
    }
    Ok(())
}
