//! The alumni roster: a user whose email is on a company's roster is its alumnus, whether
//! they signed up before or after the upload.
use entity::states::{BidStatus, CompanyRole};
use entity::{alumni_record, bid, project, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::audit::Subject;
use super::email::Email;
use super::error::{DomainError, DomainResult};
use super::{Access, audit, now, write_tx};

pub const MAX_ROSTER_UPLOAD: usize = 1000;

/// Adds emails to the roster; ones already on it are returned as they are. ADMIN only.
/// The whole upload is refused if any email is malformed, so nothing is half-applied.
#[tracing::instrument(skip_all, fields(user = access.user_id(), company_id, count = emails.len()))]
pub async fn add(
    db: &DatabaseConnection,
    access: &Access,
    company_id: i64,
    emails: &[String],
) -> DomainResult<Vec<alumni_record::Model>> {
    let entries: Vec<Tenure> = emails.iter().map(|_| Tenure::default()).collect();
    add_with_tenure(db, access, company_id, emails, &entries).await
}

/// Tenure as the roster records it (issue 13 §2): department and leaving year, both optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tenure {
    pub department: Option<String>,
    pub left_year: Option<i32>,
}

/// Checks a roster entry's tenure: a department of at most 100 characters, a leaving year
/// between 1900 and next year.
pub fn parse_tenure(
    department: Option<&str>,
    left_year: Option<i32>,
    field: &str,
) -> DomainResult<Tenure> {
    let department = match department.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => Some(super::text::single_line(
            d,
            &format!("{field}.department"),
            100,
        )?),
        None => None,
    };
    let next_year = chrono::Datelike::year(&now()) + 1;
    if let Some(year) = left_year
        && !(1900..=next_year).contains(&year)
    {
        return Err(DomainError::bad_input(
            format!("{field}.leftYear"),
            format!("must be a year between 1900 and {next_year}"),
        ));
    }
    Ok(Tenure {
        department,
        left_year,
    })
}

