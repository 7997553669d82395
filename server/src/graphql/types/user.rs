use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::{payout_account, user};

use crate::domain::{bank_accounts, consents, notifications, payout_accounts};

use super::{
    BankAccount, Bid, Company, CompanyMember, Consent, Notification, NotificationPreference,
    PageArgs, PayeeProfile, Rating, connection, load_opt,
};
use crate::domain::error::DomainError;
use crate::domain::page::Paged;
use crate::domain::{bids, companies};
use crate::graphql::context::{access, db, loader, req};
use crate::graphql::errors::OrGql;
use crate::graphql::errors::gql;
use crate::graphql::ids;
use crate::graphql::loaders::{CompanyId, RatingOf};
use crate::graphql::scalars::BidStatus;

/// A person with an account. Their email and memberships are shown only to themselves.
pub struct User {
    row: user::Model,
    /// Set where the caller is known to be this user before any token exists (sign-up, log-in).
    is_caller: bool,
}

impl User {
    pub fn new(row: user::Model) -> Self {
        Self {
            row,
            is_caller: false,
        }
    }

    /// The user who just authenticated in this request.
    pub fn caller(row: user::Model) -> Self {
        Self {
            row,
            is_caller: true,
        }
    }

    fn is_viewer(&self, ctx: &Context<'_>) -> bool {
        self.is_caller || req(ctx).actor().is_some_and(|a| a.user_id == self.row.id)
    }
}

#[Object]
impl User {
    pub async fn id(&self) -> ID {
        ids::encode("User", self.row.id)
    }

    async fn display_name(&self) -> &str {
        &self.row.display_name
    }

    /// Only for the user themself; null for everyone else.
    async fn email(&self, ctx: &Context<'_>) -> Option<&str> {
        self.is_viewer(ctx).then_some(self.row.email.as_str())
    }

    /// Whether the user proved they own their email; null for anyone but the user themself.
    async fn email_verified(&self, ctx: &Context<'_>) -> Option<bool> {
        self.is_viewer(ctx)
            .then_some(self.row.email_verified_at.is_some())
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }

