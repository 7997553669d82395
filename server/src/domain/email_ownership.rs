//! Proving email ownership: single-use, expiring tokens sent by mail to verify an address or
//! reset a password. A request queues only the intent (`outbox`); the mail worker calls
//! `next_letter`, which makes the token — storing only its hash — and renders the mail in
//! memory, so no usable token is ever written to the database. A retry makes a new token and
//! deletes the failed attempt's. Earlier tokens of the same purpose keep working until they
//! expire (mail can arrive out of order) or until one of them is used, which ends the rest.
use chrono::Duration;
use entity::states::MailPurpose;
use entity::{email_token, user};
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
use super::{Actor, audit, notification_mail, now, outbox, write_tx};

const VERIFY_TTL: Duration = Duration::hours(24);
const RESET_TTL: Duration = Duration::hours(1);

/// Where mailed links point.
#[derive(Debug, Clone)]
pub struct Links {
    pub public_url: String,
}

/// A mail ready to send, made by the worker for one attempt. It holds a live token: it
/// lives in memory only, and its `Debug` shows neither body nor link.
pub struct Letter {
    pub outbox_id: i64,
    pub attempt: i32,
    token_id: Option<i64>,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The link in the body, for the development log backend.
    pub link: String,
}

impl std::fmt::Debug for Letter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Letter")
            .field("outbox_id", &self.outbox_id)
            .field("attempt", &self.attempt)
            .field("to", &self.to)
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

/// What the worker found in the outbox.
#[derive(Debug)]
pub enum Next {
    /// Nothing is due.
    Idle,
    /// A row was closed without sending (no account, already verified, or given up).
    Closed,
    Send(Letter),
}

/// Queues the verification mail for a new or unverified account, in the caller's transaction.
pub(crate) async fn queue_verification(
    tx: &impl ConnectionTrait,
    user: &user::Model,
) -> DomainResult<()> {
    outbox::queue_for_user(tx, MailPurpose::Verify, user).await
}

/// Queues a new verification mail to the caller; false when the address is already verified.
pub async fn request_verification(db: &DatabaseConnection, actor: &Actor) -> DomainResult<bool> {
    let user = user::Entity::find_by_id(actor.user_id)
        .one(db)
        .await?
        .ok_or(DomainError::Unauthenticated)?;
    if user.email_verified_at.is_some() {
        return Ok(false);
    }
    queue_verification(db, &user).await?;
    Ok(true)
}

/// Queues a reset mail for `email`. Known and unknown addresses take the same path — one
/// insert, no mail on the request path — so the caller learns nothing either way.
#[tracing::instrument(skip_all)]
pub async fn request_reset(db: &DatabaseConnection, email: &str) -> DomainResult<()> {
    super::text::check_chars(email.trim(), "email", super::text::Lines::Single)?;
    // A malformed address has no account; refusing it tells nothing about anyone.
    let Ok(email) = Email::parse(email, "email") else {
        return Ok(());
    };
    outbox::queue_for_address(db, MailPurpose::Reset, &email).await
}