/// `add` with each email's tenure (`entries[i]` for `emails[i]`); an entry already on the
/// roster gets the tenure given for it (a given value replaces, an absent one leaves it).
#[tracing::instrument(skip_all, fields(user = access.user_id(), company_id, count = emails.len()))]
pub async fn add_with_tenure(
    db: &DatabaseConnection,
    access: &Access,
    company_id: i64,
    emails: &[String],
    entries: &[Tenure],
) -> DomainResult<Vec<alumni_record::Model>> {
    access.require_company_role(
        company_id,
        &[CompanyRole::Admin],
        "uploading the alumni roster",
    )?;
    let parsed = parse_emails(emails)?;
    let tenure_of = |email: &Email| {
        emails
            .iter()
            .position(|raw| Email::parse(raw, "").is_ok_and(|e| &e == email))
            .and_then(|i| entries.get(i).cloned())
            .unwrap_or_default()
    };
    let tx = write_tx(db).await?;
    let existing = alumni_record::Entity::find()
        .filter(alumni_record::Column::CompanyId.eq(company_id))
        .filter(alumni_record::Column::Email.is_in(parsed.iter().map(Email::as_str)))
        .all(&tx)
        .await?;
    let mut records = Vec::with_capacity(parsed.len());
    for email in parsed {
        let tenure = tenure_of(&email);
        if let Some(found) = existing.iter().find(|r| r.email == email.as_str()) {
            let department = tenure.department.or(found.department.clone());
            let left_year = tenure.left_year.or(found.left_year);
            if department == found.department && left_year == found.left_year {
                records.push(found.clone());
                continue;
            }
            let mut active: alumni_record::ActiveModel = found.clone().into();
            active.department = Set(department);
            active.left_year = Set(left_year);
            let updated = active.update(&tx).await?;
            audit::record(
                &tx,
                Some(access.user_id()),
                audit::Change::new("alumni.tenure", Subject::AlumniRecord, updated.id),
            )
            .await?;
            records.push(updated);
            continue;
        }
        let record = alumni_record::ActiveModel {
            company_id: Set(company_id),
            email: Set(email.into_string()),
            created_at: Set(now()),
            department: Set(tenure.department),
            left_year: Set(tenure.left_year),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        audit::record(
            &tx,
            Some(access.user_id()),
            audit::Change::new("alumni.add", Subject::AlumniRecord, record.id),
        )
        .await?;
        records.push(record);
    }
    tx.commit().await?;
    Ok(records)
}

/// 1 to `MAX_ROSTER_UPLOAD` emails, each well-formed (or nothing happens), without repeats.
fn parse_emails(emails: &[String]) -> DomainResult<Vec<Email>> {
    if emails.is_empty() || emails.len() > MAX_ROSTER_UPLOAD {
        return Err(DomainError::bad_input(
            "input.emails",
            format!("give between 1 and {MAX_ROSTER_UPLOAD} emails"),
        ));
    }
    let mut parsed: Vec<Email> = Vec::with_capacity(emails.len());
    for (i, raw) in emails.iter().enumerate() {
        let email = Email::parse(raw, &format!("input.emails[{i}]"))?;
        if !parsed.contains(&email) {
            parsed.push(email);
        }
    }
    Ok(parsed)
}

/// Takes emails off the roster, one audit event per entry; emails not on it are ignored, so a
/// retry is harmless. Returns the entries removed. ADMIN only; all-or-nothing like `add`.
///
/// In the same transaction, each removed alumnus's PENDING bids on projects they may no longer
/// see are WITHDRAWN (audited): the rule is the one that let them bid, `Access::can_see_project`
/// read again without the removed entries. So their bids on this company's COMPANY_ALUMNI
/// projects go; bids on ALL_ALUMNI projects stay while they are still on some company's roster.
/// Contracts they hold are untouched: the freelancer keeps working, invoicing and being paid.
#[tracing::instrument(skip_all, fields(user = access.user_id(), company_id, count = emails.len()))]
pub async fn remove(
    db: &DatabaseConnection,
    access: &Access,
    company_id: i64,
    emails: &[String],
) -> DomainResult<Vec<alumni_record::Model>> {
    access.require_company_role(
        company_id,
        &[CompanyRole::Admin],
        "removing alumni from the roster",
    )?;
    let parsed = parse_emails(emails)?;
    let tx = write_tx(db).await?;
    let records = alumni_record::Entity::find()
        .filter(alumni_record::Column::CompanyId.eq(company_id))
        .filter(alumni_record::Column::Email.is_in(parsed.iter().map(Email::as_str)))
        .order_by_asc(alumni_record::Column::Id)
        .lock_exclusive()
        .all(&tx)
        .await?;
    if records.is_empty() {
        return Ok(records);
    }
    let deleted = alumni_record::Entity::delete_many()
        .filter(alumni_record::Column::Id.is_in(records.iter().map(|r| r.id)))
        .exec(&tx)
        .await?;
    if deleted.rows_affected != records.len() as u64 {
        return Err(DomainError::conflict(
            "the roster changed meanwhile; reload and retry",
        ));
    }
    for record in &records {
        audit::record(
            &tx,
            Some(access.user_id()),
            audit::Change::new("alumni.remove", Subject::AlumniRecord, record.id),
        )
        .await?;
    }
    let users = user::Entity::find()
        .filter(user::Column::Email.is_in(records.iter().map(|r| r.email.as_str())))
        .all(&tx)
        .await?;
    for user in users {
        withdraw_unseen_bids(&tx, access.user_id(), user.id).await?;
    }
    tx.commit().await?;
    Ok(records)
}

/// Withdraws the user's PENDING bids on projects their access (as it now stands in `tx`) no
/// longer lets them see or bid on. A bid that moved on meanwhile (accepted by a racing
/// `acceptBid`) is left as it is.
async fn withdraw_unseen_bids(
    tx: &impl ConnectionTrait,
    actor_id: i64,
    bidder_id: i64,
) -> DomainResult<()> {
    let bidder = Access::load(tx, bidder_id, false).await?;
    let pending = bid::Entity::find()
        .filter(bid::Column::BidderId.eq(bidder_id))
        .filter(bid::Column::Status.eq(BidStatus::Pending))
        .all(tx)
        .await?;
    if pending.is_empty() {
        return Ok(());
    }
    let projects = project::Entity::find()
        .filter(project::Column::Id.is_in(pending.iter().map(|b| b.project_id)))
        .all(tx)
        .await?;
    for bid in pending {
        let still_visible = projects
            .iter()
            .find(|p| p.id == bid.project_id)
            .is_some_and(|p| bidder.is_alumnus() && bidder.can_see_project(p));
        if still_visible {
            continue;
        }
        let updated = bid::Entity::update_many()
            .col_expr(
                bid::Column::Status,
                Expr::value(BidStatus::Withdrawn.to_value()),
            )
            .col_expr(bid::Column::UpdatedAt, Expr::value(now()))
            .filter(bid::Column::Id.eq(bid.id))
            .filter(bid::Column::Status.eq(BidStatus::Pending))
            .exec(tx)
            .await?;
        if updated.rows_affected == 1 {
            audit::record(
                tx,
                Some(actor_id),
                audit::Change::new("bid.withdraw.alumni_removed", Subject::Bid, bid.id)
                    .from(BidStatus::Pending)
                    .to(BidStatus::Withdrawn),
            )
            .await?;
        }
    }
    Ok(())
}

/// The caller's access with their roster entries read again inside `tx`, under a share lock
/// (PostgreSQL; SQLite's writer lock serialises anyway): a request that acts as an alumnus
/// (placing a bid) either commits before a concurrent `remove` takes the entry — which then
/// sees its bid and withdraws it — or finds the entry gone. Entries the request's access did not
/// count (an unverified email where verification is required) stay uncounted.
pub(crate) async fn recheck(tx: &impl ConnectionTrait, access: &Access) -> DomainResult<Access> {
    let companies: Vec<i64> = alumni_record::Entity::find()
        .select_only()
        .column(alumni_record::Column::CompanyId)
        .filter(alumni_record::Column::Email.eq(access.actor.email.as_str()))
        .lock_shared()
        .into_tuple()
        .all(tx)
        .await?;
    Ok(Access {
        alumni_of: companies
            .into_iter()
            .filter(|c| access.alumni_of.contains(c))
            .collect(),
        ..access.clone()
    })
}

/// The roster, for the company's ADMINs.
pub async fn roster(
    db: &impl ConnectionTrait,
    access: &Access,
    company_id: i64,
) -> DomainResult<Vec<alumni_record::Model>> {
    if access.staff.get(&company_id) != Some(&CompanyRole::Admin) {
        return Ok(Vec::new());
    }
    Ok(alumni_record::Entity::find()
        .filter(alumni_record::Column::CompanyId.eq(company_id))
        .order_by_asc(alumni_record::Column::Id)
        .all(db)
        .await?)
}

pub async fn record(
    db: &impl ConnectionTrait,
    access: &Access,
    id: i64,
) -> DomainResult<alumni_record::Model> {
    alumni_record::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|r| {
            access.staff.get(&r.company_id) == Some(&CompanyRole::Admin)
                || r.email == access.actor.email
        })
        .ok_or(DomainError::NotFound("alumni record"))
}
