//! Delivery and acceptance of milestones, and the company's review window.
use async_graphql::{Context, ID, InputObject, Object};

use crate::domain::{companies, delivery};
use crate::graphql::context::{access, db};
use crate::graphql::errors::OrGql;
use crate::graphql::ids;
use crate::graphql::reports::ReasonCode;
use crate::graphql::types::{Company, Milestone};

#[derive(Default)]
pub struct EngagementMutation;

#[derive(InputObject)]
pub struct SubmitDeliveryInput {
    pub milestone_id: ID,
    /// What was delivered (multi-line).
    pub note: String,
    /// Up to 10 http(s) links to the work.
    #[graphql(default)]
    pub links: Vec<String>,
}

#[derive(InputObject)]
pub struct RequestChangesInput {
    pub milestone_id: ID,
    /// What to change (multi-line, required).
    pub reason: String,
    /// Why, as a code the compliance report counts; OTHER when omitted or null (older clients).
    pub reason_code: Option<ReasonCode>,
}

#[derive(InputObject)]
pub struct UpdateCompanySettingsInput {
    pub company_id: ID,
    /// 1–60 days; deliveries submitted afterwards get the new window.
    pub review_window_days: Option<i32>,
    /// Days after the acceptance day finance pays by, 0–59 (Freelance Act art. 4); invoices
    /// submitted afterwards are due on the acceptance day + these days.
    pub payment_terms_days: Option<i32>,
}

fn milestone_id(id: &ID) -> async_graphql::Result<i64> {
    ids::decode(id, "Milestone", "milestone").gql()
}

#[Object]
impl EngagementMutation {
    /// ACTIVE or CHANGES_REQUESTED → SUBMITTED; the company's review window starts. The
    /// contract's freelancer only.
    async fn submit_delivery(
        &self,
        ctx: &Context<'_>,
        input: SubmitDeliveryInput,
    ) -> async_graphql::Result<Milestone> {
        let access = access(ctx).await?;
        let id = milestone_id(&input.milestone_id)?;
        let delivery = delivery::Delivery {
            note: &input.note,
            links: &input.links,
        };
        Ok(Milestone(
            delivery::submit(db(ctx), access, id, delivery)
                .await
                .gql()?,
        ))
    }

    /// SUBMITTED → CHANGES_REQUESTED with a reason. ADMIN or MEMBER of the company.
    async fn request_changes(
        &self,
        ctx: &Context<'_>,
        input: RequestChangesInput,
    ) -> async_graphql::Result<Milestone> {
        let access = access(ctx).await?;
        let id = milestone_id(&input.milestone_id)?;
        Ok(Milestone(
            delivery::request_changes(
                db(ctx),
                access,
                id,
                &input.reason,
                input.reason_code.unwrap_or_default().into(),
            )
            .await
            .gql()?,
        ))
    }

    /// SUBMITTED → ACCEPTED (the inspection date); the amount may then be invoiced. ADMIN or
    /// MEMBER of the company.
    async fn accept_delivery(
        &self,
        ctx: &Context<'_>,
        milestone_id: ID,
    ) -> async_graphql::Result<Milestone> {
        let access = access(ctx).await?;
        let id = self::milestone_id(&milestone_id)?;
        Ok(Milestone(
            delivery::accept(db(ctx), access, id).await.gql()?,
        ))
    }

    /// Changes the company's settings (the review window, the payment terms). ADMIN only.
    async fn update_company_settings(
        &self,
        ctx: &Context<'_>,
        input: UpdateCompanySettingsInput,
    ) -> async_graphql::Result<Company> {
        let access = access(ctx).await?;
        let company_id = ids::decode(&input.company_id, "Company", "company").gql()?;
        let settings = companies::Settings {
            review_window_days: input.review_window_days,
            payment_terms_days: input.payment_terms_days,
        };
        Ok(Company(
            companies::update_settings(db(ctx), access, company_id, settings)
                .await
                .gql()?,
        ))
    }
}
