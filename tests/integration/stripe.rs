//! The Stripe provider against a Stripe-compatible test server.
use boomerang::config::Secret;
use boomerang::payments::worker::CrashPoint;
use boomerang_tests::flow::*;
use boomerang_tests::stripe_mock::*;
use boomerang_tests::{TestDb, TestServer, error_code};
use futures::future::join_all;
use rand::seq::SliceRandom;
use serde_json::{Value, json};

pub(crate) const WEBHOOK_SECRET: &str = "whsec_test_boomerang";
const SET_PROVIDER: &str = "mutation($c: ID!) { setCompanyPaymentProvider(input: { companyId: $c, provider: STRIPE }) { paymentProvider } }";
const ONBOARD: &str = "mutation { createPayoutOnboardingLink { url expiresAt } }";
const FUND: &str = "mutation($c: ID!) { fundContract(contractId: $c) { paymentIntentId clientSecret contract { fundingStatus } } }";
const PAYOUT: &str = "query($id: ID!) { payout(id: $id) { status provider reference failureReason reversedAmount { amount } invoice { status contract { status } } } }";
const RETRY: &str = "mutation($id: ID!) { retryPayout(id: $id) { status } }";

/// A server on the Stripe test server; the tests drive the payout worker themselves.
pub(crate) async fn stripe_server() -> (TestServer, StripeMock) {
    stripe_server_with(|c| c.worker = false).await
}

pub(crate) async fn stripe_server_with(
    configure: impl FnOnce(&mut boomerang::Config),
) -> (TestServer, StripeMock) {
    let mock = StripeMock::start().await;
    let base = mock.base.clone();
    let s = TestServer::start_configured(TestDb::new().await, |c| {
        c.stripe_secret_key = Some(Secret::new("sk_test_boomerang"));
        c.stripe_webhook_secret = Some(Secret::new(WEBHOOK_SECRET));
        c.stripe_api_base = Some(base);
        c.stripe_timeout_ms = 1_000;
        configure(c);
    })
    .await;
    (s, mock)
}

/// Invoices the whole contract and approves it; returns the payout id.
async fn approved_payout(s: &TestServer, c: &Contracted, amount: &str) -> String {
    let inv = invoice(s, &c.freelancer, &c.contract_id, amount, "JPY").await;
    approve(s, &c.a.finance, &inv).await
}

fn key(id: &str) -> i64 {
    // Ids are opaque to clients; tests may peek: base64url("Type:key").
    use base64::Engine;
    let text = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(id)
        .unwrap();
    String::from_utf8(text)
        .unwrap()
        .split_once(':')
        .unwrap()
        .1
        .parse()
        .unwrap()
}

pub(crate) async fn deliver(
    s: &TestServer,
    id: &str,
    event_type: &str,
    object: Value,
    created: i64,
) -> u16 {
    let (body, header) = signed_event(WEBHOOK_SECRET, id, event_type, object, created);
    s.webhook(&body, Some(&header)).await
}

/// An alumna with a Stripe account that can receive payouts.
pub(crate) async fn onboarded(s: &TestServer, person: &Person) -> String {
    s.ok(person.token(), ONBOARD, json!({})).await;
    let account = s
        .ok(
            person.token(),
            "{ viewer { payoutAccount { stripeAccountId } } }",
            json!({}),
        )
        .await;
    let account_id = account["viewer"]["payoutAccount"]["stripeAccountId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        deliver(
            s,
            &format!("evt_enable_{account_id}"),
            "account.updated",
            account_object(&account_id, true, true),
            1
        )
        .await,
        200
    );
    account_id
}

/// A Stripe company whose contract with an onboarded alumna is funded.
pub(crate) async fn funded_contract(s: &TestServer, amount: &str) -> Contracted {
    let a = company(s, "acme").await;
    s.ok(a.admin.token(), SET_PROVIDER, json!({ "c": a.id }))
        .await;
    let freelancer = alumnus(s, &a, "hanako@alumni.example").await;
    onboarded(s, &freelancer).await;
    let project_id = publish(s, &a.member, &a.id, amount, "JPY", "COMPANY_ALUMNI").await;
    let bid_id = bid(s, &freelancer, &project_id, amount, "JPY").await;
    let contract_id = accept_with_work_done(s, &a.member, &freelancer, &bid_id).await;
    let funding = s
        .ok(a.finance.token(), FUND, json!({ "c": contract_id }))
        .await;
    let intent = funding["fundContract"]["paymentIntentId"]
        .as_str()
        .unwrap()
        .to_string();
    let object = payment_intent_object(
        &intent,
        key(&contract_id),
        amount.parse().unwrap(),
        "succeeded",
        None,
    );
    assert_eq!(
        deliver(
            s,
            &format!("evt_funded_{intent}"),
            "payment_intent.succeeded",
            object,
            1
        )
        .await,
        200
    );
    Contracted {
        a,
        freelancer,
        project_id,
        contract_id,
    }
}

