//! A Stripe-compatible test server: answers the endpoints Boomerang calls with Stripe's own
//! example objects (from `tests/fixtures/stripe-fixtures.json`, a copy of `shared/`), records every request with its
//! `Idempotency-Key`, replays the stored answer for a repeated key as Stripe does, answers
//! 409 `idempotency_key_in_use` to a request whose key is still in flight as Stripe does, and
//! can be told to fail or delay the next call to an endpoint.
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// How to answer the next call to an endpoint.
#[derive(Debug, Clone)]
pub enum Failure {
    /// An error status with Stripe's error body; not stored under the idempotency key.
    Status {
        status: u16,
        code: &'static str,
        message: &'static str,
    },
    /// Do the work (and store it under the key), then answer too late for the client.
    SlowAfterCreate(Duration),
    /// Hold the request, its idempotency key in flight, before doing the work: a concurrent
    /// request with the same key meanwhile gets 409 `idempotency_key_in_use`.
    SlowBeforeCreate(Duration),
}

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub idempotency_key: Option<String>,
    pub form: HashMap<String, String>,
}

#[derive(Default)]
struct MockState {
    requests: Vec<Recorded>,
    replays: HashMap<(String, String), Value>,
    in_flight: HashSet<(String, String)>,
    conflicts: usize,
    failures: HashMap<String, VecDeque<Failure>>,
    objects: HashMap<String, Value>,
    created: HashMap<String, usize>,
    counter: u64,
}

#[derive(Clone)]
pub struct StripeMock {
    pub base: String,
    state: Arc<Mutex<MockState>>,
    fixtures: Arc<Value>,
}

pub fn fixtures() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/stripe-fixtures.json");
    let text = std::fs::read_to_string(path).expect("reading tests/fixtures/stripe-fixtures.json");
    serde_json::from_str(&text).expect("parsing the Stripe fixtures")
}

impl StripeMock {
    pub async fn start() -> Self {
        let mock = Self {
            base: String::new(),
            state: Arc::default(),
            fixtures: Arc::new(fixtures()),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the Stripe mock");
        let addr = listener.local_addr().expect("mock address");
        let app = Router::new().fallback(handle).with_state(mock.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.ok() });
        Self {
            base: format!("http://{addr}/"),
            ..mock
        }
    }

    pub fn fail_next(&self, path: &str, failure: Failure) {
        self.state
            .lock()
            .unwrap()
            .failures
            .entry(path.to_string())
            .or_default()
            .push_back(failure);
    }

    pub fn requests(&self, path: &str) -> Vec<Recorded> {
        self.state
            .lock()
            .unwrap()
            .requests
            .iter()
            .filter(|r| r.path == path && r.method == "POST")
            .cloned()
            .collect()
    }

    /// How many requests were answered 409 because their key was in flight.
    pub fn in_flight_conflicts(&self) -> usize {
        self.state.lock().unwrap().conflicts
    }

