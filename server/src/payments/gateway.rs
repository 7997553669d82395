//! The Stripe API, through async-stripe. Every creating call carries a deterministic
//! idempotency key, so a retry after a crash or a timeout can never create a second object.
use std::collections::HashMap;
use std::time::Duration;

use stripe::{Client, ClientBuilder, StripeError};
use stripe_client_core::{IdempotencyKey, RequestStrategy, StripeRequest};
use stripe_connect::account::{CreateAccount, CreateAccountType};
use stripe_connect::account_link::{CreateAccountLink, CreateAccountLinkType};
use stripe_connect::transfer::CreateTransfer;
use stripe_core::payment_intent::{CreatePaymentIntent, RetrievePaymentIntent};

/// A failed call: `retryable` when repeating it later may succeed (network errors, timeouts,
/// 429, 5xx, and Stripe's lock-timeout / concurrent-idempotent-request conflicts, where it sets
/// `Stripe-Should-Retry: true`); otherwise Stripe's message is final and shown to finance.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct GatewayError {
    pub retryable: bool,
    pub message: String,
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
                let retryable = status == 429
                    || status >= 500
                    || (status == 409
                        && matches!(code.as_str(), "lock_timeout" | "idempotency_key_in_use"));
                let message = api
                    .message
                    .clone()
                    .unwrap_or_else(|| format!("Stripe answered {status} {code}"));
                Self { retryable, message }
            }
            StripeError::ClientError(m) => Self {
                retryable: true,
                message: format!("could not reach Stripe: {m}"),
            },
            StripeError::Timeout => Self {
                retryable: true,
                message: "Stripe did not answer in time".into(),
            },
            StripeError::JSONDeserialize(m) => Self {
                retryable: true,
                message: format!("unreadable answer from Stripe: {m}"),
            },
            StripeError::ConfigError(m) => Self {
                retryable: false,
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
        let account = request
            .customize()
            .request_strategy(key(format!("account:{user_id}"))?)
            .send(&self.client)
            .await?;
        Ok(account.id.to_string())
    }

    pub async fn onboarding_link(
        &self,
        account_id: &str,
        refresh_url: &str,
        return_url: &str,
    ) -> Result<AccountLink, GatewayError> {
        let link = CreateAccountLink::new(account_id, CreateAccountLinkType::AccountOnboarding)
            .refresh_url(refresh_url)
            .return_url(return_url)
            .send(&self.client)
            .await?;
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
        let intent = request
            .customize()
            .request_strategy(key(format!("fund:{contract_id}"))?)
            .send(&self.client)
            .await?;
        Ok(PaymentIntent {
            id: intent.id.to_string(),
            client_secret: intent.client_secret,
        })
    }

    pub async fn payment_intent(&self, id: &str) -> Result<PaymentIntent, GatewayError> {
        let intent = RetrievePaymentIntent::new(id).send(&self.client).await?;
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
        let transfer = request
            .customize()
            .request_strategy(key(format!("payout:{payout_id}"))?)
            .send(&self.client)
            .await?;
        Ok(transfer.id.to_string())
    }
}

/// The transfer group of a contract: funding and transfers of one contract share it.
pub fn transfer_group(contract_id: i64) -> String {
    format!("contract_{contract_id}")
}

pub fn contract_of_transfer_group(group: &str) -> Option<i64> {
    group.strip_prefix("contract_")?.parse().ok()
}
