//! The money side: contracts, invoices, payouts.
use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{contract, contract_terms, invoice, payout};

use super::{
    AuditEvent, Bid, InvoiceLine, Milestone, PageArgs, Project, Review, TaxRateTotal, User,
    connection, load_one, load_opt, tax,
};
use crate::domain::audit::Subject;
use crate::domain::{endings, invoices, reviews};
use crate::graphql::context::access;
use crate::graphql::errors::OrGql;
use crate::graphql::ids;
use crate::graphql::loaders::{
    AuditOf, BidId, ContractId, InvoiceId, InvoicesOfContract, LinesOfInvoice, MilestoneId,
    MilestonesOfContract, PayoutOfInvoice, ProjectId, ReviewsOfContract, TermsOfContract, UserId,
};
use crate::graphql::scalars::{
    ContractStatus, FundingStatus, InvoiceStatus, Money, PayeeType, PaymentProvider, PayoutStatus,
};

pub(super) async fn audit_trail(
    ctx: &Context<'_>,
    subject: Subject,
    object_id: i64,
) -> async_graphql::Result<Vec<AuditEvent>> {
    let events = load_opt(ctx, AuditOf { subject, object_id }, "audit trail").await?;
    Ok(events
        .unwrap_or_default()
        .into_iter()
        .map(AuditEvent)
        .collect())
}

pub struct Contract(pub contract::Model);

/// A version of a contract's statement of terms (取引条件の明示, Freelance Act art. 3). Issued
/// when the bid is accepted and again when the contract changes; never edited.
pub struct TermsStatement(pub contract_terms::Model);

#[Object]
impl TermsStatement {
    /// 1 at acceptance, one more per change.
    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn issued_at(&self) -> DateTime<Utc> {
        self.0.issued_at
    }

    /// Why this version was issued: `ACCEPTED` (the bid was accepted) or `ENDED` (the contract
    /// was ended early).
    async fn reason(&self) -> &str {
        &self.0.reason
    }

    /// The statement as issued, in Japanese (plain text, lines separated by `\n`).
    async fn text(&self) -> &str {
        &self.0.text
    }
}

#[Object]
impl Contract {
    pub async fn id(&self) -> ID {
        ids::encode("Contract", self.0.id)
    }

    async fn amount(&self) -> async_graphql::Result<Money> {
        Money::from_stored(self.0.amount_minor, &self.0.currency).gql()
    }

    /// The sum of the contract's non-rejected invoices.
    async fn invoiced_amount(&self) -> async_graphql::Result<Money> {
        Money::from_stored(self.0.invoiced_minor, &self.0.currency).gql()
    }

    /// The sum of the contract's accepted milestones: what its invoices may bill in total.
    async fn accepted_amount(&self) -> async_graphql::Result<Money> {
        Money::from_stored(self.0.accepted_minor, &self.0.currency).gql()
    }

