//! Contracts: written by `bids::accept`, worked by the freelancer, completed when paid in full.
use entity::contract;
use entity::states::ContractStatus;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::Access;
use super::error::{DomainError, DomainResult};
use super::page::{Page, Paged};

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
