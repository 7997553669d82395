//! Companies and their staff (ADMIN, MEMBER, FINANCE).
use entity::states::{CompanyRole, PaymentProvider};
use entity::{company, company_member, user};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::audit::Subject;
use super::email::Email;
use super::error::{DomainError, DomainResult};
use super::{Access, audit, now, required_text, write_tx};

/// Creates a company with the caller as its first ADMIN.
#[tracing::instrument(skip_all, fields(user = access.user_id()))]
pub async fn create(
    db: &DatabaseConnection,
    access: &Access,
    name: &str,
) -> DomainResult<company::Model> {
    let name = required_text(name, "input.name", 200)?;
    let tx = write_tx(db).await?;
    let company = company::ActiveModel {
        name: Set(name),
        payment_provider: Set(PaymentProvider::Manual),
        review_window_days: Set(14),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("company.create", Subject::Company, company.id),
    )
    .await?;
    insert_member(
        &tx,
        access,
        company.id,
        access.user_id(),
        CompanyRole::Admin,
    )
    .await?;
    tx.commit().await?;
    Ok(company)
}

/// Adds an existing user to the company's staff, or changes their role. ADMIN only; the last
/// ADMIN cannot be demoted (counted under the staff lock, like `remove_member`).
#[tracing::instrument(skip_all, fields(user = access.user_id(), company_id))]
pub async fn add_member(
    db: &DatabaseConnection,
    access: &Access,
    company_id: i64,
    email: &str,
    role: CompanyRole,
) -> DomainResult<company_member::Model> {
    access.require_company_role(company_id, &[CompanyRole::Admin], "adding a company member")?;
    let email = Email::parse(email, "input.email")?;
    let tx = write_tx(db).await?;
    let staff = staff_for_update(&tx, company_id).await?;
    still_admin(&staff, access)?;
    let member = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&tx)
        .await?
        .ok_or_else(|| {
            DomainError::bad_input(
                "input.email",
                "no account uses this email; ask them to sign up first",
            )
        })?;
    let existing = staff.iter().find(|m| m.user_id == member.id).cloned();
    let saved = match existing {
        Some(existing) if existing.role == role => existing,
        Some(existing) => {
            if existing.user_id == access.user_id() && existing.role == CompanyRole::Admin {
                return Err(DomainError::conflict(
                    "an admin cannot change their own role",
                ));
            }
            if existing.role == CompanyRole::Admin && admins(&staff) == 1 {
                return Err(DomainError::conflict(
                    "the last ADMIN cannot be demoted; make someone else ADMIN first",
                ));
            }
            let from = existing.role;
            let mut active: company_member::ActiveModel = existing.into();
            active.role = Set(role);
            let saved = active.update(&tx).await?;
            audit::record(
                &tx,
                Some(access.user_id()),
                audit::Change::new(
                    "company_member.change_role",
                    Subject::CompanyMember,
                    saved.id,
                )
                .from(from)
                .to(role),
            )
            .await?;
            saved
        }
        None => insert_member(&tx, access, company_id, member.id, role).await?,
    };
    tx.commit().await?;
    Ok(saved)
}

/// Removes a member from the company's staff. ADMIN only; the last ADMIN cannot be removed.
/// Their rights end with their next request: access is read from the database per request.
/// Returns the membership as it was.
#[tracing::instrument(skip_all, fields(user = access.user_id(), company_id))]
pub async fn remove_member(
    db: &DatabaseConnection,
    access: &Access,
    company_id: i64,
    email: &str,
) -> DomainResult<company_member::Model> {
    access.require_company_role(
        company_id,
        &[CompanyRole::Admin],
        "removing a company member",
    )?;
    let email = Email::parse(email, "input.email")?;
    let tx = write_tx(db).await?;
    let staff = staff_for_update(&tx, company_id).await?;
    still_admin(&staff, access)?;
    let user = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&tx)
        .await?;
    let member = user
        .and_then(|u| staff.iter().find(|m| m.user_id == u.id))
        .cloned()
        .ok_or(DomainError::NotFound("company member"))?;
    if member.role == CompanyRole::Admin && admins(&staff) == 1 {
        return Err(DomainError::conflict(
            "the last ADMIN cannot be removed; make someone else ADMIN first",
        ));
    }
    let deleted = company_member::Entity::delete_many()
        .filter(company_member::Column::Id.eq(member.id))
        .exec(&tx)
        .await?;
    if deleted.rows_affected != 1 {
        return Err(DomainError::conflict("the member was removed meanwhile"));
    }
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("company_member.remove", Subject::CompanyMember, member.id)
            .from(member.role),
    )
    .await?;
    tx.commit().await?;
    Ok(member)
}

