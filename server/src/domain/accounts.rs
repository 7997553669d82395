//! Accounts: signing up and logging in. Password and token handling is in `credentials`,
//! sessions in `sessions`.
use entity::user;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use super::audit::Subject;
use super::credentials::{check_password, hash_password, verify_password};
use super::email::Email;
use super::email_ownership;
use super::error::{DomainError, DomainResult};
use super::sessions::open_session;
use super::text::{self, Lines};
use super::{audit, now, required_text, write_tx};

pub struct SignUp<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub display_name: &'a str,
}

/// A new session: the token is returned once and never stored.
pub struct Session {
    pub token: String,
    pub user: user::Model,
}

#[tracing::instrument(skip_all)]
pub async fn sign_up(db: &DatabaseConnection, input: SignUp<'_>) -> DomainResult<Session> {
    let email = Email::parse(input.email, "input.email")?;
    let display_name = required_text(input.display_name, "input.displayName", 100)?;
    check_password(input.password, "input.password")?;
    let password_hash = hash_password(input.password.to_string()).await?;

    let tx = write_tx(db).await?;
    let taken = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&tx)
        .await?
        .is_some();
    if taken {
        return Err(DomainError::conflict(
            "an account with this email already exists",
        ));
    }
    let user = user::ActiveModel {
        email: Set(email.into_string()),
        display_name: Set(display_name),
        password_hash: Set(password_hash),
        email_verified_at: Set(None),
        created_at: Set(now()),
        ..Default::default()
    };
    let user = user.insert(&tx).await?;
    audit::record(
        &tx,
        Some(user.id),
        audit::Change::new("user.sign_up", Subject::User, user.id),
    )
    .await?;
    email_ownership::queue_verification(&tx, &user).await?;
    let token = open_session(&tx, user.id).await?;
    tx.commit().await?;
    Ok(Session { token, user })
}

/// A wrong password and an unknown email give the same error, after the same work. A control
/// character in the email is refused up front (no valid address has one, so the refusal tells
/// nothing); the password is only compared with a hash, and one set before control characters
/// were refused must still log in.
#[tracing::instrument(skip_all)]
pub async fn log_in(db: &DatabaseConnection, email: &str, password: &str) -> DomainResult<Session> {
    const INVALID: DomainError = DomainError::InvalidCredentials("invalid email or password");
    text::check_chars(email.trim(), "input.email", Lines::Single)?;
    let found = match Email::parse(email, "input.email") {
        Ok(email) => {
            user::Entity::find()
                .filter(user::Column::Email.eq(email.as_str()))
                .one(db)
                .await?
        }
        Err(_) => None,
    };
    let stored_hash = found.as_ref().map(|u| u.password_hash.clone());
    let matches = verify_password(password.to_string(), stored_hash).await?;
    let user = match (found, matches) {
        (Some(user), true) => user,
        _ => return Err(INVALID),
    };
    let tx = write_tx(db).await?;
    let token = open_session(&tx, user.id).await?;
    tx.commit().await?;
    Ok(Session { token, user })
}
