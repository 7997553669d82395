//! The web console (issue 11), driven like a browser: one file per area of the console.
mod bank;
pub mod browser;
mod company;
mod directory;
mod engagements;
mod events;
mod finance;
mod marketplace;
mod news_rehire;
mod notifications;
mod reports;
mod signing_in;
mod tax;
mod terms;
