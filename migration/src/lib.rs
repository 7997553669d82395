//! Schema migrations. One file per change; a landed file is never edited.
pub use sea_orm_migration::prelude::*;

mod m20261125_000001_marketplace_core;
mod m20261125_000002_stripe_payments;
mod m20261125_000003_security;
mod m20261126_000004_mail_intents;
mod m20261126_000005_engagements;
mod m20261126_000006_offboarding;
mod m20261126_000007_payment_due_dates;
mod m20261126_000008_japan_tax;
mod m20261126_000009_terms_statements;
mod m20261126_000010_bank_accounts;
mod m20261126_000011_prohibited_acts;
mod m20261126_000012_alumni_network;
mod m20261126_000013_profiles;
mod m20261126_000014_news_and_openings;
mod m20261126_000015_events;
mod m20261126_000016_notification_mail;
mod m20261126_000017_agreed_terms_and_issuer;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_marketplace_core::Migration),
            Box::new(m20261125_000002_stripe_payments::Migration),
            Box::new(m20261125_000003_security::Migration),
            Box::new(m20261126_000004_mail_intents::Migration),
            Box::new(m20261126_000005_engagements::Migration),
            Box::new(m20261126_000006_offboarding::Migration),
            Box::new(m20261126_000007_payment_due_dates::Migration),
            Box::new(m20261126_000008_japan_tax::Migration),
            Box::new(m20261126_000009_terms_statements::Migration),
            Box::new(m20261126_000010_bank_accounts::Migration),
            Box::new(m20261126_000011_prohibited_acts::Migration),
            Box::new(m20261126_000012_alumni_network::Migration),
            Box::new(m20261126_000013_profiles::Migration),
            Box::new(m20261126_000014_news_and_openings::Migration),
            Box::new(m20261126_000015_events::Migration),
            Box::new(m20261126_000016_notification_mail::Migration),
            Box::new(m20261126_000017_agreed_terms_and_issuer::Migration),
        ]
    }
}
