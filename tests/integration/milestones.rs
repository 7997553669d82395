//! Milestones: proposed with a bid, copied onto the contract, delivered, reviewed, accepted
//! (by the company or when its review window closes), invoiced and paid.
use boomerang_tests::flow::*;
use boomerang_tests::{TestServer, error_code};
use entity::{job, milestone};
use futures::future::join_all;
use sea_orm::sea_query::Expr;
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::{Value, json};

/// A company, an alumna and a project budgeted at `amount` JPY.
struct Open {
    a: Company,
    freelancer: Person,
    project_id: String,
}

async fn open(s: &TestServer, amount: &str) -> Open {
    let a = company(s, "acme").await;
    let freelancer = alumnus(s, &a, "hanako@alumni.example").await;
    let project_id = publish(s, &a.member, &a.id, amount, "JPY", "COMPANY_ALUMNI").await;
    Open {
        a,
        freelancer,
        project_id,
    }
}

fn bid_with(project_id: &str, amount: &str, milestones: Value) -> Value {
    let mut input = bid_input(project_id, amount, "JPY");
    input["input"]["milestones"] = milestones;
    input
}

fn item(title: &str, amount: &str) -> Value {
    json!({ "title": title, "amount": { "amount": amount, "currencyCode": "JPY" }, "dueDate": "2099-01-31" })
}

/// A contract accepted from a bid proposing `amounts`; its milestone ids in order.
async fn contract_with(s: &TestServer, o: &Open, amounts: &[&str]) -> (String, Vec<String>) {
    let total: i64 = amounts.iter().map(|a| a.parse::<i64>().unwrap()).sum();
    let items: Vec<Value> = amounts
        .iter()
        .enumerate()
        .map(|(i, a)| item(&format!("Part {}", i + 1), a))
        .collect();
    let data = s
        .ok(
            o.freelancer.token(),
            PLACE_BID,
            bid_with(&o.project_id, &total.to_string(), json!(items)),
        )
        .await;
    let bid_id = data["placeBid"]["id"].as_str().unwrap().to_string();
    let contract_id = accept(s, &o.a.member, &bid_id).await;
    let ids = milestone_ids(s, &o.freelancer, &contract_id).await;
    (contract_id, ids)
}

async fn milestone(s: &TestServer, by: &Person, id: &str) -> Value {
    s.ok(
        by.token(),
        "query($id: ID!) { node(id: $id) { ... on Milestone { status acceptedAt autoAcceptAt changesReason deliveryLinks auditTrail { action actor { id } fromStatus toStatus } } } }",
        json!({ "id": id }),
    )
    .await["node"]
        .clone()
}

#[tokio::test]
async fn a_proposal_is_shown_on_the_bid_and_copied_onto_the_contract() {
    let s = TestServer::start().await;
    let o = open(&s, "300000").await;
    let data = s
        .ok(
            o.freelancer.token(),
            "mutation($input: PlaceBidInput!) { placeBid(input: $input) { id milestones { position title amount { amount currencyCode } dueDate } } }",
            bid_with(
                &o.project_id,
                "300000",
                json!([item("Data audit", "100000"), item("Model and report", "200000")]),
            ),
        )
        .await;
    let proposal = &data["placeBid"]["milestones"];
    assert_eq!(proposal[0]["title"], "Data audit");
    assert_eq!(proposal[1]["position"], 2);
    assert_eq!(proposal[1]["amount"]["amount"], "200000");
    assert_eq!(proposal[0]["dueDate"], "2099-01-31");
    let bid_id = data["placeBid"]["id"].as_str().unwrap();
    let seen = s
        .ok(
            o.a.member.token(),
            "query($id: ID!) { bid(id: $id) { milestones { title } } }",
            json!({ "id": bid_id }),
        )
        .await;
    assert_eq!(seen["bid"]["milestones"][1]["title"], "Model and report");

    let contract_id = accept(&s, &o.a.member, bid_id).await;
    let data = s
        .ok(o.a.member.token(), MILESTONES, json!({ "id": contract_id }))
        .await;
    let milestones = data["contract"]["milestones"].as_array().unwrap();
    assert_eq!(milestones.len(), 2);
    assert_eq!(milestones[0]["title"], "Data audit");
    assert_eq!(milestones[0]["status"], "ACTIVE");
    assert_eq!(milestones[1]["amount"]["amount"], "200000");
    s.finish().await;
}

