//! Reviews after an engagement. When a contract is COMPLETED, or ended after accepted work,
//! each side may review the other once within [`WINDOW`]: the company (ADMIN or MEMBER)
//! reviews the freelancer and says whether it would rehire them; the freelancer reviews the
//! company. Double-blind: a side's review is shown to the other side only once both have
//! written theirs or the window has closed, so neither can answer the other's. `wouldRehire`
//! is the alumni network's rehire signal and stays with the company's staff.
use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use entity::states::{CompanyRole, ContractStatus, ReviewSide};
use entity::{contract, review};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter,
};

use super::audit::Subject;
use super::error::{DomainError, DomainResult};
use super::{Access, audit, contracts, now, text, write_tx};

/// How long after completion (or the end) each side may write its review.
pub const WINDOW: Duration = Duration::days(14);
pub const COMMENT_MAX_CHARS: usize = 2_000;
/// Who reviews for the company.
const REVIEWERS: &[CompanyRole] = &[CompanyRole::Admin, CompanyRole::Member];

pub struct NewReview<'a> {
    pub contract_id: i64,
    pub rating: i32,
    pub comment: &'a str,
    pub would_rehire: Option<bool>,
}

/// When the contract's review window opened: at the end of a contract ended after accepted
/// work, else at completion. `None` while reviews are not possible (running, or cancelled
/// with nothing accepted).
pub fn window_opened(contract: &contract::Model) -> Option<DateTime<Utc>> {
    match (contract.status, contract.ended_at) {
        (ContractStatus::Completed, ended) => ended.or(contract.completed_at),
        (ContractStatus::Active, Some(ended)) if contract.accepted_minor > 0 => Some(ended),
        _ => None,
    }
}

/// Whether the window has closed, which publishes whatever was written.
fn window_closed(contract: &contract::Model, at: DateTime<Utc>) -> bool {
    window_opened(contract).is_some_and(|opened| at > opened + WINDOW)
}

/// Writes the caller's side's review of the contract.
#[tracing::instrument(skip_all, fields(user = access.user_id(), contract_id = input.contract_id))]
pub async fn submit(
    db: &DatabaseConnection,
    access: &Access,
    input: NewReview<'_>,
) -> DomainResult<review::Model> {
    if !(1..=5).contains(&input.rating) {
        return Err(DomainError::bad_input(
            "input.rating",
            "must be a whole number from 1 to 5",
        ));
    }
    let comment = text::multi_line(input.comment, "input.comment", COMMENT_MAX_CHARS)?;
    let tx = write_tx(db).await?;
    let contract = contracts::visible_for_update(&tx, access, input.contract_id).await?;
    let side = if contract.freelancer_id == access.user_id() {
        ReviewSide::Freelancer
    } else {
        access.require_role(contract.company_id, REVIEWERS, "reviewing a freelancer")?;
        ReviewSide::Company
    };
    if side == ReviewSide::Freelancer && input.would_rehire.is_some() {
        return Err(DomainError::bad_input(
            "input.wouldRehire",
            "only the company says whether it would rehire; leave it out",
        ));
    }
    let at = now();
    let Some(opened) = window_opened(&contract) else {
        return Err(DomainError::conflict(
            "reviews open when the contract is completed, or ended after accepted work",
        ));
    };
    if at > opened + WINDOW {
        return Err(DomainError::conflict(format!(
            "the review window closed on {}",
            (opened + WINDOW).to_rfc3339()
        )));
    }
    let written = review::Entity::find()
        .filter(review::Column::ContractId.eq(contract.id))
        .filter(review::Column::Side.eq(side))
        .one(&tx)
        .await?;
    if written.is_some() {
        return Err(DomainError::conflict(match side {
            ReviewSide::Company => "the company has reviewed this contract already",
            ReviewSide::Freelancer => "you have reviewed this contract already",
        }));
    }
    let review = review::ActiveModel {
        contract_id: Set(contract.id),
        side: Set(side),
        author_id: Set(access.user_id()),
        rating: Set(input.rating),
        comment: Set(comment),
        would_rehire: Set(input.would_rehire),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("review.submit", Subject::Review, review.id),
    )
    .await?;
    tx.commit().await?;
    Ok(review)
}