#[tokio::test]
async fn onboarding_creates_one_express_account_and_account_updated_enables_payouts() {
    let (s, mock) = stripe_server().await;
    let a = company(&s, "acme").await;
    let alum = alumnus(&s, &a, "alum@alumni.example").await;
    let outsider = sign_up(&s, "stranger@example.jp").await;
    assert_eq!(
        s.err(outsider.token(), ONBOARD, json!({})).await,
        "FORBIDDEN"
    );

    let first = s.ok(alum.token(), ONBOARD, json!({})).await;
    let second = s.ok(alum.token(), ONBOARD, json!({})).await;
    assert!(
        first["createPayoutOnboardingLink"]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    assert!(second["createPayoutOnboardingLink"]["url"].is_string());
    assert_eq!(
        mock.created("/v1/accounts"),
        1,
        "one Express account per alumnus"
    );
    assert_eq!(
        mock.requests("/v1/accounts")[0]
            .form
            .get("type")
            .map(String::as_str),
        Some("express")
    );
    assert_eq!(
        mock.created("/v1/account_links"),
        2,
        "a fresh link each time"
    );

    const ACCOUNT: &str =
        "{ viewer { payoutAccount { stripeAccountId payoutsEnabled detailsSubmitted } } }";
    let before = s.ok(alum.token(), ACCOUNT, json!({})).await;
    assert_eq!(before["viewer"]["payoutAccount"]["payoutsEnabled"], false);
    let account_id = before["viewer"]["payoutAccount"]["stripeAccountId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        deliver(
            &s,
            "evt_a1",
            "account.updated",
            account_object(&account_id, true, true),
            100
        )
        .await,
        200
    );
    // An older event arriving late changes nothing.
    assert_eq!(
        deliver(
            &s,
            "evt_a0",
            "account.updated",
            account_object(&account_id, false, false),
            50
        )
        .await,
        200
    );
    let after = s.ok(alum.token(), ACCOUNT, json!({})).await;
    assert_eq!(after["viewer"]["payoutAccount"]["payoutsEnabled"], true);
    assert_eq!(after["viewer"]["payoutAccount"]["detailsSubmitted"], true);
    s.finish().await;
}

