//! sea-orm entities: one module per table, state enums as `DeriveActiveEnum`.
//! No logic lives here; the rules are in `boomerang::domain`.

pub mod alumni_record;
pub mod audit_event;
pub mod bid;
pub mod company;
pub mod company_member;
pub mod contract;
pub mod invoice;
pub mod payout;
pub mod project;
pub mod project_skill;
pub mod session;
pub mod states;
pub mod user;
