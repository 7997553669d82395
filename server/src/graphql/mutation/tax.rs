//! The payee profile and finance's withholding decision per invoice line.
use async_graphql::{Context, ID, InputObject, Object};

use crate::domain::{invoice_tax, payees};
use crate::graphql::context::{access, db};
use crate::graphql::errors::OrGql;
use crate::graphql::ids;
use crate::graphql::scalars::PayeeType;
use crate::graphql::types::{Invoice, User};

#[derive(Default)]
pub struct TaxMutation;

#[derive(InputObject)]
pub struct PayeeProfileInput {
    pub payee_type: PayeeType,
    /// `T` + 13 digits; a corporation's check digit is verified. Empty or absent: not
    /// registered.
    pub registration_number: Option<String>,
    /// The name for payment records (支払調書), when it differs from the display name.
    pub legal_name: Option<String>,
    pub address: Option<String>,
}

#[derive(InputObject)]
pub struct SetInvoiceLineWithholdingInput {
    pub line_id: ID,
    pub subject: bool,
    pub reason: String,
}

#[Object]
impl TaxMutation {
    /// Sets the caller's payee profile. New contracts take its payee type; new invoices carry
    /// its registration number.
    async fn update_payee_profile(
        &self,
        ctx: &Context<'_>,
        input: PayeeProfileInput,
    ) -> async_graphql::Result<User> {
        let access = access(ctx).await?;
        let user = payees::update(
            db(ctx),
            access,
            payees::PayeeProfile {
                payee_type: input.payee_type.into(),
                registration_number: input.registration_number,
                legal_name: input.legal_name,
                address: input.address,
            },
        )
        .await
        .gql()?;
        Ok(User::caller(user))
    }

    /// Decides whether one line of a SUBMITTED invoice is subject to withholding, with the
    /// reason (audited); the invoice's withholding is computed again. FINANCE of the company.
    async fn set_invoice_line_withholding(
        &self,
        ctx: &Context<'_>,
        input: SetInvoiceLineWithholdingInput,
    ) -> async_graphql::Result<Invoice> {
        let access = access(ctx).await?;
        let line_id = ids::decode(&input.line_id, "InvoiceLine", "invoice line").gql()?;
        Ok(Invoice(
            invoice_tax::set_withholding(db(ctx), access, line_id, input.subject, &input.reason)
                .await
                .gql()?,
        ))
    }
}
