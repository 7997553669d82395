use async_graphql::{Context, ID, InputObject, Object};

use crate::domain::error::DomainError;
use crate::domain::invoice_tax::{InvoiceTax, LineInput};
use crate::domain::{invoices, payouts};
use crate::graphql::context::{access, db};
use crate::graphql::errors::OrGql;
use crate::graphql::ids;
use crate::graphql::scalars::{MoneyInput, TaxRate};
use crate::graphql::types::{Invoice, Payout};

#[derive(Default)]
pub struct PaymentMutation;

#[derive(InputObject)]
pub struct SubmitInvoiceInput {
    pub contract_id: ID,
    /// The ACCEPTED milestone this invoice bills; it then bills at most what earlier
    /// invoices left of that milestone.
    pub milestone_id: Option<ID>,
    pub amount: MoneyInput,
    pub description: String,
    /// The fees per consumption tax rate, summing to `amount`; absent: one line for the whole
    /// amount at the standard rate.
    pub lines: Option<Vec<InvoiceLineInput>>,
    /// Whether the consumption tax is added on top of `amount` (JPY, manual payment only);
    /// default false: `amount` includes it.
    #[graphql(default = false)]
    pub tax_shown_separately: bool,
}

#[derive(InputObject)]
pub struct InvoiceLineInput {
    pub description: String,
    pub amount: MoneyInput,
    #[graphql(default_with = "TaxRate::Standard10")]
    pub tax_rate: TaxRate,
}

#[derive(InputObject)]
pub struct RejectInvoiceInput {
    pub id: ID,
    pub reason: String,
    /// Why, as a code the compliance report counts; OTHER when omitted or null (older clients).
    pub reason_code: Option<crate::graphql::reports::ReasonCode>,
}

#[derive(InputObject)]
pub struct MarkPayoutPaidInput {
    pub payout_id: ID,
    /// The bank transfer's reference.
    pub reference: String,
}

#[Object]
impl PaymentMutation {
    /// Invoices accepted work of an ACTIVE contract: its non-rejected invoices never exceed its
    /// accepted milestones.
    /// The contract's freelancer only.
    async fn submit_invoice(
        &self,
        ctx: &Context<'_>,
        input: SubmitInvoiceInput,
    ) -> async_graphql::Result<Invoice> {
        let access = access(ctx).await?;
        let contract_id = ids::decode(&input.contract_id, "Contract", "contract").gql()?;
        let milestone_id = input
            .milestone_id
            .as_ref()
            .map(|id| {
                ids::decode(id, "Milestone", "milestone")
                    .map_err(|_| DomainError::bad_input("input.milestoneId", "not a milestone id"))
            })
            .transpose()
            .gql()?;
        let amount = input.amount.parse("input.amount").gql()?;
        let lines = input
            .lines
            .map(|lines| {
                lines
                    .iter()
                    .enumerate()
                    .map(|(i, line)| {
                        Ok(LineInput {
                            description: line.description.clone(),
                            amount: line.amount.parse(&format!("input.lines[{i}].amount"))?,
                            rate: line.tax_rate.into(),
                        })
                    })
                    .collect::<Result<Vec<_>, DomainError>>()
            })
            .transpose()
            .gql()?;
        Ok(Invoice(
            invoices::submit(
                db(ctx),
                access,
                contract_id,
                milestone_id,
                amount,
                &input.description,
                InvoiceTax {
                    lines,
                    tax_shown_separately: input.tax_shown_separately,
                },
            )
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
            invoices::reject(
                db(ctx),
                access,
                key,
                &input.reason,
                input.reason_code.unwrap_or_default().into(),
            )
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
