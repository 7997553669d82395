//! Paying alumni. `manual` (finance records a bank transfer) lives in `domain::payouts`;
//! this module holds the `stripe` provider: the API gateway, the flows that call it
//! (onboarding, funding, transfers), the payout worker and the webhook route.

pub mod flows;
pub mod gateway;
pub mod webhook;
pub mod worker;

pub use gateway::{GatewayError, StripeGateway};
