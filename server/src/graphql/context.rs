//! Per-request state: the caller, their access (loaded once, on first use) and the loaders.
use async_graphql::Context;
use async_graphql::dataloader::DataLoader;
use sea_orm::DatabaseConnection;
use tokio::sync::OnceCell;

use super::errors::gql;
use super::loaders::Loaders;
use crate::domain::{Access, Actor};
use crate::error::DomainError;

pub struct RequestCtx {
    pub db: DatabaseConnection,
    pub actor: Option<Actor>,
    /// The bearer token as sent, so `logOut` can end exactly this session.
    pub token: Option<String>,
    access: OnceCell<Access>,
}

impl RequestCtx {
    pub fn new(db: DatabaseConnection, actor: Option<Actor>, token: Option<String>) -> Self {
        Self {
            db,
            actor,
            token,
            access: OnceCell::new(),
        }
    }
}

pub fn req<'a>(ctx: &Context<'a>) -> &'a RequestCtx {
    ctx.data_unchecked::<RequestCtx>()
}

pub fn db<'a>(ctx: &Context<'a>) -> &'a DatabaseConnection {
    &req(ctx).db
}

pub fn loader<'a>(ctx: &Context<'a>) -> &'a DataLoader<Loaders> {
    ctx.data_unchecked::<DataLoader<Loaders>>()
}

/// The caller's access, or `UNAUTHENTICATED`.
pub async fn access<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Access> {
    let req = req(ctx);
    let actor = req
        .actor
        .clone()
        .ok_or_else(|| gql(DomainError::Unauthenticated))?;
    req.access
        .get_or_try_init(|| Access::load(&req.db, actor))
        .await
        .map_err(gql)
}