#[tokio::test]
async fn without_a_proposal_the_contract_gets_one_milestone_for_the_whole_amount() {
    let s = TestServer::start().await;
    let o = open(&s, "120000").await;
    let bid_id = bid(&s, &o.freelancer, &o.project_id, "110000", "JPY").await;
    let contract_id = accept(&s, &o.a.member, &bid_id).await;
    let data = s
        .ok(
            o.freelancer.token(),
            MILESTONES,
            json!({ "id": contract_id }),
        )
        .await;
    let milestones = data["contract"]["milestones"].as_array().unwrap();
    assert_eq!(milestones.len(), 1);
    assert_eq!(milestones[0]["title"], "Churn analysis for the retail bank");
    assert_eq!(milestones[0]["amount"]["amount"], "110000");
    assert_eq!(milestones[0]["position"], 1);
    s.finish().await;
}

#[tokio::test]
async fn proposals_that_do_not_sum_to_the_bid_or_break_a_rule_are_refused() {
    let s = TestServer::start().await;
    let o = open(&s, "300000").await;
    let field = |body: &Value| body["errors"][0]["extensions"]["field"].clone();
    let cases: Vec<(Value, &str)> = vec![
        (
            json!([item("A", "100000"), item("B", "100000")]),
            "input.milestones",
        ),
        (json!([]), "input.milestones"),
        (
            json!((0..21).map(|_| item("x", "1")).collect::<Vec<_>>()),
            "input.milestones",
        ),
        (json!([item("", "300000")]), "input.milestones.0.title"),
        (
            json!([item("A", "100000"), { "title": "B", "amount": { "amount": "200000", "currencyCode": "USD" } }]),
            "input.milestones.1.amount.currencyCode",
        ),
        (
            json!([item("A", "100000"), { "title": "B", "amount": { "amount": "0", "currencyCode": "JPY" } }]),
            "input.milestones.1.amount.amount",
        ),
        (
            json!([{ "title": "A", "amount": { "amount": "300000", "currencyCode": "JPY" }, "dueDate": "2001-01-01" }]),
            "input.milestones.0.dueDate",
        ),
        (
            json!([item("A\u{1b}[31m", "300000")]),
            "input.milestones.0.title",
        ),
    ];
    for (milestones, expected) in cases {
        let body = s
            .gql(
                o.freelancer.token(),
                PLACE_BID,
                bid_with(&o.project_id, "300000", milestones.clone()),
            )
            .await;
        assert_eq!(
            error_code(&body).as_deref(),
            Some("BAD_USER_INPUT"),
            "{milestones}: {body}"
        );
        assert_eq!(field(&body), expected, "{milestones}: {body}");
    }
    let bids = s.sql_i64("SELECT COUNT(*) FROM bids").await;
    assert_eq!(bids, 0, "nothing is stored for a refused proposal");
    assert_eq!(s.sql_i64("SELECT COUNT(*) FROM bid_milestones").await, 0);
    s.finish().await;
}

