use async_graphql::{Context, InputObject, Object, SimpleObject};

use crate::domain::accounts::{self, SignUp};
use crate::domain::email_ownership;
use crate::domain::error::DomainError;
use crate::domain::sessions;
use crate::graphql::context::{api, db, rate_limit, req};
use crate::graphql::errors::{OrGql, gql};
use crate::graphql::types::User;
use crate::ratelimit;

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

#[derive(InputObject)]
pub struct ResetPasswordInput {
    /// The code from the reset mail.
    pub token: String,
    /// At least 12 characters.
    pub new_password: String,
}

/// A session token (send it as `Authorization: Bearer <token>`) and its user.
#[derive(SimpleObject)]
pub struct AuthPayload {
    pub token: String,
    pub user: User,
}

#[Object]
impl AccountMutation {
    /// Creates an account and mails a link to verify the address.
    async fn sign_up(
        &self,
        ctx: &Context<'_>,
        input: SignUpInput,
    ) -> async_graphql::Result<AuthPayload> {
        rate_limit(ctx, "sign_up", ratelimit::SIGN_UP_PER_IP, None)?;
        let api = api(ctx);
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
        api.mail_wakeup.notify();
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
        rate_limit(
            ctx,
            "log_in",
            ratelimit::LOG_IN_PER_IP,
            Some((&input.email, ratelimit::LOG_IN_PER_ACCOUNT)),
        )?;
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
        sessions::log_out(db(ctx), token).await.gql()
    }

    /// Ends every session of the caller, on every device. Returns how many ended.
    async fn log_out_everywhere(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        let actor = req(ctx)
            .actor()
            .ok_or_else(|| gql(DomainError::Unauthenticated))?;
        let ended = sessions::log_out_everywhere(db(ctx), actor.user_id)
            .await
            .gql()?;
        Ok(i32::try_from(ended).unwrap_or(i32::MAX))
    }

    /// Confirms the email address with the code from the verification mail (single use).
    async fn verify_email(&self, ctx: &Context<'_>, token: String) -> async_graphql::Result<User> {
        rate_limit(ctx, "verify_email", ratelimit::VERIFY_EMAIL_PER_IP, None)?;
        Ok(User::new(
            email_ownership::verify(db(ctx), &token).await.gql()?,
        ))
    }

    /// Mails a new verification link to the caller; false when already verified.
    async fn request_email_verification(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let actor = req(ctx)
            .actor()
            .ok_or_else(|| gql(DomainError::Unauthenticated))?;
        let queued = email_ownership::request_verification(db(ctx), actor)
            .await
            .gql()?;
        if queued {
            api(ctx).mail_wakeup.notify();
        }
        Ok(queued)
    }

    /// Mails a reset link if the address has an account. Always answers true, so the
    /// answer reveals nothing about who has an account.
    async fn request_password_reset(
        &self,
        ctx: &Context<'_>,
        email: String,
    ) -> async_graphql::Result<bool> {
        rate_limit(
            ctx,
            "reset",
            ratelimit::RESET_PER_IP,
            Some((&email, ratelimit::RESET_PER_ACCOUNT)),
        )?;
        // The same work for any address — one queued row, no mail sent here — so the timing
        // tells nothing either.
        email_ownership::request_reset(db(ctx), &email)
            .await
            .gql()?;
        api(ctx).mail_wakeup.notify();
        Ok(true)
    }

    /// Sets a new password with the code from the reset mail and ends every session.
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        input: ResetPasswordInput,
    ) -> async_graphql::Result<bool> {
        rate_limit(
            ctx,
            "reset_password",
            ratelimit::RESET_PASSWORD_PER_IP,
            None,
        )?;
        email_ownership::reset_password(db(ctx), &input.token, &input.new_password)
            .await
            .gql()?;
        Ok(true)
    }
}