    /// How many objects were really created at an endpoint (replays excluded).
    pub fn created(&self, path: &str) -> usize {
        self.state
            .lock()
            .unwrap()
            .created
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    fn next_id(&self, prefix: &str) -> String {
        let mut state = self.state.lock().unwrap();
        state.counter += 1;
        format!("{prefix}_test{:04}", state.counter)
    }

    fn build(&self, method: &Method, path: &str, form: &HashMap<String, String>) -> Option<Value> {
        let f = &self.fixtures;
        let amount = |key: &str| {
            form.get(key)
                .and_then(|a| a.parse::<i64>().ok())
                .unwrap_or(0)
        };
        let metadata: serde_json::Map<String, Value> = form
            .iter()
            .filter_map(|(k, v)| {
                Some((
                    k.strip_prefix("metadata[")?.strip_suffix(']')?.to_string(),
                    json!(v),
                ))
            })
            .collect();
        let object = match (method.as_str(), path) {
            ("POST", "/v1/accounts") => {
                let mut account = f["account"].clone();
                account["id"] = json!(self.next_id("acct"));
                account["email"] = json!(form.get("email"));
                account["payouts_enabled"] = json!(false);
                account["details_submitted"] = json!(false);
                account["metadata"] = Value::Object(metadata);
                account
            }
            ("POST", "/v1/account_links") => {
                let mut link = f["account_link"].clone();
                link["url"] = json!(format!(
                    "https://connect.stripe.test/setup/{}",
                    form.get("account").cloned().unwrap_or_default()
                ));
                link["expires_at"] = json!(chrono::Utc::now().timestamp() + 300);
                link
            }
            ("POST", "/v1/payment_intents") => {
                let mut intent = f["payment_intent"].clone();
                let id = self.next_id("pi");
                intent["client_secret"] = json!(format!("{id}_secret_test"));
                intent["id"] = json!(id);
                intent["amount"] = json!(amount("amount"));
                intent["currency"] = json!(form.get("currency"));
                intent["transfer_group"] = json!(form.get("transfer_group"));
                intent["status"] = json!("requires_payment_method");
                intent["metadata"] = Value::Object(metadata);
                intent
            }
            ("POST", "/v1/transfers") => {
                let mut transfer = f["transfer"].clone();
                let id = self.next_id("tr");
                transfer["reversals"]["url"] = json!(format!("/v1/transfers/{id}/reversals"));
                transfer["id"] = json!(id);
                transfer["amount"] = json!(amount("amount"));
                transfer["currency"] = json!(form.get("currency"));
                transfer["destination"] = json!(form.get("destination"));
                transfer["transfer_group"] = json!(form.get("transfer_group"));
                transfer["metadata"] = Value::Object(metadata);
                transfer
            }
            ("POST", "/v1/refunds") => {
                let mut refund = f["refund"].clone();
                refund["id"] = json!(self.next_id("re"));
                refund["amount"] = json!(amount("amount"));
                refund["currency"] = json!("jpy");
                refund["payment_intent"] = json!(form.get("payment_intent"));
                refund["reason"] = json!(form.get("reason"));
                refund["status"] = json!("succeeded");
                refund["metadata"] = Value::Object(metadata);
                refund
            }
            ("GET", p) if p.starts_with("/v1/payment_intents/") => {
                return self
                    .state
                    .lock()
                    .unwrap()
                    .objects
                    .get(p.trim_start_matches("/v1/payment_intents/"))
                    .cloned();
            }
            _ => return None,
        };
        let mut state = self.state.lock().unwrap();
        *state.created.entry(path.to_string()).or_default() += 1;
        if let Some(id) = object["id"].as_str() {
            state.objects.insert(id.to_string(), object.clone());
        }
        Some(object)
    }
}

/// Frees a request's idempotency key when it is answered (or its client went away).
struct InFlight<'a> {
    mock: &'a StripeMock,
    key: Option<(String, String)>,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if let Some(key) = &self.key
            && let Ok(mut state) = self.mock.state.lock()
        {
            state.in_flight.remove(key);
        }
    }
}

fn stripe_error(status: u16, code: &str, message: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = json!({ "error": { "type": "api_error", "code": code, "message": message } });
    let mut response = (status, axum::Json(body)).into_response();
    let retry = if status.as_u16() == 429 || status.is_server_error() {
        "true"
    } else {
        "false"
    };
    response
        .headers_mut()
        .insert("stripe-should-retry", retry.parse().unwrap());
    response
}