    /// The statement of terms in force (the latest version); `null` for a contract accepted
    /// before statements were issued. Visible to whoever sees the contract.
    async fn terms_statement(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<TermsStatement>> {
        let versions = load_opt(ctx, TermsOfContract(self.0.id), "terms statements").await?;
        Ok(versions
            .and_then(|v| v.into_iter().last())
            .map(TermsStatement))
    }

    /// Every version of the statement of terms, oldest first.
    async fn terms_statements(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<TermsStatement>> {
        let versions = load_opt(ctx, TermsOfContract(self.0.id), "terms statements").await?;
        Ok(versions
            .unwrap_or_default()
            .into_iter()
            .map(TermsStatement)
            .collect())
    }

    /// The contract's milestones in position order; their amounts sum to the contract amount.
    async fn milestones(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Milestone>> {
        Ok(load_opt(ctx, MilestonesOfContract(self.0.id), "milestones")
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(Milestone)
            .collect())
    }

    /// What the contract's paid invoices billed (before tax added or withheld).
    async fn paid_amount(&self) -> async_graphql::Result<Money> {
        Money::from_stored(self.0.paid_minor, &self.0.currency).gql()
    }

    /// The freelancer's payee type when the bid was accepted; it decides the rules applied.
    async fn payee_type(&self) -> PayeeType {
        self.0.payee_type.into()
    }

    async fn status(&self) -> ContractStatus {
        self.0.status.into()
    }

    /// For contracts paid through Stripe: whether the money is on the platform yet.
    async fn funding_status(&self) -> Option<FundingStatus> {
        self.0.funding_status.map(Into::into)
    }

    /// Why the last funding attempt failed, while the contract is unfunded.
    async fn funding_failure(&self) -> Option<&str> {
        self.0.funding_failure.as_deref()
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When `endContract` ended the contract early; null otherwise.
    async fn ended_at(&self) -> Option<DateTime<Utc>> {
        self.0.ended_at
    }

    /// The reason given when the contract was ended (or notice given). When the company gave
    /// notice, the freelancer sees it once she has asked for it (`requestEndReason`).
    async fn end_reason(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&str>> {
        let viewer = access(ctx).await?.user_id();
        Ok(self
            .0
            .end_reason
            .as_deref()
            .filter(|_| endings::end_reason_visible(&self.0, viewer)))
    }

    /// The day the company's 30 days' notice runs out (Asia/Tokyo): the contract stays ACTIVE
    /// until then and ends on it. Null unless notice was given.
    async fn ends_on(&self) -> Option<NaiveDate> {
        self.0.ends_on
    }

    /// Whether the company asked for the end (notice or at once), not the freelancer.
    async fn ended_by_company(&self) -> bool {
        self.0
            .end_requested_by
            .is_some_and(|by| by != self.0.freelancer_id)
    }

    /// When the freelancer asked for the reason for the end; null until she does.
    async fn end_reason_requested(&self) -> Option<DateTime<Utc>> {
        self.0.end_reason_requested_at
    }

    /// When the contract became COMPLETED.
    async fn completed_at(&self) -> Option<DateTime<Utc>> {
        self.0.completed_at
    }

    /// The escrow Stripe confirmed refunded to the company after an early end (zero otherwise).
    async fn refunded_amount(&self) -> async_graphql::Result<Money> {
        Money::from_stored(self.0.refunded_minor, &self.0.currency).gql()
    }

    /// When the review window closes, once the contract can be reviewed.
    async fn reviews_close_at(&self) -> Option<DateTime<Utc>> {
        reviews::window_opened(&self.0).map(|opened| opened + reviews::WINDOW)
    }

    /// The reviews the viewer may see: their own side's, and the other side's once both have
    /// written one or the review window has closed. Company side first.
    async fn reviews(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Review>> {
        let access = access(ctx).await?;
        let rows = load_opt(ctx, ReviewsOfContract(self.0.id), "reviews")
            .await?
            .unwrap_or_default();
        Ok(reviews::visible(access, &self.0, rows)
            .into_iter()
            .map(Review)
            .collect())
    }

    async fn project(&self, ctx: &Context<'_>) -> async_graphql::Result<Project> {
        Ok(Project(
            load_one(ctx, ProjectId(self.0.project_id), "project").await?,
        ))
    }

    async fn bid(&self, ctx: &Context<'_>) -> async_graphql::Result<Bid> {
        Ok(Bid::new(load_one(ctx, BidId(self.0.bid_id), "bid").await?))
    }

    async fn freelancer(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        Ok(User::new(
            load_one(ctx, UserId(self.0.freelancer_id), "user").await?,
        ))
    }

    /// Newest first.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn invoices(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Invoice>> {
        let page = PageArgs::page(first, after.as_deref()).gql()?;
        let paged = load_one(
            ctx,
            InvoicesOfContract {
                contract_id: self.0.id,
                page,
            },
            "invoices",
        )
        .await?;
        Ok(connection(paged, page.after, |i| i.id, Invoice))
    }

    /// Every state change of the contract, oldest first.
    async fn audit_trail(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AuditEvent>> {
        audit_trail(ctx, Subject::Contract, self.0.id).await
    }
}

pub struct Invoice(pub invoice::Model);

#[Object]
impl Invoice {
    pub async fn id(&self) -> ID {
        ids::encode("Invoice", self.0.id)
    }

    async fn amount(&self) -> async_graphql::Result<Money> {
        Money::from_stored(self.0.amount_minor, &self.0.currency).gql()
    }

    async fn description(&self) -> &str {
        &self.0.description
    }

    async fn status(&self) -> InvoiceStatus {
        self.0.status.into()
    }

    /// Why finance rejected it, when it is REJECTED.
    async fn rejection_reason(&self) -> Option<&str> {
        self.0.rejection_reason.as_deref()
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The day it must be paid by, fixed when submitted: the day the billed work was received
    /// (its accepted delivery, Asia/Tokyo) + 59 days — the 60th day counting that day (Freelance
    /// Act art. 4, which counts from receipt, inspection or not) — or earlier under the
    /// company's payment terms. Without a milestone, from the latest accepted milestone.
    async fn payment_due_date(&self) -> NaiveDate {
        self.0.payment_due_date
    }

    /// The lines, each a fee at one consumption tax rate.
    async fn lines(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<InvoiceLine>> {
        Ok(load_opt(ctx, LinesOfInvoice(self.0.id), "invoice lines")
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(|row| InvoiceLine {
                row,
                currency: self.0.currency.clone(),
            })
            .collect())
    }

    /// Whether the consumption tax is added on top of `amount` (else it is included in it).
    async fn tax_shown_separately(&self) -> bool {
        self.0.tax_shown_separately
    }

    /// The lines per tax rate, the tax floored once per rate (a qualified invoice's rule).
    async fn tax_by_rate(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TaxRateTotal>> {
        let lines = load_opt(ctx, LinesOfInvoice(self.0.id), "invoice lines")
            .await?
            .unwrap_or_default();
        tax::per_rate(&self.0, &lines)
    }

    /// The consumption tax, added or included.
    async fn consumption_tax(&self) -> async_graphql::Result<Money> {
        Money::from_stored(self.0.consumption_tax_minor, &self.0.currency).gql()
    }

    /// What the company owes: `amount`, plus the tax when it is shown separately.
    async fn total(&self) -> async_graphql::Result<Money> {
        Money::from_stored(self.0.total_minor, &self.0.currency).gql()
    }

    /// 源泉徴収税額: withholding income tax the company keeps back and pays to the tax office.
    async fn withholding_tax(&self) -> async_graphql::Result<Money> {
        Money::from_stored(self.0.withholding_minor, &self.0.currency).gql()
    }

    /// What the freelancer receives: `total` less `withholdingTax` (never less a bank fee).
    async fn net_payable(&self) -> async_graphql::Result<Money> {
        tax::net_payable(&self.0)
    }

    /// The issuer's name as the invoice states it (her legal name when she recorded one, else
    /// her display name), fixed at submission.
    async fn issuer_name(&self) -> Option<&str> {
        self.0.issuer_name.as_deref()
    }

    /// The issuer's qualified-invoice registration number when the invoice was submitted.
    async fn registration_number(&self) -> Option<&str> {
        self.0.registration_number.as_deref()
    }

    /// The day of the transaction: the billed acceptance day (Asia/Tokyo).
    async fn transaction_date(&self) -> NaiveDate {
        self.0.transaction_date
    }

    /// How much of the consumption tax the company may deduct, in percent: 100 for a
    /// registered issuer; else 80 to 2026-09-30, 50 to 2029-09-30, then 0 (transitional
    /// measure), by the transaction date.
    async fn deductible_tax_percent(&self) -> i32 {
        tax::deductible_percent(&self.0)
    }

    /// The consumption tax the company may deduct: floor(tax × percent / 100).
    async fn deductible_tax(&self) -> async_graphql::Result<Money> {
        tax::deductible_tax(&self.0)
    }

    /// Past its due date (today in Asia/Tokyo) and neither PAID nor REJECTED.
    async fn overdue(&self) -> bool {
        invoices::is_overdue(self.0.status, self.0.payment_due_date, invoices::today())
    }

    async fn contract(&self, ctx: &Context<'_>) -> async_graphql::Result<Contract> {
        Ok(Contract(
            load_one(ctx, ContractId(self.0.contract_id), "contract").await?,
        ))
    }

    /// The milestone this invoice bills, when it names one.
    async fn milestone(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Milestone>> {
        let Some(id) = self.0.milestone_id else {
            return Ok(None);
        };
        Ok(Some(Milestone(
            load_one(ctx, MilestoneId(id), "milestone").await?,
        )))
    }

    async fn submitted_by(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        Ok(User::new(
            load_one(ctx, UserId(self.0.submitted_by), "user").await?,
        ))
    }

    /// Written when the invoice is approved.
    async fn payout(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Payout>> {
        Ok(load_opt(ctx, PayoutOfInvoice(self.0.id), "payout")
            .await?
            .map(Payout))
    }

    /// Every state change of the invoice, oldest first.
    async fn audit_trail(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AuditEvent>> {
        audit_trail(ctx, Subject::Invoice, self.0.id).await
    }
}

pub struct Payout(pub payout::Model);

#[Object]
impl Payout {
    pub async fn id(&self) -> ID {
        ids::encode("Payout", self.0.id)
    }

    async fn amount(&self) -> async_graphql::Result<Money> {
        Money::from_stored(self.0.amount_minor, &self.0.currency).gql()
    }

    async fn status(&self) -> PayoutStatus {
        self.0.status.into()
    }

    /// `manual` (bank transfer recorded by finance).
    async fn provider(&self) -> PaymentProvider {
        self.0.provider.into()
    }

    /// The bank or provider reference, once paid.
    async fn reference(&self) -> Option<&str> {
        self.0.reference.as_deref()
    }

    /// Why the payout failed, or why it is waiting (e.g. for the freelancer's Stripe onboarding).
    async fn failure_reason(&self) -> Option<&str> {
        self.0.failure_reason.as_deref()
    }

    /// Withholding kept back from the invoice's total; `amount` is what is paid.
    async fn withholding_tax(&self) -> async_graphql::Result<Money> {
        Money::from_stored(self.0.withholding_minor, &self.0.currency).gql()
    }

    /// How much of a Stripe transfer has been reversed.
    async fn reversed_amount(&self) -> async_graphql::Result<Money> {
        Money::from_stored(self.0.reversed_minor, &self.0.currency).gql()
    }

    async fn paid_at(&self) -> Option<DateTime<Utc>> {
        self.0.paid_at
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn invoice(&self, ctx: &Context<'_>) -> async_graphql::Result<Invoice> {
        Ok(Invoice(
            load_one(ctx, InvoiceId(self.0.invoice_id), "invoice").await?,
        ))
    }
}
