//! Accounts and sessions: argon2id password hashes, random bearer tokens stored only as
//! SHA-256 hashes, 30-day expiry.
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use entity::{outbox_email, session, user};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};
use sha2::{Digest, Sha256};

use super::email::Email;
use super::email_ownership::{self, Links};
use super::{Access, audit, now, required_text, write_tx};
use crate::error::{DomainError, DomainResult};

pub const MIN_PASSWORD_CHARS: usize = 12;
const MAX_PASSWORD_CHARS: usize = 1024;
const SESSION_DAYS: i64 = 30;

pub struct SignUp<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub display_name: &'a str,
}

/// A new session: the token is returned once and never stored.
pub struct Session {
    pub token: String,
    pub user: user::Model,
    /// Mail queued by the change (the verification mail at sign-up), to deliver after commit.
    pub mail: Vec<outbox_email::Model>,
}

#[tracing::instrument(skip_all)]
pub async fn sign_up(
    db: &DatabaseConnection,
    links: &Links,
    input: SignUp<'_>,
) -> DomainResult<Session> {
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
        audit::Change {
            action: "user.sign_up",
            object_type: "User",
            object_id: user.id,
            from: None,
            to: None,
        },
    )
    .await?;
    let mail = vec![email_ownership::queue_verification(&tx, links, &user).await?];
    let token = open_session(&tx, user.id).await?;
    tx.commit().await?;
    Ok(Session { token, user, mail })
}

pub(crate) fn check_password(password: &str, field: &str) -> DomainResult<()> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(DomainError::bad_input(
            field,
            format!("must be at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(DomainError::bad_input(
            field,
            format!("must be at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    Ok(())
}

/// A wrong password and an unknown email give the same error, after the same work.
#[tracing::instrument(skip_all)]
pub async fn log_in(db: &DatabaseConnection, email: &str, password: &str) -> DomainResult<Session> {
    const INVALID: DomainError = DomainError::InvalidCredentials("invalid email or password");
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
    Ok(Session {
        token,
        user,
        mail: Vec::new(),
    })
}

/// Ends the session of this token. Returns whether one was open.
pub async fn log_out(db: &DatabaseConnection, token: &str) -> DomainResult<bool> {
    let deleted = session::Entity::delete_many()
        .filter(session::Column::TokenHash.eq(token_hash(token)))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected > 0)
}

/// The caller behind a bearer token, with their access, if the session exists and has not
/// expired.
pub async fn authenticate(
    db: &DatabaseConnection,
    token: &str,
    require_verified_email: bool,
) -> DomainResult<Option<Access>> {
    Access::for_token(db, &token_hash(token), require_verified_email).await
}

/// Ends every session of the user ("log out everywhere"). Returns how many ended.
pub async fn log_out_everywhere(
    db: &impl sea_orm::ConnectionTrait,
    user_id: i64,
) -> DomainResult<u64> {
    let deleted = session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

/// A fresh random token (256 bits, URL-safe) and the hash under which it is stored.
pub(crate) fn new_token() -> (String, String) {
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

async fn open_session(tx: &impl sea_orm::ConnectionTrait, user_id: i64) -> DomainResult<String> {
    let (token, hash) = new_token();
    let created_at = now();
    session::Entity::insert(session::ActiveModel {
        user_id: Set(user_id),
        token_hash: Set(hash),
        created_at: Set(created_at),
        expires_at: Set(created_at + Duration::days(SESSION_DAYS)),
        ..Default::default()
    })
    .exec(tx)
    .await?;
    Ok(token)
}

pub(crate) fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Argon2 is deliberately slow; it runs off the async workers.
pub(crate) async fn hash_password(password: String) -> DomainResult<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
    })
    .await
    .map_err(|e| anyhow::anyhow!("password hashing task: {e}"))?
    .map_err(DomainError::Internal)
}

/// Verifies against the stored hash, or against a throwaway hash when there is no user,
/// so both failures cost the same time.
async fn verify_password(password: String, stored: Option<String>) -> DomainResult<bool> {
    tokio::task::spawn_blocking(move || {
        let argon = Argon2::default();
        match stored {
            Some(stored) => {
                let parsed = PasswordHash::new(&stored)
                    .map_err(|e| anyhow::anyhow!("stored password hash: {e}"))?;
                Ok(argon.verify_password(password.as_bytes(), &parsed).is_ok())
            }
            None => {
                let salt = SaltString::generate(&mut OsRng);
                let _ = argon.hash_password(password.as_bytes(), &salt);
                Ok(false)
            }
        }
    })
    .await
    .map_err(|e| anyhow::anyhow!("password verification task: {e}"))?
    .map_err(DomainError::Internal)
}
