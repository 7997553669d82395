//! A freelancer's payee profile: who she is in law (payee type), her qualified-invoice
//! registration number, and the name and address the annual payment records need. Only she
//! reads or changes it; companies see what her invoices carry.
use entity::states::PayeeType;
use entity::user;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveEnum, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::audit::Subject;
use super::consumption_tax::RegistrationNumber;
use super::error::{DomainError, DomainResult};
use super::{Access, audit, invoice_tax, text, write_tx};

/// The profile as submitted; empty strings clear a field.
#[derive(Debug, Clone)]
pub struct PayeeProfile {
    pub payee_type: PayeeType,
    pub registration_number: Option<String>,
    pub legal_name: Option<String>,
    pub address: Option<String>,
}

/// Replaces the caller's payee profile, audited. Contracts keep the payee type they were
/// accepted under; invoices submitted from now carry the new registration number.
#[tracing::instrument(skip_all, fields(user = access.user_id()))]
pub async fn update(
    db: &DatabaseConnection,
    access: &Access,
    profile: PayeeProfile,
) -> DomainResult<user::Model> {
    let optional = |value: Option<String>, field: &str, max: usize| -> DomainResult<_> {
        match value.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(value) => text::single_line(value, field, max).map(Some),
        }
    };
    let registration_number =
        optional(profile.registration_number, "input.registrationNumber", 14)?
            .map(|number| {
                RegistrationNumber::parse(&number, invoice_tax::payee(profile.payee_type))
                    .map(|n| n.as_str().to_string())
                    .map_err(|e| match e {
                        DomainError::BadInput { message, .. } => {
                            DomainError::bad_input("input.registrationNumber", message)
                        }
                        other => other,
                    })
            })
            .transpose()?;
    let legal_name = optional(profile.legal_name, "input.legalName", 200)?;
    let address = match profile.address.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(address) => Some(text::multi_line(address, "input.address", 500)?),
    };
    let tx = write_tx(db).await?;
    user::Entity::update_many()
        .col_expr(
            user::Column::PayeeType,
            Expr::value(profile.payee_type.to_value()),
        )
        .col_expr(
            user::Column::RegistrationNumber,
            Expr::value(registration_number.clone()),
        )
        .col_expr(user::Column::LegalName, Expr::value(legal_name.clone()))
        .col_expr(user::Column::Address, Expr::value(address.clone()))
        .filter(user::Column::Id.eq(access.user_id()))
        .exec(&tx)
        .await?;
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("user.payee_profile", Subject::User, access.user_id()).detail(format!(
            "payee type {}; registration number {}",
            profile.payee_type.to_value(),
            registration_number.as_deref().unwrap_or("none")
        )),
    )
    .await?;
    let user = user::Entity::find_by_id(access.user_id())
        .one(&tx)
        .await?
        .ok_or(DomainError::NotFound("user"))?;
    tx.commit().await?;
    Ok(user)
}
