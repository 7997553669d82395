use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::{bid, project, user};

use super::engagement::audit_trail;
use super::{
    AuditEvent, Company, Contract, PageArgs, ProposedMilestone, User, connection, load_one,
    load_opt,
};
use crate::domain::audit::Subject;
use crate::domain::bids;
use crate::graphql::context::access;
use crate::graphql::errors::OrGql;
use crate::graphql::ids;
use crate::graphql::loaders::{
    BidCountOfProject, BidsOfProject, CompanyId, ContractOfProject, ProjectId, ProposalOfBid,
    SkillsOfProject, UserId,
};
use crate::graphql::scalars::{
    BidStatus, Money, ProjectCategory, ProjectStatus, ProjectVisibility,
};

pub struct Project(pub project::Model);

#[Object]
impl Project {
    pub async fn id(&self) -> ID {
        ids::encode("Project", self.0.id)
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    async fn description(&self) -> &str {
        &self.0.description
    }

    /// The place or manner of delivery; `null`: through Boomerang's delivery form.
    async fn delivery_method(&self) -> Option<&str> {
        self.0.delivery_method.as_deref()
    }

    async fn category(&self) -> ProjectCategory {
        self.0.category.into()
    }

    async fn skills(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        Ok(load_opt(ctx, SkillsOfProject(self.0.id), "skills")
            .await?
            .unwrap_or_default())
    }

    async fn budget(&self) -> async_graphql::Result<Money> {
        Money::from_stored(self.0.budget_minor, &self.0.currency).gql()
    }

    async fn deadline(&self) -> Option<DateTime<Utc>> {
        self.0.deadline
    }

    async fn visibility(&self) -> ProjectVisibility {
        self.0.visibility.into()
    }

    async fn status(&self) -> ProjectStatus {
        self.0.status.into()
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn company(&self, ctx: &Context<'_>) -> async_graphql::Result<Company> {
        Ok(Company(
            load_one(ctx, CompanyId(self.0.company_id), "company").await?,
        ))
    }

    /// All bids for the company's staff; a bidder sees only their own. Newest first.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn bids(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Bid>> {
        let page = PageArgs::page(first, after.as_deref()).gql()?;
        let bidder = bids::bidder_scope(access(ctx).await?, &self.0);
        let paged = load_one(
            ctx,
            BidsOfProject {
                project_id: self.0.id,
                bidder,
                page,
            },
            "bids",
        )
        .await?;
        Ok(connection(
            paged,
            page.after,
            |(b, _)| b.id,
            |(b, u)| Bid(b, Some(u)),
        ))
    }

    /// How many bids the project has had (any status); for the company's staff only (null for
    /// others). Batched, so a list of projects costs one count query.
    async fn bid_count(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<i32>> {
        if !access(ctx).await?.is_staff(self.0.company_id) {
            return Ok(None);
        }
        Ok(Some(
            load_opt(ctx, BidCountOfProject(self.0.id), "bid count")
                .await?
                .unwrap_or(0),
        ))
    }

    /// Every change to the project, oldest first (edits name their fields in `detail`); for
    /// the company's staff only (empty for others).
    async fn audit_trail(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AuditEvent>> {
        if !access(ctx).await?.is_staff(self.0.company_id) {
            return Ok(Vec::new());
        }
        audit_trail(ctx, Subject::Project, self.0.id).await
    }

    /// The contract, once a bid is accepted; visible to the company's staff and the freelancer.
    async fn contract(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Contract>> {
        let access = access(ctx).await?;
        let contract = load_opt(ctx, ContractOfProject(self.0.id), "contract").await?;
        Ok(contract
            .filter(|c| access.can_see_engagement(c.company_id, c.freelancer_id))
            .map(Contract))
    }
}

/// A bid, with its bidder when the page that listed it loaded them together.
pub struct Bid(pub bid::Model, pub Option<user::Model>);

impl Bid {
    pub fn new(row: bid::Model) -> Self {
        Self(row, None)
    }
}

#[Object]
impl Bid {
    pub async fn id(&self) -> ID {
        ids::encode("Bid", self.0.id)
    }

    async fn amount(&self) -> async_graphql::Result<Money> {
        Money::from_stored(self.0.amount_minor, &self.0.currency).gql()
    }

    async fn delivery_days(&self) -> i32 {
        self.0.delivery_days
    }

    async fn proposal(&self) -> &str {
        &self.0.proposal
    }

    async fn status(&self) -> BidStatus {
        self.0.status.into()
    }

    /// The company's reason, when a person rejected the bid (`rejectBid`); null when it was
    /// rejected because another bid won or the project closed. Bids are visible only to their
    /// bidder and the company's staff.
    async fn rejection_reason(&self) -> Option<&str> {
        self.0.rejection_reason.as_deref()
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The milestones the bid proposes, in order; empty when it proposes none (the contract
    /// then gets one milestone for the whole amount).
    async fn milestones(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ProposedMilestone>> {
        Ok(
            load_opt(ctx, ProposalOfBid(self.0.id), "proposed milestones")
                .await?
                .unwrap_or_default()
                .into_iter()
                .map(|row| ProposedMilestone {
                    row,
                    currency: self.0.currency.clone(),
                })
                .collect(),
        )
    }

    async fn bidder(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        if let Some(bidder) = &self.1 {
            return Ok(User::new(bidder.clone()));
        }
        Ok(User::new(
            load_one(ctx, UserId(self.0.bidder_id), "user").await?,
        ))
    }

    async fn project(&self, ctx: &Context<'_>) -> async_graphql::Result<Project> {
        Ok(Project(
            load_one(ctx, ProjectId(self.0.project_id), "project").await?,
        ))
    }
}
