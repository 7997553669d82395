//! Ending a contract early: milestones, completion by accepted work, the audit trail, and
//! races with acceptance, approvals and payments.
use boomerang_tests::flow::*;
use boomerang_tests::{TestServer, error_code};
use serde_json::{Value, json};

pub const END: &str = "mutation($input: EndContractInput!) { endContract(input: $input) { id status endedAt endReason refundedAmount { amount } } }";
pub const CONTRACT: &str = "query($id: ID!) { contract(id: $id) { project { id } status endedAt endReason completedAt paidAmount { amount } refundedAmount { amount } reviewsCloseAt auditTrail { action fromStatus toStatus detail actor { id } } } }";

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

/// Works the contract's milestones: the first `accepted` delivered and accepted, the next one
/// delivered and under review (SUBMITTED), the rest still ACTIVE.
pub async fn work(
    s: &TestServer,
    staff: &Person,
    freelancer: &Person,
    contract_id: &str,
    accepted: usize,
) -> Vec<String> {
    let ids = milestone_ids(s, freelancer, contract_id).await;
    for (i, id) in ids.iter().enumerate() {
        if i <= accepted {
            deliver(s, freelancer, id).await;
        }
        if i < accepted {
            accept_delivery(s, staff, id).await;
        }
    }
    ids
}

/// A contract between company `a` and `freelancer` whose bid proposed milestones of `parts`
/// JPY, worked as [`work`] leaves it.
pub async fn engagement(
    s: &TestServer,
    a: &Company,
    freelancer: &Person,
    parts: &[&str],
    accepted: usize,
) -> String {
    let total: i64 = parts.iter().map(|p| p.parse::<i64>().unwrap()).sum();
    let project = publish(
        s,
        &a.member,
        &a.id,
        &total.to_string(),
        "JPY",
        "COMPANY_ALUMNI",
    )
    .await;
    let bid_id = bid_with_milestones(s, freelancer, &project, parts).await;
    let contract_id = accept(s, &a.member, &bid_id).await;
    work(s, &a.member, freelancer, &contract_id, accepted).await;
    contract_id
}

