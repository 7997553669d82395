//! The notifications the marketplace's own changes write (issue 13 §7), each called inside
//! the transaction of its change so that a rolled-back change notifies no one. One function
//! per event keeps the hunks in the changing modules to one line.
//!
//! Params convention (read by `notification_mail::message`): `title` is what the message
//! names (a project, milestone or invoice); other keys are extra values a message may use.
use entity::states::ProjectVisibility;
use std::collections::{HashMap, HashSet};

use entity::{
    alumni_record, bid, contract, invoice, milestone, payout, profile_skill, project,
    project_skill, user,
};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;

use super::audit::Subject;
use super::error::DomainResult;
use super::notification_mail::finance_of;
use super::notifications::{Kind, Notice, notify};

/// The bidder learns her bid was accepted or not (also when the project went to another bid).
pub(crate) async fn bid_decided(
    tx: &impl ConnectionTrait,
    bid_id: i64,
    accepted: bool,
) -> DomainResult<()> {
    let Some(bid) = bid::Entity::find_by_id(bid_id).one(tx).await? else {
        return Ok(());
    };
    let Some(project) = project::Entity::find_by_id(bid.project_id).one(tx).await? else {
        return Ok(());
    };
    notify(
        tx,
        Notice {
            user_id: bid.bidder_id,
            kind: if accepted {
                Kind::BidAccepted
            } else {
                Kind::BidRejected
            },
            company_id: Some(project.company_id),
            subject: Some((Subject::Bid, bid.id)),
            params: json!({ "title": project.title }),
        },
    )
    .await?;
    Ok(())
}

/// The freelancer learns her delivery was accepted (by a person or automatically) or sent back.
pub(crate) async fn delivery_decided(
    tx: &impl ConnectionTrait,
    milestone_id: i64,
    accepted: bool,
) -> DomainResult<()> {
    let Some(m) = milestone::Entity::find_by_id(milestone_id).one(tx).await? else {
        return Ok(());
    };
    let Some(c) = contract::Entity::find_by_id(m.contract_id).one(tx).await? else {
        return Ok(());
    };
    notify(
        tx,
        Notice {
            user_id: c.freelancer_id,
            kind: if accepted {
                Kind::DeliveryAccepted
            } else {
                Kind::ChangesRequested
            },
            company_id: Some(c.company_id),
            subject: Some((Subject::Milestone, m.id)),
            params: json!({ "title": m.title }),
        },
    )
    .await?;
    Ok(())
}

/// The freelancer learns her invoice was approved or rejected.
pub(crate) async fn invoice_decided(
    tx: &impl ConnectionTrait,
    inv: &invoice::Model,
    approved: bool,
) -> DomainResult<()> {
    notify(
        tx,
        Notice {
            user_id: inv.submitted_by,
            kind: if approved {
                Kind::InvoiceApproved
            } else {
                Kind::InvoiceRejected
            },
            company_id: Some(inv.company_id),
            subject: Some((Subject::Invoice, inv.id)),
            params: json!({ "title": inv.description }),
        },
    )
    .await?;
    Ok(())
}

/// Each FINANCE member of the company learns a new invoice awaits review.
pub(crate) async fn invoice_submitted(
    tx: &impl ConnectionTrait,
    inv: &invoice::Model,
) -> DomainResult<()> {
    for member in finance_of(tx, inv.company_id).await? {
        notify(
            tx,
            Notice {
                user_id: member,
                kind: Kind::InvoiceAwaitingReview,
                company_id: Some(inv.company_id),
                subject: Some((Subject::Invoice, inv.id)),
                params: json!({ "title": inv.description }),
            },
        )
        .await?;
    }
    Ok(())
}

/// The freelancer learns her payout was paid or failed.
pub(crate) async fn payout_settled(
    tx: &impl ConnectionTrait,
    p: &payout::Model,
    paid: bool,
) -> DomainResult<()> {
    let Some(inv) = invoice::Entity::find_by_id(p.invoice_id).one(tx).await? else {
        return Ok(());
    };
    notify(
        tx,
        Notice {
            user_id: inv.submitted_by,
            kind: if paid {
                Kind::PayoutPaid
            } else {
                Kind::PayoutFailed
            },
            company_id: Some(p.company_id),
            subject: Some((Subject::Payout, p.id)),
            params: json!({ "title": inv.description }),
        },
    )
    .await?;
    Ok(())
}

/// A project open to the company's alumni: each verified alumna on its roster whose profile
/// skills meet the project's learns of it — and one who lists no skills (or a project that
/// names none), since nothing says it does not concern her.
pub(crate) async fn project_published(
    tx: &impl ConnectionTrait,
    p: &project::Model,
) -> DomainResult<()> {
    if p.visibility != ProjectVisibility::CompanyAlumni {
        return Ok(());
    }
    let roster = Query::select()
        .column(alumni_record::Column::Email)
        .from(alumni_record::Entity)
        .and_where(alumni_record::Column::CompanyId.eq(p.company_id))
        .take();
    let alumni: Vec<i64> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Email.in_subquery(roster))
        .filter(user::Column::EmailVerifiedAt.is_not_null())
        .filter(user::Column::Id.ne(p.created_by))
        .order_by_asc(user::Column::Id)
        .into_tuple()
        .all(tx)
        .await?;
    let wanted: HashSet<String> = project_skill::Entity::find()
        .filter(project_skill::Column::ProjectId.eq(p.id))
        .all(tx)
        .await?
        .into_iter()
        .map(|s| s.skill.to_lowercase())
        .collect();
    let mut theirs: HashMap<i64, HashSet<String>> = HashMap::new();
    for row in profile_skill::Entity::find()
        .filter(profile_skill::Column::UserId.is_in(alumni.iter().copied()))
        .all(tx)
        .await?
    {
        theirs
            .entry(row.user_id)
            .or_default()
            .insert(row.skill.to_lowercase());
    }
    let concerns = |user_id: &i64| match theirs.get(user_id) {
        Some(skills) if !wanted.is_empty() => !skills.is_disjoint(&wanted),
        _ => true,
    };
    for user_id in alumni.into_iter().filter(concerns) {
        notify(
            tx,
            Notice {
                user_id,
                kind: Kind::ProjectPublished,
                company_id: Some(p.company_id),
                subject: Some((Subject::Project, p.id)),
                params: json!({ "title": p.title }),
            },
        )
        .await?;
    }
    Ok(())
}
