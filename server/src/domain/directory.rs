//! The consented alumni directory (issue 13 §3) and "what this company holds about me" with
//! the deletion request (§1). Every read asks `consents::consenting` afresh, so a withdrawal
//! hides her from that company's directory on the next request and from nothing else.
use std::collections::HashMap;

use entity::profile::Availability;
use entity::states::{BidStatus, CompanyRole, ConsentPurpose, ProjectStatus, ReviewSide};
use entity::{alumni_record, bid, consent, contract, invoice, payout, project, review, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde_json::json;

use super::audit::Subject;
use super::error::{DomainError, DomainResult};
use super::notifications::{self, Kind, Notice};
use super::page::{Page, Paged};
use super::profiles::{self, Profile, View};
use super::reviews::{Rating, ratings_of};
use super::{Access, audit, consents, now, write_tx};

pub const MAX_INVITES: usize = 50;

/// The directory's filters; all optional, all must hold.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Matches one of her skills, case-insensitively.
    pub skill: Option<String>,
    pub availability: Option<Availability>,
    /// Matches the roster's department exactly (trimmed).
    pub department: Option<String>,
    pub left_year: Option<i32>,
    /// Her average rating at least this (staff only); no rating fails the filter.
    pub min_rating: Option<f64>,
}

/// One listed alumna as the caller may see her.
#[derive(Debug, Clone)]
pub struct Entry {
    pub user: user::Model,
    pub view: View,
    pub profile: Option<Profile>,
    pub record: alumni_record::Model,
    /// Staff only.
    pub rating: Option<Rating>,
    /// Staff only: the company's own reviews' `wouldRehire`, newest first.
    pub would_rehire: Vec<bool>,
}

/// Whether the caller reads the directory as staff (full entries) or as a consenting alumna
/// (peers' name, headline, skills, links). NOT_FOUND for a company she cannot see at all,
/// FORBIDDEN for an alumna who has not consented to be listed herself.
async fn mode(db: &impl ConnectionTrait, access: &Access, company_id: i64) -> DomainResult<View> {
    if access.is_staff(company_id) {
        return Ok(View::Full);
    }
    if !access.alumni_of.contains(&company_id) {
        return Err(DomainError::NotFound("company"));
    }
    if consents::has(db, access.user_id(), company_id, ConsentPurpose::Directory).await? {
        Ok(View::Peer)
    } else {
        Err(DomainError::forbidden(
            "seeing the alumni directory requires your own DIRECTORY consent for this company",
        ))
    }
}

/// The company's consenting roster alumni matching `filter`, newest account first (keyset on
/// the user id). The roster bounds the candidates, so filtering happens after one read of them.
pub async fn list(
    db: &impl ConnectionTrait,
    access: &Access,
    company_id: i64,
    filter: &Filter,
    page: Page,
) -> DomainResult<Paged<Entry>> {
    let view = mode(db, access, company_id).await?;
    let mut ids = consents::consenting(db, company_id, ConsentPurpose::Directory).await?;
    ids.retain(|id| *id != access.user_id() && page.after.is_none_or(|a| *id < a));
    ids.reverse();
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let records = alumni_record::Entity::find()
        .filter(alumni_record::Column::CompanyId.eq(company_id))
        .filter(alumni_record::Column::Email.is_in(users.iter().map(|u| u.email.as_str())))
        .all(db)
        .await?;
    let mut profiles: HashMap<i64, Profile> = profiles::load_many(db, &ids)
        .await?
        .into_iter()
        .map(|p| (p.row.user_id, p))
        .collect();
    let (ratings, rehire) = if view == View::Full {
        (
            ratings_of(db, &ids).await?,
            would_rehire(db, company_id, &ids).await?,
        )
    } else {
        (HashMap::new(), HashMap::new())
    };
    let skill = filter.skill.as_deref().map(|s| s.trim().to_lowercase());
    let department = filter.department.as_deref().map(str::trim);
    let mut rows = Vec::new();
    for id in ids {
        let (Some(user), profile) = (users.iter().find(|u| u.id == id), profiles.remove(&id))
        else {
            continue;
        };
        let Some(record) = records.iter().find(|r| r.email == user.email) else {
            continue;
        };
        let rating = ratings.get(&id).copied().unwrap_or_default();
        let keep = skill.as_deref().is_none_or(|s| {
            s.is_empty()
                || profile
                    .as_ref()
                    .is_some_and(|p| p.skills.iter().any(|k| k == s))
        }) && filter
            .availability
            .is_none_or(|a| profile.as_ref().is_some_and(|p| p.row.availability == a))
            && department.is_none_or(|d| d.is_empty() || record.department.as_deref() == Some(d))
            && filter.left_year.is_none_or(|y| record.left_year == Some(y))
            && (view != View::Full
                || filter
                    .min_rating
                    .is_none_or(|m| rating.average().is_some_and(|r| r >= m)));
        if !keep {
            continue;
        }
        rows.push(Entry {
            user: user.clone(),
            view,
            profile,
            record: record.clone(),
            rating: (view == View::Full).then_some(rating),
            would_rehire: rehire.get(&id).cloned().unwrap_or_default(),
        });
        if rows.len() as u64 == page.limit() {
            break;
        }
    }
    Ok(Paged::from_fetch(rows, page))
}

