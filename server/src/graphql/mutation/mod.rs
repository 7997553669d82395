//! Mutations, one object per area, merged into the schema's `Mutation`.
mod accounts;
mod bank;
mod companies;
mod endings;
mod engagements;
mod marketplace;
mod network;
mod notifications;
mod payments;
mod stripe;
mod tax;

use async_graphql::MergedObject;

#[derive(MergedObject, Default)]
pub struct Mutation(
    accounts::AccountMutation,
    bank::BankMutation,
    companies::CompanyMutation,
    endings::EndingMutation,
    engagements::EngagementMutation,
    marketplace::MarketplaceMutation,
    network::NetworkMutation,
    super::events::EventMutation,
    notifications::NotificationMutation,
    payments::PaymentMutation,
    stripe::StripeMutation,
    tax::TaxMutation,
    crate::graphql::directory::DirectoryMutation,
    crate::graphql::news_rehire::NewsRehireMutation,
);
