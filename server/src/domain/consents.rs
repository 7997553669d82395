//! Consent first (APPI, issue 13 §1): an alumna grants and withdraws consent per company and
//! per purpose. A grant stores the wording she was shown; a withdrawal closes it. Every read
//! that depends on consent asks the database on that request, so a withdrawal takes effect on
//! the next request. Consent alone is not enough: she must also still be on the company's
//! roster (removal from the roster hides her as well).
use entity::states::ConsentPurpose;
use entity::{alumni_record, consent, user};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::audit::Subject;
use super::error::{DomainError, DomainResult};
use super::{Access, audit, now, write_tx};

/// The wording shown for each purpose, in both languages; stored with each grant.
pub fn wording(purpose: ConsentPurpose) -> &'static str {
    match purpose {
        ConsentPurpose::Directory => {
            "この企業の卒業生名簿に、氏名・見出し・スキル・リンク・在籍情報を掲載し、この企業の社員と、同じく掲載に同意した卒業生に公開することに同意します。 / I agree that my name, headline, skills, links and tenure are listed in this company's alumni directory, visible to its staff and to its other alumni who agreed to be listed."
        }
        ConsentPurpose::News => {
            "この企業からのお知らせを受け取ることに同意します。 / I agree to receive this company's news."
        }
        ConsentPurpose::Rehire => {
            "この企業の再雇用（アルムナイ採用）の求人を受け取り、応募することに同意します。応募に際し、プロフィールと在籍情報が選考に使用されます。 / I agree to see and apply to this company's rehire openings; my profile and tenure are used to consider my applications."
        }
        ConsentPurpose::Events => {
            "この企業のイベント（採用説明会の登壇依頼を含む）のご案内を受け取ることに同意します。 / I agree to be invited to this company's events, including requests to speak at recruiting seminars."
        }
    }
}

/// Grants consent for `purpose` to a company whose roster lists her. Granting what is already
/// granted returns the live grant unchanged.
#[tracing::instrument(skip_all, fields(user = access.user_id(), company_id))]
pub async fn grant(
    db: &DatabaseConnection,
    access: &Access,
    company_id: i64,
    purpose: ConsentPurpose,
) -> DomainResult<consent::Model> {
    if !access.alumni_of.contains(&company_id) {
        return Err(DomainError::NotFound("company"));
    }
    let tx = write_tx(db).await?;
    if let Some(live) = live(&tx, access.user_id(), company_id, purpose).await? {
        return Ok(live);
    }
    let granted = consent::ActiveModel {
        user_id: Set(access.user_id()),
        company_id: Set(company_id),
        purpose: Set(purpose),
        wording: Set(wording(purpose).to_string()),
        granted_at: Set(now()),
        withdrawn_at: Set(None),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("consent.grant", Subject::Consent, granted.id)
            .detail(purpose.to_value()),
    )
    .await?;
    tx.commit().await?;
    Ok(granted)
}

/// Withdraws a live consent; effective from the next request. Withdrawing what is not granted
/// is a CONFLICT (nothing to withdraw).
#[tracing::instrument(skip_all, fields(user = access.user_id(), company_id))]
pub async fn withdraw(
    db: &DatabaseConnection,
    access: &Access,
    company_id: i64,
    purpose: ConsentPurpose,
) -> DomainResult<consent::Model> {
    if !access.alumni_of.contains(&company_id) && !has_any(db, access.user_id(), company_id).await?
    {
        return Err(DomainError::NotFound("company"));
    }
    let tx = write_tx(db).await?;
    let Some(live) = live(&tx, access.user_id(), company_id, purpose).await? else {
        return Err(DomainError::conflict(format!(
            "no {} consent is granted to this company",
            purpose.to_value()
        )));
    };
    let at = now();
    let closed = consent::Entity::update_many()
        .col_expr(consent::Column::WithdrawnAt, Expr::value(at))
        .filter(consent::Column::Id.eq(live.id))
        .filter(consent::Column::WithdrawnAt.is_null())
        .exec(&tx)
        .await?;
    if closed.rows_affected != 1 {
        return Err(DomainError::conflict(
            "the consent changed meanwhile; reload it",
        ));
    }
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("consent.withdraw", Subject::Consent, live.id)
            .detail(purpose.to_value()),
    )
    .await?;
    tx.commit().await?;
    Ok(consent::Model {
        withdrawn_at: Some(at),
        ..live
    })
}

async fn live(
    db: &impl ConnectionTrait,
    user_id: i64,
    company_id: i64,
    purpose: ConsentPurpose,
) -> DomainResult<Option<consent::Model>> {
    Ok(consent::Entity::find()
        .filter(consent::Column::UserId.eq(user_id))
        .filter(consent::Column::CompanyId.eq(company_id))
        .filter(consent::Column::Purpose.eq(purpose))
        .filter(consent::Column::WithdrawnAt.is_null())
        .one(db)
        .await?)
}

/// Whether she ever consented to anything for the company (she may withdraw after leaving
/// the roster).
async fn has_any(db: &impl ConnectionTrait, user_id: i64, company_id: i64) -> DomainResult<bool> {
    Ok(consent::Entity::find()
        .filter(consent::Column::UserId.eq(user_id))
        .filter(consent::Column::CompanyId.eq(company_id))
        .one(db)
        .await?
        .is_some())
}

/// Whether `user_id` is on the company's roster now and has a live consent for `purpose`.
pub async fn has(
    db: &impl ConnectionTrait,
    user_id: i64,
    company_id: i64,
    purpose: ConsentPurpose,
) -> DomainResult<bool> {
    Ok(consenting(db, company_id, purpose)
        .await?
        .contains(&user_id))
}

/// The users on the company's roster now with a live consent for `purpose`, ascending.
pub async fn consenting(
    db: &impl ConnectionTrait,
    company_id: i64,
    purpose: ConsentPurpose,
) -> DomainResult<Vec<i64>> {
    let on_roster = Query::select()
        .column(alumni_record::Column::Email)
        .from(alumni_record::Entity)
        .and_where(alumni_record::Column::CompanyId.eq(company_id))
        .to_owned();
    let live = Query::select()
        .column(consent::Column::UserId)
        .from(consent::Entity)
        .and_where(consent::Column::CompanyId.eq(company_id))
        .and_where(consent::Column::Purpose.eq(purpose))
        .and_where(consent::Column::WithdrawnAt.is_null())
        .to_owned();
    Ok(user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Email.in_subquery(on_roster))
        .filter(user::Column::Id.in_subquery(live))
        .order_by_asc(user::Column::Id)
        .into_tuple::<i64>()
        .all(db)
        .await?)
}

/// Every grant she made, newest first (live and withdrawn): her record of consent.
pub async fn of_user(db: &impl ConnectionTrait, user_id: i64) -> DomainResult<Vec<consent::Model>> {
    Ok(consent::Entity::find()
        .filter(consent::Column::UserId.eq(user_id))
        .order_by_desc(consent::Column::GrantedAt)
        .order_by_desc(consent::Column::Id)
        .all(db)
        .await?)
}
