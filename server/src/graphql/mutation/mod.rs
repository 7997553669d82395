//! Mutations, one object per area, merged into the schema's `Mutation`.
mod accounts;
mod companies;
mod endings;
mod engagements;
mod marketplace;
mod payments;
mod stripe;
mod tax;

use async_graphql::MergedObject;

#[derive(MergedObject, Default)]
pub struct Mutation(
    accounts::AccountMutation,
    companies::CompanyMutation,
    endings::EndingMutation,
    engagements::EngagementMutation,
    marketplace::MarketplaceMutation,
    payments::PaymentMutation,
    stripe::StripeMutation,
    tax::TaxMutation,
);
