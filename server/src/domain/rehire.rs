//! Boomerang rehire (issue 13 §5): staff (ADMIN or MEMBER) publish openings, roster alumni
//! with a live REHIRE consent see and apply to the open ones (one application per person per
//! opening), and staff move an application APPLIED → SCREENING → INTERVIEW → OFFER → HIRED, or
//! DECLINED; she may WITHDRAW hers. Each move is a conditional UPDATE on the status it was
//! read in, so of two concurrent moves exactly one wins and the other is a CONFLICT. Every
//! transition is kept with its time (`application_transitions`) for [`metrics`].
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Asia::Tokyo;
use entity::application::{self, ApplicationStatus};
use entity::application_transition;
use entity::company_member;
use entity::opening::{self, EmploymentType, OpeningStatus};
use entity::states::{CompanyRole, ConsentPurpose};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use super::audit::Subject;
use super::compliance::Period;
use super::error::{DomainError, DomainResult};
use super::notifications::{Kind, Notice, notify};
use super::page::{Page, Paged};
use super::{Access, audit, consents, now, required_text, text, write_tx};

const STAFF: &[CompanyRole] = &[CompanyRole::Admin, CompanyRole::Member];
pub const NOTE_MAX: usize = 4_000;
pub const DESCRIPTION_MAX: usize = 20_000;
/// The longest period `rehireMetrics` covers.
pub const MAX_METRICS_DAYS: i64 = 5 * 366;

#[derive(Debug, Clone)]
pub struct NewOpening {
    pub company_id: i64,
    pub title: String,
    pub department: String,
    pub employment_type: EmploymentType,
    pub location: String,
    pub remote: bool,
    pub description: String,
}

/// Whether the caller may see the company's openings: its staff, or a roster alumna with a
/// live REHIRE consent (read afresh).
pub async fn can_see(
    db: &impl ConnectionTrait,
    access: &Access,
    company_id: i64,
) -> DomainResult<bool> {
    if access.is_staff(company_id) {
        return Ok(true);
    }
    if !access.alumni_of.contains(&company_id) {
        return Ok(false);
    }
    consents::has(db, access.user_id(), company_id, ConsentPurpose::Rehire).await
}