#[tokio::test]
async fn delivery_changes_and_acceptance_follow_the_state_machine() {
    let s = TestServer::start().await;
    let o = open(&s, "300000").await;
    let (contract_id, ids) = contract_with(&s, &o, &["100000", "200000"]).await;
    let first = &ids[0];

    // Nothing to review yet.
    let body = s
        .gql(o.a.member.token(), ACCEPT_DELIVERY, json!({ "id": first }))
        .await;
    assert_eq!(error_code(&body).as_deref(), Some("CONFLICT"), "{body}");

    let delivered = deliver(&s, &o.freelancer, first).await;
    let delivered = &delivered["submitDelivery"];
    assert_eq!(delivered["status"], "SUBMITTED");
    assert_eq!(
        delivered["deliveryLinks"],
        json!(["https://drive.example.jp/churn"])
    );
    assert!(delivered["autoAcceptAt"].is_string());

    // Delivering twice is a state error.
    let body = s
        .gql(
            o.freelancer.token(),
            SUBMIT_DELIVERY,
            json!({ "input": { "milestoneId": first, "note": "again" } }),
        )
        .await;
    assert_eq!(error_code(&body).as_deref(), Some("CONFLICT"));

    let changed = s
        .ok(
            o.a.admin.token(),
            REQUEST_CHANGES,
            json!({ "id": first, "reason": "Please add the 2023 cohort." }),
        )
        .await;
    assert_eq!(changed["requestChanges"]["status"], "CHANGES_REQUESTED");
    assert_eq!(
        changed["requestChanges"]["changesReason"],
        "Please add the 2023 cohort."
    );
    let body = s
        .gql(o.a.member.token(), ACCEPT_DELIVERY, json!({ "id": first }))
        .await;
    assert_eq!(
        error_code(&body).as_deref(),
        Some("CONFLICT"),
        "changes were requested"
    );

    deliver(&s, &o.freelancer, first).await;
    let accepted = accept_delivery(&s, &o.a.member, first).await;
    assert_eq!(accepted["acceptDelivery"]["status"], "ACCEPTED");
    assert!(accepted["acceptDelivery"]["acceptedAt"].is_string());

    let seen = milestone(&s, &o.a.member, first).await;
    let trail: Vec<(String, String)> = seen["auditTrail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_string(),
                e["toStatus"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        ("milestone.create", "ACTIVE"),
        ("milestone.submit", "SUBMITTED"),
        ("milestone.request_changes", "CHANGES_REQUESTED"),
        ("milestone.submit", "SUBMITTED"),
        ("milestone.accept", "ACCEPTED"),
    ]
    .map(|(a, t)| (a.to_string(), t.to_string()));
    assert_eq!(trail, expected);
    assert_eq!(seen["auditTrail"][4]["actor"]["id"], json!(o.a.member.id));
    assert!(seen["autoAcceptAt"].is_null());

    let contract = s
        .ok(
            o.freelancer.token(),
            "query($id: ID!) { contract(id: $id) { acceptedAmount { amount } } }",
            json!({ "id": contract_id }),
        )
        .await;
    assert_eq!(contract["contract"]["acceptedAmount"]["amount"], "100000");
    s.finish().await;
}

#[tokio::test]
async fn only_the_right_people_deliver_and_review() {
    let s = TestServer::start().await;
    let o = open(&s, "100000").await;
    let (_, ids) = contract_with(&s, &o, &["100000"]).await;
    let id = &ids[0];
    let b = company(&s, "bank").await;
    let other_alum = alumnus(&s, &o.a, "other@alumni.example").await;
    let submit = json!({ "input": { "milestoneId": id, "note": "Done" } });

    for (who, code) in [
        (&o.a.member, "FORBIDDEN"),
        (&o.a.finance, "FORBIDDEN"),
        (&other_alum, "NOT_FOUND"),
        (&b.admin, "NOT_FOUND"),
    ] {
        let body = s.gql(who.token(), SUBMIT_DELIVERY, submit.clone()).await;
        assert_eq!(
            error_code(&body).as_deref(),
            Some(code),
            "{}: {body}",
            who.email
        );
    }
    assert_eq!(
        error_code(&s.gql(None, SUBMIT_DELIVERY, submit.clone()).await).as_deref(),
        Some("UNAUTHENTICATED")
    );
    deliver(&s, &o.freelancer, id).await;
    for (who, code) in [
        (&o.freelancer, "FORBIDDEN"),
        (&o.a.finance, "FORBIDDEN"),
        (&other_alum, "NOT_FOUND"),
        (&b.admin, "NOT_FOUND"),
        (&b.member, "NOT_FOUND"),
    ] {
        let body = s
            .gql(who.token(), ACCEPT_DELIVERY, json!({ "id": id }))
            .await;
        assert_eq!(
            error_code(&body).as_deref(),
            Some(code),
            "{}: {body}",
            who.email
        );
        let body = s
            .gql(
                who.token(),
                REQUEST_CHANGES,
                json!({ "id": id, "reason": "No" }),
            )
            .await;
        assert_eq!(
            error_code(&body).as_deref(),
            Some(code),
            "{}: {body}",
            who.email
        );
    }
    // A reason is required; the milestone stays SUBMITTED.
    let body = s
        .gql(
            o.a.member.token(),
            REQUEST_CHANGES,
            json!({ "id": id, "reason": "  " }),
        )
        .await;
    assert_eq!(error_code(&body).as_deref(), Some("BAD_USER_INPUT"));
    assert_eq!(body["errors"][0]["extensions"]["field"], "input.reason");
    assert_eq!(
        milestone(&s, &o.freelancer, id).await["status"],
        "SUBMITTED"
    );
    s.finish().await;
}

#[tokio::test]
async fn delivery_links_and_notes_are_checked() {
    let s = TestServer::start().await;
    let o = open(&s, "100000").await;
    let (_, ids) = contract_with(&s, &o, &["100000"]).await;
    let cases = [
        (
            json!({ "note": "Done", "links": ["ftp://example.com/x"] }),
            "input.links.0",
        ),
        (
            json!({ "note": "Done", "links": ["https://ok.example", "javascript:alert(1)"] }),
            "input.links.1",
        ),
        (
            json!({ "note": "Done", "links": vec!["https://example.com"; 11] }),
            "input.links",
        ),
        (json!({ "note": "" }), "input.note"),
        (json!({ "note": "x".repeat(5_001) }), "input.note"),
        (json!({ "note": "bell\u{7}" }), "input.note"),
    ];
    for (mut input, field) in cases {
        input["milestoneId"] = json!(ids[0]);
        let body = s
            .gql(
                o.freelancer.token(),
                SUBMIT_DELIVERY,
                json!({ "input": input }),
            )
            .await;
        assert_eq!(
            error_code(&body).as_deref(),
            Some("BAD_USER_INPUT"),
            "{body}"
        );
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
    assert_eq!(
        milestone(&s, &o.freelancer, &ids[0]).await["status"],
        "ACTIVE"
    );
    let multi_line = s
        .ok(
            o.freelancer.token(),
            SUBMIT_DELIVERY,
            json!({ "input": { "milestoneId": ids[0], "note": "Line one\nLine two", "links": [] } }),
        )
        .await;
    assert_eq!(
        multi_line["submitDelivery"]["deliveryNote"],
        "Line one\nLine two"
    );
    s.finish().await;
}

#[tokio::test]
async fn invoices_bill_accepted_work_only() {
    let s = TestServer::start().await;
    let o = open(&s, "300000").await;
    let (contract_id, ids) = contract_with(&s, &o, &["100000", "200000"]).await;
    let submit = |amount: &str, milestone: Option<&str>| {
        let mut input = invoice_input(&contract_id, amount, "JPY");
        if let Some(m) = milestone {
            input["input"]["milestoneId"] = json!(m);
        }
        input
    };

    let body = s
        .gql(o.freelancer.token(), SUBMIT_INVOICE, submit("1", None))
        .await;
    assert_eq!(error_code(&body).as_deref(), Some("CONFLICT"), "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("only accepted work can be invoiced"),
        "{body}"
    );
    deliver(&s, &o.freelancer, &ids[0]).await;
    let body = s
        .gql(
            o.freelancer.token(),
            SUBMIT_INVOICE,
            submit("100000", Some(&ids[0])),
        )
        .await;
    assert_eq!(
        error_code(&body).as_deref(),
        Some("CONFLICT"),
        "submitted is not accepted: {body}"
    );
    accept_delivery(&s, &o.a.member, &ids[0]).await;

    // Above the accepted total, or above the named milestone: refused.
    let body = s
        .gql(o.freelancer.token(), SUBMIT_INVOICE, submit("100001", None))
        .await;
    assert_eq!(error_code(&body).as_deref(), Some("CONFLICT"), "{body}");
    let body = s
        .gql(
            o.freelancer.token(),
            SUBMIT_INVOICE,
            submit("100001", Some(&ids[0])),
        )
        .await;
    assert_eq!(error_code(&body).as_deref(), Some("CONFLICT"), "{body}");
    // Not accepted, or not this contract's.
    let body = s
        .gql(
            o.freelancer.token(),
            SUBMIT_INVOICE,
            submit("1", Some(&ids[1])),
        )
        .await;
    assert_eq!(error_code(&body).as_deref(), Some("CONFLICT"), "{body}");
    let other = open_other(&s, &o).await;
    let body = s
        .gql(
            o.freelancer.token(),
            SUBMIT_INVOICE,
            submit("1", Some(&other)),
        )
        .await;
    assert_eq!(
        error_code(&body).as_deref(),
        Some("BAD_USER_INPUT"),
        "{body}"
    );
    assert_eq!(
        body["errors"][0]["extensions"]["field"],
        "input.milestoneId"
    );

    let first = s
        .ok(
            o.freelancer.token(),
            "mutation($input: SubmitInvoiceInput!) { submitInvoice(input: $input) { id milestone { id } } }",
            submit("60000", Some(&ids[0])),
        )
        .await;
    assert_eq!(first["submitInvoice"]["milestone"]["id"], json!(ids[0]));
    let body = s
        .gql(
            o.freelancer.token(),
            SUBMIT_INVOICE,
            submit("40001", Some(&ids[0])),
        )
        .await;
    assert_eq!(error_code(&body).as_deref(), Some("CONFLICT"), "{body}");
    invoice(&s, &o.freelancer, &contract_id, "40000", "JPY").await;
    let invoiced = s
        .sql_i64("SELECT invoiced_minor - accepted_minor FROM contracts")
        .await;
    assert_eq!(invoiced, 0);
    s.finish().await;
}

/// A milestone of another contract of the same freelancer.
async fn open_other(s: &TestServer, o: &Open) -> String {
    let project = publish(s, &o.a.member, &o.a.id, "5000", "JPY", "COMPANY_ALUMNI").await;
    let bid_id = bid(s, &o.freelancer, &project, "5000", "JPY").await;
    let contract = accept(s, &o.a.member, &bid_id).await;
    milestone_ids(s, &o.freelancer, &contract).await.remove(0)
}

#[tokio::test]
async fn the_database_refuses_invoicing_beyond_accepted_work_whatever_writes_it() {
    let s = TestServer::start().await;
    let o = open(&s, "100000").await;
    let (_, _) = contract_with(&s, &o, &["100000"]).await;
    for sql in [
        "UPDATE contracts SET invoiced_minor = 1",
        "UPDATE contracts SET accepted_minor = amount_minor + 1",
    ] {
        let refused = s
            .conn
            .execute_unprepared(sql)
            .await
            .expect_err("the trigger refuses it");
        assert!(
            refused.to_string().contains("contracts_accepted_work"),
            "{refused}"
        );
    }
    assert_eq!(s.sql_i64("SELECT accepted_minor FROM contracts").await, 0);
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_unreviewed_delivery_is_accepted_when_the_window_closes_exactly_once() {
    let s = TestServer::start().await;
    let o = open(&s, "300000").await;
    let (contract_id, ids) = contract_with(&s, &o, &["100000", "200000"]).await;
    s.ok(
        o.a.admin.token(),
        "mutation($id: ID!) { updateCompanySettings(input: { companyId: $id, reviewWindowDays: 3 }) { reviewWindowDays } }",
        json!({ "id": o.a.id }),
    )
    .await;
    deliver(&s, &o.freelancer, &ids[0]).await;

    assert!(!s.run_engagements_once(2).await, "the window is still open");
    assert_eq!(
        milestone(&s, &o.freelancer, &ids[0]).await["status"],
        "SUBMITTED"
    );

    // Two replicas' workers race once the window has closed.
    let ran = join_all((0..4).map(|_| s.run_engagements_once(4))).await;
    assert_eq!(ran.iter().filter(|r| **r).count(), 1, "{ran:?}");
    let seen = milestone(&s, &o.freelancer, &ids[0]).await;
    assert_eq!(seen["status"], "ACCEPTED");
    assert!(seen["acceptedAt"].is_string());
    let auto = seen["auditTrail"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "milestone.auto_accept")
        .collect::<Vec<_>>();
    assert_eq!(auto.len(), 1);
    assert!(auto[0]["actor"].is_null(), "a system action has no actor");
    assert_eq!(
        s.sql_i64("SELECT accepted_minor FROM contracts").await,
        100000
    );
    assert!(!s.run_engagements_once(30).await, "nothing is left to do");
    invoice(&s, &o.freelancer, &contract_id, "100000", "JPY").await;
    s.finish().await;
}

#[tokio::test]
async fn a_delivery_submitted_again_gets_a_new_deadline() {
    let s = TestServer::start().await;
    let o = open(&s, "100000").await;
    let (_, ids) = contract_with(&s, &o, &["100000"]).await;
    let id = &ids[0];
    // Day 0: delivered (due day 14); changes requested; delivered again on day 10, as if
    // (the test moves the new deadline and its job to day 24).
    deliver(&s, &o.freelancer, id).await;
    s.ok(
        o.a.member.token(),
        REQUEST_CHANGES,
        json!({ "id": id, "reason": "More" }),
    )
    .await;
    deliver(&s, &o.freelancer, id).await;
    let day_24 = chrono::Utc::now() + chrono::Duration::days(24);
    milestone::Entity::update_many()
        .col_expr(milestone::Column::AutoAcceptAt, Expr::value(day_24))
        .exec(&s.conn)
        .await
        .unwrap();
    assert_eq!(
        job::Entity::find().all(&s.conn).await.unwrap().len(),
        1,
        "one auto-acceptance job per milestone, rescheduled"
    );

    // Day 15: the job, due for the first deadline, finds the deadline moved: it accepts
    // nothing and waits for the new one.
    assert!(s.run_engagements_once(15).await);
    assert!(!s.run_engagements_once(15).await);
    let seen = milestone(&s, &o.freelancer, id).await;
    assert_eq!(seen["status"], "SUBMITTED");
    // Day 25: the second job accepts it.
    assert!(s.run_engagements_once(25).await);
    assert_eq!(milestone(&s, &o.freelancer, id).await["status"], "ACCEPTED");
    s.finish().await;
}

#[tokio::test]
async fn milestones_become_paid_as_payouts_cover_them() {
    let s = TestServer::start().await;
    let o = open(&s, "300000").await;
    let (contract_id, ids) = contract_with(&s, &o, &["100000", "150000", "50000"]).await;
    for id in &ids {
        deliver(&s, &o.freelancer, id).await;
        accept_delivery(&s, &o.a.member, id).await;
    }
    let statuses = |data: Value| -> Vec<String> {
        data["contract"]["milestones"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["status"].as_str().unwrap().to_string())
            .collect()
    };
    let pay = |inv: String| {
        let s = &s;
        let finance = o.a.finance.clone();
        async move {
            let payout = approve(s, &finance, &inv).await;
            mark_paid(s, &finance, &payout, "TRF").await;
        }
    };
    // 120,000 unnamed: covers the first milestone, not the second.
    pay(invoice(&s, &o.freelancer, &contract_id, "120000", "JPY").await).await;
    let seen = s
        .ok(
            o.freelancer.token(),
            MILESTONES,
            json!({ "id": contract_id }),
        )
        .await;
    assert_eq!(statuses(seen), ["PAID", "ACCEPTED", "ACCEPTED"]);
    // An invoice naming the third milestone pays that one.
    let named = s
        .ok(
            o.freelancer.token(),
            SUBMIT_INVOICE,
            json!({ "input": { "contractId": contract_id, "milestoneId": ids[2], "amount": { "amount": "50000", "currencyCode": "JPY" }, "description": "Part 3" } }),
        )
        .await;
    pay(named["submitInvoice"]["id"].as_str().unwrap().to_string()).await;
    let seen = s
        .ok(
            o.freelancer.token(),
            MILESTONES,
            json!({ "id": contract_id }),
        )
        .await;
    assert_eq!(statuses(seen), ["PAID", "ACCEPTED", "PAID"]);
    // The rest covers the second; the contract completes.
    pay(invoice(&s, &o.freelancer, &contract_id, "130000", "JPY").await).await;
    let seen = s
        .ok(
            o.freelancer.token(),
            "query($id: ID!) { contract(id: $id) { status milestones { status } } }",
            json!({ "id": contract_id }),
        )
        .await;
    assert_eq!(seen["contract"]["status"], "COMPLETED");
    assert_eq!(statuses(seen), ["PAID", "PAID", "PAID"]);
    let trail = milestone(&s, &o.a.finance, &ids[1]).await;
    let last = trail["auditTrail"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action"], "milestone.pay");
    assert_eq!(last["actor"]["id"], json!(o.a.finance.id));
    s.finish().await;
}

#[tokio::test]
async fn the_review_window_is_an_admin_setting_between_1_and_60_days() {
    let s = TestServer::start().await;
    let o = open(&s, "100000").await;
    const UPDATE: &str = "mutation($id: ID!, $days: Int) { updateCompanySettings(input: { companyId: $id, reviewWindowDays: $days }) { reviewWindowDays } }";
    let seen = s
        .ok(
            o.a.member.token(),
            "query($id: ID!) { company(id: $id) { reviewWindowDays } }",
            json!({ "id": o.a.id }),
        )
        .await;
    assert_eq!(seen["company"]["reviewWindowDays"], 14);
    for days in [0, 61, -1] {
        let body = s
            .gql(
                o.a.admin.token(),
                UPDATE,
                json!({ "id": o.a.id, "days": days }),
            )
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("BAD_USER_INPUT"));
        assert_eq!(
            body["errors"][0]["extensions"]["field"],
            "input.reviewWindowDays"
        );
    }
    for who in [&o.a.member, &o.a.finance] {
        let body = s
            .gql(who.token(), UPDATE, json!({ "id": o.a.id, "days": 7 }))
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"));
    }
    let b = company(&s, "bank").await;
    let body = s
        .gql(b.admin.token(), UPDATE, json!({ "id": o.a.id, "days": 7 }))
        .await;
    assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"));
    let set = s
        .ok(
            o.a.admin.token(),
            UPDATE,
            json!({ "id": o.a.id, "days": 60 }),
        )
        .await;
    assert_eq!(set["updateCompanySettings"]["reviewWindowDays"], 60);
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_accept_and_request_changes_end_in_one_outcome() {
    let s = TestServer::start().await;
    let o = open(&s, "100000").await;
    let (_, ids) = contract_with(&s, &o, &["100000"]).await;
    let id = &ids[0];
    deliver(&s, &o.freelancer, id).await;
    let bodies = join_all((0..8).map(|i| {
        if i % 2 == 0 {
            s.gql(o.a.member.token(), ACCEPT_DELIVERY, json!({ "id": id }))
        } else {
            s.gql(
                o.a.admin.token(),
                REQUEST_CHANGES,
                json!({ "id": id, "reason": "Redo" }),
            )
        }
    }))
    .await;
    let ok = bodies.iter().filter(|b| b.get("errors").is_none()).count();
    let conflicts = bodies
        .iter()
        .filter(|b| error_code(b).as_deref() == Some("CONFLICT"))
        .count();
    assert_eq!((ok, conflicts), (1, 7), "{bodies:#?}");
    let seen = milestone(&s, &o.freelancer, id).await;
    let moves = seen["auditTrail"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["fromStatus"] == "SUBMITTED")
        .count();
    assert_eq!(moves, 1);
    let accepted = s.sql_i64("SELECT accepted_minor FROM contracts").await;
    match seen["status"].as_str().unwrap() {
        "ACCEPTED" => assert_eq!(accepted, 100000),
        "CHANGES_REQUESTED" => assert_eq!(accepted, 0),
        other => panic!("unexpected {other}"),
    }
    s.finish().await;
}
