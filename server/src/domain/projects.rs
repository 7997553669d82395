//! Projects: published by a company's ADMIN/MEMBER, seen by its alumni (or all alumni),
//! closed or awarded once.
use entity::states::{BidStatus, CompanyRole, ProjectCategory, ProjectStatus, ProjectVisibility};
use entity::{bid, company, project, project_skill};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};

use super::audit::Subject;
use super::error::{DomainError, DomainResult};
use super::money::Money;
use super::page::{Page, Paged};
use super::text::{self, Lines};
use super::{Access, audit, now, required_text, write_tx};

pub const STAFF_WHO_MANAGE_PROJECTS: &[CompanyRole] = &[CompanyRole::Admin, CompanyRole::Member];
const MAX_SKILLS: usize = 20;

pub struct NewProject<'a> {
    pub company_id: i64,
    pub title: &'a str,
    pub description: &'a str,
    pub category: ProjectCategory,
    pub skills: &'a [String],
    pub budget: Money,
    pub deadline: Option<chrono::DateTime<chrono::Utc>>,
    pub visibility: ProjectVisibility,
    /// The place or manner of delivery the terms statement names; `None` or blank: through
    /// Boomerang's delivery form (`terms::DEFAULT_DELIVERY`).
    pub delivery_method: Option<&'a str>,
}

/// Longest delivery method, in characters (multi-line).
pub const MAX_DELIVERY_METHOD: usize = 2_000;

/// A delivery method as given: blank means none (the default applies).
fn delivery_method(value: Option<&str>) -> DomainResult<Option<String>> {
    value
        .filter(|v| !v.trim().is_empty())
        .map(|v| text::multi_line(v, "input.deliveryMethod", MAX_DELIVERY_METHOD))
        .transpose()
}

#[derive(Debug, Default, Clone)]
pub struct ProjectFilter {
    pub status: Option<ProjectStatus>,
    pub category: Option<ProjectCategory>,
    pub company_id: Option<i64>,
    pub skill: Option<String>,
    /// Words the title or description contains, ignoring case.
    pub text: Option<String>,
}

#[tracing::instrument(skip_all, fields(user = access.user_id(), company_id = input.company_id))]
pub async fn publish(
    db: &DatabaseConnection,
    access: &Access,
    input: NewProject<'_>,
) -> DomainResult<project::Model> {
    access.require_company_role(
        input.company_id,
        STAFF_WHO_MANAGE_PROJECTS,
        "publishing a project",
    )?;
    let title = required_text(input.title, "input.title", 200)?;
    let description = text::multi_line(input.description, "input.description", 20_000)?;
    let skills = normalise_skills(input.skills)?;
    let delivery = delivery_method(input.delivery_method)?;
    if input.deadline.is_some_and(|d| d <= now()) {
        return Err(DomainError::bad_input(
            "input.deadline",
            "must be in the future",
        ));
    }
    let tx = write_tx(db).await?;
    let at = now();
    let project = project::ActiveModel {
        company_id: Set(input.company_id),
        created_by: Set(access.user_id()),
        title: Set(title),
        description: Set(description),
        category: Set(input.category),
        budget_minor: Set(input.budget.minor),
        currency: Set(input.budget.currency.code().to_string()),
        deadline: Set(input.deadline),
        visibility: Set(input.visibility),
        delivery_method: Set(delivery),
        status: Set(ProjectStatus::Open),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    if !skills.is_empty() {
        project_skill::Entity::insert_many(skills.into_iter().map(|skill| {
            project_skill::ActiveModel {
                project_id: Set(project.id),
                skill: Set(skill),
                ..Default::default()
            }
        }))
        .exec(&tx)
        .await?;
    }
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("project.publish", Subject::Project, project.id).to(ProjectStatus::Open),
    )
    .await?;
    super::notification_hooks::project_published(&tx, &project).await?;
    tx.commit().await?;
    Ok(project)
}

