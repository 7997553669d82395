//! sea-orm entities: one module per table, state enums as `DeriveActiveEnum`.
//! No logic lives here; the rules are in `boomerang::domain`.

pub mod alumni_record;
pub mod audit_event;
pub mod bank_account;
pub mod bid;
pub mod bid_milestone;
pub mod company;
pub mod company_bank_account;
pub mod company_member;
pub mod consent;
pub mod contract;
pub mod contract_terms;
pub mod email_token;
pub mod event;
pub mod event_rsvp;
pub mod invoice;
pub mod invoice_line;
pub mod job;
pub mod ledger_entry;
pub mod milestone;
pub mod notification;
pub mod notification_preference;
pub mod outbox_email;
pub mod payout;
pub mod payout_account;
pub mod project;
pub mod project_skill;
pub mod refusal;
pub mod review;
pub mod session;
pub mod speaker_invitation;
pub mod states;
pub mod stripe_event;
pub mod transfer_batch;
pub mod user;