/// The company-side reviews' `wouldRehire` per freelancer, newest first: the company's own,
/// never another's.
async fn would_rehire(
    db: &impl ConnectionTrait,
    company_id: i64,
    user_ids: &[i64],
) -> DomainResult<HashMap<i64, Vec<bool>>> {
    let contracts = contract::Entity::find()
        .filter(contract::Column::CompanyId.eq(company_id))
        .filter(contract::Column::FreelancerId.is_in(user_ids.iter().copied()))
        .all(db)
        .await?;
    let reviews = review::Entity::find()
        .filter(review::Column::ContractId.is_in(contracts.iter().map(|c| c.id)))
        .filter(review::Column::Side.eq(ReviewSide::Company))
        .order_by_desc(review::Column::Id)
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<bool>> = HashMap::new();
    for review in reviews {
        let (Some(flag), Some(c)) = (
            review.would_rehire,
            contracts.iter().find(|c| c.id == review.contract_id),
        ) else {
            continue;
        };
        out.entry(c.freelancer_id).or_default().push(flag);
    }
    Ok(out)
}

/// Invites chosen alumni to bid on an OPEN project of the company (ADMIN/MEMBER): each must be
/// listed in its directory now, else BAD_USER_INPUT naming the id. One notification per
/// person and one audit event each, in one transaction. Returns the invited users.
#[tracing::instrument(skip_all, fields(user = access.user_id(), project_id))]
pub async fn invite_to_bid(
    db: &DatabaseConnection,
    access: &Access,
    project_id: i64,
    user_ids: &[(i64, String)],
) -> DomainResult<Vec<user::Model>> {
    let project = project::Entity::find_by_id(project_id)
        .one(db)
        .await?
        .filter(|p| access.can_see_project(p))
        .ok_or(DomainError::NotFound("project"))?;
    access.require_role(
        project.company_id,
        &[CompanyRole::Admin, CompanyRole::Member],
        "inviting alumni to bid",
    )?;
    if user_ids.is_empty() || user_ids.len() > MAX_INVITES {
        return Err(DomainError::bad_input(
            "input.userIds",
            format!("give between 1 and {MAX_INVITES} people"),
        ));
    }
    let tx = write_tx(db).await?;
    let current = project::Entity::find_by_id(project_id)
        .one(&tx)
        .await?
        .ok_or(DomainError::NotFound("project"))?;
    if current.status != ProjectStatus::Open {
        return Err(DomainError::conflict(format!(
            "the project is {}; only an OPEN project takes invitations",
            current.status.to_value()
        )));
    }
    let listed = consents::consenting(&tx, project.company_id, ConsentPurpose::Directory).await?;
    let mut chosen: Vec<i64> = Vec::new();
    for (i, (id, raw)) in user_ids.iter().enumerate() {
        if !listed.contains(id) {
            return Err(DomainError::bad_input(
                format!("input.userIds[{i}]"),
                format!("{raw} is not in this company's alumni directory"),
            ));
        }
        if !chosen.contains(id) {
            chosen.push(*id);
        }
    }
    for id in &chosen {
        notifications::notify(
            &tx,
            Notice {
                user_id: *id,
                kind: Kind::InvitedToBid,
                company_id: Some(project.company_id),
                subject: Some((Subject::Project, project.id)),
                params: json!({ "title": project.title }),
            },
        )
        .await?;
        audit::record(
            &tx,
            Some(access.user_id()),
            audit::Change::new("project.invite_to_bid", Subject::Project, project.id)
                .detail(id.to_string()),
        )
        .await?;
    }
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(chosen.iter().copied()))
        .order_by_asc(user::Column::Id)
        .all(&tx)
        .await?;
    tx.commit().await?;
    Ok(users)
}

/// One kind of record a company holds about her.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldGroup {
    /// `BID`, `CONTRACT`, `INVOICE`, `PAYOUT`, `REVIEW`; later areas add theirs (applications,
    /// RSVPs) in `held_groups`.
    pub kind: &'static str,
    pub ids: Vec<i64>,
    /// How long the company must keep it, and why; `None`: nothing requires it.
    pub retention: Option<&'static str>,
}

