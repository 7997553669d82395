//! The invariants that must hold when requests race, on both databases.
use boomerang_tests::flow::*;
use boomerang_tests::{TestServer, error_code};
use futures::future::join_all;
use serde_json::{Value, json};

fn tally(bodies: &[Value]) -> (usize, usize) {
    let ok = bodies.iter().filter(|b| b.get("errors").is_none()).count();
    let conflicts = bodies
        .iter()
        .filter(|b| error_code(b).as_deref() == Some("CONFLICT"))
        .count();
    (ok, conflicts)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_concurrent_accepts_make_exactly_one_contract() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let project = publish(&s, &a.member, &a.id, "500000", "JPY", "COMPANY_ALUMNI").await;
    let mut bids = Vec::new();
    for i in 0..8 {
        let alum = alumnus(&s, &a, &format!("alum{i}@alumni.example")).await;
        bids.push(bid(&s, &alum, &project, &format!("{}", 400000 + i), "JPY").await);
    }

    let bodies = join_all(
        bids.iter()
            .map(|id| s.gql(a.member.token(), ACCEPT_BID, json!({ "id": id }))),
    )
    .await;
    assert_eq!(tally(&bodies), (1, 7), "{bodies:#?}");

    let after = s
        .ok(
            a.member.token(),
            "query($id: ID!) { project(id: $id) { status contract { id } bids(first: 20) { edges { node { status } } } } }",
            json!({ "id": project }),
        )
        .await;
    assert_eq!(after["project"]["status"], "AWARDED");
    let statuses: Vec<&str> = after["project"]["bids"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == "ACCEPTED").count(), 1);
    assert_eq!(statuses.iter().filter(|s| **s == "REJECTED").count(), 7);
    let contracts = s
        .ok(
            a.member.token(),
            "{ contracts { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(contracts["contracts"]["edges"].as_array().unwrap().len(), 1);
    assert_eq!(
        contracts["contracts"]["edges"][0]["node"]["id"],
        after["project"]["contract"]["id"]
    );
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_concurrent_approvals_write_exactly_one_payout() {
    let s = TestServer::start().await;
    let c = contracted(&s, "100000").await;
    let inv = invoice(&s, &c.freelancer, &c.contract_id, "100000", "JPY").await;

    let bodies =
        join_all((0..10).map(|_| s.gql(c.a.finance.token(), APPROVE, json!({ "id": inv })))).await;
    assert_eq!(tally(&bodies), (1, 9), "{bodies:#?}");

    let seen = s
        .ok(
            c.a.finance.token(),
            "query($id: ID!) { invoice(id: $id) { status payout { id status } auditTrail { action } } }",
            json!({ "id": inv }),
        )
        .await;
    assert_eq!(seen["invoice"]["status"], "APPROVED");
    assert_eq!(seen["invoice"]["payout"]["status"], "PENDING");
    let approvals = seen["invoice"]["auditTrail"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "invoice.approve")
        .count();
    assert_eq!(approvals, 1);
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_invoices_never_sum_above_the_contract() {
    let s = TestServer::start().await;
    let c = contracted(&s, "100000").await;

    let bodies = join_all((0..10).map(|_| {
        s.gql(
            c.freelancer.token(),
            SUBMIT_INVOICE,
            invoice_input(&c.contract_id, "30000", "JPY"),
        )
    }))
    .await;
    assert_eq!(tally(&bodies), (3, 7), "{bodies:#?}");

    let contract = s
        .ok(
            c.freelancer.token(),
            "query($id: ID!) { contract(id: $id) { invoicedAmount { amount } invoices(first: 20) { edges { node { amount { amount } } } } } }",
            json!({ "id": c.contract_id }),
        )
        .await;
    assert_eq!(contract["contract"]["invoicedAmount"]["amount"], "90000");
    let sum: i64 = contract["contract"]["invoices"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e["node"]["amount"]["amount"]
                .as_str()
                .unwrap()
                .parse::<i64>()
                .unwrap()
        })
        .sum();
    assert_eq!(sum, 90000);
    s.finish().await;
}
