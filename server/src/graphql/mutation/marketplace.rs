use async_graphql::{Context, ID, InputObject, Object};
use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::error::DomainError;
use crate::domain::{bids, milestones, projects};
use crate::graphql::context::{access, db};
use crate::graphql::errors::OrGql;
use crate::graphql::ids;
use crate::graphql::scalars::{MoneyInput, ProjectCategory, ProjectVisibility};
use crate::graphql::types::{Bid, Contract, Project};

#[derive(Default)]
pub struct MarketplaceMutation;

#[derive(InputObject)]
pub struct PublishProjectInput {
    pub company_id: ID,
    pub title: String,
    pub description: String,
    #[graphql(default_with = "ProjectCategory::Other")]
    pub category: ProjectCategory,
    #[graphql(default)]
    pub skills: Vec<String>,
    pub budget: MoneyInput,
    /// Must be in the future.
    pub deadline: Option<DateTime<Utc>>,
    #[graphql(default_with = "ProjectVisibility::CompanyAlumni")]
    pub visibility: ProjectVisibility,
}

#[derive(InputObject)]
pub struct PlaceBidInput {
    pub project_id: ID,
    /// In the project's budget currency.
    pub amount: MoneyInput,
    pub delivery_days: i32,
    pub proposal: String,
    /// 1–20 milestones summing exactly to `amount`; without them the contract gets one
    /// milestone for the whole amount.
    pub milestones: Option<Vec<MilestoneInput>>,
}

#[derive(InputObject)]
pub struct MilestoneInput {
    pub title: String,
    /// In the bid's currency.
    pub amount: MoneyInput,
    /// Today or later.
    pub due_date: Option<NaiveDate>,
}

#[Object]
impl MarketplaceMutation {
    /// Publishes an OPEN project. ADMIN or MEMBER of the company.
    async fn publish_project(
        &self,
        ctx: &Context<'_>,
        input: PublishProjectInput,
    ) -> async_graphql::Result<Project> {
        let access = access(ctx).await?;
        let company_id = ids::decode(&input.company_id, "Company", "company").gql()?;
        let budget = input.budget.parse("input.budget").gql()?;
        let project = projects::publish(
            db(ctx),
            access,
            projects::NewProject {
                company_id,
                title: &input.title,
                description: &input.description,
                category: input.category.into(),
                skills: &input.skills,
                budget,
                deadline: input.deadline,
                visibility: input.visibility.into(),
            },
        )
        .await
        .gql()?;
        Ok(Project(project))
    }

    /// OPEN → CLOSED; pending bids are rejected. ADMIN or MEMBER of the company.
    async fn close_project(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Project> {
        let access = access(ctx).await?;
        let key = ids::decode(&id, "Project", "project").gql()?;
        Ok(Project(projects::close(db(ctx), access, key).await.gql()?))
    }

    /// Bids on an OPEN project. Alumni only; never staff of the posting company.
    async fn place_bid(
        &self,
        ctx: &Context<'_>,
        input: PlaceBidInput,
    ) -> async_graphql::Result<Bid> {
        let access = access(ctx).await?;
        let project_id = ids::decode(&input.project_id, "Project", "project").gql()?;
        let amount = input.amount.parse("input.amount").gql()?;
        let milestones = input
            .milestones
            .as_deref()
            .map(|items| {
                items
                    .iter()
                    .enumerate()
                    .map(|(index, m)| {
                        Ok(milestones::NewMilestone {
                            title: &m.title,
                            amount: m
                                .amount
                                .parse(&format!("input.milestones.{index}.amount"))?,
                            due_date: m.due_date,
                        })
                    })
                    .collect::<Result<Vec<_>, DomainError>>()
            })
            .transpose()
            .gql()?;
        let bid = bids::place(
            db(ctx),
            access,
            bids::NewBid {
                project_id,
                amount,
                delivery_days: input.delivery_days,
                proposal: &input.proposal,
                milestones: milestones.as_deref(),
            },
        )
        .await
        .gql()?;
        Ok(Bid::new(bid))
    }

    /// PENDING → WITHDRAWN. The bidder only.
    async fn withdraw_bid(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Bid> {
        let access = access(ctx).await?;
        let key = ids::decode(&id, "Bid", "bid").gql()?;
        Ok(Bid::new(bids::withdraw(db(ctx), access, key).await.gql()?))
    }

    /// Accepts a bid into an ACTIVE contract; the other pending bids are rejected and the
    /// project AWARDED. ADMIN or MEMBER of the company.
    async fn accept_bid(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Contract> {
        let access = access(ctx).await?;
        let key = ids::decode(&id, "Bid", "bid").gql()?;
        Ok(Contract(bids::accept(db(ctx), access, key).await.gql()?))
    }
}
