//! Compliance and tax reports (issue 12 §4, §5, §7, §9): `complianceReport`,
//! `withholdingReport`, `paymentRecords` and `financeExport`. Thin: the domain
//! (`domain::compliance`, `domain::reports`) checks the roles and reads the rows.
use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::NaiveDate;
use entity::refusal;
use entity::{invoice, user};

use super::context::{access, db};
use super::errors::OrGql;
use super::ids;
use super::scalars::{InvoiceStatus, Money};
use super::types::Contract;
use crate::domain::compliance::{self, Period};
use crate::domain::reports::{self, Month};

/// Why a company sent delivered work back or rejected an invoice (Freelance Act art. 5: a
/// refusal needs a cause attributable to the freelancer). Counted per company in
/// `complianceReport`.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[graphql(remote = "refusal::ReasonCode")]
pub enum ReasonCode {
    /// The work has a defect (瑕疵がある).
    Defect,
    /// The work differs from what the terms statement describes (委託内容と異なる).
    NotAsAgreed,
    /// Delivered after the agreed delivery date (納期遅れ).
    Late,
    /// Part of the work is missing (未完成・不足).
    Incomplete,
    /// The invoice's amount or particulars are wrong (請求内容の誤り).
    BillingError,
    /// Anything else; the written reason says what (その他).
    #[default]
    Other,
}

fn company_key(id: &ID) -> async_graphql::Result<i64> {
    ids::decode(id, "Company", "company").gql()
}

fn yen(minor: i64) -> async_graphql::Result<Money> {
    Money::from_stored(minor, "JPY").gql()
}

#[derive(Default)]
pub struct ReportQuery;

#[Object]
impl ReportQuery {
    /// What a company reviews to show it did not refuse work or reduce fees without cause
    /// (Freelance Act art. 5, 16): requests for changes after delivery and invoice rejections
    /// per reason code, and the contracts it ended with their notice, for the days `from`–`to`
    /// (Asia/Tokyo, both included, at most five years). ADMIN or FINANCE of the company. A bank
    /// transfer fee is never deducted from a payout, so the report has nothing to list for it.
    async fn compliance_report(
        &self,
        ctx: &Context<'_>,
        company_id: ID,
        from: NaiveDate,
        to: NaiveDate,
    ) -> async_graphql::Result<ComplianceReport> {
        let access = access(ctx).await?;
        let company = company_key(&company_id)?;
        let period = Period::new(from, to, compliance::MAX_PERIOD_DAYS).gql()?;
        Ok(ComplianceReport(
            compliance::report(db(ctx), access, company, period)
                .await
                .gql()?,
        ))
    }

    /// The withholding income tax to remit for the payments paid in `month` ("YYYY-MM",
    /// Asia/Tokyo), due on the 10th of the following month. The semiannual special schedule
    /// (納期の特例) is for the company's tax adviser to apply. FINANCE or ADMIN.
    async fn withholding_report(
        &self,
        ctx: &Context<'_>,
        company_id: ID,
        month: String,
    ) -> async_graphql::Result<WithholdingReport> {
        let access = access(ctx).await?;
        let company = company_key(&company_id)?;
        let month = Month::parse(&month, "month").gql()?;
        Ok(WithholdingReport(
            reports::withholding(db(ctx), access, company, month)
                .await
                .gql()?,
        ))
    }

    /// The data for the annual payment records (支払調書): individual payees whose fees
    /// subject to withholding paid in `year` (Asia/Tokyo) exceed ¥50,000. FINANCE or ADMIN.
    async fn payment_records(
        &self,
        ctx: &Context<'_>,
        company_id: ID,
        year: i32,
    ) -> async_graphql::Result<PaymentRecords> {
        let access = access(ctx).await?;
        let company = company_key(&company_id)?;
        Ok(PaymentRecords(
            reports::payment_records(db(ctx), access, company, year)
                .await
                .gql()?,
        ))
    }

    /// The rows of the CSV exports for the days `from`–`to` (Asia/Tokyo, both included, at
    /// most 366 days): invoices submitted, payouts paid, and withholding. FINANCE or ADMIN.
    async fn finance_export(
        &self,
        ctx: &Context<'_>,
        company_id: ID,
        from: NaiveDate,
        to: NaiveDate,
    ) -> async_graphql::Result<FinanceExport> {
        let access = access(ctx).await?;
        let company = company_key(&company_id)?;
        let period = Period::new(from, to, reports::MAX_EXPORT_DAYS).gql()?;
        Ok(FinanceExport(
            reports::export(db(ctx), access, company, period)
                .await
                .gql()?,
        ))
    }
}