/// The company's staff inside a write transaction, every row locked on PostgreSQL (SQLite's
/// `BEGIN IMMEDIATE` already serialises writers), in id order so lockers never deadlock. Two
/// admins removing or demoting each other queue here, and the second counts what the first
/// left: the company always keeps an ADMIN.
async fn staff_for_update(
    tx: &impl ConnectionTrait,
    company_id: i64,
) -> DomainResult<Vec<company_member::Model>> {
    Ok(company_member::Entity::find()
        .filter(company_member::Column::CompanyId.eq(company_id))
        .order_by_asc(company_member::Column::Id)
        .lock_exclusive()
        .all(tx)
        .await?)
}

fn admins(staff: &[company_member::Model]) -> usize {
    staff
        .iter()
        .filter(|m| m.role == CompanyRole::Admin)
        .count()
}

/// The caller's ADMIN role as it stands under the lock: one removed or demoted while this
/// request was in flight acts no more.
fn still_admin(staff: &[company_member::Model], access: &Access) -> DomainResult<()> {
    if staff
        .iter()
        .any(|m| m.user_id == access.user_id() && m.role == CompanyRole::Admin)
    {
        Ok(())
    } else {
        Err(DomainError::forbidden(
            "you are no longer an ADMIN of this company",
        ))
    }
}

async fn insert_member(
    tx: &impl ConnectionTrait,
    access: &Access,
    company_id: i64,
    user_id: i64,
    role: CompanyRole,
) -> DomainResult<company_member::Model> {
    let member = company_member::ActiveModel {
        company_id: Set(company_id),
        user_id: Set(user_id),
        role: Set(role),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    audit::record(
        tx,
        Some(access.user_id()),
        audit::Change::new("company_member.add", Subject::CompanyMember, member.id).to(role),
    )
    .await?;
    Ok(member)
}

pub async fn get(
    db: &impl ConnectionTrait,
    access: &Access,
    id: i64,
) -> DomainResult<company::Model> {
    if !access.can_see_company(id) {
        return Err(DomainError::NotFound("company"));
    }
    company::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("company"))
}

/// The staff list; visible to the company's staff only.
pub async fn members(
    db: &impl ConnectionTrait,
    access: &Access,
    company_id: i64,
) -> DomainResult<Vec<company_member::Model>> {
    if !access.is_staff(company_id) {
        return Ok(Vec::new());
    }
    Ok(company_member::Entity::find()
        .filter(company_member::Column::CompanyId.eq(company_id))
        .order_by_asc(company_member::Column::Id)
        .all(db)
        .await?)
}

pub async fn member(
    db: &impl ConnectionTrait,
    access: &Access,
    id: i64,
) -> DomainResult<company_member::Model> {
    company_member::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|m| access.is_staff(m.company_id) || m.user_id == access.user_id())
        .ok_or(DomainError::NotFound("company member"))
}