/// OPEN → CLOSED; every pending bid is rejected with it.
#[tracing::instrument(skip_all, fields(user = access.user_id(), project_id))]
pub async fn close(
    db: &DatabaseConnection,
    access: &Access,
    project_id: i64,
) -> DomainResult<project::Model> {
    let tx = write_tx(db).await?;
    let project = visible_for_update(&tx, access, project_id).await?;
    access.require_role(
        project.company_id,
        STAFF_WHO_MANAGE_PROJECTS,
        "closing a project",
    )?;
    if project.status != ProjectStatus::Open {
        return Err(DomainError::conflict(format!(
            "the project is {}, only an OPEN project can be closed",
            project.status.to_value()
        )));
    }
    let project = transition(&tx, project, ProjectStatus::Closed).await?;
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("project.close", Subject::Project, project.id)
            .from(ProjectStatus::Open)
            .to(ProjectStatus::Closed),
    )
    .await?;
    reject_pending_bids(&tx, access.user_id(), project.id, None).await?;
    tx.commit().await?;
    Ok(project)
}

/// Moves an OPEN project on with a conditional update, so that of two racing
/// transitions exactly one wins.
pub(crate) async fn transition(
    tx: &impl ConnectionTrait,
    project: project::Model,
    to: ProjectStatus,
) -> DomainResult<project::Model> {
    let at = now();
    let updated = project::Entity::update_many()
        .col_expr(project::Column::Status, Expr::value(to.to_value()))
        .col_expr(project::Column::UpdatedAt, Expr::value(at))
        .filter(project::Column::Id.eq(project.id))
        .filter(project::Column::Status.eq(ProjectStatus::Open))
        .exec(tx)
        .await?;
    if updated.rows_affected != 1 {
        return Err(DomainError::conflict("the project is no longer OPEN"));
    }
    Ok(project::Model {
        status: to,
        updated_at: at,
        ..project
    })
}

/// Rejects the project's pending bids (all but `except`), each with its audit event.
pub(crate) async fn reject_pending_bids(
    tx: &impl ConnectionTrait,
    actor_id: i64,
    project_id: i64,
    except: Option<i64>,
) -> DomainResult<()> {
    let mut pending = bid::Entity::find()
        .filter(bid::Column::ProjectId.eq(project_id))
        .filter(bid::Column::Status.eq(BidStatus::Pending));
    if let Some(except) = except {
        pending = pending.filter(bid::Column::Id.ne(except));
    }
    let ids: Vec<i64> = pending
        .select_only()
        .column(bid::Column::Id)
        .into_tuple()
        .all(tx)
        .await?;
    if ids.is_empty() {
        return Ok(());
    }
    bid::Entity::update_many()
        .col_expr(
            bid::Column::Status,
            Expr::value(BidStatus::Rejected.to_value()),
        )
        .col_expr(bid::Column::UpdatedAt, Expr::value(now()))
        .filter(bid::Column::Id.is_in(ids.clone()))
        .filter(bid::Column::Status.eq(BidStatus::Pending))
        .exec(tx)
        .await?;
    for id in ids {
        audit::record(
            tx,
            Some(actor_id),
            audit::Change::new("bid.reject", Subject::Bid, id)
                .from(BidStatus::Pending)
                .to(BidStatus::Rejected),
        )
        .await?;
        super::notification_hooks::bid_decided(tx, id, false).await?;
    }
    Ok(())
}

/// Reads the project inside a write transaction, row-locked on PostgreSQL so that
/// concurrent transitions of one project queue up.
pub(crate) async fn visible_for_update(
    tx: &impl ConnectionTrait,
    access: &Access,
    project_id: i64,
) -> DomainResult<project::Model> {
    project::Entity::find_by_id(project_id)
        .lock_exclusive()
        .one(tx)
        .await?
        .filter(|p| access.can_see_project(p))
        .ok_or(DomainError::NotFound("project"))
}

pub async fn get(
    db: &impl ConnectionTrait,
    access: &Access,
    id: i64,
) -> DomainResult<project::Model> {
    project::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|p| access.can_see_project(p))
        .ok_or(DomainError::NotFound("project"))
}

/// A project with its company, in one statement.
pub async fn get_with_company(
    db: &impl ConnectionTrait,
    access: &Access,
    id: i64,
) -> DomainResult<(project::Model, company::Model)> {
    match project::Entity::find_by_id(id)
        .find_also_related(company::Entity)
        .one(db)
        .await?
    {
        Some((project, Some(company))) if access.can_see_project(&project) => {
            Ok((project, company))
        }
        _ => Err(DomainError::NotFound("project")),
    }
}