async fn handle(
    State(mock): State<StripeMock>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let form: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let failure = {
        let mut state = mock.state.lock().unwrap();
        state.requests.push(Recorded {
            method: method.to_string(),
            path: path.clone(),
            idempotency_key: key.clone(),
            form: form.clone(),
        });
        if let Some(key) = &key
            && let Some(stored) = state.replays.get(&(path.clone(), key.clone()))
        {
            let mut response = axum::Json(stored.clone()).into_response();
            response
                .headers_mut()
                .insert("idempotent-replayed", "true".parse().unwrap());
            return response;
        }
        if let Some(key) = &key
            && !state.in_flight.insert((path.clone(), key.clone()))
        {
            state.conflicts += 1;
            return stripe_error(
                409,
                "idempotency_key_in_use",
                "There is currently another in-progress request using this Idempotent Key.",
            );
        }
        state.failures.get_mut(&path).and_then(VecDeque::pop_front)
    };
    let _in_flight = InFlight {
        mock: &mock,
        key: key.clone().map(|key| (path.clone(), key)),
    };
    if let Some(Failure::Status {
        status,
        code,
        message,
    }) = failure
    {
        return stripe_error(status, code, message);
    }
    if let Some(Failure::SlowBeforeCreate(delay)) = failure {
        tokio::time::sleep(delay).await;
    }
    let Some(object) = mock.build(&method, &path, &form) else {
        return stripe_error(
            404,
            "resource_missing",
            "No such endpoint in the Stripe mock",
        );
    };
    if let Some(key) = key {
        mock.state
            .lock()
            .unwrap()
            .replays
            .insert((path, key), object.clone());
    }
    if let Some(Failure::SlowAfterCreate(delay)) = failure {
        tokio::time::sleep(delay).await;
    }
    axum::Json(object).into_response()
}

/// A Stripe event around `object`, signed with `secret` as Stripe signs webhooks.
pub fn signed_event(
    secret: &str,
    id: &str,
    event_type: &str,
    object: Value,
    created: i64,
) -> (String, String) {
    let mut event = fixtures()["event"].clone();
    event["id"] = json!(id);
    event["type"] = json!(event_type);
    event["created"] = json!(created);
    event["data"] = json!({ "object": object });
    let body = event.to_string();
    let header = stripe_webhook::Webhook::generate_test_header(&body, secret, None);
    (body, header)
}

/// Stripe's example objects, shaped for an event.
pub fn account_object(account_id: &str, payouts_enabled: bool, details_submitted: bool) -> Value {
    let mut account = fixtures()["account"].clone();
    account["id"] = json!(account_id);
    account["payouts_enabled"] = json!(payouts_enabled);
    account["details_submitted"] = json!(details_submitted);
    account
}

pub fn payment_intent_object(
    id: &str,
    contract_id: i64,
    amount: i64,
    status: &str,
    failure: Option<&str>,
) -> Value {
    let mut intent = fixtures()["payment_intent"].clone();
    intent["id"] = json!(id);
    intent["amount"] = json!(amount);
    intent["currency"] = json!("jpy");
    intent["status"] = json!(status);
    intent["transfer_group"] = json!(format!("contract_{contract_id}"));
    intent["last_payment_error"] = match failure {
        Some(message) => {
            json!({ "type": "card_error", "code": "card_declined", "message": message })
        }
        None => Value::Null,
    };
    intent
}

pub fn transfer_object(
    id: &str,
    payout_id: i64,
    contract_id: i64,
    amount: i64,
    amount_reversed: i64,
) -> Value {
    let mut transfer = fixtures()["transfer"].clone();
    transfer["id"] = json!(id);
    transfer["amount"] = json!(amount);
    transfer["amount_reversed"] = json!(amount_reversed);
    transfer["currency"] = json!("jpy");
    transfer["reversed"] = json!(amount_reversed >= amount);
    transfer["transfer_group"] = json!(format!("contract_{contract_id}"));
    transfer["metadata"] = json!({ "boomerang_payout_id": payout_id.to_string() });
    transfer
}

/// The charge of a contract's funding PaymentIntent after `amount_refunded` of it went back,
/// as a `charge.refunded` event carries it. `contract_id` `None` leaves the transfer group out,
/// so only the PaymentIntent names the contract.
pub fn refunded_charge_object(
    id: &str,
    payment_intent: &str,
    contract_id: Option<i64>,
    amount: i64,
    amount_refunded: i64,
) -> Value {
    let mut charge = fixtures()["charge"].clone();
    charge["id"] = json!(id);
    charge["amount"] = json!(amount);
    charge["amount_captured"] = json!(amount);
    charge["amount_refunded"] = json!(amount_refunded);
    charge["captured"] = json!(true);
    charge["currency"] = json!("jpy");
    charge["payment_intent"] = json!(payment_intent);
    charge["refunded"] = json!(amount_refunded >= amount);
    charge["transfer_group"] = json!(contract_id.map(|c| format!("contract_{c}")));
    charge
}
