//! Delivery and acceptance of milestones:
//! ACTIVE | CHANGES_REQUESTED ──submitDelivery──▶ SUBMITTED ──acceptDelivery / auto──▶ ACCEPTED,
//! SUBMITTED ──requestChanges──▶ CHANGES_REQUESTED.
//!
//! Each change is a conditional `UPDATE … WHERE status = …` on a row locked on PostgreSQL, so
//! of two racing changes exactly one wins and the other is a `CONFLICT`. Acceptance adds the
//! milestone's amount to `contracts.accepted_minor` in the same transaction: that is what
//! invoices may bill.
use chrono::{DateTime, Duration, Utc};
use entity::states::{CompanyRole, MilestoneStatus};
use entity::{company, contract, job, milestone};
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect,
};

use super::audit::Subject;
use super::error::{DomainError, DomainResult};
use super::jobs::{self, Outcome};
use super::{Access, audit, compliance, contracts, milestones, now, text, write_tx};
use entity::refusal::{ReasonCode, RefusalKind};

/// Who reviews deliveries for the company.
pub const REVIEWERS: &[CompanyRole] = &[CompanyRole::Admin, CompanyRole::Member];
pub const MAX_NOTE_CHARS: usize = 5_000;
pub const MAX_REASON_CHARS: usize = 2_000;
pub const MAX_LINKS: usize = 10;
pub const MAX_LINK_CHARS: usize = 2_000;

/// A delivery as the freelancer sends it.
pub struct Delivery<'a> {
    pub note: &'a str,
    pub links: &'a [String],
}

/// ACTIVE or CHANGES_REQUESTED → SUBMITTED, by the contract's freelancer. The company's
/// review window starts: unless it acts, the milestone's `milestone.auto_accept` job
/// (rescheduled on every delivery) accepts the delivery when the window closes.
#[tracing::instrument(skip_all, fields(user = access.user_id(), milestone_id))]
pub async fn submit(
    db: &DatabaseConnection,
    access: &Access,
    milestone_id: i64,
    delivery: Delivery<'_>,
) -> DomainResult<milestone::Model> {
    let note = text::multi_line(delivery.note, "input.note", MAX_NOTE_CHARS)?;
    let links = check_links(delivery.links, "input.links")?;
    let tx = write_tx(db).await?;
    let (m, contract) = for_update(&tx, access, milestone_id).await?;
    if contract.freelancer_id != access.user_id() {
        return Err(DomainError::forbidden(
            "only the contract's freelancer delivers its milestones",
        ));
    }
    contracts::require_running(
        &contract,
        "",
        "work is only delivered on a running contract",
    )?;
    if !matches!(
        m.status,
        MilestoneStatus::Active | MilestoneStatus::ChangesRequested
    ) {
        return Err(wrong_state(
            &m,
            "only an ACTIVE or CHANGES_REQUESTED milestone can be delivered",
        ));
    }
    let company = company::Entity::find_by_id(contract.company_id)
        .one(&tx)
        .await?
        .ok_or(DomainError::NotFound("company"))?;
    let at = now();
    let auto_accept_at = at + Duration::days(i64::from(company.review_window_days));
    let links_json = serde_json::to_string(&links)
        .map_err(|e| DomainError::Internal(anyhow::Error::new(e).context("encoding links")))?;
    let m = transition(
        &tx,
        m,
        MilestoneStatus::Submitted,
        &[
            (milestone::Column::DeliveryNote, Expr::value(note.clone())),
            (
                milestone::Column::DeliveryLinks,
                Expr::value(links_json.clone()),
            ),
            (milestone::Column::SubmittedAt, Expr::value(at)),
            (milestone::Column::AutoAcceptAt, Expr::value(auto_accept_at)),
        ],
        None,
    )
    .await?;
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("milestone.submit", Subject::Milestone, m.row.id)
            .from(m_from(&m))
            .to(MilestoneStatus::Submitted),
    )
    .await?;
    jobs::schedule(&tx, jobs::MILESTONE_AUTO_ACCEPT, m.row.id, auto_accept_at).await?;
    tx.commit().await?;
    Ok(milestone::Model {
        status: MilestoneStatus::Submitted,
        delivery_note: Some(note),
        delivery_links: Some(links_json),
        submitted_at: Some(at),
        auto_accept_at: Some(auto_accept_at),
        updated_at: at,
        ..m.row
    })
}