#[derive(SimpleObject)]
pub struct ReasonCodeCount {
    pub code: ReasonCode,
    pub count: i32,
}

fn counts(counts: &[compliance::CodeCount]) -> Vec<ReasonCodeCount> {
    counts
        .iter()
        .map(|c| ReasonCodeCount {
            code: c.code.into(),
            count: i32::try_from(c.count).unwrap_or(i32::MAX),
        })
        .collect()
}

pub struct ComplianceReport(compliance::Report);

#[Object]
impl ComplianceReport {
    async fn from(&self) -> NaiveDate {
        self.0.period.from
    }

    async fn to(&self) -> NaiveDate {
        self.0.period.to
    }

    /// Requests for changes after a delivery, per reason code (every code, zeros included).
    async fn changes_requested(&self) -> Vec<ReasonCodeCount> {
        counts(&self.0.changes_requested)
    }

    /// Invoice rejections, per reason code.
    async fn invoice_rejections(&self) -> Vec<ReasonCodeCount> {
        counts(&self.0.invoice_rejections)
    }

    /// Contracts whose end the company asked for in the period, oldest first; `endsOn` is set
    /// when 30 days' notice was given, `endReasonRequested` when the freelancer asked why.
    async fn ended_by_company(&self) -> Vec<Contract> {
        self.0
            .ended_by_company
            .iter()
            .cloned()
            .map(Contract)
            .collect()
    }
}

/// One payment with withholding, as a row: the payee, the invoice, the day paid, the fee the
/// withholding was computed on and the amount withheld.
pub struct WithholdingEntry(reports::WithholdingEntry);

#[Object]
impl WithholdingEntry {
    async fn payout_id(&self) -> ID {
        ids::encode("Payout", self.0.payout.id)
    }

    async fn invoice_id(&self) -> ID {
        ids::encode("Invoice", self.0.invoice.id)
    }

    async fn payee_id(&self) -> ID {
        ids::encode("User", self.0.payee.id)
    }

    /// The payee's legal name when recorded, else their display name.
    async fn payee_name(&self) -> &str {
        reports::payee_name(&self.0.payee)
    }

    /// The Asia/Tokyo day the payout was paid.
    async fn paid_on(&self) -> NaiveDate {
        self.0.paid_on
    }

    /// The fee subject to withholding (before tax when the invoice shows the tax separately).
    async fn subject_fee(&self) -> async_graphql::Result<Money> {
        Money::from_stored(self.0.subject_fee_minor, &self.0.payout.currency).gql()
    }

    async fn withheld(&self) -> async_graphql::Result<Money> {
        Money::from_stored(self.0.payout.withholding_minor, &self.0.payout.currency).gql()
    }

    /// What the payee received: the invoice total less the withholding.
    async fn net_paid(&self) -> async_graphql::Result<Money> {
        Money::from_stored(self.0.payout.amount_minor, &self.0.payout.currency).gql()
    }

    /// When the withholding is due at the tax office: the 10th of the following month.
    async fn due_date(&self) -> NaiveDate {
        self.0.due_on
    }

    /// The bank or provider reference of the payment.
    async fn reference(&self) -> Option<&str> {
        self.0.payout.reference.as_deref()
    }
}

pub struct WithholdingReport(reports::WithholdingReport);

#[Object]
impl WithholdingReport {
    /// "YYYY-MM".
    async fn month(&self) -> String {
        self.0.month.label()
    }

    /// The payments paid in the month with withholding, oldest first.
    async fn entries(&self) -> Vec<WithholdingEntry> {
        self.0
            .entries
            .iter()
            .cloned()
            .map(WithholdingEntry)
            .collect()
    }

    /// The total to remit.
    async fn total(&self) -> async_graphql::Result<Money> {
        yen(self.0.total_minor)
    }

    /// The 10th of the following month (the regular schedule; 納期の特例 is the company's
    /// adviser's matter).
    async fn due_date(&self) -> NaiveDate {
        self.0.due_on
    }
}

pub struct PaymentRecord(reports::PaymentRecord);

