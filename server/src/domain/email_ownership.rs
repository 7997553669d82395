//! Proving email ownership: single-use, expiring tokens sent by mail to verify an address or
//! reset a password. Mail is written to the outbox in the same transaction as the token;
//! `crate::mail` delivers it. Only token hashes are stored.
use chrono::Duration;
use entity::{email_token, outbox_email, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};

use super::audit::Subject;
use super::credentials::{check_password, hash_password, new_token, token_hash};
use super::email::Email;
use super::error::{DomainError, DomainResult};
use super::sessions::log_out_everywhere;
use super::{Actor, audit, now, write_tx};

const VERIFY: &str = "verify";
const RESET: &str = "reset";
const VERIFY_TTL: Duration = Duration::hours(24);
const RESET_TTL: Duration = Duration::hours(1);

/// Where mailed links point.
#[derive(Debug, Clone)]
pub struct Links {
    pub public_url: String,
}

async fn issue(
    tx: &impl ConnectionTrait,
    user: &user::Model,
    purpose: &str,
    ttl: Duration,
    subject: &str,
    body: impl FnOnce(&str) -> String,
) -> DomainResult<outbox_email::Model> {
    let (token, hash) = new_token();
    let at = now();
    email_token::ActiveModel {
        user_id: Set(user.id),
        purpose: Set(purpose.to_string()),
        token_hash: Set(hash),
        expires_at: Set(at + ttl),
        used_at: Set(None),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    Ok(outbox_email::ActiveModel {
        recipient: Set(user.email.clone()),
        subject: Set(subject.to_string()),
        body: Set(body(&token)),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(tx)
    .await?)
}

pub(crate) async fn queue_verification(
    tx: &impl ConnectionTrait,
    links: &Links,
    user: &user::Model,
) -> DomainResult<outbox_email::Model> {
    let base = links.public_url.trim_end_matches('/');
    issue(tx, user, VERIFY, VERIFY_TTL, "Confirm your email for Boomerang", |token| {
        format!(
            "Hello {},\n\nConfirm this address to take part in your alumni networks:\n{base}/verify-email?token={token}\n\n\
             Or use this code with the verifyEmail mutation: {token}\n\nThe link expires in 24 hours.",
            user.display_name
        )
    })
    .await
}

/// Sends a new verification mail to the caller.
pub async fn request_verification(
    db: &DatabaseConnection,
    links: &Links,
    actor: &Actor,
) -> DomainResult<Option<outbox_email::Model>> {
    let tx = write_tx(db).await?;
    let user = user::Entity::find_by_id(actor.user_id)
        .one(&tx)
        .await?
        .ok_or(DomainError::Unauthenticated)?;
    if user.email_verified_at.is_some() {
        return Ok(None);
    }
    let mail = queue_verification(&tx, links, &user).await?;
    tx.commit().await?;
    Ok(Some(mail))
}

/// Takes a valid, unused token of `purpose`, marking it used; otherwise `BAD_USER_INPUT`.
async fn redeem(
    tx: &impl ConnectionTrait,
    token: &str,
    purpose: &str,
) -> DomainResult<email_token::Model> {
    let invalid = || {
        DomainError::bad_input(
            "token",
            "the link is invalid, used or expired; ask for a new one",
        )
    };
    let found = email_token::Entity::find()
        .filter(email_token::Column::TokenHash.eq(token_hash(token.trim())))
        .filter(email_token::Column::Purpose.eq(purpose))
        .one(tx)
        .await?
        .ok_or_else(invalid)?;
    let at = now();
    let used = email_token::Entity::update_many()
        .col_expr(email_token::Column::UsedAt, Expr::value(at))
        .filter(email_token::Column::Id.eq(found.id))
        .filter(email_token::Column::UsedAt.is_null())
        .filter(email_token::Column::ExpiresAt.gt(at))
        .exec(tx)
        .await?;
    if used.rows_affected != 1 {
        return Err(invalid());
    }
    Ok(found)
}

#[tracing::instrument(skip_all)]
pub async fn verify(db: &DatabaseConnection, token: &str) -> DomainResult<user::Model> {
    let tx = write_tx(db).await?;
    let redeemed = redeem(&tx, token, VERIFY).await?;
    let user = user::Entity::find_by_id(redeemed.user_id)
        .one(&tx)
        .await?
        .ok_or(DomainError::NotFound("user"))?;
    let user = if user.email_verified_at.is_none() {
        let mut active: user::ActiveModel = user.into();
        active.email_verified_at = Set(Some(now()));
        let user = active.update(&tx).await?;
        audit::record(
            &tx,
            Some(user.id),
            audit::Change::new("user.verify_email", Subject::User, user.id),
        )
        .await?;
        user
    } else {
        user
    };
    tx.commit().await?;
    Ok(user)
}

/// Queues a reset mail when the email belongs to an account; the caller learns nothing
/// either way.
#[tracing::instrument(skip_all)]
pub async fn request_reset(
    db: &DatabaseConnection,
    links: &Links,
    email: &str,
) -> DomainResult<Option<outbox_email::Model>> {
    super::text::check_chars(email.trim(), "email", super::text::Lines::Single)?;
    let Ok(email) = Email::parse(email, "email") else {
        return Ok(None);
    };
    let tx = write_tx(db).await?;
    let Some(user) = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&tx)
        .await?
    else {
        return Ok(None);
    };
    let base = links.public_url.trim_end_matches('/');
    let mail = issue(&tx, &user, RESET, RESET_TTL, "Reset your Boomerang password", |token| {
        format!(
            "Hello {},\n\nSomeone asked to reset your password. If it was you, open:\n{base}/reset-password?token={token}\n\n\
             Or use this code with the resetPassword mutation: {token}\n\nThe link expires in one hour. \
             If it was not you, ignore this mail; your password is unchanged.",
            user.display_name
        )
    })
    .await?;
    tx.commit().await?;
    Ok(Some(mail))
}

/// Sets a new password and ends every session of the account.
#[tracing::instrument(skip_all)]
pub async fn reset_password(
    db: &DatabaseConnection,
    token: &str,
    new_password: &str,
) -> DomainResult<()> {
    check_password(new_password, "input.newPassword")?;
    let password_hash = hash_password(new_password.to_string()).await?;
    let tx = write_tx(db).await?;
    let redeemed = redeem(&tx, token, RESET).await?;
    let at = now();
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(password_hash))
        .filter(user::Column::Id.eq(redeemed.user_id))
        .exec(&tx)
        .await?;
    // Receiving the mail proves ownership of the address as well.
    user::Entity::update_many()
        .col_expr(user::Column::EmailVerifiedAt, Expr::value(at))
        .filter(user::Column::Id.eq(redeemed.user_id))
        .filter(user::Column::EmailVerifiedAt.is_null())
        .exec(&tx)
        .await?;
    log_out_everywhere(&tx, redeemed.user_id).await?;
    audit::record(
        &tx,
        Some(redeemed.user_id),
        audit::Change::new("user.reset_password", Subject::User, redeemed.user_id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
