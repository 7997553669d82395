//! The Stripe API, through async-stripe. Every creating call carries a deterministic
//! idempotency key, so a retry after a crash or a timeout can never create a second object.
//! A 409 is sent again with the same key after a pause (see [`send`]).
use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use stripe::{Client, ClientBuilder, StripeError};
use stripe_client_core::{IdempotencyKey, RequestStrategy, StripeRequest};

use crate::domain::error::DomainError;
use stripe_connect::account::{CreateAccount, CreateAccountType};
use stripe_connect::account_link::{CreateAccountLink, CreateAccountLinkType};
use stripe_connect::transfer::CreateTransfer;
use stripe_core::payment_intent::{CreatePaymentIntent, RetrievePaymentIntent};
use stripe_core::refund::{CreateRefund, CreateRefundReason};

/// A failed call: `retryable` when repeating it later may succeed (network errors, timeouts,
/// 429, 5xx and every 409); otherwise Stripe's message is final and shown to finance.
/// `conflict` when Stripe still answered 409 after [`CONFLICT_RETRIES`] retries.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct GatewayError {
    pub retryable: bool,
    pub conflict: bool,
    pub message: String,
}

/// Retries of a call Stripe answers 409, after the first attempt. A 409 means another request
/// with the same idempotency key is still in flight (a concurrent `fundContract`, a worker and
/// a retry) or an object is locked; Stripe's own libraries retry every 409, and so do we.
pub const CONFLICT_RETRIES: u32 = 4;
/// The pause before the first retry; it doubles for each next one (0.2, 0.4, 0.8, 1.6 s).
pub const CONFLICT_BACKOFF: Duration = Duration::from_millis(200);
/// What a caller is told to wait when Stripe is still busy with the same request.
pub const CONFLICT_RETRY_AFTER_SECS: u64 = 2;

impl GatewayError {
    /// What a flow a user started answers for a failed call: a 409 that outlasted the retries
    /// is a `CONFLICT` with `retryAfter` (the same request is still in flight; asking again
    /// shortly gets its answer, as the idempotency key replays it); anything else is internal,
    /// logged with Stripe's message.
    pub fn into_domain(self) -> DomainError {
        if self.conflict {
            DomainError::Busy {
                message: "Stripe is still processing the same request; try again shortly"
                    .to_string(),
                retry_after_secs: CONFLICT_RETRY_AFTER_SECS,
            }
        } else {
            DomainError::Internal(anyhow::anyhow!("Stripe: {}", self.message))
        }
    }
}

/// Sends a request built by `call`, again after a pause while Stripe answers 409. `call` builds
/// the same request (and idempotency key) each time.
async fn send<T, F, Fut>(call: F) -> Result<T, GatewayError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T, StripeError>>,
{
    let mut pause = CONFLICT_BACKOFF;
    for _ in 0..CONFLICT_RETRIES {
        match call().await {
            Err(StripeError::Stripe(_, 409)) => {
                tokio::time::sleep(pause).await;
                pause *= 2;
            }
            other => return other.map_err(GatewayError::from),
        }
    }
    call().await.map_err(GatewayError::from)
}

impl From<StripeError> for GatewayError {
    fn from(err: StripeError) -> Self {
        match err {
            StripeError::Stripe(api, status) => {
                let code = api
                    .code
                    .as_ref()
                    .map(|c| c.as_str().to_string())
                    .unwrap_or_default();
                let conflict = status == 409;
                let retryable = status == 429 || status >= 500 || conflict;
                let message = api
                    .message
                    .clone()
                    .unwrap_or_else(|| format!("Stripe answered {status} {code}"));
                Self {
                    retryable,
                    conflict,
                    message,
                }
            }
            StripeError::ClientError(m) => Self {
                retryable: true,
                conflict: false,
                message: format!("could not reach Stripe: {m}"),
            },
            StripeError::Timeout => Self {
                retryable: true,
                conflict: false,
                message: "Stripe did not answer in time".into(),
            },
            StripeError::JSONDeserialize(m) => Self {
                retryable: true,
                conflict: false,
                message: format!("unreadable answer from Stripe: {m}"),
            },
            StripeError::ConfigError(m) => Self {
                retryable: false,
                conflict: false,
                message: format!("Stripe client configuration: {m}"),
            },
        }
    }
}

pub struct StripeGateway {
    client: Client,
}

pub struct PaymentIntent {
    pub id: String,
    pub client_secret: Option<String>,
}

pub struct AccountLink {
    pub url: String,
    pub expires_at: i64,
}

fn key(value: String) -> Result<RequestStrategy, GatewayError> {
    IdempotencyKey::new(value)
        .map(RequestStrategy::Idempotent)
        .map_err(|e| GatewayError {
            retryable: false,
            conflict: false,
            message: format!("idempotency key: {e}"),
        })
}

fn currency(code: &str) -> stripe_types::Currency {
    code.to_lowercase()
        .parse()
        .unwrap_or(stripe_types::Currency::Unknown(code.to_lowercase()))
}

