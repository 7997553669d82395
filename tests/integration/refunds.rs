//! The refund of an ended Stripe contract's escrow, against the Stripe test server: exactly
//! once across crashes and lost answers, in the ledger, and confirmed by `charge.refunded`.
use std::time::Duration;

use boomerang::payments::worker::CrashPoint;
use boomerang_tests::TestServer;
use boomerang_tests::flow::*;
use boomerang_tests::stripe_mock::*;
use serde_json::json;

use crate::endings::{CONTRACT, contract, end, engagement, key};
use crate::stripe::{deliver, onboarded, stripe_server, stripe_server_with};

const SET_PROVIDER: &str = "mutation($c: ID!) { setCompanyPaymentProvider(input: { companyId: $c, provider: STRIPE }) { paymentProvider } }";
const FUND: &str = "mutation($c: ID!) { fundContract(contractId: $c) { paymentIntentId } }";

/// A Stripe company, an onboarded alumna, and an [`engagement`] between them: milestones of
/// `parts` JPY, the first `accepted` accepted; funded unless `funded` is false.
async fn stripe_engagement(
    s: &TestServer,
    parts: &[&str],
    accepted: usize,
    funded: bool,
) -> (Contracted, String) {
    let a = company(s, "acme").await;
    s.ok(a.admin.token(), SET_PROVIDER, json!({ "c": a.id }))
        .await;
    let freelancer = alumnus(s, &a, "hanako@alumni.example").await;
    onboarded(s, &freelancer).await;
    let contract_id = engagement(s, &a, &freelancer, parts, accepted).await;
    let funding = s
        .ok(a.finance.token(), FUND, json!({ "c": contract_id }))
        .await;
    let intent = funding["fundContract"]["paymentIntentId"]
        .as_str()
        .unwrap()
        .to_string();
    if funded {
        let total = parts.iter().map(|p| p.parse::<i64>().unwrap()).sum();
        let object = payment_intent_object(&intent, key(&contract_id), total, "succeeded", None);
        let event = format!("evt_funded_{intent}");
        assert_eq!(
            deliver(s, &event, "payment_intent.succeeded", object, 1).await,
            200
        );
    }
    let c = Contracted {
        a,
        freelancer,
        project_id: String::new(),
        contract_id,
    };
    (c, intent)
}

async fn escrow(s: &TestServer, contract_id: &str) -> i64 {
    s.sql_i64(&format!(
        "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM ledger_entries WHERE account = 'contract:{}:escrow'",
        key(contract_id)
    ))
    .await
}

async fn payment_intent(s: &TestServer, contract_id: &str) -> String {
    s.sql_text(&format!(
        "SELECT payment_intent_id FROM contracts WHERE id = {}",
        key(contract_id)
    ))
    .await
    .unwrap()
}

async fn refund_id(s: &TestServer, contract_id: &str) -> Option<String> {
    s.sql_text(&format!(
        "SELECT refund_id FROM contracts WHERE id = {}",
        key(contract_id)
    ))
    .await
}

