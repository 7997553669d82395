use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::{alumni_record, company, company_member};

use super::{
    CompanyBankAccount, PageArgs, Project, TransferBatch, TransferBatchStatus, TransferCandidate,
    User, connection, load_one, load_opt,
};
use crate::domain::invoices::FINANCE;
use crate::domain::{Access, bank_accounts, transfer_batches};
use crate::domain::{alumni, companies, projects};
use crate::graphql::context::{access, db};
use crate::graphql::errors::OrGql;
use crate::graphql::ids;
use crate::graphql::loaders::{AccountForEmail, CompanyId, UserId};
use crate::graphql::prefetch;
use crate::graphql::scalars::{CompanyRole, PaymentProvider, ProjectStatus};

pub struct Company(pub company::Model);

fn has_role(access: &Access, company_id: i64, roles: &[entity::states::CompanyRole]) -> bool {
    access
        .staff
        .get(&company_id)
        .is_some_and(|r| roles.contains(r))
}

#[Object]
impl Company {
    pub async fn id(&self) -> ID {
        ids::encode("Company", self.0.id)
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Days a delivered milestone waits for review before it is accepted automatically.
    async fn review_window_days(&self) -> i32 {
        self.0.review_window_days
    }

    /// Days after the acceptance day the company pays by (0–59); `null`: 59, the Freelance
    /// Act's limit (art. 4).
    async fn payment_terms_days(&self) -> Option<i32> {
        self.0.payment_terms_days
    }

    /// How the company pays its alumni.
    async fn payment_provider(&self) -> PaymentProvider {
        self.0.payment_provider.into()
    }

    /// The account the company pays bank transfers from; ADMIN and FINANCE only (null for
    /// others).
    async fn bank_account(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<CompanyBankAccount>> {
        let access = access(ctx).await?;
        if !has_role(access, self.0.id, bank_accounts::PAYERS) {
            return Ok(None);
        }
        Ok(bank_accounts::of_company(db(ctx), access, self.0.id)
            .await
            .gql()?
            .map(CompanyBankAccount))
    }

    /// The approved payouts finance pays by bank transfer, each with why it cannot go into a
    /// Zengin file yet (e.g. no bank account). FINANCE only (empty for others).
    async fn transfer_candidates(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<TransferCandidate>> {
        let access = access(ctx).await?;
        if !has_role(access, self.0.id, FINANCE) {
            return Ok(Vec::new());
        }
        Ok(transfer_batches::candidates(db(ctx), access, self.0.id)
            .await
            .gql()?
            .into_iter()
            .map(|(p, b)| TransferCandidate(p, b))
            .collect())
    }

    /// The Zengin files downloaded, newest first (at most 50), optionally of one status.
    /// ADMIN and FINANCE only (empty for others).
    async fn transfer_batches(
        &self,
        ctx: &Context<'_>,
        status: Option<TransferBatchStatus>,
    ) -> async_graphql::Result<Vec<TransferBatch>> {
        let access = access(ctx).await?;
        if !has_role(access, self.0.id, bank_accounts::PAYERS) {
            return Ok(Vec::new());
        }
        Ok(
            transfer_batches::of_company(db(ctx), access, self.0.id, status.map(Into::into))
                .await
                .gql()?
                .into_iter()
                .map(TransferBatch)
                .collect(),
        )
    }

    /// The caller's role here, if they are staff.
    async fn viewer_role(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<CompanyRole>> {
        Ok(access(ctx)
            .await?
            .staff
            .get(&self.0.id)
            .map(|r| (*r).into()))
    }

    /// The staff; visible to the staff only (empty for others).
    async fn members(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CompanyMember>> {
        let rows = companies::members(db(ctx), access(ctx).await?, self.0.id)
            .await
            .gql()?;
        Ok(rows.into_iter().map(CompanyMember).collect())
    }

    /// The alumni roster; visible to ADMINs only (empty for others).
    async fn alumni(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AlumniRecord>> {
        let rows = alumni::roster(db(ctx), access(ctx).await?, self.0.id)
            .await
            .gql()?;
        Ok(rows.into_iter().map(AlumniRecord).collect())
    }

    /// The company's projects the caller may see, newest first.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn projects(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        status: Option<ProjectStatus>,
    ) -> async_graphql::Result<Connection<String, Project>> {
        let page = PageArgs::page(first, after.as_deref()).gql()?;
        let filter = projects::ProjectFilter {
            company_id: Some(self.0.id),
            status: status.map(Into::into),
            ..Default::default()
        };
        let paged = projects::list(db(ctx), access(ctx).await?, &filter, page)
            .await
            .gql()?;
        prefetch::projects(ctx, &prefetch::nodes(ctx), &paged.rows).await?;
        Ok(connection(paged, page.after, |p| p.id, Project))
    }
}

pub struct CompanyMember(pub company_member::Model);

#[Object]
impl CompanyMember {
    pub async fn id(&self) -> ID {
        ids::encode("CompanyMember", self.0.id)
    }

    async fn role(&self) -> CompanyRole {
        self.0.role.into()
    }

    /// The member's account email (the staff list is shown to the company's staff only), so an
    /// ADMIN can change the role or remove the member by it.
    async fn email(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        let user = load_one(ctx, UserId(self.0.user_id), "user").await?;
        Ok(user.email)
    }

    async fn user(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        Ok(User::new(
            load_one(ctx, UserId(self.0.user_id), "user").await?,
        ))
    }

    async fn company(&self, ctx: &Context<'_>) -> async_graphql::Result<Company> {
        Ok(Company(
            load_one(ctx, CompanyId(self.0.company_id), "company").await?,
        ))
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// An email on a company's alumni roster; its owner is that company's alumnus.
pub struct AlumniRecord(pub alumni_record::Model);

#[Object]
impl AlumniRecord {
    pub async fn id(&self) -> ID {
        ids::encode("AlumniRecord", self.0.id)
    }

    async fn email(&self) -> &str {
        &self.0.email
    }

    /// Whether someone has signed up with this email (the roster itself is ADMIN-only).
    async fn signed_up(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(load_opt(
            ctx,
            AccountForEmail(self.0.email.clone()),
            "account for email",
        )
        .await?
        .unwrap_or(false))
    }

    async fn company(&self, ctx: &Context<'_>) -> async_graphql::Result<Company> {
        Ok(Company(
            load_one(ctx, CompanyId(self.0.company_id), "company").await?,
        ))
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Her department, as the roster records it.
    async fn department(&self) -> Option<&str> {
        self.0.department.as_deref()
    }

    /// The year she left, as the roster records it.
    async fn left_year(&self) -> Option<i32> {
        self.0.left_year
    }
}