/// Everything one company can see about her.
#[derive(Debug, Clone)]
pub struct Holdings {
    pub company_id: i64,
    pub roster: Option<alumni_record::Model>,
    pub consents: Vec<consent::Model>,
    /// What its staff see of her profile now (only while listed with DIRECTORY consent).
    pub profile_shown: Option<Profile>,
    pub groups: Vec<HeldGroup>,
}

pub const RETENTION_BOOKS: &str = "7年間保存（法人税法第126条・法人税法施行規則第59条の帳簿書類、消費税法の適格請求書等の写し） / kept 7 years: books and records under the Corporation Tax Act (art. 126; Enforcement Regulation art. 59) and qualified invoice copies under the Consumption Tax Act";
pub const RETENTION_CONTRACT: &str = "7年間保存（取引に関する書類：法人税法施行規則第59条） / kept 7 years: documents of the transaction (Corporation Tax Act Enforcement Regulation art. 59)";
pub const RETENTION_REVIEW: &str = "契約の記録の一部として契約と同じ期間保存 / kept with the contract it belongs to, for as long as the contract";

/// The roster entry, consents and profile shown are always reported; then every group of
/// records tied to her and the company. Applications and RSVPs (issue 13 §5, §6) belong here.
async fn held_groups(
    db: &impl ConnectionTrait,
    user_id: i64,
    company_id: i64,
) -> DomainResult<Vec<HeldGroup>> {
    let project_ids: Vec<i64> = project::Entity::find()
        .filter(project::Column::CompanyId.eq(company_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let bids: Vec<i64> = bid::Entity::find()
        .filter(bid::Column::BidderId.eq(user_id))
        .filter(bid::Column::ProjectId.is_in(project_ids))
        .order_by_asc(bid::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|b| b.id)
        .collect();
    let contracts: Vec<i64> = contract::Entity::find()
        .filter(contract::Column::CompanyId.eq(company_id))
        .filter(contract::Column::FreelancerId.eq(user_id))
        .order_by_asc(contract::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let invoices: Vec<i64> = invoice::Entity::find()
        .filter(invoice::Column::ContractId.is_in(contracts.iter().copied()))
        .order_by_asc(invoice::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|i| i.id)
        .collect();
    let payouts: Vec<i64> = payout::Entity::find()
        .filter(payout::Column::InvoiceId.is_in(invoices.iter().copied()))
        .order_by_asc(payout::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let reviews: Vec<i64> = review::Entity::find()
        .filter(review::Column::ContractId.is_in(contracts.iter().copied()))
        .order_by_asc(review::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    Ok(vec![
        HeldGroup {
            kind: "BID",
            ids: bids,
            retention: None,
        },
        HeldGroup {
            kind: "CONTRACT",
            ids: contracts,
            retention: Some(RETENTION_CONTRACT),
        },
        HeldGroup {
            kind: "INVOICE",
            ids: invoices,
            retention: Some(RETENTION_BOOKS),
        },
        HeldGroup {
            kind: "PAYOUT",
            ids: payouts,
            retention: Some(RETENTION_BOOKS),
        },
        HeldGroup {
            kind: "REVIEW",
            ids: reviews,
            retention: Some(RETENTION_REVIEW),
        },
    ])
}

async fn roster_entry(
    db: &impl ConnectionTrait,
    email: &str,
    company_id: i64,
) -> DomainResult<Option<alumni_record::Model>> {
    Ok(alumni_record::Entity::find()
        .filter(alumni_record::Column::CompanyId.eq(company_id))
        .filter(alumni_record::Column::Email.eq(email))
        .one(db)
        .await?)
}

/// What the company can see about the caller. NOT_FOUND unless she is on its roster or it
/// holds something about her (consents, bids, contracts).
pub async fn held_by(
    db: &impl ConnectionTrait,
    access: &Access,
    company_id: i64,
) -> DomainResult<Holdings> {
    let user_id = access.user_id();
    let roster = roster_entry(db, &access.actor.email, company_id).await?;
    let consents: Vec<consent::Model> = consents::of_user(db, user_id)
        .await?
        .into_iter()
        .filter(|c| c.company_id == company_id)
        .collect();
    let groups = held_groups(db, user_id, company_id).await?;
    if roster.is_none() && consents.is_empty() && groups.iter().all(|g| g.ids.is_empty()) {
        return Err(DomainError::NotFound("company"));
    }
    let profile_shown = if consents::has(db, user_id, company_id, ConsentPurpose::Directory).await?
    {
        profiles::load(db, user_id).await?
    } else {
        None
    };
    Ok(Holdings {
        company_id,
        roster,
        consents,
        profile_shown,
        groups,
    })
}

/// One line of a deletion's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeletionItem {
    pub kind: &'static str,
    pub count: usize,
    /// For what is kept: how long and why.
    pub reason: Option<&'static str>,
}

/// What `request_deletion` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeletionReport {
    pub deleted: Vec<DeletionItem>,
    pub kept: Vec<DeletionItem>,
}

/// Her deletion request to one company (APPI): in one transaction, her roster entry is deleted
/// (so her profile is no longer shown to it), every live consent to it withdrawn and her
/// PENDING bids on its projects withdrawn, each audited; contracts, invoices, payouts and
/// reviews stay for their statutory period, and the answer says so.
#[tracing::instrument(skip_all, fields(user = access.user_id(), company_id))]
pub async fn request_deletion(
    db: &DatabaseConnection,
    access: &Access,
    company_id: i64,
) -> DomainResult<DeletionReport> {
    let tx = write_tx(db).await?;
    // Read inside the transaction, so the answer matches what it deletes and keeps.
    let held = held_by(&tx, access, company_id).await?;
    let user_id = access.user_id();
    let at = now();
    let mut roster_deleted = 0;
    if let Some(record) = roster_entry(&tx, &access.actor.email, company_id).await? {
        let deleted = alumni_record::Entity::delete_by_id(record.id)
            .exec(&tx)
            .await?;
        if deleted.rows_affected == 1 {
            roster_deleted = 1;
            audit::record(
                &tx,
                Some(user_id),
                audit::Change::new("alumni.remove.on_request", Subject::AlumniRecord, record.id),
            )
            .await?;
        }
    }
    let live = consent::Entity::find()
        .filter(consent::Column::UserId.eq(user_id))
        .filter(consent::Column::CompanyId.eq(company_id))
        .filter(consent::Column::WithdrawnAt.is_null())
        .all(&tx)
        .await?;
    for c in &live {
        consent::Entity::update_many()
            .col_expr(consent::Column::WithdrawnAt, Expr::value(at))
            .filter(consent::Column::Id.eq(c.id))
            .filter(consent::Column::WithdrawnAt.is_null())
            .exec(&tx)
            .await?;
        audit::record(
            &tx,
            Some(user_id),
            audit::Change::new("consent.withdraw.on_request", Subject::Consent, c.id)
                .detail(c.purpose.to_value()),
        )
        .await?;
    }
    let bid_ids = held
        .groups
        .iter()
        .find(|g| g.kind == "BID")
        .map(|g| g.ids.clone())
        .unwrap_or_default();
    let pending = bid::Entity::find()
        .filter(bid::Column::Id.is_in(bid_ids))
        .filter(bid::Column::Status.eq(BidStatus::Pending))
        .all(&tx)
        .await?;
    let mut bids_withdrawn = 0;
    for b in &pending {
        let updated = bid::Entity::update_many()
            .col_expr(
                bid::Column::Status,
                Expr::value(BidStatus::Withdrawn.to_value()),
            )
            .col_expr(bid::Column::UpdatedAt, Expr::value(at))
            .filter(bid::Column::Id.eq(b.id))
            .filter(bid::Column::Status.eq(BidStatus::Pending))
            .exec(&tx)
            .await?;
        if updated.rows_affected == 1 {
            bids_withdrawn += 1;
            audit::record(
                &tx,
                Some(user_id),
                audit::Change::new("bid.withdraw.on_request", Subject::Bid, b.id)
                    .from(BidStatus::Pending)
                    .to(BidStatus::Withdrawn),
            )
            .await?;
        }
    }
    audit::record(
        &tx,
        Some(user_id),
        audit::Change::new("data.deletion_request", Subject::Company, company_id),
    )
    .await?;
    tx.commit().await?;
    let deleted = vec![
        DeletionItem {
            kind: "ROSTER_ENTRY",
            count: roster_deleted,
            reason: None,
        },
        DeletionItem {
            kind: "PROFILE_VISIBILITY",
            count: usize::from(held.profile_shown.is_some()),
            reason: None,
        },
        DeletionItem {
            kind: "CONSENT",
            count: live.len(),
            reason: None,
        },
        DeletionItem {
            kind: "PENDING_BID",
            count: bids_withdrawn,
            reason: None,
        },
    ];
    let kept = held
        .groups
        .iter()
        .filter_map(|g| {
            g.retention.map(|reason| DeletionItem {
                kind: g.kind,
                count: g.ids.len(),
                reason: Some(reason),
            })
        })
        .chain(std::iter::once(DeletionItem {
            kind: "CONSENT_HISTORY",
            count: held.consents.len(),
            reason: Some(
                "同意の記録（いつ・どの文言に同意し、いつ撤回したか）として保存 / kept as the record of what she agreed to and when she withdrew (APPI)",
            ),
        }))
        .collect();
    Ok(DeletionReport { deleted, kept })
}