impl StripeGateway {
    /// `api_base` points the client elsewhere (a test server); it must end with `/`.
    pub fn new(
        secret_key: &str,
        api_base: Option<&str>,
        timeout: Duration,
    ) -> anyhow::Result<Self> {
        let mut builder = ClientBuilder::new(secret_key).timeout(timeout);
        if let Some(base) = api_base {
            let base = if base.ends_with('/') {
                base.to_string()
            } else {
                format!("{base}/")
            };
            builder = builder.url(base);
        }
        let client = builder
            .build()
            .map_err(|e| anyhow::anyhow!("building the Stripe client: {e}"))?;
        Ok(Self { client })
    }

    /// One Express account per user, whatever happens: the key is the user id.
    pub async fn create_express_account(
        &self,
        user_id: i64,
        email: &str,
    ) -> Result<String, GatewayError> {
        let request = CreateAccount::new()
            .type_(CreateAccountType::Express)
            .email(email)
            .metadata(HashMap::from([(
                "boomerang_user_id".to_string(),
                user_id.to_string(),
            )]));
        let strategy = key(format!("account:{user_id}"))?;
        let account = send(|| {
            request
                .customize()
                .request_strategy(strategy.clone())
                .send(&self.client)
        })
        .await?;
        Ok(account.id.to_string())
    }

    pub async fn onboarding_link(
        &self,
        account_id: &str,
        refresh_url: &str,
        return_url: &str,
    ) -> Result<AccountLink, GatewayError> {
        let request = CreateAccountLink::new(account_id, CreateAccountLinkType::AccountOnboarding)
            .refresh_url(refresh_url)
            .return_url(return_url);
        let link = send(|| request.send(&self.client)).await?;
        Ok(AccountLink {
            url: link.url,
            expires_at: link.expires_at,
        })
    }

    /// The contract's funding PaymentIntent; the key is the contract id.
    pub async fn create_payment_intent(
        &self,
        contract_id: i64,
        amount_minor: i64,
        currency_code: &str,
        transfer_group: &str,
    ) -> Result<PaymentIntent, GatewayError> {
        let request = CreatePaymentIntent::new(amount_minor, currency(currency_code))
            .transfer_group(transfer_group)
            .metadata(HashMap::from([(
                "boomerang_contract_id".to_string(),
                contract_id.to_string(),
            )]));
        let strategy = key(format!("fund:{contract_id}"))?;
        let intent = send(|| {
            request
                .customize()
                .request_strategy(strategy.clone())
                .send(&self.client)
        })
        .await?;
        Ok(PaymentIntent {
            id: intent.id.to_string(),
            client_secret: intent.client_secret,
        })
    }

    pub async fn payment_intent(&self, id: &str) -> Result<PaymentIntent, GatewayError> {
        let request = RetrievePaymentIntent::new(id);
        let intent = send(|| request.send(&self.client)).await?;
        Ok(PaymentIntent {
            id: intent.id.to_string(),
            client_secret: intent.client_secret,
        })
    }

    /// The payout's transfer; the key `payout:<id>` makes it happen at most once.
    pub async fn create_transfer(
        &self,
        payout_id: i64,
        amount_minor: i64,
        currency_code: &str,
        destination: &str,
        transfer_group: &str,
    ) -> Result<String, GatewayError> {
        let request = CreateTransfer::new(currency(currency_code), destination)
            .amount(amount_minor)
            .transfer_group(transfer_group)
            .metadata(HashMap::from([(
                "boomerang_payout_id".to_string(),
                payout_id.to_string(),
            )]));
        let strategy = key(format!("payout:{payout_id}"))?;
        let transfer = send(|| {
            request
                .customize()
                .request_strategy(strategy.clone())
                .send(&self.client)
        })
        .await?;
        Ok(transfer.id.to_string())
    }

    /// Refunds part of a contract's funding PaymentIntent; the key `refund:<contract id>` makes
    /// it happen at most once per contract (every retry sends the same amount).
    pub async fn create_refund(
        &self,
        contract_id: i64,
        payment_intent_id: &str,
        amount_minor: i64,
    ) -> Result<String, GatewayError> {
        let request = CreateRefund::new()
            .payment_intent(payment_intent_id)
            .amount(amount_minor)
            .reason(CreateRefundReason::RequestedByCustomer)
            .metadata(HashMap::from([(
                "boomerang_contract_id".to_string(),
                contract_id.to_string(),
            )]));
        let strategy = key(format!("refund:{contract_id}"))?;
        let refund = send(|| {
            request
                .customize()
                .request_strategy(strategy.clone())
                .send(&self.client)
        })
        .await?;
        Ok(refund.id.to_string())
    }
}

/// The transfer group of a contract: funding and transfers of one contract share it.
pub fn transfer_group(contract_id: i64) -> String {
    format!("contract_{contract_id}")
}

pub fn contract_of_transfer_group(group: &str) -> Option<i64> {
    group.strip_prefix("contract_")?.parse().ok()
}
