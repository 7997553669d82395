//! Sessions: a random bearer token returned once, stored as its hash, expiring after
//! `SESSION_DAYS`.
use chrono::Duration;
use entity::session;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use super::credentials::{new_token, token_hash};
use super::error::DomainResult;
use super::{Access, now};

pub const SESSION_DAYS: i64 = 30;

pub(crate) async fn open_session(tx: &impl ConnectionTrait, user_id: i64) -> DomainResult<String> {
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
pub async fn log_out_everywhere(db: &impl ConnectionTrait, user_id: i64) -> DomainResult<u64> {
    let deleted = session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}
