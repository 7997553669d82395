//! Bids: placed by alumni on open projects, withdrawn by their bidder, and accepted by the
//! company into a contract — atomically, once per project.
use entity::states::{BidStatus, FundingStatus, PaymentProvider, ProjectStatus};
use entity::{bid, company, contract, project};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::audit::Subject;
use super::error::{DomainError, DomainResult};
use super::money::Money;
use super::page::{Page, Paged};
use super::projects::{self, STAFF_WHO_MANAGE_PROJECTS};
use super::{
    Access, alumni, audit, contracts, milestones, notification_hooks, now, text, write_tx,
};

pub const MAX_DELIVERY_DAYS: i32 = 3650;

pub struct NewBid<'a> {
    pub project_id: i64,
    pub amount: Money,
    pub delivery_days: i32,
    pub proposal: &'a str,
    /// The proposed milestones; `None` for one milestone of the whole amount.
    pub milestones: Option<&'a [milestones::NewMilestone<'a>]>,
}

#[tracing::instrument(skip_all, fields(user = access.user_id(), project_id = input.project_id))]
pub async fn place(
    db: &DatabaseConnection,
    access: &Access,
    input: NewBid<'_>,
) -> DomainResult<bid::Model> {
    if !(1..=MAX_DELIVERY_DAYS).contains(&input.delivery_days) {
        return Err(DomainError::bad_input(
            "input.deliveryDays",
            format!("must be between 1 and {MAX_DELIVERY_DAYS}"),
        ));
    }
    let proposal = text::multi_line(input.proposal, "input.proposal", 10_000)?;
    let planned = input
        .milestones
        .map(|items| milestones::check_proposal(items, input.amount, "input.milestones"))
        .transpose()?
        .unwrap_or_default();
    let tx = write_tx(db).await?;
    let access = &alumni::recheck(&tx, access).await?;
    let project = projects::visible_for_update(&tx, access, input.project_id).await?;
    if access.is_staff(project.company_id) {
        return Err(DomainError::forbidden(
            "staff cannot bid on their own company's projects",
        ));
    }
    if !access.is_alumnus() {
        return Err(DomainError::forbidden("only verified alumni can bid"));
    }
    if project.status != ProjectStatus::Open {
        return Err(DomainError::conflict(format!(
            "the project is {}; bids are only taken while it is OPEN",
            project.status.to_value()
        )));
    }
    if input.amount.currency.code() != project.currency {
        return Err(DomainError::bad_input(
            "input.amount.currencyCode",
            format!("the project is budgeted in {}", project.currency),
        ));
    }
    let already = bid::Entity::find()
        .filter(bid::Column::ProjectId.eq(project.id))
        .filter(bid::Column::BidderId.eq(access.user_id()))
        .filter(bid::Column::Status.eq(BidStatus::Pending))
        .one(&tx)
        .await?;
    if already.is_some() {
        return Err(DomainError::conflict(
            "you already have a pending bid on this project; withdraw it first",
        ));
    }
    let at = now();
    let bid = bid::ActiveModel {
        project_id: Set(project.id),
        bidder_id: Set(access.user_id()),
        amount_minor: Set(input.amount.minor),
        currency: Set(project.currency.clone()),
        delivery_days: Set(input.delivery_days),
        proposal: Set(proposal),
        status: Set(BidStatus::Pending),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    milestones::propose(&tx, bid.id, &planned).await?;
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("bid.place", Subject::Bid, bid.id).to(BidStatus::Pending),
    )
    .await?;
    tx.commit().await?;
    Ok(bid)
}

/// PENDING → WITHDRAWN, by the bidder only.
#[tracing::instrument(skip_all, fields(user = access.user_id(), bid_id))]
pub async fn withdraw(
    db: &DatabaseConnection,
    access: &Access,
    bid_id: i64,
) -> DomainResult<bid::Model> {
    let tx = write_tx(db).await?;
    let (bid, _) = visible(&tx, access, bid_id).await?;
    if bid.bidder_id != access.user_id() {
        return Err(DomainError::forbidden("only the bidder can withdraw a bid"));
    }
    let bid = transition(&tx, bid, BidStatus::Withdrawn).await?;
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("bid.withdraw", Subject::Bid, bid.id)
            .from(BidStatus::Pending)
            .to(BidStatus::Withdrawn),
    )
    .await?;
    tx.commit().await?;
    Ok(bid)
}

/// Accepts one bid: it becomes ACCEPTED, every other pending bid REJECTED, the project
/// AWARDED and an ACTIVE contract is written for the bid's amount — all or nothing.
/// The project row lock (PostgreSQL) or the write lock (SQLite) orders racing accepts;
/// the conditional updates and unique indexes make the loser a `CONFLICT`.
#[tracing::instrument(skip_all, fields(user = access.user_id(), bid_id))]
pub async fn accept(
    db: &DatabaseConnection,
    access: &Access,
    bid_id: i64,
) -> DomainResult<contract::Model> {
    let tx = write_tx(db).await?;
    let (bid, project) = visible(&tx, access, bid_id).await?;
    access.require_role(
        project.company_id,
        STAFF_WHO_MANAGE_PROJECTS,
        "accepting a bid",
    )?;
    let project = projects::visible_for_update(&tx, access, project.id).await?;
    if project.status != ProjectStatus::Open {
        return Err(DomainError::conflict(format!(
            "the project is {}; a bid can only be accepted while it is OPEN",
            project.status.to_value()
        )));
    }
    let project = projects::transition(&tx, project, ProjectStatus::Awarded).await?;
    let actor = Some(access.user_id());
    audit::record(
        &tx,
        actor,
        audit::Change::new("project.award", Subject::Project, project.id)
            .from(ProjectStatus::Open)
            .to(ProjectStatus::Awarded),
    )
    .await?;
    let bid = transition(&tx, bid, BidStatus::Accepted).await?;
    audit::record(
        &tx,
        actor,
        audit::Change::new("bid.accept", Subject::Bid, bid.id)
            .from(BidStatus::Pending)
            .to(BidStatus::Accepted),
    )
    .await?;
    projects::reject_pending_bids(&tx, access.user_id(), project.id, Some(bid.id)).await?;
    notification_hooks::bid_decided(&tx, bid.id, true).await?;
    let company = company::Entity::find_by_id(project.company_id)
        .one(&tx)
        .await?
        .ok_or(DomainError::NotFound("company"))?;
    let funding =
        (company.payment_provider == PaymentProvider::Stripe).then_some(FundingStatus::Unfunded);
    let contract =
        contracts::create_for_bid(&tx, actor, &bid, &company, funding, &project.title, None)
            .await?;
    tx.commit().await?;
    Ok(contract)
}