/// Projects the caller may see, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    access: &Access,
    filter: &ProjectFilter,
    page: Page,
) -> DomainResult<Paged<project::Model>> {
    if let Some(skill) = &filter.skill {
        text::check_chars(skill, "filter.skill", Lines::Single)?;
    }
    if let Some(words) = &filter.text {
        text::check_chars(words, "filter.text", Lines::Single)?;
        if words.chars().count() > 200 {
            return Err(DomainError::bad_input(
                "filter.text",
                "at most 200 characters",
            ));
        }
    }
    let mut visible = Condition::any();
    let own: Vec<i64> = access
        .staff
        .keys()
        .chain(access.alumni_of.iter())
        .copied()
        .collect();
    if !own.is_empty() {
        visible = visible.add(project::Column::CompanyId.is_in(own));
    }
    if access.is_alumnus() {
        visible = visible.add(project::Column::Visibility.eq(ProjectVisibility::AllAlumni));
    }
    if visible.is_empty() {
        return Ok(Paged {
            rows: Vec::new(),
            has_next: false,
        });
    }
    let mut query = project::Entity::find().filter(visible);
    if let Some(status) = filter.status {
        query = query.filter(project::Column::Status.eq(status));
    }
    if let Some(category) = filter.category {
        query = query.filter(project::Column::Category.eq(category));
    }
    if let Some(company_id) = filter.company_id {
        query = query.filter(project::Column::CompanyId.eq(company_id));
    }
    if let Some(skill) = &filter.skill {
        let with_skill = project_skill::Entity::find()
            .select_only()
            .column(project_skill::Column::ProjectId)
            .filter(project_skill::Column::Skill.eq(skill.trim().to_lowercase()))
            .into_query();
        query = query.filter(project::Column::Id.in_subquery(with_skill));
    }
    if let Some(text) = filter
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        query = query.filter(contains_text(text));
    }
    if let Some(after) = page.after {
        query = query.filter(project::Column::Id.lt(after));
    }
    let rows = query
        .order_by_desc(project::Column::Id)
        .limit(page.limit())
        .all(db)
        .await?;
    Ok(Paged::from_fetch(rows, page))
}

/// Title or description containing `text`, ignoring case the same way on SQLite and
/// PostgreSQL (`LOWER(..) LIKE` with the pattern's wildcards escaped).
fn contains_text(text: &str) -> Condition {
    let escaped: String = text
        .to_lowercase()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    let pattern = format!("%{escaped}%");
    let like = |column: project::Column| {
        Expr::expr(Func::lower(Expr::col(column))).like(LikeExpr::new(pattern.clone()).escape('\\'))
    };
    Condition::any()
        .add(like(project::Column::Title))
        .add(like(project::Column::Description))
}

