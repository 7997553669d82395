//! The one integration-test binary: the real server on 127.0.0.1:0, spoken to over HTTP.
//! SQLite by default; PostgreSQL when `DATABASE_URL=postgres://…` (a database per test).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod authorization;
mod bank;
mod companies;
mod consents;
mod console;
mod directory;
pub mod endings;
mod events;
mod fuzz;
mod http;
mod limits;
mod loading;
mod mail;
mod marketplace;
mod milestones;
mod model;
mod money;
pub mod news_rehire;
mod notifications;
mod offboarding;
mod payments;
mod persistence;
pub mod prohibited_acts;
mod races;
mod refunds;
mod reviews;
mod schema;
mod security;
mod stripe;
mod tax;
pub mod tax_reports;
mod terms;
mod test_databases;
mod text_input;
