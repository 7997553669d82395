//! Tax on invoices as the API shows it: lines, totals per rate, the payee profile.
use async_graphql::{ID, Object, SimpleObject};
use entity::{invoice, invoice_line, user};

use crate::domain::consumption_tax;
use crate::domain::invoice_tax;
use crate::graphql::errors::OrGql;
use crate::graphql::ids;
use crate::graphql::scalars::{Money, PayeeType};

/// One line of an invoice: a fee at one consumption tax rate.
pub struct InvoiceLine {
    pub row: invoice_line::Model,
    pub currency: String,
}

#[Object]
impl InvoiceLine {
    async fn id(&self) -> ID {
        ids::encode("InvoiceLine", self.row.id)
    }

    async fn position(&self) -> i32 {
        self.row.position
    }

    async fn description(&self) -> &str {
        &self.row.description
    }

    /// As stated: before tax when the invoice shows the tax separately, with it otherwise.
    async fn amount(&self) -> async_graphql::Result<Money> {
        Money::from_stored(self.row.amount_minor, &self.currency).gql()
    }

    /// 10 (standard), 8 (reduced) or 0 (no consumption tax: an invoice not in yen).
    async fn tax_rate(&self) -> i32 {
        self.row.tax_rate
    }

    /// Whether withholding income tax applies to this fee (the project's category decides,
    /// finance may override with a reason: `setInvoiceLineWithholding`).
    async fn withholding_subject(&self) -> bool {
        self.row.withholding_subject
    }
}

/// The lines of one tax rate on an invoice, the tax floored once for the rate.
#[derive(SimpleObject)]
pub struct TaxRateTotal {
    /// 10 or 8.
    pub rate: i32,
    /// The lines of this rate before tax.
    pub net: Money,
    pub tax: Money,
}

/// The invoice's totals per rate from its stored lines.
pub fn per_rate(
    invoice: &invoice::Model,
    lines: &[invoice_line::Model],
) -> async_graphql::Result<Vec<TaxRateTotal>> {
    let lines: Vec<_> = lines.iter().map(invoice_tax::line_of).collect();
    let taxed: Vec<_> = lines
        .iter()
        .filter_map(|l| l.rate.map(|r| (r, l.amount_minor)))
        .collect();
    let totals = if invoice.tax_shown_separately {
        consumption_tax::totals_per_rate(&taxed)
    } else {
        consumption_tax::totals_per_rate_included(&taxed)
    }
    .gql()?;
    totals
        .into_iter()
        .map(|t| {
            Ok(TaxRateTotal {
                rate: t.rate.percent() as i32,
                net: Money::from_stored(t.net_yen, &invoice.currency).gql()?,
                tax: Money::from_stored(t.tax_yen, &invoice.currency).gql()?,
            })
        })
        .collect()
}

/// The share of the invoice's consumption tax the company may deduct: all of it when the
/// issuer is registered, else the transitional share for the transaction date.
pub fn deductible_percent(invoice: &invoice::Model) -> i32 {
    if invoice.registration_number.is_some() {
        100
    } else {
        i32::from(consumption_tax::unregistered_deductible_percent(
            invoice.transaction_date,
        ))
    }
}

/// The deductible tax in minor units: floor(tax × percent / 100).
pub fn deductible_tax(invoice: &invoice::Model) -> async_graphql::Result<Money> {
    let minor = invoice.consumption_tax_minor * i64::from(deductible_percent(invoice)) / 100;
    Money::from_stored(minor, &invoice.currency).gql()
}

/// What the invoice's payout is: its total less withholding.
pub fn net_payable(invoice: &invoice::Model) -> async_graphql::Result<Money> {
    Money::from_stored(
        invoice.total_minor - invoice.withholding_minor,
        &invoice.currency,
    )
    .gql()
}

/// A freelancer's payee profile; only she reads it.
pub struct PayeeProfile(pub user::Model);

#[Object]
impl PayeeProfile {
    /// INDIVIDUAL until she says otherwise.
    async fn payee_type(&self) -> PayeeType {
        self.0
            .payee_type
            .unwrap_or(entity::states::PayeeType::Individual)
            .into()
    }

    /// Whether she has chosen a payee type (else INDIVIDUAL is assumed).
    async fn payee_type_set(&self) -> bool {
        self.0.payee_type.is_some()
    }

    /// 適格請求書発行事業者登録番号: `T` + 13 digits, when registered.
    async fn registration_number(&self) -> Option<&str> {
        self.0.registration_number.as_deref()
    }

    /// The name for payment records (支払調書); the display name when unset.
    async fn legal_name(&self) -> Option<&str> {
        self.0.legal_name.as_deref()
    }

    async fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
    }
}
