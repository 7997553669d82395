//! Boomerang: a GraphQL marketplace where companies outsource side jobs to their alumni.
//!
//! `graphql` → `domain` → `entity`; `http` wires everything; `app` builds and runs it.

pub mod app;
pub mod config;
pub mod console;
pub mod db;
pub mod demo;
pub mod domain;
pub mod engagements;
pub mod graphql;
pub mod http;
pub mod mail;
pub mod payments;
pub mod ratelimit;

pub use app::App;
pub use config::Config;
