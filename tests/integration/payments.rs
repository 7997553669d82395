use boomerang_tests::TestServer;
use boomerang_tests::flow::*;
use serde_json::{Value, json};

const REJECT: &str = "mutation($input: RejectInvoiceInput!) { rejectInvoice(input: $input) { id status rejectionReason } }";
const QUEUE: &str = "query($filter: InvoiceFilter) { invoices(filter: $filter) { edges { node { id status amount { amount } contract { project { title } freelancer { displayName } } } } } }";
const CONTRACT: &str = "query($id: ID!) { contract(id: $id) { status invoicedAmount { amount } paidAmount { amount } auditTrail { action fromStatus toStatus actor { id } } invoices { edges { node { id status payout { status reference } auditTrail { action fromStatus toStatus } } } } } }";

fn actions(trail: &Value) -> Vec<String> {
    trail
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn an_invoice_travels_from_submitted_to_paid_and_completes_the_contract() {
    let s = TestServer::start().await;
    let c = contracted(&s, "300000").await;

    let first = invoice(&s, &c.freelancer, &c.contract_id, "100000", "JPY").await;
    let payout = approve(&s, &c.a.finance, &first).await;
    let paid = mark_paid(&s, &c.a.finance, &payout, "MUFG-2026-0001").await;
    assert_eq!(paid["markPayoutPaid"]["status"], "PAID");
    assert_eq!(paid["markPayoutPaid"]["reference"], "MUFG-2026-0001");
    assert_eq!(paid["markPayoutPaid"]["invoice"]["status"], "PAID");

    let halfway = s
        .ok(
            c.freelancer.token(),
            CONTRACT,
            json!({ "id": c.contract_id }),
        )
        .await;
    assert_eq!(halfway["contract"]["status"], "ACTIVE");
    assert_eq!(halfway["contract"]["paidAmount"]["amount"], "100000");

    let rest = invoice(&s, &c.freelancer, &c.contract_id, "200000", "JPY").await;
    let payout = approve(&s, &c.a.finance, &rest).await;
    mark_paid(&s, &c.a.finance, &payout, "MUFG-2026-0002").await;

    let done = s
        .ok(c.a.admin.token(), CONTRACT, json!({ "id": c.contract_id }))
        .await;
    let contract = &done["contract"];
    assert_eq!(contract["status"], "COMPLETED");
    assert_eq!(contract["invoicedAmount"]["amount"], "300000");
    assert_eq!(contract["paidAmount"]["amount"], "300000");
    assert_eq!(
        actions(&contract["auditTrail"]),
        [
            "contract.create",
            "contract.terms_issue",
            "contract.complete"
        ]
    );
    assert_eq!(
        contract["auditTrail"][0]["actor"]["id"],
        c.a.member.id.as_str()
    );
    assert_eq!(contract["auditTrail"][2]["fromStatus"], "ACTIVE");
    assert_eq!(contract["auditTrail"][2]["toStatus"], "COMPLETED");
    let invoices = contract["invoices"]["edges"].as_array().unwrap();
    assert_eq!(invoices.len(), 2);
    for edge in invoices {
        assert_eq!(edge["node"]["status"], "PAID");
        assert_eq!(edge["node"]["payout"]["status"], "PAID");
        assert_eq!(
            actions(&edge["node"]["auditTrail"]),
            ["invoice.submit", "invoice.approve", "invoice.pay"]
        );
    }
    // A completed contract takes no more invoices.
    assert_eq!(
        s.err(
            c.freelancer.token(),
            SUBMIT_INVOICE,
            invoice_input(&c.contract_id, "1", "JPY")
        )
        .await,
        "CONFLICT"
    );
    s.finish().await;
}

#[tokio::test]
async fn only_the_freelancer_invoices_and_never_above_the_contract_amount() {
    let s = TestServer::start().await;
    let c = contracted(&s, "100000").await;
    let other = alumnus(&s, &c.a, "other@alumni.example").await;
    let input = invoice_input(&c.contract_id, "60000", "JPY");

    assert_eq!(
        s.err(c.a.member.token(), SUBMIT_INVOICE, input.clone())
            .await,
        "FORBIDDEN"
    );
    assert_eq!(
        s.err(c.a.finance.token(), SUBMIT_INVOICE, input.clone())
            .await,
        "FORBIDDEN"
    );
    assert_eq!(
        s.err(other.token(), SUBMIT_INVOICE, input.clone()).await,
        "NOT_FOUND"
    );
    assert_eq!(
        s.err(
            c.freelancer.token(),
            SUBMIT_INVOICE,
            invoice_input(&c.contract_id, "600.00", "USD")
        )
        .await,
        "BAD_USER_INPUT"
    );

    let first = invoice(&s, &c.freelancer, &c.contract_id, "60000", "JPY").await;
    assert_eq!(
        s.err(c.freelancer.token(), SUBMIT_INVOICE, input.clone())
            .await,
        "CONFLICT",
        "60000 + 60000 > 100000"
    );
    invoice(&s, &c.freelancer, &c.contract_id, "40000", "JPY").await;
    assert_eq!(
        s.err(
            c.freelancer.token(),
            SUBMIT_INVOICE,
            invoice_input(&c.contract_id, "1", "JPY")
        )
        .await,
        "CONFLICT"
    );

    // A rejected invoice gives its amount back.
    let rejected = s
        .ok(
            c.a.finance.token(),
            REJECT,
            json!({ "input": { "id": first, "reason": "Attach the timesheet" } }),
        )
        .await;
    assert_eq!(rejected["rejectInvoice"]["status"], "REJECTED");
    assert_eq!(
        rejected["rejectInvoice"]["rejectionReason"],
        "Attach the timesheet"
    );
    invoice(&s, &c.freelancer, &c.contract_id, "60000", "JPY").await;
    s.finish().await;
}

#[tokio::test]
async fn only_the_companys_finance_staff_review_invoices() {
    let s = TestServer::start().await;
    let c = contracted(&s, "100000").await;
    let b = company(&s, "bank").await;
    let inv = invoice(&s, &c.freelancer, &c.contract_id, "50000", "JPY").await;
    let id = json!({ "id": inv });

    for (who, code) in [
        (&c.a.member, "FORBIDDEN"),
        (&c.a.admin, "FORBIDDEN"),
        (&c.freelancer, "FORBIDDEN"),
        (&b.finance, "NOT_FOUND"),
    ] {
        assert_eq!(
            s.err(who.token(), APPROVE, id.clone()).await,
            code,
            "approve by {}",
            who.email
        );
        let reject = json!({ "input": { "id": inv, "reason": "no" } });
        assert_eq!(
            s.err(who.token(), REJECT, reject).await,
            code,
            "reject by {}",
            who.email
        );
    }
    assert_eq!(
        s.err(
            c.a.finance.token(),
            REJECT,
            json!({ "input": { "id": inv, "reason": "  " } })
        )
        .await,
        "BAD_USER_INPUT"
    );

    let payout = approve(&s, &c.a.finance, &inv).await;
    assert_eq!(
        s.err(c.a.finance.token(), APPROVE, id.clone()).await,
        "CONFLICT"
    );
    assert_eq!(
        s.err(
            c.a.finance.token(),
            REJECT,
            json!({ "input": { "id": inv, "reason": "late" } })
        )
        .await,
        "CONFLICT"
    );

    let mark = |reference: &str| json!({ "input": { "payoutId": payout, "reference": reference } });
    for (who, code) in [
        (&c.freelancer, "FORBIDDEN"),
        (&c.a.member, "FORBIDDEN"),
        (&b.finance, "NOT_FOUND"),
    ] {
        assert_eq!(
            s.err(who.token(), MARK_PAID, mark("REF-1")).await,
            code,
            "mark paid by {}",
            who.email
        );
    }
    assert_eq!(
        s.err(c.a.finance.token(), MARK_PAID, mark("")).await,
        "BAD_USER_INPUT"
    );
    mark_paid(&s, &c.a.finance, &payout, "REF-1").await;
    assert_eq!(
        s.err(c.a.finance.token(), MARK_PAID, mark("REF-2")).await,
        "CONFLICT"
    );
    let seen = s
        .ok(
            c.freelancer.token(),
            "query($id: ID!) { payout(id: $id) { status reference } }",
            json!({ "id": payout }),
        )
        .await;
    assert_eq!(
        seen["payout"],
        json!({ "status": "PAID", "reference": "REF-1" })
    );
    s.finish().await;
}

#[tokio::test]
async fn the_finance_queue_filters_by_company_and_status_and_hides_other_tenants() {
    let s = TestServer::start().await;
    let c = contracted(&s, "100000").await;
    let b = company(&s, "bank").await;
    let first = invoice(&s, &c.freelancer, &c.contract_id, "30000", "JPY").await;
    let second = invoice(&s, &c.freelancer, &c.contract_id, "20000", "JPY").await;
    approve(&s, &c.a.finance, &first).await;

    let queue = |status: &str| json!({ "filter": { "companyId": c.a.id, "status": status } });
    let submitted = s.ok(c.a.finance.token(), QUEUE, queue("SUBMITTED")).await;
    let edges = submitted["invoices"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 1);
    assert_eq!(edges[0]["node"]["id"], second.as_str());
    assert_eq!(
        edges[0]["node"]["contract"]["project"]["title"],
        "Churn analysis for the retail bank"
    );
    assert_eq!(
        edges[0]["node"]["contract"]["freelancer"]["displayName"],
        "hanako"
    );
    let approved = s.ok(c.a.finance.token(), QUEUE, queue("APPROVED")).await;
    assert_eq!(
        approved["invoices"]["edges"][0]["node"]["id"],
        first.as_str()
    );

    assert_eq!(
        s.err(b.finance.token(), QUEUE, queue("SUBMITTED")).await,
        "NOT_FOUND"
    );
    let theirs = s.ok(b.finance.token(), QUEUE, json!({})).await;
    assert_eq!(theirs["invoices"]["edges"], json!([]));
    assert_eq!(
        s.err(
            b.finance.token(),
            "query($id: ID!) { invoice(id: $id) { id } }",
            json!({ "id": first })
        )
        .await,
        "NOT_FOUND"
    );
    assert_eq!(
        s.err(
            b.finance.token(),
            "query($id: ID!) { contract(id: $id) { id } }",
            json!({ "id": c.contract_id })
        )
        .await,
        "NOT_FOUND"
    );
    s.finish().await;
}