async fn refunded(s: &TestServer, by: &Person, contract_id: &str) -> String {
    contract(s, by, contract_id).await["refundedAmount"]["amount"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn ending_a_funded_contract_refunds_the_escrow_not_owed_exactly_once_across_a_crash() {
    let (s, mock) = stripe_server().await;
    let (c, _) = stripe_engagement(&s, &["40000", "60000"], 1, true).await;
    assert_eq!(escrow(&s, &c.contract_id).await, -100000);

    end(&s, &c.a.member, &c.contract_id, "Scope cut").await;
    // The worker dies after Stripe made the refund, before the database recorded it.
    assert!(s.run_worker_once(CrashPoint::AfterRefund).await.is_err());
    assert_eq!(mock.created("/v1/refunds"), 1);
    assert_eq!(refund_id(&s, &c.contract_id).await, None);
    assert_eq!(
        s.run_worker_once(CrashPoint::Never).await,
        Ok(false),
        "leased"
    );
    s.sql("UPDATE jobs SET locked_until = '2000-01-01 00:00:00+00:00'")
        .await;
    assert_eq!(s.run_worker_once(CrashPoint::Never).await, Ok(true));
    assert_eq!(s.run_worker_once(CrashPoint::Never).await, Ok(false));

    let intent = payment_intent(&s, &c.contract_id).await;
    let refunds = mock.requests("/v1/refunds");
    assert_eq!(refunds.len(), 2);
    let expected_key = format!("refund:{}", key(&c.contract_id));
    for r in &refunds {
        assert_eq!(r.idempotency_key.as_deref(), Some(expected_key.as_str()));
        assert_eq!(r.form.get("amount").map(String::as_str), Some("60000"));
        assert_eq!(r.form.get("payment_intent"), Some(&intent));
    }
    assert_eq!(mock.created("/v1/refunds"), 1, "exactly one refund");
    let stored = refund_id(&s, &c.contract_id).await.unwrap();
    assert!(stored.starts_with("re_"), "{stored}");
    assert_eq!(
        escrow(&s, &c.contract_id).await,
        -40000,
        "owed: the accepted work"
    );

    // Stripe confirms; the amount shows once confirmed, and replays or stale events change nothing.
    assert_eq!(refunded(&s, &c.a.member, &c.contract_id).await, "0");
    let charge = refunded_charge_object("ch_1", &intent, Some(key(&c.contract_id)), 100000, 60000);
    assert_eq!(
        deliver(&s, "evt_refund_1", "charge.refunded", charge.clone(), 10).await,
        200
    );
    assert_eq!(
        deliver(&s, "evt_refund_1", "charge.refunded", charge, 10).await,
        200
    );
    let stale = refunded_charge_object("ch_1", &intent, Some(key(&c.contract_id)), 100000, 20000);
    assert_eq!(
        deliver(&s, "evt_refund_0", "charge.refunded", stale, 5).await,
        200
    );
    assert_eq!(refunded(&s, &c.freelancer, &c.contract_id).await, "60000");
    let read = contract(&s, &c.a.member, &c.contract_id).await;
    let actions: Vec<&str> = read["auditTrail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .filter(|a| a.starts_with("contract.refund"))
        .collect();
    assert_eq!(actions, ["contract.refund", "contract.refunded"]);
    assert_eq!(read["status"], "ACTIVE", "the accepted work is still owed");

    // The accepted work is paid through Stripe; the escrow is square and the contract done.
    let inv = invoice(&s, &c.freelancer, &c.contract_id, "40000", "JPY").await;
    approve(&s, &c.a.finance, &inv).await;
    s.drain_worker().await;
    assert_eq!(mock.created("/v1/transfers"), 1);
    assert_eq!(escrow(&s, &c.contract_id).await, 0);
    assert_eq!(
        contract(&s, &c.a.member, &c.contract_id).await["status"],
        "COMPLETED"
    );
    s.finish().await;
}

#[tokio::test]
async fn a_lost_refund_answer_is_retried_with_the_same_key_and_refunds_once() {
    let (s, mock) = stripe_server_with(|c| {
        c.worker = false;
        c.stripe_timeout_ms = 300;
    })
    .await;
    let (c, _) = stripe_engagement(&s, &["100000"], 0, true).await;
    mock.fail_next(
        "/v1/refunds",
        Failure::SlowAfterCreate(Duration::from_millis(1_500)),
    );
    let ended = end(&s, &c.freelancer, &c.contract_id, "Nothing delivered").await;
    assert_eq!(ended["status"], "CANCELLED");

    // Stripe refunded, but its answer never arrived: the job waits for its retry.
    assert_eq!(s.run_worker_once(CrashPoint::Never).await, Ok(true));
    assert_eq!(refund_id(&s, &c.contract_id).await, None);
    assert_eq!(
        s.run_worker_once(CrashPoint::Never).await,
        Ok(false),
        "backing off"
    );
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    s.sql("UPDATE jobs SET run_at = '2000-01-01 00:00:00+00:00' WHERE status = 'PENDING'")
        .await;
    assert_eq!(s.run_worker_once(CrashPoint::Never).await, Ok(true));

    assert_eq!(mock.requests("/v1/refunds").len(), 2);
    assert_eq!(mock.created("/v1/refunds"), 1, "the retry was replayed");
    assert!(refund_id(&s, &c.contract_id).await.is_some());
    assert_eq!(escrow(&s, &c.contract_id).await, 0, "everything went back");
    assert_eq!(
        mock.requests("/v1/refunds")[0]
            .form
            .get("amount")
            .map(String::as_str),
        Some("100000")
    );
    s.finish().await;
}

#[tokio::test]
async fn a_refused_refund_fails_visibly_in_the_audit_trail() {
    let (s, mock) = stripe_server().await;
    let (c, _) = stripe_engagement(&s, &["50000"], 0, true).await;
    mock.fail_next(
        "/v1/refunds",
        Failure::Status {
            status: 400,
            code: "charge_disputed",
            message: "This charge has been disputed.",
        },
    );
    end(&s, &c.a.admin, &c.contract_id, "Cancelled").await;
    s.drain_worker().await;
    assert_eq!(refund_id(&s, &c.contract_id).await, None);
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM jobs WHERE kind = 'contract.refund' AND status = 'FAILED'")
            .await,
        1
    );
    let read = contract(&s, &c.a.admin, &c.contract_id).await;
    let failed = read["auditTrail"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "contract.refund_failed")
        .cloned()
        .unwrap();
    assert_eq!(failed["detail"], "This charge has been disputed.");
    assert_eq!(
        escrow(&s, &c.contract_id).await,
        -50000,
        "nothing left the books"
    );
    s.finish().await;
}

#[tokio::test]
async fn funding_that_lands_after_the_end_is_refunded_and_unfunded_ends_refund_nothing() {
    let (s, mock) = stripe_server().await;
    let (c, intent) = stripe_engagement(&s, &["70000"], 0, false).await;
    let (a, contract_id) = (&c.a, &c.contract_id);

    end(&s, &a.member, contract_id, "Changed our mind").await;
    s.drain_worker().await;
    assert_eq!(mock.created("/v1/refunds"), 0, "nothing was funded");
    // A cancelled contract takes no new funding (it would only be refunded, fees lost).
    let refused = s
        .gql(a.finance.token(), FUND, json!({ "c": contract_id }))
        .await;
    assert_eq!(
        boomerang_tests::error_code(&refused).as_deref(),
        Some("CONFLICT"),
        "{refused}"
    );

    // The payment completes after all: the money goes straight back.
    let object = payment_intent_object(&intent, key(contract_id), 70000, "succeeded", None);
    assert_eq!(
        deliver(
            &s,
            "evt_late_funding",
            "payment_intent.succeeded",
            object,
            1
        )
        .await,
        200
    );
    s.drain_worker().await;
    assert_eq!(mock.created("/v1/refunds"), 1);
    assert_eq!(
        mock.requests("/v1/refunds")[0]
            .form
            .get("amount")
            .map(String::as_str),
        Some("70000")
    );
    assert_eq!(escrow(&s, contract_id).await, 0);

    // Found by its PaymentIntent alone (no transfer group on the charge).
    let charge = refunded_charge_object("ch_2", &intent, None, 70000, 70000);
    assert_eq!(
        deliver(&s, "evt_refund_2", "charge.refunded", charge, 2).await,
        200
    );
    let read = s
        .ok(a.member.token(), CONTRACT, json!({ "id": contract_id }))
        .await;
    assert_eq!(read["contract"]["refundedAmount"]["amount"], "70000");
    assert_eq!(read["contract"]["status"], "CANCELLED");
    s.finish().await;
}