#[tokio::test]
async fn a_stripe_contract_is_funded_once_before_its_invoices_can_be_approved() {
    let (s, mock) = stripe_server().await;
    let a = company(&s, "acme").await;
    assert_eq!(
        s.err(a.member.token(), SET_PROVIDER, json!({ "c": a.id }))
            .await,
        "FORBIDDEN"
    );
    let chosen = s
        .ok(a.admin.token(), SET_PROVIDER, json!({ "c": a.id }))
        .await;
    assert_eq!(
        chosen["setCompanyPaymentProvider"]["paymentProvider"],
        "STRIPE"
    );
    let freelancer = alumnus(&s, &a, "hanako@alumni.example").await;
    let project = publish(&s, &a.member, &a.id, "150000", "JPY", "COMPANY_ALUMNI").await;
    let bid_id = bid(&s, &freelancer, &project, "150000", "JPY").await;
    let contract = accept_with_work_done(&s, &a.member, &freelancer, &bid_id).await;
    // The escrow holds the agreed amount: the tax cannot be added on top of it.
    let mut on_top = invoice_input(&contract, "150000", "JPY");
    on_top["input"]["taxShownSeparately"] = json!(true);
    let refused = s.gql(freelancer.token(), SUBMIT_INVOICE, on_top).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(
        refused["errors"][0]["extensions"]["field"],
        "input.taxShownSeparately"
    );
    let inv = invoice(&s, &freelancer, &contract, "150000", "JPY").await;
    assert_eq!(
        s.err(a.finance.token(), APPROVE, json!({ "id": inv }))
            .await,
        "CONFLICT",
        "unfunded"
    );

    assert_eq!(
        s.err(a.member.token(), FUND, json!({ "c": contract }))
            .await,
        "FORBIDDEN"
    );
    let first = s
        .ok(a.finance.token(), FUND, json!({ "c": contract }))
        .await;
    let second = s.ok(a.admin.token(), FUND, json!({ "c": contract })).await;
    assert_eq!(
        first["fundContract"]["paymentIntentId"],
        second["fundContract"]["paymentIntentId"]
    );
    assert!(
        first["fundContract"]["clientSecret"]
            .as_str()
            .unwrap()
            .contains("_secret_")
    );
    assert_eq!(
        first["fundContract"]["contract"]["fundingStatus"],
        "UNFUNDED"
    );
    assert_eq!(mock.created("/v1/payment_intents"), 1);
    let created = &mock.requests("/v1/payment_intents")[0];
    assert_eq!(
        created.idempotency_key.as_deref(),
        Some(format!("fund:{}", key(&contract)).as_str())
    );
    assert_eq!(
        created.form.get("amount").map(String::as_str),
        Some("150000")
    );
    assert_eq!(
        created.form.get("currency").map(String::as_str),
        Some("jpy")
    );
    assert_eq!(
        created.form.get("transfer_group"),
        Some(&format!("contract_{}", key(&contract)))
    );

    let intent = first["fundContract"]["paymentIntentId"].as_str().unwrap();
    let failed = payment_intent_object(
        intent,
        key(&contract),
        150000,
        "requires_payment_method",
        Some("Your card was declined."),
    );
    assert_eq!(
        deliver(&s, "evt_f1", "payment_intent.payment_failed", failed, 10).await,
        200
    );
    let seen = s
        .ok(
            a.finance.token(),
            "query($id: ID!) { contract(id: $id) { fundingStatus fundingFailure } }",
            json!({ "id": contract }),
        )
        .await;
    assert_eq!(
        seen["contract"],
        json!({ "fundingStatus": "UNFUNDED", "fundingFailure": "Your card was declined." })
    );

    let succeeded = payment_intent_object(intent, key(&contract), 150000, "succeeded", None);
    assert_eq!(
        deliver(&s, "evt_s1", "payment_intent.succeeded", succeeded, 20).await,
        200
    );
    let seen = s
        .ok(
            a.finance.token(),
            "query($id: ID!) { contract(id: $id) { fundingStatus fundingFailure } }",
            json!({ "id": contract }),
        )
        .await;
    assert_eq!(
        seen["contract"],
        json!({ "fundingStatus": "FUNDED", "fundingFailure": null })
    );
    assert_eq!(
        s.err(a.finance.token(), FUND, json!({ "c": contract }))
            .await,
        "CONFLICT"
    );

    let payout = approve(&s, &a.finance, &inv).await;
    let pending = s
        .ok(a.finance.token(), PAYOUT, json!({ "id": payout }))
        .await;
    assert_eq!(pending["payout"]["provider"], "STRIPE");
    assert_eq!(pending["payout"]["status"], "PENDING");
    let manual = json!({ "input": { "payoutId": payout, "reference": "BANK-1" } });
    assert_eq!(
        s.err(a.finance.token(), MARK_PAID, manual).await,
        "CONFLICT",
        "Stripe payouts are not recorded by hand"
    );
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_approvals_and_a_worker_crash_still_make_one_transfer() {
    let (s, mock) = stripe_server().await;
    let c = funded_contract(&s, "200000").await;
    let inv = invoice(&s, &c.freelancer, &c.contract_id, "200000", "JPY").await;

    let bodies =
        join_all((0..20).map(|_| s.gql(c.a.finance.token(), APPROVE, json!({ "id": inv })))).await;
    let approved: Vec<&Value> = bodies
        .iter()
        .filter(|b| b.get("errors").is_none())
        .collect();
    assert_eq!(approved.len(), 1, "{bodies:#?}");
    assert!(
        bodies
            .iter()
            .filter(|b| b.get("errors").is_some())
            .all(|b| error_code(b).as_deref() == Some("CONFLICT"))
    );
    let payout = approved[0]["data"]["approveInvoice"]["payout"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    // The worker dies after Stripe made the transfer, before the database recorded it.
    assert!(s.run_worker_once(CrashPoint::AfterTransfer).await.is_err());
    assert_eq!(mock.created("/v1/transfers"), 1);
    let mid = s
        .ok(c.a.finance.token(), PAYOUT, json!({ "id": payout }))
        .await;
    assert_eq!(mid["payout"]["status"], "PROCESSING");
    // Its lease still holds, so no other worker takes the job yet…
    assert_eq!(s.run_worker_once(CrashPoint::Never).await, Ok(false));
    // …until it expires; the retry sends the same idempotency key and Stripe replays.
    s.sql("UPDATE jobs SET locked_until = '2000-01-01 00:00:00+00:00'")
        .await;
    assert_eq!(s.run_worker_once(CrashPoint::Never).await, Ok(true));

    let transfers = mock.requests("/v1/transfers");
    assert_eq!(transfers.len(), 2);
    let expected_key = format!("payout:{}", key(&payout));
    assert!(
        transfers
            .iter()
            .all(|t| t.idempotency_key.as_deref() == Some(expected_key.as_str()))
    );
    assert_eq!(
        transfers[0].form.get("transfer_group"),
        Some(&format!("contract_{}", key(&c.contract_id)))
    );
    assert_eq!(mock.created("/v1/transfers"), 1, "exactly one transfer");

    let paid = s
        .ok(c.a.finance.token(), PAYOUT, json!({ "id": payout }))
        .await;
    assert_eq!(paid["payout"]["status"], "PAID");
    assert!(
        paid["payout"]["reference"]
            .as_str()
            .unwrap()
            .starts_with("tr_")
    );
    assert_eq!(paid["payout"]["invoice"]["status"], "PAID");
    assert_eq!(paid["payout"]["invoice"]["contract"]["status"], "COMPLETED");
    assert_eq!(
        s.run_worker_once(CrashPoint::Never).await,
        Ok(false),
        "nothing left to do"
    );
    s.finish().await;
}

#[tokio::test]
async fn a_declined_transfer_is_failed_visibly_and_succeeds_on_retry() {
    let (s, mock) = stripe_server().await;
    let c = funded_contract(&s, "90000").await;
    let payout = approved_payout(&s, &c, "90000").await;
    mock.fail_next(
        "/v1/transfers",
        Failure::Status {
            status: 400,
            code: "balance_insufficient",
            message: "Insufficient funds in Stripe account.",
        },
    );

    s.drain_worker().await;
    let failed = s
        .ok(c.a.finance.token(), PAYOUT, json!({ "id": payout }))
        .await;
    assert_eq!(failed["payout"]["status"], "FAILED");
    assert_eq!(
        failed["payout"]["failureReason"],
        "Insufficient funds in Stripe account."
    );
    assert_eq!(failed["payout"]["invoice"]["status"], "APPROVED");

    assert_eq!(
        s.err(c.a.member.token(), RETRY, json!({ "id": payout }))
            .await,
        "FORBIDDEN"
    );
    assert_eq!(
        s.err(c.freelancer.token(), RETRY, json!({ "id": payout }))
            .await,
        "FORBIDDEN"
    );
    let retried = s
        .ok(c.a.finance.token(), RETRY, json!({ "id": payout }))
        .await;
    assert_eq!(retried["retryPayout"]["status"], "PENDING");
    assert_eq!(
        s.err(c.a.finance.token(), RETRY, json!({ "id": payout }))
            .await,
        "CONFLICT"
    );
    s.drain_worker().await;
    let paid = s
        .ok(c.freelancer.token(), PAYOUT, json!({ "id": payout }))
        .await;
    assert_eq!(paid["payout"]["status"], "PAID");
    assert!(paid["payout"]["failureReason"].is_null());
    assert_eq!(mock.created("/v1/transfers"), 1);
    s.finish().await;
}

#[tokio::test]
async fn server_errors_rate_limits_and_lost_answers_are_retried_with_the_same_key() {
    let (s, mock) = stripe_server().await;
    let c = funded_contract(&s, "50000").await;
    let payout = approved_payout(&s, &c, "50000").await;
    mock.fail_next(
        "/v1/transfers",
        Failure::Status {
            status: 500,
            code: "api_error",
            message: "Something went wrong.",
        },
    );
    mock.fail_next(
        "/v1/transfers",
        Failure::Status {
            status: 429,
            code: "rate_limit",
            message: "Too many requests.",
        },
    );
    mock.fail_next(
        "/v1/transfers",
        Failure::SlowAfterCreate(std::time::Duration::from_millis(2_500)),
    );

    for expected in [
        "Something went wrong.",
        "Too many requests.",
        "Stripe did not answer in time",
    ] {
        assert_eq!(s.run_worker_once(CrashPoint::Never).await, Ok(true));
        let waiting = s
            .ok(c.a.finance.token(), PAYOUT, json!({ "id": payout }))
            .await;
        assert_eq!(waiting["payout"]["status"], "PROCESSING");
        assert!(
            waiting["payout"]["failureReason"]
                .as_str()
                .unwrap()
                .contains(expected),
            "{waiting}"
        );
        // Backing off: the job is not due yet.
        assert_eq!(s.run_worker_once(CrashPoint::Never).await, Ok(false));
        s.sql("UPDATE jobs SET run_at = '2000-01-01 00:00:00+00:00'")
            .await;
    }
    assert_eq!(s.run_worker_once(CrashPoint::Never).await, Ok(true));
    let paid = s
        .ok(c.a.finance.token(), PAYOUT, json!({ "id": payout }))
        .await;
    assert_eq!(paid["payout"]["status"], "PAID");
    assert_eq!(
        mock.created("/v1/transfers"),
        1,
        "the lost answer was replayed, not repeated"
    );
    assert_eq!(
        s.sql_i64("SELECT CAST(MAX(attempts) AS BIGINT) FROM jobs")
            .await,
        4
    );
    s.finish().await;
}

#[tokio::test]
async fn a_payout_waits_with_a_reason_until_the_account_can_receive_transfers() {
    let (s, mock) = stripe_server().await;
    let a = company(&s, "acme").await;
    s.ok(a.admin.token(), SET_PROVIDER, json!({ "c": a.id }))
        .await;
    let freelancer = alumnus(&s, &a, "hanako@alumni.example").await;
    s.ok(freelancer.token(), ONBOARD, json!({})).await;
    let project = publish(&s, &a.member, &a.id, "30000", "JPY", "COMPANY_ALUMNI").await;
    let bid_id = bid(&s, &freelancer, &project, "30000", "JPY").await;
    let contract = accept_with_work_done(&s, &a.member, &freelancer, &bid_id).await;
    let intent = s
        .ok(a.finance.token(), FUND, json!({ "c": contract }))
        .await["fundContract"]["paymentIntentId"]
        .as_str()
        .unwrap()
        .to_string();
    deliver(
        &s,
        "evt_fund",
        "payment_intent.succeeded",
        payment_intent_object(&intent, key(&contract), 30000, "succeeded", None),
        1,
    )
    .await;
    let payout = approve(
        &s,
        &a.finance,
        &invoice(&s, &freelancer, &contract, "30000", "JPY").await,
    )
    .await;

    s.drain_worker().await;
    let waiting = s
        .ok(a.finance.token(), PAYOUT, json!({ "id": payout }))
        .await;
    assert_eq!(waiting["payout"]["status"], "PENDING");
    assert!(
        waiting["payout"]["failureReason"]
            .as_str()
            .unwrap()
            .contains("onboarding")
    );
    assert_eq!(mock.created("/v1/transfers"), 0);

    let account = s
        .ok(
            freelancer.token(),
            "{ viewer { payoutAccount { stripeAccountId } } }",
            json!({}),
        )
        .await;
    let account_id = account["viewer"]["payoutAccount"]["stripeAccountId"]
        .as_str()
        .unwrap();
    deliver(
        &s,
        "evt_enabled",
        "account.updated",
        account_object(account_id, true, true),
        5,
    )
    .await;
    s.drain_worker().await;
    assert_eq!(
        s.ok(a.finance.token(), PAYOUT, json!({ "id": payout }))
            .await["payout"]["status"],
        "PAID"
    );
    s.finish().await;
}

#[tokio::test]
async fn webhooks_with_a_bad_signature_are_refused_and_store_nothing() {
    let (s, _mock) = stripe_server().await;
    let object = account_object("acct_unknown", true, true);
    let (body, good) = signed_event(
        WEBHOOK_SECRET,
        "evt_sig",
        "account.updated",
        object.clone(),
        1,
    );
    let (_, wrong_secret) = signed_event(
        "whsec_someone_else",
        "evt_sig",
        "account.updated",
        object.clone(),
        1,
    );
    let old = stripe_webhook::Webhook::generate_test_header(
        &body,
        WEBHOOK_SECRET,
        Some(chrono::Utc::now().timestamp() - 6 * 60),
    );
    let changed = body.replacen("acct_unknown", "acct_unknowm", 1);

    assert_eq!(s.webhook(&body, Some(&wrong_secret)).await, 400);
    assert_eq!(s.webhook(&changed, Some(&good)).await, 400);
    assert_eq!(s.webhook(&body, Some(&old)).await, 400);
    assert_eq!(s.webhook(&body, None).await, 400);
    assert_eq!(s.webhook(&body, Some("t=1,v1=00")).await, 400);
    assert_eq!(s.sql_i64("SELECT COUNT(*) FROM stripe_events").await, 0);

    assert_eq!(s.webhook(&body, Some(&good)).await, 200);
    assert_eq!(
        s.webhook(&body, Some(&good)).await,
        200,
        "a duplicate is acknowledged"
    );
    assert_eq!(s.sql_i64("SELECT COUNT(*) FROM stripe_events").await, 1);
    s.finish().await;
}

#[tokio::test]
async fn without_stripe_keys_the_stripe_features_say_so() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let alum = alumnus(&s, &a, "alum@alumni.example").await;
    assert_eq!(
        s.err(a.admin.token(), SET_PROVIDER, json!({ "c": a.id }))
            .await,
        "CONFLICT"
    );
    assert_eq!(s.err(alum.token(), ONBOARD, json!({})).await, "CONFLICT");
    assert_eq!(s.webhook("{}", Some("t=1,v1=00")).await, 404);
    s.finish().await;
}

#[tokio::test]
async fn the_ledger_check_finds_a_broken_ledger() {
    let (s, _mock) = stripe_server().await;
    let c = funded_contract(&s, "80000").await;
    let payout = approved_payout(&s, &c, "80000").await;
    s.drain_worker().await;
    assert_eq!(
        s.ok(c.a.finance.token(), PAYOUT, json!({ "id": payout }))
            .await["payout"]["status"],
        "PAID"
    );
    assert_eq!(
        boomerang::domain::ledger::check(&s.conn).await.unwrap(),
        Vec::<String>::new()
    );
    assert_eq!(s.sql_i64("SELECT CAST(SUM(amount_minor) AS BIGINT) FROM ledger_entries WHERE account = 'platform:stripe'").await, 0);

    s.sql("INSERT INTO ledger_entries (txn_group, account, currency, amount_minor, created_at) VALUES ('broken:1', 'platform:stripe', 'JPY', 500, '2026-01-01 00:00:00+00:00')").await;
    s.sql(&format!(
        "DELETE FROM ledger_entries WHERE txn_group = 'transfer:{}'",
        key(&payout)
    ))
    .await;
    let problems = boomerang::domain::ledger::check(&s.conn).await.unwrap();
    assert!(
        problems.iter().any(|p| p.contains("broken:1")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("paid payout without its ledger group")),
        "{problems:?}"
    );
    // Mend it so the harness' closing check passes.
    s.sql("DELETE FROM ledger_entries WHERE txn_group = 'broken:1'")
        .await;
    s.sql(&format!(
        "INSERT INTO ledger_entries (txn_group, account, currency, amount_minor, created_at) VALUES \
         ('transfer:{0}', 'contract:{1}:escrow', 'JPY', 80000, '2026-01-01 00:00:00+00:00'), \
         ('transfer:{0}', 'platform:stripe', 'JPY', -80000, '2026-01-01 00:00:00+00:00')",
        key(&payout),
        key(&c.contract_id)
    ))
    .await;
    s.finish().await;
}

/// The state events decide, read behind the API.
async fn snapshot(s: &TestServer) -> Vec<i64> {
    let mut out = Vec::new();
    for sql in [
        "SELECT CAST(COUNT(*) AS BIGINT) FROM payout_accounts WHERE payouts_enabled",
        "SELECT CAST(COALESCE(SUM(id * (CASE WHEN payouts_enabled THEN 3 ELSE 1 END) * (CASE WHEN details_submitted THEN 5 ELSE 1 END)), 0) AS BIGINT) FROM payout_accounts",
        "SELECT CAST(COUNT(*) AS BIGINT) FROM contracts WHERE funding_status = 'FUNDED'",
        "SELECT CAST(COALESCE(SUM(id), 0) AS BIGINT) FROM contracts WHERE funding_status = 'FUNDED'",
        "SELECT CAST(COUNT(*) AS BIGINT) FROM contracts WHERE funding_failure IS NOT NULL",
        "SELECT CAST(COALESCE(SUM(id * reversed_minor), 0) AS BIGINT) FROM payouts",
        "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM ledger_entries WHERE account = 'platform:stripe'",
        "SELECT CAST(COALESCE(SUM(amount_minor * LENGTH(account)), 0) AS BIGINT) FROM ledger_entries",
    ] {
        out.push(s.sql_i64(sql).await);
    }
    out
}

/// Four onboarded alumni, two paid Stripe payouts, and eight contracts awaiting funding.
async fn world(s: &TestServer) -> (Vec<String>, Vec<(i64, String)>, Vec<(i64, i64, String)>) {
    let a = company(s, "acme").await;
    s.ok(a.admin.token(), SET_PROVIDER, json!({ "c": a.id }))
        .await;
    let mut accounts = Vec::new();
    let mut people = Vec::new();
    for i in 0..4 {
        let person = alumnus(s, &a, &format!("alum{i}@alumni.example")).await;
        accounts.push(onboarded(s, &person).await);
        people.push(person);
    }
    let mut unfunded = Vec::new();
    let mut paid = Vec::new();
    for i in 0..10 {
        let person = &people[i % 4];
        let project = publish(s, &a.member, &a.id, "10000", "JPY", "COMPANY_ALUMNI").await;
        let bid_id = bid(s, person, &project, "10000", "JPY").await;
        let contract = accept_with_work_done(s, &a.member, person, &bid_id).await;
        let intent = s
            .ok(a.finance.token(), FUND, json!({ "c": contract }))
            .await["fundContract"]["paymentIntentId"]
            .as_str()
            .unwrap()
            .to_string();
        if i < 2 {
            deliver(
                s,
                &format!("evt_setup_{i}"),
                "payment_intent.succeeded",
                payment_intent_object(&intent, key(&contract), 10000, "succeeded", None),
                1,
            )
            .await;
            let payout = approve(
                s,
                &a.finance,
                &invoice(s, person, &contract, "10000", "JPY").await,
            )
            .await;
            s.drain_worker().await;
            let reference = s
                .ok(a.finance.token(), PAYOUT, json!({ "id": payout }))
                .await["payout"]["reference"]
                .as_str()
                .unwrap()
                .to_string();
            paid.push((key(&payout), key(&contract), reference));
        } else {
            unfunded.push((key(&contract), intent));
        }
    }
    (accounts, unfunded, paid)
}

#[tokio::test]
async fn fifty_events_delivered_three_times_in_any_order_reach_the_state_of_one_ordered_delivery() {
    let mut states = Vec::new();
    for shuffled in [false, true] {
        let (s, _mock) = stripe_server().await;
        let (accounts, unfunded, paid) = world(&s).await;
        let mut events: Vec<(String, &str, Value, i64)> = Vec::new();
        for (i, account) in accounts.iter().enumerate() {
            for step in 0..5_i64 {
                let enabled = (step + i as i64) % 2 == 0;
                events.push((
                    format!("evt_acct_{i}_{step}"),
                    "account.updated",
                    account_object(account, enabled, step > 1),
                    1_000 + step,
                ));
            }
        }
        for (contract, intent) in &unfunded {
            events.push((
                format!("evt_fail_{contract}"),
                "payment_intent.payment_failed",
                payment_intent_object(
                    intent,
                    *contract,
                    10000,
                    "requires_payment_method",
                    Some("Your card was declined."),
                ),
                2_000,
            ));
            if contract % 2 == 0 {
                events.push((
                    format!("evt_ok_{contract}"),
                    "payment_intent.succeeded",
                    payment_intent_object(intent, *contract, 10000, "succeeded", None),
                    2_001,
                ));
            } else {
                events.push((
                    format!("evt_other_{contract}"),
                    "payment_intent.created",
                    payment_intent_object(
                        intent,
                        *contract,
                        10000,
                        "requires_payment_method",
                        None,
                    ),
                    1_999,
                ));
            }
        }
        for (payout, contract, transfer) in &paid {
            for step in 1..=7_i64 {
                events.push((
                    format!("evt_rev_{payout}_{step}"),
                    "transfer.reversed",
                    transfer_object(transfer, *payout, *contract, 10000, step * 1000),
                    3_000 + step,
                ));
            }
        }
        assert_eq!(events.len(), 50);
        let mut deliveries: Vec<&(String, &str, Value, i64)> = Vec::new();
        if shuffled {
            for _ in 0..3 {
                deliveries.extend(events.iter());
            }
            deliveries.shuffle(&mut rand::rng());
        } else {
            deliveries.extend(events.iter());
        }
        for (id, kind, object, created) in deliveries {
            assert_eq!(
                deliver(&s, id, kind, object.clone(), *created).await,
                200,
                "{id}"
            );
        }
        // The fifty, plus four onboarding and two funding events from the setup.
        assert_eq!(
            s.sql_i64("SELECT COUNT(*) FROM stripe_events").await,
            50 + 4 + 2
        );
        states.push(snapshot(&s).await);
        s.finish().await;
    }
    assert_eq!(states[0], states[1]);
    assert_eq!(
        states[0][2],
        2 + 4,
        "two paid and four funded by the events"
    );
}

#[tokio::test]
async fn the_servers_own_worker_pays_approved_invoices() {
    let (s, mock) = stripe_server_with(|c| c.worker_interval_ms = 20).await;
    let c = funded_contract(&s, "40000").await;
    let payout = approved_payout(&s, &c, "40000").await;
    let mut status = Value::Null;
    for _ in 0..250 {
        status = s
            .ok(c.a.finance.token(), PAYOUT, json!({ "id": payout }))
            .await["payout"]["status"]
            .clone();
        if status == "PAID" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(status, "PAID");
    assert_eq!(mock.created("/v1/transfers"), 1);
    s.finish().await;
}

/// A Stripe company and an alumna's ACTIVE contract, not funded yet.
pub(crate) async fn unfunded_contract(s: &TestServer) -> Contracted {
    let a = company(s, "acme").await;
    s.ok(a.admin.token(), SET_PROVIDER, json!({ "c": a.id }))
        .await;
    let freelancer = alumnus(s, &a, "hanako@alumni.example").await;
    let project_id = publish(s, &a.member, &a.id, "80000", "JPY", "COMPANY_ALUMNI").await;
    let bid_id = bid(s, &freelancer, &project_id, "80000", "JPY").await;
    let contract_id = accept_with_work_done(s, &a.member, &freelancer, &bid_id).await;
    Contracted {
        a,
        freelancer,
        project_id,
        contract_id,
    }
}

fn conflict(code: &'static str) -> Failure {
    Failure::Status {
        status: 409,
        code,
        message: "There is currently another in-progress request using this Idempotent Key.",
    }
}

#[tokio::test]
async fn every_409_from_stripe_is_retried_with_the_same_key_and_then_answered_as_conflict_with_a_retry_hint()
 {
    use boomerang::payments::gateway::{CONFLICT_RETRIES, CONFLICT_RETRY_AFTER_SECS};
    let (s, mock) = stripe_server().await;
    let c = unfunded_contract(&s).await;

    // Stripe stays busy through every retry: CONFLICT with a hint, never an internal error,
    // and nothing is stored.
    for _ in 0..=CONFLICT_RETRIES {
        mock.fail_next("/v1/accounts", conflict("idempotency_key_in_use"));
    }
    let busy = s.gql(c.freelancer.token(), ONBOARD, json!({})).await;
    assert_eq!(error_code(&busy).as_deref(), Some("CONFLICT"), "{busy}");
    assert_eq!(
        busy["errors"][0]["extensions"]["retryAfter"],
        CONFLICT_RETRY_AFTER_SECS
    );
    let attempts = mock.requests("/v1/accounts");
    assert_eq!(attempts.len(), CONFLICT_RETRIES as usize + 1);
    let expected = format!("account:{}", key(&c.freelancer.id));
    assert!(
        attempts
            .iter()
            .all(|r| r.idempotency_key.as_deref() == Some(expected.as_str()))
    );
    assert_eq!(s.sql_i64("SELECT COUNT(*) FROM payout_accounts").await, 0);
    // Asking again, as the hint says, succeeds.
    s.ok(c.freelancer.token(), ONBOARD, json!({})).await;
    assert_eq!(mock.created("/v1/accounts"), 1);

    for _ in 0..=CONFLICT_RETRIES {
        mock.fail_next("/v1/payment_intents", conflict("lock_timeout"));
    }
    let busy = s
        .gql(c.a.finance.token(), FUND, json!({ "c": c.contract_id }))
        .await;
    assert_eq!(error_code(&busy).as_deref(), Some("CONFLICT"), "{busy}");
    assert_eq!(
        busy["errors"][0]["extensions"]["retryAfter"],
        CONFLICT_RETRY_AFTER_SECS
    );

    // Fewer 409s than retries, whatever their code: the call succeeds, with one key throughout.
    for code in ["idempotency_key_in_use", "lock_timeout", "some_future_code"] {
        mock.fail_next("/v1/payment_intents", conflict(code));
    }
    let funded = s
        .ok(c.a.finance.token(), FUND, json!({ "c": c.contract_id }))
        .await;
    assert!(funded["fundContract"]["paymentIntentId"].is_string());
    assert_eq!(mock.created("/v1/payment_intents"), 1);
    let expected = format!("fund:{}", key(&c.contract_id));
    let attempts = mock.requests("/v1/payment_intents");
    assert_eq!(attempts.len(), 2 * (CONFLICT_RETRIES as usize + 1) - 1);
    assert!(
        attempts
            .iter()
            .all(|r| r.idempotency_key.as_deref() == Some(expected.as_str()))
    );
    s.finish().await;
}

#[tokio::test]
async fn concurrent_funding_and_onboarding_wait_for_the_request_in_flight_and_share_its_answer() {
    let (s, mock) = stripe_server().await;
    let c = unfunded_contract(&s).await;
    let slow = Failure::SlowBeforeCreate(std::time::Duration::from_millis(700));

    mock.fail_next("/v1/accounts", slow.clone());
    let onboarding =
        join_all((0..2).map(|_| s.gql(c.freelancer.token(), ONBOARD, json!({})))).await;
    for answer in &onboarding {
        assert!(answer.get("errors").is_none(), "{answer}");
    }
    assert_eq!(mock.created("/v1/accounts"), 1);
    assert_eq!(s.sql_i64("SELECT COUNT(*) FROM payout_accounts").await, 1);

    mock.fail_next("/v1/payment_intents", slow);
    let funding = join_all([
        s.gql(c.a.finance.token(), FUND, json!({ "c": c.contract_id })),
        s.gql(c.a.admin.token(), FUND, json!({ "c": c.contract_id })),
    ])
    .await;
    for answer in &funding {
        assert!(answer.get("errors").is_none(), "{answer}");
    }
    assert_eq!(
        funding[0]["data"]["fundContract"]["paymentIntentId"],
        funding[1]["data"]["fundContract"]["paymentIntentId"]
    );
    assert_eq!(mock.created("/v1/payment_intents"), 1);
    assert!(
        mock.in_flight_conflicts() >= 2,
        "each second request met the first one in flight"
    );
    s.finish().await;
}
