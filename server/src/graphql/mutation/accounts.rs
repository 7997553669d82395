use async_graphql::{Context, InputObject, Object, SimpleObject};

use crate::domain::accounts::{self, SignUp};
use crate::error::DomainError;
use crate::graphql::context::{db, req};
use crate::graphql::errors::{OrGql, gql};
use crate::graphql::types::User;

#[derive(Default)]
pub struct AccountMutation;

#[derive(InputObject)]
pub struct SignUpInput {
    pub email: String,
    /// At least 12 characters.
    pub password: String,
    pub display_name: String,
}

#[derive(InputObject)]
pub struct LogInInput {
    pub email: String,
    pub password: String,
}

/// A session token (send it as `Authorization: Bearer <token>`) and its user.
#[derive(SimpleObject)]
pub struct AuthPayload {
    pub token: String,
    pub user: User,
}

#[Object]
impl AccountMutation {
    async fn sign_up(
        &self,
        ctx: &Context<'_>,
        input: SignUpInput,
    ) -> async_graphql::Result<AuthPayload> {
        let session = accounts::sign_up(
            db(ctx),
            SignUp {
                email: &input.email,
                password: &input.password,
                display_name: &input.display_name,
            },
        )
        .await
        .gql()?;
        Ok(AuthPayload {
            token: session.token,
            user: User::caller(session.user),
        })
    }

    async fn log_in(
        &self,
        ctx: &Context<'_>,
        input: LogInInput,
    ) -> async_graphql::Result<AuthPayload> {
        let session = accounts::log_in(db(ctx), &input.email, &input.password)
            .await
            .gql()?;
        Ok(AuthPayload {
            token: session.token,
            user: User::caller(session.user),
        })
    }

    /// Ends the session of the token this request carries.
    async fn log_out(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let token = req(ctx)
            .token
            .as_deref()
            .ok_or_else(|| gql(DomainError::Unauthenticated))?;
        accounts::log_out(db(ctx), token).await.gql()
    }
}