/// SUBMITTED → CHANGES_REQUESTED with a reason and its code (recorded for the compliance
/// report, `domain::compliance`), by the company's ADMIN or MEMBER. The review window stops
/// until the next delivery.
#[tracing::instrument(skip_all, fields(user = access.user_id(), milestone_id))]
pub async fn request_changes(
    db: &DatabaseConnection,
    access: &Access,
    milestone_id: i64,
    reason: &str,
    code: ReasonCode,
) -> DomainResult<milestone::Model> {
    let reason = text::multi_line(reason, "input.reason", MAX_REASON_CHARS)?;
    let tx = write_tx(db).await?;
    let (m, contract) = for_update(&tx, access, milestone_id).await?;
    access.require_role(contract.company_id, REVIEWERS, "requesting changes")?;
    if m.status != MilestoneStatus::Submitted {
        return Err(wrong_state(
            &m,
            "only a SUBMITTED milestone can be sent back for changes",
        ));
    }
    let no_deadline: Option<DateTime<Utc>> = None;
    let m = transition(
        &tx,
        m,
        MilestoneStatus::ChangesRequested,
        &[
            (
                milestone::Column::ChangesReason,
                Expr::value(reason.clone()),
            ),
            (milestone::Column::AutoAcceptAt, Expr::value(no_deadline)),
        ],
        None,
    )
    .await?;
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("milestone.request_changes", Subject::Milestone, m.row.id)
            .from(MilestoneStatus::Submitted)
            .to(MilestoneStatus::ChangesRequested)
            .detail(code.to_value()),
    )
    .await?;
    super::notification_hooks::delivery_decided(&tx, m.row.id, false).await?;
    compliance::record(
        &tx,
        compliance::Refusal {
            company_id: contract.company_id,
            contract_id: contract.id,
            kind: RefusalKind::ChangesRequested,
            subject_id: m.row.id,
            code,
            reason: &reason,
            actor_id: access.user_id(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(milestone::Model {
        status: MilestoneStatus::ChangesRequested,
        changes_reason: Some(reason),
        auto_accept_at: None,
        updated_at: m.at,
        ..m.row
    })
}

/// SUBMITTED → ACCEPTED, by the company's ADMIN or MEMBER: `acceptedAt` is the inspection
/// date, and the amount becomes invoiceable.
#[tracing::instrument(skip_all, fields(user = access.user_id(), milestone_id))]
pub async fn accept(
    db: &DatabaseConnection,
    access: &Access,
    milestone_id: i64,
) -> DomainResult<milestone::Model> {
    let tx = write_tx(db).await?;
    let (m, contract) = for_update(&tx, access, milestone_id).await?;
    access.require_role(contract.company_id, REVIEWERS, "accepting a delivery")?;
    if m.status != MilestoneStatus::Submitted {
        return Err(wrong_state(
            &m,
            "only a SUBMITTED milestone can be accepted",
        ));
    }
    let at = now();
    let accepted = accept_in(&tx, Some(access.user_id()), m, at, None).await?;
    tx.commit().await?;
    Ok(accepted)
}

/// The `milestone.auto_accept` job: accepts the delivery if it is still SUBMITTED and its
/// review window closed by `at`, with no actor; the job finishes in the same transaction.
/// A delivery sent back and submitted again carries a later deadline and its job was
/// rescheduled to it, so a worker that claimed the job for the earlier deadline accepts
/// nothing and leaves the rescheduled job alone. Returns whether the milestone was accepted.
#[tracing::instrument(skip_all, fields(job = job.id, milestone = job.subject_id))]
pub async fn auto_accept(
    db: &DatabaseConnection,
    job: &job::Model,
    at: DateTime<Utc>,
) -> DomainResult<bool> {
    let tx = write_tx(db).await?;
    let found = milestone::Entity::find_by_id(job.subject_id)
        .lock_exclusive()
        .one(&tx)
        .await?;
    let (accepted, outcome) = match found {
        Some(m) if m.status == MilestoneStatus::Submitted => match m.auto_accept_at {
            Some(deadline) if deadline <= at => {
                // The window closed at the deadline: that is the inspection date.
                accept_in(&tx, None, m, deadline, Some(at)).await?;
                (true, Outcome::Done)
            }
            // Delivered again since the job was claimed: wait for the new deadline.
            Some(deadline) => (
                false,
                Outcome::RetryAt(deadline, "the delivery was submitted again".to_string()),
            ),
            None => (false, Outcome::Done),
        },
        _ => (false, Outcome::Done),
    };
    jobs::finish_claimed(&tx, job, outcome).await?;
    tx.commit().await?;
    Ok(accepted)
}

/// SUBMITTED → ACCEPTED and `accepted_minor += amount`, audited. `due_by` adds the condition
/// that the review window closed by then (auto-acceptance).
async fn accept_in(
    tx: &impl ConnectionTrait,
    actor: Option<i64>,
    m: milestone::Model,
    accepted_at: DateTime<Utc>,
    due_by: Option<DateTime<Utc>>,
) -> DomainResult<milestone::Model> {
    let no_deadline: Option<DateTime<Utc>> = None;
    let moved = transition(
        tx,
        m,
        MilestoneStatus::Accepted,
        &[
            (milestone::Column::AcceptedAt, Expr::value(accepted_at)),
            (milestone::Column::AutoAcceptAt, Expr::value(no_deadline)),
        ],
        due_by,
    )
    .await?;
    let grown = contract::Entity::update_many()
        .col_expr(
            contract::Column::AcceptedMinor,
            Expr::col(contract::Column::AcceptedMinor).add(moved.row.amount_minor),
        )
        .col_expr(contract::Column::UpdatedAt, Expr::value(moved.at))
        .filter(contract::Column::Id.eq(moved.row.contract_id))
        .filter(
            Expr::col(contract::Column::AcceptedMinor)
                .add(moved.row.amount_minor)
                .lte(Expr::col(contract::Column::AmountMinor)),
        )
        .exec(tx)
        .await?;
    if grown.rows_affected != 1 {
        return Err(DomainError::conflict(
            "accepting this milestone would accept more than the contract amount",
        ));
    }
    audit::record(
        tx,
        actor,
        audit::Change::new(
            if actor.is_some() {
                "milestone.accept"
            } else {
                "milestone.auto_accept"
            },
            Subject::Milestone,
            moved.row.id,
        )
        .from(MilestoneStatus::Submitted)
        .to(MilestoneStatus::Accepted),
    )
    .await?;
    super::notification_hooks::delivery_decided(tx, moved.row.id, true).await?;
    Ok(milestone::Model {
        status: MilestoneStatus::Accepted,
        accepted_at: Some(accepted_at),
        auto_accept_at: None,
        updated_at: moved.at,
        ..moved.row
    })
}

/// A milestone moved: the row as read (its `status` the state left) and when.
struct Moved {
    row: milestone::Model,
    at: DateTime<Utc>,
}

fn m_from(m: &Moved) -> MilestoneStatus {
    m.row.status
}

/// Moves the milestone on from the status it was read in, setting `columns`; a milestone that
/// moved meanwhile is a `CONFLICT`.
async fn transition(
    tx: &impl ConnectionTrait,
    row: milestone::Model,
    to: MilestoneStatus,
    columns: &[(milestone::Column, SimpleExpr)],
    due_by: Option<DateTime<Utc>>,
) -> DomainResult<Moved> {
    let at = now();
    let mut update = milestone::Entity::update_many()
        .col_expr(milestone::Column::Status, Expr::value(to.to_value()))
        .col_expr(milestone::Column::UpdatedAt, Expr::value(at));
    for (column, value) in columns {
        update = update.col_expr(*column, value.clone());
    }
    let mut update = update
        .filter(milestone::Column::Id.eq(row.id))
        .filter(milestone::Column::Status.eq(row.status));
    if let Some(due_by) = due_by {
        update = update.filter(milestone::Column::AutoAcceptAt.lte(due_by));
    }
    if update.exec(tx).await?.rows_affected != 1 {
        return Err(DomainError::conflict(
            "the milestone changed meanwhile; reload it",
        ));
    }
    Ok(Moved { row, at })
}

/// The milestone and its contract, the milestone row-locked on PostgreSQL; `NOT_FOUND` unless
/// the caller is the contract's freelancer or its company's staff.
async fn for_update(
    tx: &impl ConnectionTrait,
    access: &Access,
    milestone_id: i64,
) -> DomainResult<(milestone::Model, contract::Model)> {
    let (_, contract) = milestones::visible(tx, access, milestone_id).await?;
    let m = milestone::Entity::find_by_id(milestone_id)
        .lock_exclusive()
        .one(tx)
        .await?
        .ok_or(DomainError::NotFound("milestone"))?;
    Ok((m, contract))
}

fn wrong_state(m: &milestone::Model, rule: &str) -> DomainError {
    DomainError::conflict(format!("the milestone is {}; {rule}", m.status.to_value()))
}

/// 0–10 links, each an absolute `http` or `https` URL with a host, no spaces or control
/// characters, at most 2,000 characters. Returned trimmed.
pub fn check_links(links: &[String], field: &str) -> DomainResult<Vec<String>> {
    if links.len() > MAX_LINKS {
        return Err(DomainError::bad_input(
            field,
            format!("at most {MAX_LINKS} links"),
        ));
    }
    links
        .iter()
        .enumerate()
        .map(|(index, link)| {
            let field = format!("{field}.{index}");
            let link = link.trim();
            if link.chars().count() > MAX_LINK_CHARS {
                return Err(DomainError::bad_input(
                    field,
                    format!("must be at most {MAX_LINK_CHARS} characters"),
                ));
            }
            if !is_web_url(link) {
                return Err(DomainError::bad_input(
                    field,
                    format!(
                        "{} is not an http(s) URL such as https://example.com/report",
                        text::quote(link)
                    ),
                ));
            }
            Ok(link.to_string())
        })
        .collect()
}

fn is_web_url(link: &str) -> bool {
    let lower = link.to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &link[8..]
    } else if lower.starts_with("http://") {
        &link[7..]
    } else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']' | '_'))
        && !link.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_must_be_web_urls() {
        let ok = check_links(
            &[
                " https://example.com/report ".to_string(),
                "HTTP://drive.example.jp:8080/a?b#c".to_string(),
            ],
            "input.links",
        )
        .unwrap();
        assert_eq!(ok[0], "https://example.com/report");
        for bad in [
            "ftp://example.com",
            "https://",
            "javascript:alert(1)",
            "https://exa mple.com",
            "https://user@example.com",
            "example.com",
        ] {
            let err = check_links(&[bad.to_string()], "input.links").unwrap_err();
            assert!(
                matches!(&err, DomainError::BadInput { field, .. } if field == "input.links.0"),
                "{bad}: {err:?}"
            );
        }
        let eleven = vec!["https://example.com".to_string(); 11];
        assert!(check_links(&eleven, "input.links").is_err());
    }
}
