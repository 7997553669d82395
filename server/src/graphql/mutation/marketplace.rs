use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
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
    /// The place or manner of delivery the terms statement names (multi-line); omitted or
    /// blank: through Boomerang's delivery form.
    pub delivery_method: Option<String>,
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

/// Only the fields given change.
#[derive(InputObject)]
pub struct UpdateProjectInput {
    pub id: ID,
    pub title: Option<String>,
    pub description: Option<String>,
    /// Replaces the whole list.
    pub skills: Option<Vec<String>>,
    pub budget: Option<MoneyInput>,
    /// Must be in the future; `null` removes the deadline.
    pub deadline: MaybeUndefined<DateTime<Utc>>,
    /// Blank: through Boomerang's delivery form.
    pub delivery_method: Option<String>,
}

#[derive(InputObject)]
pub struct RejectBidInput {
    pub id: ID,
    /// Shown to the bidder.
    pub reason: String,
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
                delivery_method: input.delivery_method.as_deref(),
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

    /// Edits an OPEN project; only the fields given change. ADMIN or MEMBER of the company.
    async fn update_project(
        &self,
        ctx: &Context<'_>,
        input: UpdateProjectInput,
    ) -> async_graphql::Result<Project> {
        let access = access(ctx).await?;
        let key = ids::decode(&input.id, "Project", "project").gql()?;
        let budget = input
            .budget
            .map(|b| b.parse("input.budget"))
            .transpose()
            .gql()?;
        let deadline = match input.deadline {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(d) => Some(Some(d)),
        };
        let edit = projects::ProjectEdit {
            title: input.title.as_deref(),
            description: input.description.as_deref(),
            skills: input.skills.as_deref(),
            budget,
            deadline,
            delivery_method: input.delivery_method.as_deref(),
        };
        Ok(Project(
            projects::update(db(ctx), access, key, edit).await.gql()?,
        ))
    }

    /// PENDING → REJECTED with a reason the bidder sees. ADMIN or MEMBER of the company.
    async fn reject_bid(
        &self,
        ctx: &Context<'_>,
        input: RejectBidInput,
    ) -> async_graphql::Result<Bid> {
        let access = access(ctx).await?;
        let key = ids::decode(&input.id, "Bid", "bid").gql()?;
        Ok(Bid::new(
            bids::reject(db(ctx), access, key, &input.reason)
                .await
                .gql()?,
        ))
    }
}