fn normalise_skills(skills: &[String]) -> DomainResult<Vec<String>> {
    if skills.len() > MAX_SKILLS {
        return Err(DomainError::bad_input(
            "input.skills",
            format!("at most {MAX_SKILLS} skills"),
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(skills.len());
    for (i, skill) in skills.iter().enumerate() {
        let skill = required_text(skill, &format!("input.skills[{i}]"), 64)?.to_lowercase();
        if !out.contains(&skill) {
            out.push(skill);
        }
    }
    Ok(out)
}

/// The fields `update` may change; `None` leaves a field as it is. `deadline: Some(None)`
/// clears the deadline.
#[derive(Default)]
pub struct ProjectEdit<'a> {
    pub title: Option<&'a str>,
    pub description: Option<&'a str>,
    pub skills: Option<&'a [String]>,
    pub budget: Option<Money>,
    pub deadline: Option<Option<chrono::DateTime<chrono::Utc>>>,
    /// Blank clears it (the default delivery applies).
    pub delivery_method: Option<&'a str>,
}

/// Edits an OPEN project (a posting must stay accurate while it takes bids), with the same
/// rules as `publish`. ADMIN or MEMBER of its company. The audit event's detail names the
/// fields that changed; an edit that changes nothing writes nothing. The budget's currency
/// cannot change under pending bids, which were placed in the old one.
#[tracing::instrument(skip_all, fields(user = access.user_id(), project_id))]
pub async fn update(
    db: &DatabaseConnection,
    access: &Access,
    project_id: i64,
    edit: ProjectEdit<'_>,
) -> DomainResult<project::Model> {
    let title = edit
        .title
        .map(|t| required_text(t, "input.title", 200))
        .transpose()?;
    let description = edit
        .description
        .map(|d| text::multi_line(d, "input.description", 20_000))
        .transpose()?;
    let skills = edit.skills.map(normalise_skills).transpose()?;
    let delivery = edit
        .delivery_method
        .map(|d| delivery_method(Some(d)))
        .transpose()?;
    if edit.deadline.flatten().is_some_and(|d| d <= now()) {
        return Err(DomainError::bad_input(
            "input.deadline",
            "must be in the future",
        ));
    }
    let tx = write_tx(db).await?;
    let project = visible_for_update(&tx, access, project_id).await?;
    access.require_role(
        project.company_id,
        STAFF_WHO_MANAGE_PROJECTS,
        "editing a project",
    )?;
    if project.status != ProjectStatus::Open {
        return Err(DomainError::conflict(format!(
            "the project is {}, only an OPEN project can be edited",
            project.status.to_value()
        )));
    }
    let mut changed: Vec<&str> = Vec::new();
    let mut active: project::ActiveModel = project.clone().into();
    if let Some(title) = title.filter(|t| *t != project.title) {
        active.title = Set(title);
        changed.push("title");
    }
    if let Some(description) = description.filter(|d| *d != project.description) {
        active.description = Set(description);
        changed.push("description");
    }
    if let Some(budget) = edit.budget {
        let currency = budget.currency.code();
        if currency != project.currency && has_pending_bids(&tx, project.id).await? {
            return Err(DomainError::conflict(format!(
                "the project has pending bids in {}; its budget's currency cannot change",
                project.currency
            )));
        }
        if budget.minor != project.budget_minor || currency != project.currency {
            active.budget_minor = Set(budget.minor);
            active.currency = Set(currency.to_string());
            changed.push("budget");
        }
    }
    if let Some(deadline) = edit.deadline.filter(|d| *d != project.deadline) {
        active.deadline = Set(deadline);
        changed.push("deadline");
    }
    if let Some(delivery) = delivery.filter(|d| *d != project.delivery_method) {
        active.delivery_method = Set(delivery);
        changed.push("deliveryMethod");
    }
    if let Some(skills) = skills {
        let mut current: Vec<String> = project_skill::Entity::find()
            .select_only()
            .column(project_skill::Column::Skill)
            .filter(project_skill::Column::ProjectId.eq(project.id))
            .into_tuple()
            .all(&tx)
            .await?;
        let mut wanted = skills.clone();
        current.sort();
        wanted.sort();
        if current != wanted {
            project_skill::Entity::delete_many()
                .filter(project_skill::Column::ProjectId.eq(project.id))
                .exec(&tx)
                .await?;
            if !skills.is_empty() {
                project_skill::Entity::insert_many(skills.into_iter().map(|skill| {
                    project_skill::ActiveModel {
                        project_id: Set(project.id),
                        skill: Set(skill),
                        ..Default::default()
                    }
                }))
                .exec(&tx)
                .await?;
            }
            changed.push("skills");
        }
    }
    if changed.is_empty() {
        return Ok(project);
    }
    active.updated_at = Set(now());
    // Conditional on OPEN as well, so an edit never lands on a project that moved on.
    let updated = project::Entity::update_many()
        .set(active)
        .filter(project::Column::Id.eq(project.id))
        .filter(project::Column::Status.eq(ProjectStatus::Open))
        .exec(&tx)
        .await?;
    if updated.rows_affected != 1 {
        return Err(DomainError::conflict("the project is no longer OPEN"));
    }
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("project.update", Subject::Project, project.id)
            .detail(changed.join(",")),
    )
    .await?;
    let project = project::Entity::find_by_id(project.id)
        .one(&tx)
        .await?
        .ok_or(DomainError::NotFound("project"))?;
    tx.commit().await?;
    Ok(project)
}

async fn has_pending_bids(tx: &impl ConnectionTrait, project_id: i64) -> DomainResult<bool> {
    Ok(bid::Entity::find()
        .filter(bid::Column::ProjectId.eq(project_id))
        .filter(bid::Column::Status.eq(BidStatus::Pending))
        .one(tx)
        .await?
        .is_some())
}
