use async_graphql::{Context, ID, InputObject, Object};

use crate::domain::{invoices, payouts};
use crate::graphql::context::{access, db};
use crate::graphql::errors::OrGql;
use crate::graphql::ids;
use crate::graphql::scalars::MoneyInput;
use crate::graphql::types::{Invoice, Payout};

#[derive(Default)]
pub struct PaymentMutation;

#[derive(InputObject)]
pub struct SubmitInvoiceInput {
    pub contract_id: ID,
    pub amount: MoneyInput,
    pub description: String,
}

#[derive(InputObject)]
pub struct RejectInvoiceInput {
    pub id: ID,
    pub reason: String,
}

#[derive(InputObject)]
pub struct MarkPayoutPaidInput {
    pub payout_id: ID,
    /// The bank transfer's reference.
    pub reference: String,
}

#[Object]
impl PaymentMutation {
    /// Invoices an ACTIVE contract; the non-rejected invoices never exceed its amount.
    /// The contract's freelancer only.
    async fn submit_invoice(
        &self,
        ctx: &Context<'_>,
        input: SubmitInvoiceInput,
    ) -> async_graphql::Result<Invoice> {
        let access = access(ctx).await?;
        let contract_id = ids::decode(&input.contract_id, "Contract", "contract").gql()?;
        let amount = input.amount.parse("input.amount").gql()?;
        Ok(Invoice(
            invoices::submit(db(ctx), access, contract_id, amount, &input.description)
                .await
                .gql()?,
        ))
    }

    /// SUBMITTED → APPROVED, writing exactly one PENDING payout. FINANCE of the company.
    async fn approve_invoice(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Invoice> {
        let access = access(ctx).await?;
        let key = ids::decode(&id, "Invoice", "invoice").gql()?;
        Ok(Invoice(
            invoices::approve(db(ctx), access, key).await.gql()?,
        ))
    }

    /// SUBMITTED → REJECTED with a reason; the freelancer may invoice again. FINANCE of the company.
    async fn reject_invoice(
        &self,
        ctx: &Context<'_>,
        input: RejectInvoiceInput,
    ) -> async_graphql::Result<Invoice> {
        let access = access(ctx).await?;
        let key = ids::decode(&input.id, "Invoice", "invoice").gql()?;
        Ok(Invoice(
            invoices::reject(db(ctx), access, key, &input.reason)
                .await
                .gql()?,
        ))
    }

    /// Records the bank transfer of a payout: it and its invoice become PAID, and the
    /// contract COMPLETED once fully paid. FINANCE of the company.
    async fn mark_payout_paid(
        &self,
        ctx: &Context<'_>,
        input: MarkPayoutPaidInput,
    ) -> async_graphql::Result<Payout> {
        let access = access(ctx).await?;
        let key = ids::decode(&input.payout_id, "Payout", "payout").gql()?;
        Ok(Payout(
            payouts::mark_paid(db(ctx), access, key, &input.reference)
                .await
                .gql()?,
        ))
    }
}