/// Publishes an opening and notifies the alumni with a live REHIRE consent, in one transaction.
#[tracing::instrument(skip_all, fields(user = access.user_id(), company_id = input.company_id))]
pub async fn publish(
    db: &DatabaseConnection,
    access: &Access,
    input: NewOpening,
) -> DomainResult<opening::Model> {
    access.require_company_role(input.company_id, STAFF, "publishing an opening")?;
    let title = required_text(&input.title, "title", 200)?;
    let department = required_text(&input.department, "department", 200)?;
    let location = required_text(&input.location, "location", 200)?;
    let description = text::multi_line(&input.description, "description", DESCRIPTION_MAX)?;
    let tx = write_tx(db).await?;
    let published = opening::ActiveModel {
        company_id: Set(input.company_id),
        author_id: Set(access.user_id()),
        title: Set(title),
        department: Set(department),
        employment_type: Set(input.employment_type),
        location: Set(location),
        remote: Set(input.remote),
        description: Set(description),
        status: Set(OpeningStatus::Open),
        created_at: Set(now()),
        closed_at: Set(None),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("opening.publish", Subject::Opening, published.id)
            .to(OpeningStatus::Open),
    )
    .await?;
    for user_id in consents::consenting(&tx, input.company_id, ConsentPurpose::Rehire).await? {
        notify(
            &tx,
            Notice {
                user_id,
                kind: Kind::OpeningPublished,
                company_id: Some(input.company_id),
                subject: Some((Subject::Opening, published.id)),
                params: json!({ "title": published.title }),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(published)
}

/// Closes an open opening: it takes no more applications; those made stay where they are.
pub async fn close(
    db: &DatabaseConnection,
    access: &Access,
    opening_id: i64,
) -> DomainResult<opening::Model> {
    let found = visible_opening(db, access, opening_id).await?;
    access.require_role(found.company_id, STAFF, "closing an opening")?;
    let tx = write_tx(db).await?;
    let at = now();
    let closed = opening::Entity::update_many()
        .col_expr(
            opening::Column::Status,
            Expr::value(OpeningStatus::Closed.to_value()),
        )
        .col_expr(opening::Column::ClosedAt, Expr::value(at))
        .filter(opening::Column::Id.eq(found.id))
        .filter(opening::Column::Status.eq(OpeningStatus::Open))
        .exec(&tx)
        .await?;
    if closed.rows_affected != 1 {
        return Err(DomainError::conflict("the opening is closed already"));
    }
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("opening.close", Subject::Opening, found.id)
            .from(OpeningStatus::Open)
            .to(OpeningStatus::Closed),
    )
    .await?;
    tx.commit().await?;
    Ok(opening::Model {
        status: OpeningStatus::Closed,
        closed_at: Some(at),
        ..found
    })
}

/// An opening the caller may see: staff see every one of their company's, consenting alumni
/// the open ones, and an applicant the one she applied to. NOT_FOUND otherwise.
pub async fn visible_opening(
    db: &impl ConnectionTrait,
    access: &Access,
    opening_id: i64,
) -> DomainResult<opening::Model> {
    let found = opening::Entity::find_by_id(opening_id)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("opening"))?;
    if access.is_staff(found.company_id)
        || (found.status == OpeningStatus::Open && can_see(db, access, found.company_id).await?)
        || mine(db, access.user_id(), found.id).await?.is_some()
    {
        Ok(found)
    } else {
        Err(DomainError::NotFound("opening"))
    }
}

async fn mine(
    db: &impl ConnectionTrait,
    user_id: i64,
    opening_id: i64,
) -> DomainResult<Option<application::Model>> {
    Ok(application::Entity::find()
        .filter(application::Column::OpeningId.eq(opening_id))
        .filter(application::Column::UserId.eq(user_id))
        .one(db)
        .await?)
}

/// A company's openings, newest first: all of them for staff, the open ones for alumni with a
/// live REHIRE consent; NOT_FOUND for anyone else.
pub async fn list(
    db: &DatabaseConnection,
    access: &Access,
    company_id: i64,
    page: Page,
) -> DomainResult<Paged<opening::Model>> {
    if !can_see(db, access, company_id).await? {
        return Err(DomainError::NotFound("company"));
    }
    let mut query = opening::Entity::find().filter(opening::Column::CompanyId.eq(company_id));
    if !access.is_staff(company_id) {
        query = query.filter(opening::Column::Status.eq(OpeningStatus::Open));
    }
    if let Some(after) = page.after {
        query = query.filter(opening::Column::Id.lt(after));
    }
    let rows = query
        .order_by_desc(opening::Column::Id)
        .limit(page.limit())
        .all(db)
        .await?;
    Ok(Paged::from_fetch(rows, page))
}

/// The applications to an opening, oldest first: for its company's staff.
pub async fn applications_of(
    db: &impl ConnectionTrait,
    access: &Access,
    opening: &opening::Model,
) -> DomainResult<Vec<application::Model>> {
    if !access.is_staff(opening.company_id) {
        return Ok(Vec::new());
    }
    Ok(application::Entity::find()
        .filter(application::Column::OpeningId.eq(opening.id))
        .order_by_asc(application::Column::Id)
        .all(db)
        .await?)
}

/// Her own applications, newest first.
pub async fn mine_all(
    db: &impl ConnectionTrait,
    access: &Access,
) -> DomainResult<Vec<application::Model>> {
    Ok(application::Entity::find()
        .filter(application::Column::UserId.eq(access.user_id()))
        .order_by_desc(application::Column::Id)
        .all(db)
        .await?)
}

/// Her application to an opening, if she made one.
pub async fn my_application(
    db: &impl ConnectionTrait,
    access: &Access,
    opening_id: i64,
) -> DomainResult<Option<application::Model>> {
    mine(db, access.user_id(), opening_id).await
}

/// The transitions of an application, oldest first.
pub async fn history(
    db: &impl ConnectionTrait,
    application_id: i64,
) -> DomainResult<Vec<application_transition::Model>> {
    Ok(application_transition::Entity::find()
        .filter(application_transition::Column::ApplicationId.eq(application_id))
        .order_by_asc(application_transition::Column::Id)
        .all(db)
        .await?)
}

/// The company's ADMIN and MEMBER staff, who hear of applications.
async fn recruiters(tx: &DatabaseTransaction, company_id: i64) -> DomainResult<Vec<i64>> {
    Ok(company_member::Entity::find()
        .select_only()
        .column(company_member::Column::UserId)
        .filter(company_member::Column::CompanyId.eq(company_id))
        .filter(company_member::Column::Role.is_in(STAFF.iter().copied()))
        .order_by_asc(company_member::Column::UserId)
        .into_tuple::<i64>()
        .all(tx)
        .await?)
}

async fn transition(
    tx: &DatabaseTransaction,
    application_id: i64,
    from: Option<ApplicationStatus>,
    to: ApplicationStatus,
    actor_id: i64,
    note: Option<String>,
    at: DateTime<Utc>,
) -> DomainResult<()> {
    application_transition::ActiveModel {
        application_id: Set(application_id),
        from_status: Set(from),
        to_status: Set(to),
        actor_id: Set(actor_id),
        note: Set(note),
        at: Set(at),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    Ok(())
}

fn optional_note(note: Option<&str>) -> DomainResult<Option<String>> {
    match note.map(str::trim) {
        None | Some("") => Ok(None),
        Some(note) => text::multi_line(note, "note", NOTE_MAX).map(Some),
    }
}

/// She applies to an open opening of a company whose REHIRE consent she holds; once per
/// opening (a second is a CONFLICT). Its staff are notified in the same transaction.
#[tracing::instrument(skip_all, fields(user = access.user_id(), opening_id))]
pub async fn apply(
    db: &DatabaseConnection,
    access: &Access,
    opening_id: i64,
    note: Option<&str>,
) -> DomainResult<application::Model> {
    let found = visible_opening(db, access, opening_id).await?;
    if !access.alumni_of.contains(&found.company_id)
        || !consents::has(
            db,
            access.user_id(),
            found.company_id,
            ConsentPurpose::Rehire,
        )
        .await?
    {
        // Staff see the opening but are not its applicants.
        return Err(DomainError::forbidden(
            "only the company's alumni who consented to rehire may apply",
        ));
    }
    let note = optional_note(note)?;
    let tx = write_tx(db).await?;
    if found.status != OpeningStatus::Open {
        return Err(DomainError::conflict("the opening is closed"));
    }
    if mine(&tx, access.user_id(), found.id).await?.is_some() {
        return Err(DomainError::conflict(
            "you have applied to this opening already",
        ));
    }
    let at = now();
    let applied = application::ActiveModel {
        opening_id: Set(found.id),
        user_id: Set(access.user_id()),
        note: Set(note.clone().unwrap_or_default()),
        status: Set(ApplicationStatus::Applied),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    transition(
        &tx,
        applied.id,
        None,
        ApplicationStatus::Applied,
        access.user_id(),
        note,
        at,
    )
    .await?;
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("application.apply", Subject::Application, applied.id)
            .to(ApplicationStatus::Applied),
    )
    .await?;
    for user_id in recruiters(&tx, found.company_id).await? {
        notify(
            &tx,
            Notice {
                user_id,
                kind: Kind::ApplicationReceived,
                company_id: Some(found.company_id),
                subject: Some((Subject::Application, applied.id)),
                params: json!({ "title": found.title }),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(applied)
}

/// The one forward step from `status`, if any.
pub fn next_step(status: ApplicationStatus) -> Option<ApplicationStatus> {
    use ApplicationStatus::*;
    match status {
        Applied => Some(Screening),
        Screening => Some(Interview),
        Interview => Some(Offer),
        Offer => Some(Hired),
        Hired | Declined | Withdrawn => None,
    }
}

/// Whether the application is still in progress (neither hired, declined nor withdrawn).
pub fn is_open(status: ApplicationStatus) -> bool {
    next_step(status).is_some()
}

/// Loads an application with its opening, for its applicant or its company's staff.
pub async fn visible_application(
    db: &impl ConnectionTrait,
    access: &Access,
    application_id: i64,
) -> DomainResult<(application::Model, opening::Model)> {
    let found = application::Entity::find_by_id(application_id)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("application"))?;
    let opening = opening::Entity::find_by_id(found.opening_id)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("application"))?;
    if found.user_id == access.user_id() || access.is_staff(opening.company_id) {
        Ok((found, opening))
    } else {
        Err(DomainError::NotFound("application"))
    }
}

/// Staff move an application one step forward, or decline it while it is in progress.
/// WITHDRAWN is hers alone ([`withdraw`]).
#[tracing::instrument(skip_all, fields(user = access.user_id(), application_id))]
pub async fn move_application(
    db: &DatabaseConnection,
    access: &Access,
    application_id: i64,
    to: ApplicationStatus,
    note: Option<&str>,
) -> DomainResult<application::Model> {
    let (_, opening) = visible_application(db, access, application_id).await?;
    access.require_role(opening.company_id, STAFF, "moving an application")?;
    if to == ApplicationStatus::Withdrawn {
        return Err(DomainError::bad_input(
            "to",
            "only the applicant withdraws an application",
        ));
    }
    let note = optional_note(note)?;
    let tx = write_tx(db).await?;
    // Read again inside the transaction: the state the conditional UPDATE expects.
    let current = application::Entity::find_by_id(application_id)
        .one(&tx)
        .await?
        .ok_or(DomainError::NotFound("application"))?;
    let allowed = match to {
        ApplicationStatus::Declined => is_open(current.status),
        _ => next_step(current.status) == Some(to),
    };
    if !allowed {
        return Err(DomainError::conflict(format!(
            "the application is {}; it cannot move to {}",
            current.status.to_value(),
            to.to_value()
        )));
    }
    let moved = step(&tx, access, &current, to, note).await?;
    notify(
        &tx,
        Notice {
            user_id: current.user_id,
            kind: Kind::ApplicationMoved,
            company_id: Some(opening.company_id),
            subject: Some((Subject::Application, current.id)),
            params: json!({ "title": opening.title, "status": to.to_value() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(moved)
}

/// She withdraws her application while it is in progress; the company's staff are notified.
#[tracing::instrument(skip_all, fields(user = access.user_id(), application_id))]
pub async fn withdraw(
    db: &DatabaseConnection,
    access: &Access,
    application_id: i64,
) -> DomainResult<application::Model> {
    let (found, opening) = visible_application(db, access, application_id).await?;
    if found.user_id != access.user_id() {
        return Err(DomainError::forbidden(
            "only the applicant withdraws an application",
        ));
    }
    let tx = write_tx(db).await?;
    let current = application::Entity::find_by_id(application_id)
        .one(&tx)
        .await?
        .ok_or(DomainError::NotFound("application"))?;
    if !is_open(current.status) {
        return Err(DomainError::conflict(format!(
            "the application is {} already",
            current.status.to_value()
        )));
    }
    let moved = step(&tx, access, &current, ApplicationStatus::Withdrawn, None).await?;
    for user_id in recruiters(&tx, opening.company_id).await? {
        notify(
            &tx,
            Notice {
                user_id,
                kind: Kind::ApplicationMoved,
                company_id: Some(opening.company_id),
                subject: Some((Subject::Application, current.id)),
                params: json!({ "title": opening.title, "status": "WITHDRAWN" }),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(moved)
}

/// The conditional UPDATE (on the status read), its transition row and its audit event.
async fn step(
    tx: &DatabaseTransaction,
    access: &Access,
    current: &application::Model,
    to: ApplicationStatus,
    note: Option<String>,
) -> DomainResult<application::Model> {
    let at = now();
    let updated = application::Entity::update_many()
        .col_expr(application::Column::Status, Expr::value(to.to_value()))
        .col_expr(application::Column::UpdatedAt, Expr::value(at))
        .filter(application::Column::Id.eq(current.id))
        .filter(application::Column::Status.eq(current.status))
        .exec(tx)
        .await?;
    if updated.rows_affected != 1 {
        return Err(DomainError::conflict(
            "the application moved meanwhile; reload it",
        ));
    }
    transition(
        tx,
        current.id,
        Some(current.status),
        to,
        access.user_id(),
        note.clone(),
        at,
    )
    .await?;
    let mut change = audit::Change::new("application.move", Subject::Application, current.id)
        .from(current.status)
        .to(to);
    if let Some(note) = &note {
        change = change.detail(note.clone());
    }
    audit::record(tx, Some(access.user_id()), change).await?;
    Ok(application::Model {
        status: to,
        updated_at: at,
        ..current.clone()
    })
}

/// One opening's counts in a period.
#[derive(Debug, Clone, PartialEq)]
pub struct OpeningMetrics {
    pub opening: opening::Model,
    /// Applications made in the period.
    pub applications: u64,
    /// Of those, how many are HIRED now.
    pub hires: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    pub period: Period,
    pub per_opening: Vec<OpeningMetrics>,
    pub applications: u64,
    pub hires: u64,
    /// Median of the days (Asia/Tokyo calendar days) from application to hire, over the hires
    /// made in the period; `None` without any.
    pub median_days_to_hire: Option<f64>,
    /// Median days from leaving to rejoining, over the hires made in the period whose roster
    /// entry records a leaving year. The roster records the year only, so leaving counts from
    /// 1 July of that year (the middle): exact to about half a year for one person, unbiased
    /// over many. `None` without any such hire.
    pub median_days_leaving_to_rejoining: Option<f64>,
}

/// The median of `values` (the mean of the middle two for an even count); `None` when empty.
pub fn median(values: &mut [i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) as f64 / 2.0
    } else {
        values[mid] as f64
    })
}

fn tokyo_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Tokyo).date_naive()
}

/// Rehire metrics for the days `from`–`to` (Asia/Tokyo, both included): per opening the
/// applications made in the period and how many of them are hired; overall the median days
/// from application to hire for hires made in the period. ADMIN or MEMBER of the company.
pub async fn metrics(
    db: &DatabaseConnection,
    access: &Access,
    company_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> DomainResult<Metrics> {
    access.require_company_role(company_id, STAFF, "reading rehire metrics")?;
    let period = Period::new(from, to, MAX_METRICS_DAYS)?;
    let openings = opening::Entity::find()
        .filter(opening::Column::CompanyId.eq(company_id))
        .order_by_asc(opening::Column::Id)
        .all(db)
        .await?;
    let opening_ids: Vec<i64> = openings.iter().map(|o| o.id).collect();
    let applications = application::Entity::find()
        .filter(application::Column::OpeningId.is_in(opening_ids))
        .all(db)
        .await?;
    let hires: HashMap<i64, DateTime<Utc>> = application_transition::Entity::find()
        .filter(
            application_transition::Column::ApplicationId
                .is_in(applications.iter().map(|a| a.id).collect::<Vec<_>>()),
        )
        .filter(application_transition::Column::ToStatus.eq(ApplicationStatus::Hired))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.application_id, t.at))
        .collect();
    let in_period = |at: DateTime<Utc>| at >= period.start() && at < period.end();
    let mut counts: HashMap<i64, (u64, u64)> = HashMap::new();
    let left_years = left_years(db, company_id, &applications).await?;
    let mut days_to_hire = Vec::new();
    let mut days_away = Vec::new();
    for app in &applications {
        if in_period(app.created_at) {
            let entry = counts.entry(app.opening_id).or_default();
            entry.0 += 1;
            if app.status == ApplicationStatus::Hired {
                entry.1 += 1;
            }
        }
        if let Some(&hired_at) = hires.get(&app.id)
            && in_period(hired_at)
        {
            days_to_hire.push((tokyo_day(hired_at) - tokyo_day(app.created_at)).num_days());
            if let Some(left) = left_years
                .get(&app.user_id)
                .and_then(|year| NaiveDate::from_ymd_opt(*year, 7, 1))
            {
                days_away.push((tokyo_day(hired_at) - left).num_days());
            }
        }
    }
    let per_opening: Vec<OpeningMetrics> = openings
        .into_iter()
        .filter_map(|o| {
            let (applications, hires) = counts.get(&o.id).copied()?;
            Some(OpeningMetrics {
                opening: o,
                applications,
                hires,
            })
        })
        .collect();
    Ok(Metrics {
        period,
        applications: per_opening.iter().map(|o| o.applications).sum(),
        hires: per_opening.iter().map(|o| o.hires).sum(),
        per_opening,
        median_days_to_hire: median(&mut days_to_hire),
        median_days_leaving_to_rejoining: median(&mut days_away),
    })
}

/// The leaving year the company's roster records for each applicant, where it records one.
async fn left_years(
    db: &DatabaseConnection,
    company_id: i64,
    applications: &[application::Model],
) -> DomainResult<HashMap<i64, i32>> {
    let users: Vec<(i64, String)> = entity::user::Entity::find()
        .select_only()
        .column(entity::user::Column::Id)
        .column(entity::user::Column::Email)
        .filter(entity::user::Column::Id.is_in(applications.iter().map(|a| a.user_id)))
        .into_tuple()
        .all(db)
        .await?;
    let by_email: HashMap<String, i64> = users.into_iter().map(|(id, e)| (e, id)).collect();
    let rows: Vec<(String, Option<i32>)> = entity::alumni_record::Entity::find()
        .select_only()
        .column(entity::alumni_record::Column::Email)
        .column(entity::alumni_record::Column::LeftYear)
        .filter(entity::alumni_record::Column::CompanyId.eq(company_id))
        .filter(entity::alumni_record::Column::Email.is_in(by_email.keys().cloned()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(email, year)| Some((*by_email.get(&email)?, year?)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [7]), Some(7.0));
        assert_eq!(median(&mut [30, 10, 20]), Some(20.0));
        assert_eq!(median(&mut [40, 10, 20, 31]), Some(25.5));
    }

    #[test]
    fn applications_move_one_step_at_a_time() {
        use ApplicationStatus::*;
        let mut at = Applied;
        let mut path = vec![at];
        while let Some(next) = next_step(at) {
            path.push(next);
            at = next;
        }
        assert_eq!(path, [Applied, Screening, Interview, Offer, Hired]);
        assert!(!is_open(Declined) && !is_open(Withdrawn) && !is_open(Hired));
    }
}