/// A review as one viewer may see it.
pub struct Visible {
    pub review: review::Model,
    /// Whether `would_rehire` may be shown: to the reviewed company's staff only.
    pub shows_would_rehire: bool,
}

/// The reviews of a contract the caller may see, company side first: none unless the caller
/// may see the contract; their own side's always; the other side's once both are written or
/// the window has closed.
pub fn visible(
    access: &Access,
    contract: &contract::Model,
    reviews: Vec<review::Model>,
) -> Vec<Visible> {
    if !access.can_see_engagement(contract.company_id, contract.freelancer_id) {
        return Vec::new();
    }
    let staff = access.is_staff(contract.company_id);
    let viewer_side = if contract.freelancer_id == access.user_id() {
        ReviewSide::Freelancer
    } else {
        ReviewSide::Company
    };
    let published = reviews.len() >= 2 || window_closed(contract, now());
    let mut shown: Vec<Visible> = reviews
        .into_iter()
        .filter(|r| published || r.side == viewer_side)
        .map(|review| Visible {
            review,
            shows_would_rehire: staff,
        })
        .collect();
    shown.sort_by_key(|v| v.review.side != ReviewSide::Company);
    shown
}

/// A freelancer's standing from the companies' published reviews of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rating {
    pub count: i64,
    pub sum: i64,
}

impl Rating {
    /// The mean to one decimal place, rounded half up in integers; `None` without reviews.
    pub fn average(&self) -> Option<f64> {
        (self.count > 0).then(|| ((20 * self.sum + self.count) / (2 * self.count)) as f64 / 10.0)
    }
}

/// The ratings of several users at once (a DataLoader's batch): the published company-side
/// reviews of their contracts.
pub async fn ratings_of(
    db: &impl ConnectionTrait,
    user_ids: &[i64],
) -> Result<HashMap<i64, Rating>, DbErr> {
    let contracts = contract::Entity::find()
        .filter(contract::Column::FreelancerId.is_in(user_ids.iter().copied()))
        .filter(
            contract::Column::Id.in_subquery(
                Query::select()
                    .column(review::Column::ContractId)
                    .from(review::Entity)
                    .to_owned(),
            ),
        )
        .all(db)
        .await?;
    let reviews = review::Entity::find()
        .filter(review::Column::ContractId.is_in(contracts.iter().map(|c| c.id)))
        .all(db)
        .await?;
    let mut by_contract: HashMap<i64, Vec<review::Model>> = HashMap::new();
    for review in reviews {
        by_contract
            .entry(review.contract_id)
            .or_default()
            .push(review);
    }
    let at = now();
    let mut ratings: HashMap<i64, Rating> = HashMap::new();
    for contract in contracts {
        let Some(reviews) = by_contract.get(&contract.id) else {
            continue;
        };
        let published = reviews.len() >= 2 || window_closed(&contract, at);
        let company_side = reviews.iter().find(|r| r.side == ReviewSide::Company);
        if let (true, Some(review)) = (published, company_side) {
            let rating = ratings.entry(contract.freelancer_id).or_default();
            rating.count += 1;
            rating.sum += i64::from(review.rating);
        }
    }
    Ok(ratings)
}

#[cfg(test)]
mod tests {
    use super::Rating;

    #[test]
    fn averages_round_half_up_to_one_decimal() {
        assert_eq!(Rating::default().average(), None);
        assert_eq!(Rating { count: 1, sum: 5 }.average(), Some(5.0));
        assert_eq!(Rating { count: 3, sum: 13 }.average(), Some(4.3));
        assert_eq!(Rating { count: 4, sum: 17 }.average(), Some(4.3)); // 4.25
        assert_eq!(Rating { count: 3, sum: 14 }.average(), Some(4.7));
    }
}