    /// The user's company roles; empty for anyone but the user themself.
    async fn memberships(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CompanyMember>> {
        if !self.is_viewer(ctx) {
            return Ok(Vec::new());
        }
        Ok(companies::memberships_of(db(ctx), self.row.id)
            .await
            .gql()?
            .into_iter()
            .map(CompanyMember)
            .collect())
    }

    /// The companies whose alumni roster lists the user; empty for anyone but the user themself.
    async fn alumni_of(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Company>> {
        if !self.is_viewer(ctx) || req(ctx).actor().is_none() {
            return Ok(Vec::new());
        }
        let access = access(ctx).await?;
        let companies = loader(ctx)
            .load_many(access.alumni_of.iter().map(|id| CompanyId(*id)))
            .await
            .map_err(|e| {
                gql(DomainError::Internal(anyhow::anyhow!(
                    "loading companies: {e}"
                )))
            })?;
        let mut out: Vec<Company> = companies.into_values().map(Company).collect();
        out.sort_by_key(|c| c.0.id);
        Ok(out)
    }

    /// The user's own bids across projects, newest first, optionally of one status; empty
    /// for anyone but the user themself.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn bids(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        status: Option<BidStatus>,
    ) -> async_graphql::Result<Connection<String, Bid>> {
        let page = PageArgs::page(first, after.as_deref()).gql()?;
        if !self.is_viewer(ctx) || req(ctx).actor().is_none() {
            return Ok(connection(
                Paged {
                    rows: Vec::new(),
                    has_next: false,
                },
                page.after,
                |b: &entity::bid::Model| b.id,
                Bid::new,
            ));
        }
        let paged = bids::of_bidder(db(ctx), access(ctx).await?, status.map(Into::into), page)
            .await
            .gql()?;
        Ok(connection(paged, page.after, |b| b.id, Bid::new))
    }

    /// The user's rating as a freelancer, from the companies' published reviews.
    async fn rating(&self, ctx: &Context<'_>) -> async_graphql::Result<Rating> {
        Ok(load_opt(ctx, RatingOf(self.row.id), "rating")
            .await?
            .unwrap_or_default()
            .into())
    }

    /// Who the user is as a payee (type, registration number, name and address for payment
    /// records); null for anyone but the user themself.
    async fn payee_profile(&self, ctx: &Context<'_>) -> Option<PayeeProfile> {
        self.is_viewer(ctx).then(|| PayeeProfile(self.row.clone()))
    }

    /// Her profile: whole to herself and to staff of a company she lets list her, name,
    /// headline, skills and links to a fellow consenting alumna; null for anyone else.
    async fn profile(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::graphql::directory::Profile>> {
        crate::graphql::directory::profile_of(ctx, self.row.id).await
    }

    /// Every consent the user granted, live and withdrawn, newest first; empty for anyone but
    /// the user themself.
    async fn consents(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Consent>> {
        if !self.is_viewer(ctx) {
            return Ok(Vec::new());
        }
        Ok(consents::of_user(db(ctx), self.row.id)
            .await
            .gql()?
            .into_iter()
            .map(Consent)
            .collect())
    }

    /// Her notifications, newest first (`unreadOnly`: only those not read); null for anyone
    /// but the user themself.
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(default)] unread_only: bool,
    ) -> async_graphql::Result<Option<Connection<String, Notification>>> {
        if !self.is_viewer(ctx) {
            return Ok(None);
        }
        let page = PageArgs::page(first, after.as_deref()).gql()?;
        let paged = notifications::of_user(db(ctx), self.row.id, unread_only, page)
            .await
            .gql()?;
        Ok(Some(connection(paged, page.after, |n| n.id, Notification)))
    }

    /// How many of her notifications she has not read; null for anyone but the user themself.
    async fn unread_notification_count(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<u64>> {
        if !self.is_viewer(ctx) {
            return Ok(None);
        }
        Ok(Some(
            notifications::unread_count(db(ctx), self.row.id)
                .await
                .gql()?,
        ))
    }

    /// How each kind of notification reaches her; empty for anyone but the user themself.
    async fn notification_preferences(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<NotificationPreference>> {
        if !self.is_viewer(ctx) {
            return Ok(Vec::new());
        }
        Ok(notifications::preferences(db(ctx), self.row.id)
            .await
            .gql()?
            .into_iter()
            .map(|(kind, delivery)| NotificationPreference {
                kind: kind.into(),
                delivery: delivery.into(),
            })
            .collect())
    }

    /// The user's Stripe payout account; null for anyone but the user themself.
    async fn payout_account(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<PayoutAccount>> {
        if !self.is_viewer(ctx) {
            return Ok(None);
        }
        Ok(payout_accounts::of_user(db(ctx), self.row.id)
            .await
            .gql()?
            .map(PayoutAccount))
    }

    /// The user's bank account for payouts by bank transfer; null for anyone but the user
    /// themself (a company's finance staff reach it only inside a transfer file).
    async fn bank_account(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<BankAccount>> {
        if !self.is_viewer(ctx) {
            return Ok(None);
        }
        Ok(bank_accounts::of_user(db(ctx), self.row.id)
            .await
            .gql()?
            .map(BankAccount))
    }
}

/// An alumnus' Stripe Express account, which receives their payouts.
pub struct PayoutAccount(pub payout_account::Model);

#[Object]
impl PayoutAccount {
    async fn stripe_account_id(&self) -> &str {
        &self.0.stripe_account_id
    }

    /// Whether Stripe lets the account receive payouts yet; payouts wait until it does.
    async fn payouts_enabled(&self) -> bool {
        self.0.payouts_enabled
    }

    async fn details_submitted(&self) -> bool {
        self.0.details_submitted
    }
}
