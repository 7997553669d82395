//! Ending an engagement: `endContract`, and the reviews each side leaves afterwards.
use async_graphql::{Context, ID, InputObject, Object};

use crate::domain::{endings, reviews};
use crate::graphql::context::{access, db};
use crate::graphql::errors::OrGql;
use crate::graphql::ids;
use crate::graphql::types::{Contract, Review};

#[derive(Default)]
pub struct EndingMutation;

#[derive(InputObject)]
pub struct EndContractInput {
    pub contract_id: ID,
    /// Why the contract ends; kept on the contract and in its audit trail.
    pub reason: String,
}

#[derive(InputObject)]
pub struct SubmitReviewInput {
    pub contract_id: ID,
    /// 1–5.
    pub rating: i32,
    pub comment: String,
    /// The company side only: would it hire this freelancer again? Private to its staff.
    pub would_rehire: Option<bool>,
}

#[Object]
impl EndingMutation {
    /// Ends an ACTIVE contract early. Milestones not yet accepted are CANCELLED; accepted work
    /// stays payable and the contract completes once it is paid, or is CANCELLED at once when
    /// nothing was accepted. A funded Stripe contract's escrow not owed is refunded. The
    /// freelancer, or ADMIN/MEMBER of the company.
    ///
    /// When the company ends a contract that has run six months or more, 30 days' notice
    /// applies (Freelance Act art. 16): `endsOn` becomes today (Asia/Tokyo) + 30 days, the
    /// contract stays ACTIVE and work goes on, and it ends on that day. Asking again meanwhile is
    /// a CONFLICT.
    async fn end_contract(
        &self,
        ctx: &Context<'_>,
        input: EndContractInput,
    ) -> async_graphql::Result<Contract> {
        let access = access(ctx).await?;
        let contract_id = ids::decode(&input.contract_id, "Contract", "contract").gql()?;
        Ok(Contract(
            endings::end(db(ctx), access, contract_id, &input.reason)
                .await
                .gql()?,
        ))
    }

    /// The freelancer asks why the company gave notice to end her contract (Freelance Act
    /// art. 16 para. 2). Recorded once and audited; the company sees the request
    /// (`Contract.endReasonRequested`) and the reason it gave is shown to her from then on.
    /// CONFLICT when the company gave no notice (an immediate end shows its reason at once) or
    /// she already asked.
    async fn request_end_reason(
        &self,
        ctx: &Context<'_>,
        contract_id: ID,
    ) -> async_graphql::Result<Contract> {
        let access = access(ctx).await?;
        let contract_id = ids::decode(&contract_id, "Contract", "contract").gql()?;
        Ok(Contract(
            endings::request_reason(db(ctx), access, contract_id)
                .await
                .gql()?,
        ))
    }

    /// Reviews a COMPLETED contract (or one ended after accepted work) within 14 days, once per
    /// side: the freelancer reviews the company; ADMIN or MEMBER review the freelancer for the
    /// company. Hidden from the other side until both have reviewed or the window closes.
    async fn submit_review(
        &self,
        ctx: &Context<'_>,
        input: SubmitReviewInput,
    ) -> async_graphql::Result<Review> {
        let access = access(ctx).await?;
        let contract_id = ids::decode(&input.contract_id, "Contract", "contract").gql()?;
        let review = reviews::submit(
            db(ctx),
            access,
            reviews::NewReview {
                contract_id,
                rating: input.rating,
                comment: &input.comment,
                would_rehire: input.would_rehire,
            },
        )
        .await
        .gql()?;
        Ok(Review(reviews::Visible {
            review,
            shows_would_rehire: true,
        }))
    }
}
