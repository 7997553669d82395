//! Per-request state: the caller, their access (loaded with the session) and the loaders.

use std::net::IpAddr;

use async_graphql::Context;
use sea_orm::DatabaseConnection;

use super::ApiConfig;
use super::errors::gql;
use super::loaders::RequestLoader;
use crate::domain::error::DomainError;
use crate::domain::{Access, Actor};
use crate::ratelimit::Rule;

pub struct RequestCtx {
    pub db: DatabaseConnection,
    /// The caller and what they may see, loaded with the session; `None` when anonymous.
    access: Option<Access>,
    /// The bearer token as sent, so `logOut` can end exactly this session.
    pub token: Option<String>,
    /// The peer address, for per-IP rate limits.
    pub client_ip: Option<IpAddr>,
}

impl RequestCtx {
    pub fn new(
        db: DatabaseConnection,
        access: Option<Access>,
        token: Option<String>,
        client_ip: Option<IpAddr>,
    ) -> Self {
        Self {
            db,
            access,
            token,
            client_ip,
        }
    }

    pub fn actor(&self) -> Option<&Actor> {
        self.access.as_ref().map(|a| &a.actor)
    }
}

pub fn req<'a>(ctx: &Context<'a>) -> &'a RequestCtx {
    ctx.data_unchecked::<RequestCtx>()
}

pub fn db<'a>(ctx: &Context<'a>) -> &'a DatabaseConnection {
    &req(ctx).db
}

pub fn loader<'a>(ctx: &Context<'a>) -> &'a RequestLoader {
    ctx.data_unchecked::<RequestLoader>()
}

pub fn api<'a>(ctx: &Context<'a>) -> &'a ApiConfig {
    ctx.data_unchecked::<ApiConfig>()
}

/// The caller's access, or `UNAUTHENTICATED`.
pub async fn access<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Access> {
    req(ctx)
        .access
        .as_ref()
        .ok_or_else(|| gql(DomainError::Unauthenticated))
}

/// Counts a hit against the caller's IP (when known) and, if given, an account key.
pub fn rate_limit(
    ctx: &Context<'_>,
    action: &str,
    per_ip: Rule,
    per_account: Option<(&str, Rule)>,
) -> async_graphql::Result<()> {
    let limiter = &api(ctx).rate_limiter;
    if let Some(ip) = req(ctx).client_ip {
        limiter
            .hit(&format!("{action}:ip:{ip}"), per_ip)
            .map_err(gql)?;
    }
    if let Some((account, rule)) = per_account {
        limiter
            .hit(
                &format!("{action}:account:{}", account.trim().to_lowercase()),
                rule,
            )
            .map_err(gql)?;
    }
    Ok(())
}
