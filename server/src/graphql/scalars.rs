//! Money, `Decimal`, and the GraphQL mirrors of the stored enums.
use async_graphql::{
    Enum, InputObject, InputValueError, InputValueResult, Scalar, ScalarType, SimpleObject, Value,
};
use entity::states;

use crate::domain::error::DomainResult;
use crate::domain::money::{Currency, Money as DomainMoney};

/// An exact decimal amount as a string, such as `"250000"` (JPY) or `"1200.50"` (USD).
/// Checked against the currency's minor units where it is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal(pub String);

#[Scalar(name = "Decimal")]
impl ScalarType for Decimal {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(s) => Ok(Self(s)),
            other => Err(InputValueError::custom(format!(
                "a Decimal is a string such as \"1200.50\", got {}",
                crate::domain::text::shorten(&other.to_string())
            ))),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

/// ISO 4217 currency codes Boomerang accepts.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "Currency")]
pub enum CurrencyCode {
    Jpy,
    Usd,
    Eur,
    Gbp,
    Aud,
    Cad,
    Chf,
    Cny,
    Hkd,
    Sgd,
    Krw,
    Twd,
}

/// An exact amount of money.
#[derive(SimpleObject, Debug, Clone)]
pub struct Money {
    pub amount: Decimal,
    pub currency_code: CurrencyCode,
}

impl Money {
    pub fn from_stored(minor: i64, currency: &str) -> DomainResult<Self> {
        let money = DomainMoney::from_stored(minor, currency)?;
        Ok(Self {
            amount: Decimal(money.to_decimal_string()),
            currency_code: money.currency.into(),
        })
    }
}

#[derive(InputObject, Debug, Clone)]
pub struct MoneyInput {
    pub amount: Decimal,
    pub currency_code: CurrencyCode,
}

impl MoneyInput {
    /// Parses into exact minor units; `field` names the input in errors.
    pub fn parse(&self, field: &str) -> DomainResult<DomainMoney> {
        DomainMoney::parse(
            &self.amount.0,
            self.currency_code.into(),
            &format!("{field}.amount"),
        )
    }
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "states::CompanyRole")]
pub enum CompanyRole {
    Admin,
    Member,
    Finance,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "states::ProjectVisibility")]
pub enum ProjectVisibility {
    /// Only the posting company's alumni (and its staff) see the project.
    CompanyAlumni,
    /// Every verified alumnus of any company sees it.
    AllAlumni,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "states::ProjectCategory")]
pub enum ProjectCategory {
    DataAnalysis,
    Marketing,
    Design,
    Engineering,
    Writing,
    Consulting,
    Translation,
    /// Lectures and talks, such as speaking at a recruiting seminar.
    Lecture,
    Other,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "states::ProjectStatus")]
pub enum ProjectStatus {
    Open,
    Awarded,
    Closed,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "states::BidStatus")]
pub enum BidStatus {
    Pending,
    Accepted,
    Rejected,
    Withdrawn,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "states::ContractStatus")]
pub enum ContractStatus {
    Active,
    Completed,
    Cancelled,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "states::InvoiceStatus")]
pub enum InvoiceStatus {
    Submitted,
    Approved,
    Rejected,
    Paid,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "states::PayoutStatus")]
pub enum PayoutStatus {
    Pending,
    Processing,
    Paid,
    Failed,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "states::PaymentProvider")]
pub enum PaymentProvider {
    /// Finance pays by bank transfer and records it with `markPayoutPaid`.
    Manual,
    /// Contracts are funded up front and paid by Stripe Connect transfers.
    Stripe,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "states::FundingStatus")]
pub enum FundingStatus {
    Unfunded,
    Funded,
}

/// Who a freelancer is in law. The Freelance Act protects INDIVIDUAL and
/// ONE_PERSON_CORPORATION payees; withholding applies to individuals only.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "states::PayeeType")]
pub enum PayeeType {
    /// A sole proprietor without employees (the default until she says otherwise).
    Individual,
    /// A sole proprietor with employees.
    IndividualWithEmployees,
    /// A corporation whose only officer works alone.
    OnePersonCorporation,
    Corporation,
}

/// What an alumna lets one company use her data for.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "states::ConsentPurpose")]
pub enum ConsentPurpose {
    /// Listed in the company's alumni directory (seen by its staff and consenting alumni).
    Directory,
    /// Receives the company's news.
    News,
    /// Sees and applies to its rehire openings.
    Rehire,
    /// Invited to its events.
    Events,
}

/// A consumption tax rate on an invoice line.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::consumption_tax::TaxRate")]
pub enum TaxRate {
    /// 8 %, the reduced rate.
    #[graphql(name = "REDUCED")]
    Reduced8,
    /// 10 %, the standard rate these fees carry.
    #[graphql(name = "STANDARD")]
    Standard10,
}

/// Which side of a contract wrote a review.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "states::ReviewSide")]
pub enum ReviewSide {
    /// The company's review of the freelancer.
    Company,
    /// The freelancer's review of the company.
    Freelancer,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "states::MilestoneStatus")]
pub enum MilestoneStatus {
    /// Being worked on.
    Active,
    /// Delivered; waiting for the company's review (accepted automatically when the review
    /// window closes).
    Submitted,
    /// The company asked for changes; the freelancer delivers again.
    ChangesRequested,
    /// Accepted: the amount may be invoiced.
    Accepted,
    /// Paid invoices cover it.
    Paid,
    /// The contract ended before it was accepted.
    Cancelled,
}