/// Company "acme", the alumna Hanako, and one [`engagement`] between them.
pub async fn engaged(s: &TestServer, parts: &[&str], accepted: usize) -> Contracted {
    let a = company(s, "acme").await;
    let freelancer = alumnus(s, &a, "hanako@alumni.example").await;
    let contract_id = engagement(s, &a, &freelancer, parts, accepted).await;
    let project_id = contract(s, &a.member, &contract_id).await["project"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    Contracted {
        a,
        freelancer,
        project_id,
        contract_id,
    }
}

async fn milestone_statuses(s: &TestServer, by: &Person, contract_id: &str) -> Vec<String> {
    s.ok(by.token(), MILESTONES, json!({ "id": contract_id }))
        .await["contract"]["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["status"].as_str().unwrap().to_string())
        .collect()
}

async fn accepted_minor(s: &TestServer, contract_id: &str) -> i64 {
    s.sql_i64(&format!(
        "SELECT accepted_minor FROM contracts WHERE id = {}",
        key(contract_id)
    ))
    .await
}

#[tokio::test]
async fn ending_with_nothing_accepted_cancels_the_contract_and_its_milestones() {
    let s = TestServer::start().await;
    let c = engaged(&s, &["60000", "40000"], 0).await;
    assert_eq!(
        milestone_statuses(&s, &c.freelancer, &c.contract_id).await,
        ["SUBMITTED", "ACTIVE"]
    );

    let ended = end(&s, &c.a.member, &c.contract_id, "Budget cut.\nSorry!").await;
    assert_eq!(ended["status"], "CANCELLED");
    assert_eq!(ended["endReason"], "Budget cut.\nSorry!");
    assert!(ended["endedAt"].is_string());
    assert_eq!(
        milestone_statuses(&s, &c.freelancer, &c.contract_id).await,
        ["CANCELLED", "CANCELLED"]
    );

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
    assert_eq!(last["detail"], "Budget cut.\nSorry!");
    assert_eq!(last["actor"]["id"], json!(c.a.member.id));
    for from in ["SUBMITTED", "ACTIVE"] {
        let cancelled = format!(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'milestone.cancel' AND from_status = '{from}' AND to_status = 'CANCELLED'"
        );
        assert_eq!(s.sql_i64(&cancelled).await, 1, "{from}");
    }
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
    let c = engaged(&s, &["100000"], 0).await;
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
    let c = engaged(&s, &["40000", "60000"], 1).await;
    let ids = milestone_ids(&s, &c.freelancer, &c.contract_id).await;

    let ended = end(&s, &c.freelancer, &c.contract_id, "Moving abroad").await;
    assert_eq!(ended["status"], "ACTIVE", "accepted work is still owed");
    assert_eq!(
        milestone_statuses(&s, &c.freelancer, &c.contract_id).await,
        ["ACCEPTED", "CANCELLED"]
    );
    let read = contract(&s, &c.a.member, &c.contract_id).await;
    assert!(
        read["reviewsCloseAt"].is_string(),
        "ended after accepted work"
    );

    // No delivery or acceptance after the end, and no invoice beyond the accepted work.
    let delivery = json!({ "input": { "milestoneId": ids[1], "note": "Late", "links": [] } });
    assert_eq!(
        s.err(c.freelancer.token(), SUBMIT_DELIVERY, delivery).await,
        "CONFLICT"
    );
    assert_eq!(
        s.err(c.a.member.token(), ACCEPT_DELIVERY, json!({ "id": ids[1] }))
            .await,
        "CONFLICT"
    );
    assert_eq!(
        s.err(
            c.freelancer.token(),
            SUBMIT_INVOICE,
            invoice_input(&c.contract_id, "40001", "JPY")
        )
        .await,
        "CONFLICT"
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
        milestone_statuses(&s, &c.freelancer, &c.contract_id).await,
        ["PAID", "CANCELLED"]
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
    let c = engaged(&s, &["30000", "70000"], 1).await;
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
        let contract_id = engagement(&s, &a, &freelancer, &["40000", "60000"], 1).await;
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
        let contract_id = engagement(&s, &a, &freelancer, &["40000", "60000"], 1).await;
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
        let completions = read["auditTrail"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["toStatus"] == "COMPLETED")
            .count();
        assert_eq!(completions, 1, "completed exactly once: {read:#}");
    }
    s.finish().await;
}

/// An end racing the acceptance of a delivery: the acceptance lands first and stays payable, or
/// the end does and the acceptance is refused; the accepted sum always matches the milestones.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_end_racing_an_acceptance_ends_in_one_consistent_outcome() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let freelancer = alumnus(&s, &a, "hanako@alumni.example").await;
    let mut outcomes = Vec::new();
    for round in 0..6 {
        let contract_id = engagement(&s, &a, &freelancer, &["40000", "60000"], 1).await;
        let ids = milestone_ids(&s, &freelancer, &contract_id).await;
        let reason = format!("round {round}");
        let (ended, accepted) = tokio::join!(
            s.gql(a.member.token(), END, end_input(&contract_id, &reason)),
            s.gql(a.admin.token(), ACCEPT_DELIVERY, json!({ "id": ids[1] })),
        );
        assert!(ended.get("errors").is_none(), "{ended:#}");
        assert_eq!(ended["data"]["endContract"]["status"], "ACTIVE");
        let statuses = milestone_statuses(&s, &a.member, &contract_id).await;
        match error_code(&accepted).as_deref() {
            None => {
                assert_eq!(statuses, ["ACCEPTED", "ACCEPTED"], "round {round}");
                assert_eq!(accepted_minor(&s, &contract_id).await, 100000);
                outcomes.push("accepted first");
            }
            Some("CONFLICT") => {
                assert_eq!(statuses, ["ACCEPTED", "CANCELLED"], "round {round}");
                assert_eq!(accepted_minor(&s, &contract_id).await, 40000);
                outcomes.push("ended first");
            }
            other => panic!("round {round}: {other:?} {accepted:#}"),
        }
    }
    println!("outcomes: {outcomes:?}");
    s.finish().await;
}

#[tokio::test]
async fn an_auto_acceptance_due_after_the_end_accepts_nothing() {
    let s = TestServer::start().await;
    let c = engaged(&s, &["40000", "60000"], 1).await;
    end(&s, &c.a.member, &c.contract_id, "Stopping here").await;

    // The delivery's review window closes; its job finds the milestone CANCELLED.
    let mut jobs = 0;
    while s.run_engagements_once(61).await {
        jobs += 1;
    }
    assert_eq!(jobs, 2, "each delivery's auto-acceptance job ran");
    assert_eq!(
        milestone_statuses(&s, &c.freelancer, &c.contract_id).await,
        ["ACCEPTED", "CANCELLED"]
    );
    assert_eq!(accepted_minor(&s, &c.contract_id).await, 40000);
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM audit_events WHERE action = 'milestone.auto_accept'")
            .await,
        0
    );
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_ends_end_a_contract_once() {
    let s = TestServer::start().await;
    let c = engaged(&s, &["40000", "30000", "30000"], 1).await;
    let enders = [
        &c.a.admin,
        &c.a.member,
        &c.freelancer,
        &c.a.admin,
        &c.freelancer,
    ];
    let bodies = futures::future::join_all(enders.iter().enumerate().map(|(i, by)| {
        s.gql(
            by.token(),
            END,
            end_input(&c.contract_id, &format!("ender {i}")),
        )
    }))
    .await;
    let ok = bodies.iter().filter(|b| b.get("errors").is_none()).count();
    let conflicts = bodies
        .iter()
        .filter(|b| error_code(b).as_deref() == Some("CONFLICT"))
        .count();
    assert_eq!((ok, conflicts), (1, 4), "{bodies:#?}");
    let read = contract(&s, &c.a.member, &c.contract_id).await;
    let ends = read["auditTrail"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "contract.end")
        .count();
    assert_eq!(ends, 1);
    assert_eq!(
        milestone_statuses(&s, &c.freelancer, &c.contract_id).await,
        ["ACCEPTED", "CANCELLED", "CANCELLED"]
    );
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM audit_events WHERE action = 'milestone.cancel'")
            .await,
        2
    );
    s.finish().await;
}