/// The caller's own memberships.
pub async fn memberships_of(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> DomainResult<Vec<company_member::Model>> {
    Ok(company_member::Entity::find()
        .filter(company_member::Column::UserId.eq(user_id))
        .order_by_asc(company_member::Column::Id)
        .all(db)
        .await?)
}

/// Chooses how a company pays: contracts accepted afterwards follow the choice. ADMIN only.
/// `stripe_enabled` says whether this server has Stripe configured.
#[tracing::instrument(skip_all, fields(user = access.user_id(), company_id))]
pub async fn set_payment_provider(
    db: &DatabaseConnection,
    access: &Access,
    stripe_enabled: bool,
    company_id: i64,
    provider: PaymentProvider,
) -> DomainResult<company::Model> {
    access.require_company_role(
        company_id,
        &[CompanyRole::Admin],
        "choosing the payment provider",
    )?;
    if provider == PaymentProvider::Stripe && !stripe_enabled {
        return Err(DomainError::conflict(
            "Stripe is not configured on this server",
        ));
    }
    let tx = write_tx(db).await?;
    let company = company::Entity::find_by_id(company_id)
        .lock_exclusive()
        .one(&tx)
        .await?
        .ok_or(DomainError::NotFound("company"))?;
    if company.payment_provider == provider {
        return Ok(company);
    }
    let from = company.payment_provider;
    let mut active: company::ActiveModel = company.into();
    active.payment_provider = Set(provider);
    let company = active.update(&tx).await?;
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("company.payment_provider", Subject::Company, company.id)
            .from(from)
            .to(provider),
    )
    .await?;
    tx.commit().await?;
    Ok(company)
}

/// The days a delivery may wait for review before it is accepted automatically.
pub const REVIEW_WINDOW_DAYS: std::ops::RangeInclusive<i32> = 1..=60;

/// Company settings a client may change; `None` leaves a setting as it is.
#[derive(Debug, Default, Clone)]
pub struct Settings {
    pub review_window_days: Option<i32>,
    /// Days after the acceptance day (検収日) the company pays by.
    pub payment_terms_days: Option<i32>,
}

/// The payment terms a company may set, in days after the acceptance day: at most 59, so the
/// payment is never later than the 60th day counting the acceptance day (Freelance Act art. 4).
pub fn check_payment_terms_days(days: i32) -> DomainResult<i32> {
    let limit = i32::try_from(super::invoices::PAYMENT_DAYS).unwrap_or(59);
    if days < 0 {
        return Err(DomainError::bad_input(
            "input.paymentTermsDays",
            "must be 0 or more days after acceptance",
        ));
    }
    if days > limit {
        return Err(DomainError::bad_input(
            "input.paymentTermsDays",
            format!(
                "must be at most {limit} days after acceptance: the Freelance Act (art. 4) requires payment within 60 days counting the acceptance day"
            ),
        ));
    }
    Ok(days)
}

/// Changes the company's settings, audited. ADMIN only. A new review window applies to
/// deliveries submitted afterwards; those already waiting keep their deadline. New payment
/// terms apply to invoices submitted afterwards and to terms statements issued afterwards.
#[tracing::instrument(skip_all, fields(user = access.user_id(), company_id))]
pub async fn update_settings(
    db: &DatabaseConnection,
    access: &Access,
    company_id: i64,
    settings: Settings,
) -> DomainResult<company::Model> {
    access.require_company_role(
        company_id,
        &[CompanyRole::Admin],
        "changing the company's settings",
    )?;
    if let Some(days) = settings.review_window_days
        && !REVIEW_WINDOW_DAYS.contains(&days)
    {
        return Err(DomainError::bad_input(
            "input.reviewWindowDays",
            format!(
                "must be between {} and {} days",
                REVIEW_WINDOW_DAYS.start(),
                REVIEW_WINDOW_DAYS.end()
            ),
        ));
    }
    let terms = settings
        .payment_terms_days
        .map(check_payment_terms_days)
        .transpose()?;
    let tx = write_tx(db).await?;
    let company = company::Entity::find_by_id(company_id)
        .lock_exclusive()
        .one(&tx)
        .await?
        .ok_or(DomainError::NotFound("company"))?;
    let days = settings
        .review_window_days
        .filter(|d| *d != company.review_window_days);
    let terms = terms.filter(|t| Some(*t) != company.payment_terms_days);
    if days.is_none() && terms.is_none() {
        return Ok(company);
    }
    let mut changed = Vec::new();
    let mut active: company::ActiveModel = company.into();
    if let Some(days) = days {
        active.review_window_days = Set(days);
        changed.push("reviewWindowDays".to_string());
    }
    if let Some(terms) = terms {
        active.payment_terms_days = Set(Some(terms));
        changed.push(format!("paymentTermsDays={terms}"));
    }
    let company = active.update(&tx).await?;
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("company.settings", Subject::Company, company.id)
            .detail(changed.join(", ")),
    )
    .await?;
    tx.commit().await?;
    Ok(company)
}