/// Claims the next due mail and makes it ready to send: a new token (its hash stored, in the
/// claiming transaction) and the body, rendered in memory.
pub async fn next_letter(db: &DatabaseConnection, links: &Links) -> DomainResult<Next> {
    if !outbox::any_due(db).await? {
        return Ok(Next::Idle);
    }
    let tx = write_tx(db).await?;
    let Some(row) = outbox::next_due(&tx).await? else {
        return Ok(Next::Idle);
    };
    let user = match row.user_id {
        Some(id) => user::Entity::find_by_id(id).one(&tx).await?,
        None => None,
    };
    let nothing_to_send = match (&user, row.purpose) {
        (None, _) => true,
        (Some(user), MailPurpose::Verify) => user.email_verified_at.is_some(),
        (Some(_), MailPurpose::Reset | MailPurpose::Notification | MailPurpose::Digest) => false,
    };
    let (Some(user), false) = (user, nothing_to_send) else {
        outbox::close_unsent(&tx, &row, None).await?;
        tx.commit().await?;
        return Ok(Next::Closed);
    };
    if row.attempts >= outbox::MAX_ATTEMPTS {
        // Only a row whose worker died mid-send gets here; the others fail in `not_delivered`.
        let error = format!(
            "gave up after {} attempts; the last one stopped while sending",
            row.attempts
        );
        outbox::close_unsent(&tx, &row, Some(&error)).await?;
        tx.commit().await?;
        return Ok(Next::Closed);
    }
    if matches!(row.purpose, MailPurpose::Notification | MailPurpose::Digest) {
        // No token: a notification's mail only tells and links to the console.
        let Some((subject, body, link)) =
            notification_mail::compose(&tx, &row, &user, links).await?
        else {
            outbox::close_unsent(&tx, &row, None).await?;
            tx.commit().await?;
            return Ok(Next::Closed);
        };
        let Some(attempt) = outbox::start_attempt(&tx, &row, &user.email).await? else {
            return Ok(Next::Closed);
        };
        tx.commit().await?;
        return Ok(Next::Send(Letter {
            outbox_id: row.id,
            attempt,
            token_id: None,
            to: user.email,
            subject,
            body,
            link,
        }));
    }
    let Some(attempt) = outbox::start_attempt(&tx, &row, &user.email).await? else {
        return Ok(Next::Closed);
    };
    let (token, hash) = new_token();
    let at = now();
    let ttl = match row.purpose {
        MailPurpose::Verify => VERIFY_TTL,
        MailPurpose::Reset | MailPurpose::Notification | MailPurpose::Digest => RESET_TTL,
    };
    let stored = email_token::ActiveModel {
        user_id: Set(user.id),
        purpose: Set(row.purpose),
        token_hash: Set(hash),
        expires_at: Set(at + ttl),
        used_at: Set(None),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    tx.commit().await?;
    let (subject, body, link) = render(row.purpose, links, &user, &token);
    Ok(Next::Send(Letter {
        outbox_id: row.id,
        attempt,
        token_id: Some(stored.id),
        to: user.email,
        subject,
        body,
        link,
    }))
}

fn render(
    purpose: MailPurpose,
    links: &Links,
    user: &user::Model,
    token: &str,
) -> (String, String, String) {
    let base = links.public_url.trim_end_matches('/');
    let name = &user.display_name;
    match purpose {
        MailPurpose::Verify => {
            let link = format!("{base}/verify-email?token={token}");
            let body = format!(
                "Hello {name},\n\nConfirm this address to take part in your alumni networks:\n{link}\n\n\
                 Or use this code with the verifyEmail mutation: {token}\n\nThe link expires in 24 hours."
            );
            ("Confirm your email for Boomerang".to_string(), body, link)
        }
        MailPurpose::Reset => {
            let link = format!("{base}/reset-password?token={token}");
            let body = format!(
                "Hello {name},\n\nSomeone asked to reset your password. If it was you, open:\n{link}\n\n\
                 Or use this code with the resetPassword mutation: {token}\n\nThe link expires in one hour. \
                 If it was not you, ignore this mail; your password is unchanged."
            );
            ("Reset your Boomerang password".to_string(), body, link)
        }
        // Composed by `notification_mail` before any token is made; never reached.
        MailPurpose::Notification | MailPurpose::Digest => {
            (String::new(), String::new(), base.to_string())
        }
    }
}

/// Records that the letter was delivered. False when its claim had been lost (the lease ran
/// out mid-send), which `crate::mail::SEND_TIMEOUT` < `outbox::LEASE` rules out.
pub async fn delivered(db: &DatabaseConnection, letter: &Letter) -> DomainResult<bool> {
    outbox::mark_sent(db, letter.outbox_id, letter.attempt).await
}

/// Records a failed attempt and deletes its token, which nobody received; the retry makes a
/// new one. False when the claim had been lost.
pub async fn not_delivered(
    db: &DatabaseConnection,
    letter: &Letter,
    error: &str,
) -> DomainResult<bool> {
    let tx = write_tx(db).await?;
    if let Some(token_id) = letter.token_id {
        email_token::Entity::delete_many()
            .filter(email_token::Column::Id.eq(token_id))
            .filter(email_token::Column::UsedAt.is_null())
            .exec(&tx)
            .await?;
    }
    let marked = outbox::mark_failed(&tx, letter.outbox_id, letter.attempt, error).await?;
    tx.commit().await?;
    Ok(marked)
}

/// Takes a valid, unused token of `purpose`, marking it used; otherwise `BAD_USER_INPUT`.
async fn redeem(
    tx: &impl ConnectionTrait,
    token: &str,
    purpose: MailPurpose,
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
    // Using one link ends the account's other links of the same purpose.
    email_token::Entity::update_many()
        .col_expr(email_token::Column::UsedAt, Expr::value(at))
        .filter(email_token::Column::UserId.eq(found.user_id))
        .filter(email_token::Column::Purpose.eq(purpose))
        .filter(email_token::Column::UsedAt.is_null())
        .exec(tx)
        .await?;
    Ok(found)
}

#[tracing::instrument(skip_all)]
pub async fn verify(db: &DatabaseConnection, token: &str) -> DomainResult<user::Model> {
    let tx = write_tx(db).await?;
    let redeemed = redeem(&tx, token, MailPurpose::Verify).await?;
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
    let redeemed = redeem(&tx, token, MailPurpose::Reset).await?;
    let at = now();
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(password_hash))
        .filter(user::Column::Id.eq(redeemed.user_id))
        .exec(&tx)
        .await?;
    // Receiving the mail proves ownership of the address as well.
    let verified = user::Entity::update_many()
        .col_expr(user::Column::EmailVerifiedAt, Expr::value(at))
        .filter(user::Column::Id.eq(redeemed.user_id))
        .filter(user::Column::EmailVerifiedAt.is_null())
        .exec(&tx)
        .await?;
    if verified.rows_affected == 1 {
        audit::record(
            &tx,
            Some(redeemed.user_id),
            audit::Change::new("user.verify_email", Subject::User, redeemed.user_id),
        )
        .await?;
    }
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
