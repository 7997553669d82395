//! The alumni roster: a user whose email is on a company's roster is its alumnus, whether
//! they signed up before or after the upload.
use entity::alumni_record;
use entity::states::CompanyRole;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
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
    if !access.can_see_company(company_id) {
        return Err(DomainError::NotFound("company"));
    }
    access.require_role(
        company_id,
        &[CompanyRole::Admin],
        "uploading the alumni roster",
    )?;
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
    let tx = write_tx(db).await?;
    let existing = alumni_record::Entity::find()
        .filter(alumni_record::Column::CompanyId.eq(company_id))
        .filter(alumni_record::Column::Email.is_in(parsed.iter().map(Email::as_str)))
        .all(&tx)
        .await?;
    let mut records = Vec::with_capacity(parsed.len());
    for email in parsed {
        if let Some(found) = existing.iter().find(|r| r.email == email.as_str()) {
            records.push(found.clone());
            continue;
        }
        let record = alumni_record::ActiveModel {
            company_id: Set(company_id),
            email: Set(email.into_string()),
            created_at: Set(now()),
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