/// PENDING → `to` with a conditional update; a bid that moved meanwhile is a conflict.
async fn transition(
    tx: &impl ConnectionTrait,
    bid: bid::Model,
    to: BidStatus,
) -> DomainResult<bid::Model> {
    if bid.status != BidStatus::Pending {
        return Err(DomainError::conflict(format!(
            "the bid is {}, not PENDING",
            bid.status.to_value()
        )));
    }
    let at = now();
    let updated = bid::Entity::update_many()
        .col_expr(bid::Column::Status, Expr::value(to.to_value()))
        .col_expr(bid::Column::UpdatedAt, Expr::value(at))
        .filter(bid::Column::Id.eq(bid.id))
        .filter(bid::Column::Status.eq(BidStatus::Pending))
        .exec(tx)
        .await?;
    if updated.rows_affected != 1 {
        return Err(DomainError::conflict("the bid is no longer PENDING"));
    }
    Ok(bid::Model {
        status: to,
        updated_at: at,
        ..bid
    })
}

/// A bid is visible to its bidder and to the staff of the project's company.
async fn visible(
    db: &impl ConnectionTrait,
    access: &Access,
    bid_id: i64,
) -> DomainResult<(bid::Model, project::Model)> {
    let bid = bid::Entity::find_by_id(bid_id)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("bid"))?;
    let project = project::Entity::find_by_id(bid.project_id)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("bid"))?;
    if bid.bidder_id == access.user_id() || access.is_staff(project.company_id) {
        Ok((bid, project))
    } else {
        Err(DomainError::NotFound("bid"))
    }
}

pub async fn get(
    db: &impl ConnectionTrait,
    access: &Access,
    bid_id: i64,
) -> DomainResult<bid::Model> {
    Ok(visible(db, access, bid_id).await?.0)
}

/// The caller's own bids across projects, newest first, optionally of one status: the
/// alumna's "my bids" list. Only ever the caller's, so it needs no other visibility check.
pub async fn of_bidder(
    db: &impl ConnectionTrait,
    access: &Access,
    status: Option<BidStatus>,
    page: Page,
) -> DomainResult<Paged<bid::Model>> {
    let mut query = bid::Entity::find().filter(bid::Column::BidderId.eq(access.user_id()));
    if let Some(status) = status {
        query = query.filter(bid::Column::Status.eq(status));
    }
    if let Some(after) = page.after {
        query = query.filter(bid::Column::Id.lt(after));
    }
    let rows = query
        .order_by_desc(bid::Column::Id)
        .limit(page.limit())
        .all(db)
        .await?;
    Ok(Paged::from_fetch(rows, page))
}

/// Whose bids on a project the caller may list: all of them for the company's staff,
/// their own for a bidder.
pub fn bidder_scope(access: &Access, project: &project::Model) -> Option<i64> {
    if access.is_staff(project.company_id) {
        None
    } else {
        Some(access.user_id())
    }
}

/// Longest rejection reason, in characters (multi-line).
pub const MAX_REJECTION_REASON: usize = 2_000;

/// PENDING → REJECTED with the company's reason, which the bidder and the company's staff see.
/// ADMIN or MEMBER of the project's company.
#[tracing::instrument(skip_all, fields(user = access.user_id(), bid_id))]
pub async fn reject(
    db: &DatabaseConnection,
    access: &Access,
    bid_id: i64,
    reason: &str,
) -> DomainResult<bid::Model> {
    let reason = text::multi_line(reason, "input.reason", MAX_REJECTION_REASON)?;
    let tx = write_tx(db).await?;
    let (bid, project) = visible(&tx, access, bid_id).await?;
    access.require_role(
        project.company_id,
        STAFF_WHO_MANAGE_PROJECTS,
        "rejecting a bid",
    )?;
    let bid = transition(&tx, bid, BidStatus::Rejected).await?;
    bid::Entity::update_many()
        .col_expr(bid::Column::RejectionReason, Expr::value(reason.clone()))
        .filter(bid::Column::Id.eq(bid.id))
        .exec(&tx)
        .await?;
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("bid.reject", Subject::Bid, bid.id)
            .from(BidStatus::Pending)
            .to(BidStatus::Rejected),
    )
    .await?;
    notification_hooks::bid_decided(&tx, bid.id, false).await?;
    tx.commit().await?;
    Ok(bid::Model {
        rejection_reason: Some(reason),
        ..bid
    })
}