#[Object]
impl PaymentRecord {
    async fn payee_id(&self) -> ID {
        ids::encode("User", self.0.payee.id)
    }

    /// The legal name when recorded, else the display name.
    async fn name(&self) -> &str {
        reports::payee_name(&self.0.payee)
    }

    /// The address the payee recorded, if any.
    async fn address(&self) -> Option<&str> {
        self.0.payee.address.as_deref()
    }

    /// Always null: Boomerang never asks for the individual number (マイナンバー); the
    /// company collects it and fills this column of the record itself.
    async fn individual_number(&self) -> Option<String> {
        None
    }

    /// The fees subject to withholding paid in the year.
    async fn total_paid(&self) -> async_graphql::Result<Money> {
        yen(self.0.fees_minor)
    }

    async fn total_withheld(&self) -> async_graphql::Result<Money> {
        yen(self.0.withheld_minor)
    }

    /// How many payments the totals sum.
    async fn payments(&self) -> i32 {
        i32::try_from(self.0.payments).unwrap_or(i32::MAX)
    }
}

pub struct PaymentRecords(reports::PaymentRecords);

#[Object]
impl PaymentRecords {
    async fn year(&self) -> i32 {
        self.0.year
    }

    /// Payees above this total get a record (exactly this much is not listed).
    async fn threshold(&self) -> async_graphql::Result<Money> {
        yen(reports::PAYMENT_RECORD_THRESHOLD)
    }

    /// By name.
    async fn records(&self) -> Vec<PaymentRecord> {
        self.0.records.iter().cloned().map(PaymentRecord).collect()
    }
}

/// One invoice as the export lists it.
pub struct InvoiceExportRow(invoice::Model, user::Model);

#[Object]
impl InvoiceExportRow {
    async fn invoice_id(&self) -> ID {
        ids::encode("Invoice", self.0.id)
    }

    async fn contract_id(&self) -> ID {
        ids::encode("Contract", self.0.contract_id)
    }

    /// The Asia/Tokyo day it was submitted.
    async fn submitted_on(&self) -> NaiveDate {
        self.0
            .created_at
            .with_timezone(&chrono_tz::Asia::Tokyo)
            .date_naive()
    }

    async fn payee_name(&self) -> &str {
        reports::payee_name(&self.1)
    }

    async fn registration_number(&self) -> Option<&str> {
        self.0.registration_number.as_deref()
    }

    async fn description(&self) -> &str {
        &self.0.description
    }

    async fn transaction_date(&self) -> NaiveDate {
        self.0.transaction_date
    }

    async fn payment_due_date(&self) -> NaiveDate {
        self.0.payment_due_date
    }

    async fn status(&self) -> InvoiceStatus {
        self.0.status.into()
    }

    /// What is billed against the milestone.
    async fn amount(&self) -> async_graphql::Result<Money> {
        Money::from_stored(self.0.amount_minor, &self.0.currency).gql()
    }

    async fn tax_shown_separately(&self) -> bool {
        self.0.tax_shown_separately
    }

    async fn consumption_tax(&self) -> async_graphql::Result<Money> {
        Money::from_stored(self.0.consumption_tax_minor, &self.0.currency).gql()
    }

    async fn total(&self) -> async_graphql::Result<Money> {
        Money::from_stored(self.0.total_minor, &self.0.currency).gql()
    }

    async fn withholding(&self) -> async_graphql::Result<Money> {
        Money::from_stored(self.0.withholding_minor, &self.0.currency).gql()
    }
}

pub struct FinanceExport(reports::Export);

#[Object]
impl FinanceExport {
    /// Invoices submitted in the period, oldest first.
    async fn invoices(&self) -> Vec<InvoiceExportRow> {
        self.0
            .invoices
            .iter()
            .cloned()
            .map(|(i, u)| InvoiceExportRow(i, u))
            .collect()
    }

    /// Payouts paid in the period, oldest first.
    async fn payouts(&self) -> Vec<WithholdingEntry> {
        self.0
            .payouts
            .iter()
            .cloned()
            .map(WithholdingEntry)
            .collect()
    }

    /// Yen payouts paid in the period with withholding.
    async fn withholding(&self) -> Vec<WithholdingEntry> {
        self.0
            .withholding
            .iter()
            .cloned()
            .map(WithholdingEntry)
            .collect()
    }
}
