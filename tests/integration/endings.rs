//! Ending a contract early: milestones, completion by accepted work, the audit trail, and
//! races with approvals and payments.
use boomerang_tests::flow::*;
use boomerang_tests::{TestServer, error_code};
use serde_json::{Value, json};

pub const END: &str = "mutation($input: EndContractInput!) { endContract(input: $input) { id status endedAt endReason refundedAmount { amount } } }";
pub const CONTRACT: &str = "query($id: ID!) { contract(id: $id) { status endedAt endReason completedAt paidAmount { amount } refundedAmount { amount } reviewsCloseAt auditTrail { action fromStatus toStatus note actor { id } } } }";

/// The database key behind an opaque id (tests may peek: base64url("Type:key")).
pub fn key(id: &str) -> i64 {
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

pub fn end_input(contract_id: &str, reason: &str) -> Value {
    json!({ "input": { "contractId": contract_id, "reason": reason } })
}

pub async fn end(s: &TestServer, by: &Person, contract_id: &str, reason: &str) -> Value {
    s.ok(by.token(), END, end_input(contract_id, reason)).await["endContract"].clone()
}

pub async fn contract(s: &TestServer, by: &Person, contract_id: &str) -> Value {
    s.ok(by.token(), CONTRACT, json!({ "id": contract_id }))
        .await["contract"]
        .clone()
}

/// Gives the contract two milestones: `accepted` minor units of work ACCEPTED, the rest
/// SUBMITTED (still under review), as delivery and acceptance would leave them.
pub async fn accept_work(s: &TestServer, contract_id: &str, amount: i64, accepted: i64) {
    let id = key(contract_id);
    let at = "'2026-01-01 00:00:00+00:00'";
    if accepted > 0 {
        s.sql(&format!(
            "INSERT INTO milestones (contract_id, position, title, amount_minor, currency, status, accepted_at, created_at, updated_at) \
             VALUES ({id}, 1, 'Analysis', {accepted}, 'JPY', 'ACCEPTED', {at}, {at}, {at})"
        ))
        .await;
    }
    if amount > accepted {
        s.sql(&format!(
            "INSERT INTO milestones (contract_id, position, title, amount_minor, currency, status, submitted_at, created_at, updated_at) \
             VALUES ({id}, 2, 'Report', {}, 'JPY', 'SUBMITTED', {at}, {at}, {at})",
            amount - accepted
        ))
        .await;
    }
    s.sql(&format!(
        "UPDATE contracts SET accepted_minor = {accepted} WHERE id = {id}"
    ))
    .await;
}

async fn milestone_statuses(s: &TestServer, contract_id: &str) -> Vec<String> {
    let id = key(contract_id);
    let mut out = Vec::new();
    for position in 1..=2 {
        let n = s
            .sql_i64(&format!(
                "SELECT COUNT(*) FROM milestones WHERE contract_id = {id} AND position = {position} AND status = 'CANCELLED'"
            ))
            .await;
        let any = s
            .sql_i64(&format!(
                "SELECT COUNT(*) FROM milestones WHERE contract_id = {id} AND position = {position}"
            ))
            .await;
        if any > 0 {
            out.push(
                if n > 0 {
                    "CANCELLED"
                } else {
                    "OPEN_OR_ACCEPTED"
                }
                .to_string(),
            );
        }
    }
    out
}

#[tokio::test]
async fn ending_with_nothing_accepted_cancels_the_contract_and_its_milestones() {
    let s = TestServer::start().await;
    let c = contracted(&s, "100000").await;
    accept_work(&s, &c.contract_id, 100000, 0).await;

    let ended = end(&s, &c.a.member, &c.contract_id, "Budget cut.\nSorry!").await;
    assert_eq!(ended["status"], "CANCELLED");
    assert_eq!(ended["endReason"], "Budget cut.\nSorry!");
    assert!(ended["endedAt"].is_string());
    assert_eq!(milestone_statuses(&s, &c.contract_id).await, ["CANCELLED"]);

    let read = contract(&s, &c.freelancer, &c.contract_id).await;
    let last = read["auditTrail"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action"], "contract.end");
    assert_eq!(last["fromStatus"], "ACTIVE");
    assert_eq!(last["toStatus"], "CANCELLED");
    assert_eq!(last["note"], "Budget cut.\nSorry!");
    assert_eq!(last["actor"]["id"], json!(c.a.member.id));
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM audit_events WHERE action = 'milestone.cancel' AND from_status = 'SUBMITTED' AND to_status = 'CANCELLED'")
            .await,
        1
    );
    assert!(read["reviewsCloseAt"].is_null(), "nothing to review");

    for by in [&c.a.admin, &c.freelancer] {
        assert_eq!(
            s.err(by.token(), END, end_input(&c.contract_id, "again"))
                .await,
            "CONFLICT"
        );
    }
    assert_eq!(
        s.err(
            c.freelancer.token(),
            SUBMIT_INVOICE,
            invoice_input(&c.contract_id, "1000", "JPY")
        )
        .await,
        "CONFLICT"
    );
    s.finish().await;
}

#[tokio::test]
async fn only_the_freelancer_and_company_admins_and_members_end_a_contract_with_a_reason() {
    let s = TestServer::start().await;
    let c = contracted(&s, "100000").await;
    let other = company(&s, "other").await;
    let outsider = sign_up(&s, "outsider@example.jp").await;

    assert_eq!(
        s.err(c.a.finance.token(), END, end_input(&c.contract_id, "No"))
            .await,
        "FORBIDDEN"
    );
    for by in [&other.admin, &outsider] {
        assert_eq!(
            s.err(by.token(), END, end_input(&c.contract_id, "No"))
                .await,
            "NOT_FOUND"
        );
    }
    assert_eq!(
        s.err(None, END, end_input(&c.contract_id, "No")).await,
        "UNAUTHENTICATED"
    );
    for (reason, why) in [
        ("   ", "empty"),
        ("a\u{1b}[31m", "a control character"),
        (&"x".repeat(2_001) as &str, "too long"),
    ] {
        let body = s
            .gql(c.freelancer.token(), END, end_input(&c.contract_id, reason))
            .await;
        assert_eq!(
            error_code(&body).as_deref(),
            Some("BAD_USER_INPUT"),
            "{why}"
        );
        assert_eq!(
            body["errors"][0]["extensions"]["field"], "input.reason",
            "{why}"
        );
    }
    assert_eq!(
        contract(&s, &c.freelancer, &c.contract_id).await["status"],
        "ACTIVE"
    );

    let ended = end(&s, &c.freelancer, &c.contract_id, &"x".repeat(2_000)).await;
    assert_eq!(
        ended["status"], "CANCELLED",
        "the freelancer may end it too"
    );
    s.finish().await;
}

#[tokio::test]
async fn accepted_work_stays_payable_after_the_end_and_its_payment_completes_the_contract() {
    let s = TestServer::start().await;
    let c = contracted(&s, "100000").await;
    accept_work(&s, &c.contract_id, 100000, 40000).await;

    let ended = end(&s, &c.freelancer, &c.contract_id, "Moving abroad").await;
    assert_eq!(ended["status"], "ACTIVE", "accepted work is still owed");
    assert_eq!(
        milestone_statuses(&s, &c.contract_id).await,
        ["OPEN_OR_ACCEPTED", "CANCELLED"]
    );
    let read = contract(&s, &c.a.member, &c.contract_id).await;
    assert!(
        read["reviewsCloseAt"].is_string(),
        "ended after accepted work"
    );

    let inv = invoice(&s, &c.freelancer, &c.contract_id, "40000", "JPY").await;
    let payout = approve(&s, &c.a.finance, &inv).await;
    mark_paid(&s, &c.a.finance, &payout, "BANK-1").await;

    let read = contract(&s, &c.a.member, &c.contract_id).await;
    assert_eq!(read["status"], "COMPLETED");
    assert_eq!(read["paidAmount"]["amount"], "40000");
    assert!(read["completedAt"].is_string());
    let actions: Vec<&str> = read["auditTrail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions[actions.len() - 2..],
        ["contract.end", "contract.complete"]
    );
    assert_eq!(
        s.err(c.a.member.token(), END, end_input(&c.contract_id, "again"))
            .await,
        "CONFLICT"
    );
    s.finish().await;
}

#[tokio::test]
async fn ending_when_the_accepted_work_is_paid_already_completes_at_once() {
    let s = TestServer::start().await;
    let c = contracted(&s, "100000").await;
    accept_work(&s, &c.contract_id, 100000, 30000).await;
    let inv = invoice(&s, &c.freelancer, &c.contract_id, "30000", "JPY").await;
    let payout = approve(&s, &c.a.finance, &inv).await;
    mark_paid(&s, &c.a.finance, &payout, "BANK-1").await;
    assert_eq!(
        contract(&s, &c.a.member, &c.contract_id).await["status"],
        "ACTIVE"
    );

    let ended = end(&s, &c.a.admin, &c.contract_id, "Done with what we have").await;
    assert_eq!(ended["status"], "COMPLETED");
    let read = contract(&s, &c.a.member, &c.contract_id).await;
    assert_eq!(read["completedAt"], read["endedAt"]);
    s.finish().await;
}

/// The end and the payment of the last accepted work, in either order, complete the contract.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_end_racing_the_approval_and_payment_of_accepted_work_completes_the_contract() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let freelancer = alumnus(&s, &a, "hanako@alumni.example").await;
    for round in 0..4 {
        let project = publish(&s, &a.member, &a.id, "100000", "JPY", "COMPANY_ALUMNI").await;
        let bid_id = bid(&s, &freelancer, &project, "100000", "JPY").await;
        let contract_id = accept(&s, &a.member, &bid_id).await;
        accept_work(&s, &contract_id, 100000, 40000).await;
        let inv = invoice(&s, &freelancer, &contract_id, "40000", "JPY").await;

        // The end races the approval…
        let reason = format!("round {round}");
        let (ended, approved) = tokio::join!(
            s.gql(a.member.token(), END, end_input(&contract_id, &reason)),
            s.gql(a.finance.token(), APPROVE, json!({ "id": inv })),
        );
        assert!(ended.get("errors").is_none(), "{ended:#}");
        assert!(approved.get("errors").is_none(), "{approved:#}");
        assert_eq!(ended["data"]["endContract"]["status"], "ACTIVE");
        let payout = approved["data"]["approveInvoice"]["payout"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        mark_paid(&s, &a.finance, &payout, &format!("BANK-{round}")).await;
        let read = contract(&s, &a.member, &contract_id).await;
        assert_eq!(read["status"], "COMPLETED", "round {round}");

        // …and the payment.
        let project = publish(&s, &a.member, &a.id, "100000", "JPY", "COMPANY_ALUMNI").await;
        let bid_id = bid(&s, &freelancer, &project, "100000", "JPY").await;
        let contract_id = accept(&s, &a.member, &bid_id).await;
        accept_work(&s, &contract_id, 100000, 40000).await;
        let inv = invoice(&s, &freelancer, &contract_id, "40000", "JPY").await;
        let payout = approve(&s, &a.finance, &inv).await;
        let paying =
            json!({ "input": { "payoutId": payout, "reference": format!("BANK-P{round}") } });
        let (ended, paid) = tokio::join!(
            s.gql(freelancer.token(), END, end_input(&contract_id, &reason)),
            s.gql(a.finance.token(), MARK_PAID, paying),
        );
        assert!(ended.get("errors").is_none(), "{ended:#}");
        assert!(paid.get("errors").is_none(), "{paid:#}");
        let read = contract(&s, &a.member, &contract_id).await;
        assert_eq!(read["status"], "COMPLETED", "round {round}: {read:#}");
        assert_eq!(read["paidAmount"]["amount"], "40000");
        let transitions = read["auditTrail"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["toStatus"] == "COMPLETED")
            .count();
        assert_eq!(transitions, 1, "completed exactly once: {read:#}");
    }
    s.finish().await;
}
