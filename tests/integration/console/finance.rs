//! The finance pages (issue 11) and the API they need: payment due dates, the queue's filters
//! and totals, the CSV, the invoice page's review and payment, who may open it, and the
//! funding page's own CSP.
use boomerang_tests::TestServer;
use boomerang_tests::flow::*;
use chrono::{Days, Utc};
use entity::invoice;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::browser::Browser;

const DUE: &str = "query($id: ID!) { invoice(id: $id) { paymentDueDate overdue \
     milestone { acceptedAt } } }";

/// A company with an invoiced contract: the finance person signed in in a browser.
async fn invoiced(s: &TestServer, lang: &'static str) -> (Contracted, String, Browser) {
    let c = contracted(s, "280000").await;
    let invoice_id = invoice(s, &c.freelancer, &c.contract_id, "280000", "JPY").await;
    let mut b = Browser::new(s, lang);
    b.use_session(&c.a.finance.token);
    (c, invoice_id, b)
}

/// Moves an invoice's due date into the past, as if its deadline had gone by.
async fn make_overdue(s: &TestServer, invoice_id: &str) {
    let key: i64 = decode_key(invoice_id);
    invoice::Entity::update_many()
        .col_expr(
            invoice::Column::PaymentDueDate,
            Expr::value(chrono::NaiveDate::from_ymd_opt(2025, 7, 13).unwrap()),
        )
        .filter(invoice::Column::Id.eq(key))
        .exec(&s.conn)
        .await
        .unwrap();
}

fn decode_key(id: &str) -> i64 {
    use base64::Engine;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(id)
        .unwrap();
    let text = String::from_utf8(raw).unwrap();
    text.rsplit(':').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn the_due_date_is_the_acceptance_day_in_tokyo_plus_59_days_and_overdue_after_it() {
    let s = TestServer::start().await;
    let c = contracted(&s, "280000").await;
    let milestone = milestone_ids(&s, &c.freelancer, &c.contract_id).await[0].clone();
    let mut input = invoice_input(&c.contract_id, "280000", "JPY");
    input["input"]["milestoneId"] = json!(milestone);
    let id = s.ok(c.freelancer.token(), SUBMIT_INVOICE, input).await["submitInvoice"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let data = s.ok(c.a.finance.token(), DUE, json!({ "id": id })).await;
    let accepted: chrono::DateTime<Utc> = data["invoice"]["milestone"]["acceptedAt"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let tokyo_day = accepted.with_timezone(&chrono_tz::Asia::Tokyo).date_naive();
    let due = tokyo_day.checked_add_days(Days::new(59)).unwrap();
    assert_eq!(data["invoice"]["paymentDueDate"], json!(due.to_string()));
    assert_eq!(data["invoice"]["overdue"], json!(false));
    // The worked example of issue 12: accepted 2025-05-15 → due by 2025-07-13.
    let may15 = "2025-05-15T03:00:00Z".parse().unwrap();
    assert_eq!(
        boomerang::domain::invoices::due_date(may15).to_string(),
        "2025-07-13"
    );
    // 2025-05-14 16:00 UTC is already the 15th in Tokyo.
    let late = "2025-05-14T16:00:00Z".parse().unwrap();
    assert_eq!(
        boomerang::domain::invoices::due_date(late).to_string(),
        "2025-07-13"
    );

    make_overdue(&s, &id).await;
    let data = s.ok(c.a.finance.token(), DUE, json!({ "id": id })).await;
    assert_eq!(data["invoice"]["overdue"], json!(true));
    let overdue = s
        .ok(
            c.a.finance.token(),
            "query($f: InvoiceFilter) { invoices(filter: $f) { edges { node { id } } } \
             invoiceTotals(filter: $f) { amount currencyCode } }",
            json!({ "f": { "companyId": c.a.id, "overdue": true, "orderBy": "DUE_DATE" } }),
        )
        .await;
    assert_eq!(overdue["invoices"]["edges"].as_array().unwrap().len(), 1);
    assert_eq!(
        overdue["invoiceTotals"],
        json!([{ "amount": "280000", "currencyCode": "JPY" }])
    );
    s.finish().await;
}

#[tokio::test]
async fn the_queue_filters_pages_by_due_date_and_totals_per_currency() {
    let s = TestServer::start().await;
    let a = company(&s, "queue").await;
    let freelancer = alumnus(&s, &a, "ayumi@alumni.example").await;
    let mut ids = Vec::new();
    for (amount, currency) in [("1000", "JPY"), ("2500", "JPY"), ("12.50", "USD")] {
        let project = publish(&s, &a.member, &a.id, amount, currency, "COMPANY_ALUMNI").await;
        let bid_id = bid(&s, &freelancer, &project, amount, currency).await;
        let contract = accept_with_work_done(&s, &a.member, &freelancer, &bid_id).await;
        ids.push(invoice(&s, &freelancer, &contract, amount, currency).await);
    }
    make_overdue(&s, &ids[1]).await;
    let mut b = Browser::new(&s, "en");
    b.use_session(&a.finance.token);
    let all = b.page(&format!("/finance?company={}", a.id)).await;
    assert!(all.body.contains("¥3,500"), "{}", all.body);
    assert!(all.body.contains("$12.50"), "{}", all.body);
    assert!(all.body.contains("Overdue"));
    assert!(all.body.contains("Due within 7 days") || all.body.contains("Payment due"));
    let overdue = b
        .page(&format!("/finance?company={}&overdue=1", a.id))
        .await;
    assert!(overdue.body.contains("¥2,500"), "{}", overdue.body);
    assert!(!overdue.body.contains("$12.50"));
    let count = async |filter: serde_json::Value| {
        let data = s
            .ok(
                a.finance.token(),
                "query($f: InvoiceFilter) { invoices(filter: $f) { edges { node { id } } } }",
                json!({ "f": filter }),
            )
            .await;
        data["invoices"]["edges"].as_array().unwrap().len()
    };
    assert_eq!(count(json!({ "dueBefore": "2026-01-01" })).await, 1);
    assert_eq!(count(json!({ "overdue": false })).await, 2);
    assert_eq!(count(json!({ "overdue": true, "status": "PAID" })).await, 0);
    // DUE_DATE pages: the overdue invoice first, then the rest, no row twice.
    let page = "query($after: String) { invoices(first: 2, after: $after, \
                filter: { orderBy: DUE_DATE }) { edges { node { id } } pageInfo { hasNextPage endCursor } } }";
    let first = s.ok(a.finance.token(), page, json!({})).await;
    assert_eq!(first["invoices"]["edges"][0]["node"]["id"], json!(ids[1]));
    let cursor = first["invoices"]["pageInfo"]["endCursor"].clone();
    let second = s
        .ok(a.finance.token(), page, json!({ "after": cursor }))
        .await;
    let mut seen: Vec<_> = [&first, &second]
        .iter()
        .flat_map(|d| d["invoices"]["edges"].as_array().unwrap().clone())
        .map(|e| e["node"]["id"].as_str().unwrap().to_string())
        .collect();
    seen.sort();
    let mut want = ids.clone();
    want.sort();
    assert_eq!(seen, want);
    s.finish().await;
}

#[tokio::test]
async fn the_csv_has_a_bom_crlf_quotes_the_formula_guard_and_the_filter() {
    let s = TestServer::start().await;
    let c = contracted(&s, "280000").await;
    let mut input = invoice_input(&c.contract_id, "280000", "JPY");
    input["input"]["description"] = json!("=HYPERLINK(\"http://evil\"), \"quoted\"");
    s.ok(c.freelancer.token(), SUBMIT_INVOICE, input).await;
    let mut b = Browser::new(&s, "ja");
    b.use_session(&c.a.finance.token);
    let csv = b
        .get(&format!("/finance/invoices.csv?company={}", c.a.id))
        .await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"invoices-")
    );
    assert!(csv.body.starts_with('\u{feff}'), "{:?}", &csv.body[..20]);
    assert!(csv.body.contains("\r\n"));
    assert!(csv.body.contains("支払期日"));
    assert!(csv.body.contains(",280000,JPY,"));
    assert!(
        csv.body
            .contains(r#","'=HYPERLINK(""http://evil""), ""quoted""","#),
        "{}",
        csv.body
    );
    let lines: Vec<_> = csv.body.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 2, "{}", csv.body);
    let paid = b
        .get(&format!(
            "/finance/invoices.csv?company={}&status=PAID",
            c.a.id
        ))
        .await;
    assert_eq!(paid.body.split("\r\n").filter(|l| !l.is_empty()).count(), 1);
    s.finish().await;
}

#[tokio::test]
async fn finance_approves_and_records_the_payment_through_the_pages() {
    let s = TestServer::start().await;
    let (_c, id, mut b) = invoiced(&s, "ja").await;
    let page = b.page(&format!("/invoices/{id}")).await;
    assert!(page.body.contains("承認待ち"));
    let done = b
        .submit(&page, &format!("/invoices/{id}/approve"), &[])
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let page = b.page(done.location()).await;
    assert!(page.body.contains("承認済み"), "{}", page.body);
    let payout = {
        let at =
            page.body.find(r#"name="payout" value=""#).unwrap() + r#"name="payout" value=""#.len();
        page.body[at..at + page.body[at..].find('"').unwrap()].to_string()
    };
    let refused = b
        .submit(
            &page,
            &format!("/invoices/{id}/paid"),
            &[("payout", &payout), ("reference", "")],
        )
        .await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("role=\"alert\""));
    let done = b
        .submit(
            &page,
            &format!("/invoices/{id}/paid"),
            &[("payout", &payout), ("reference", "MUFG-20261126-001")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let page = b.page(done.location()).await;
    assert!(page.body.contains("支払済み"));
    assert!(page.body.contains("MUFG-20261126-001"));
    let payouts = b.page("/finance/payouts").await;
    assert!(payouts.body.contains("MUFG-20261126-001"));
    s.finish().await;
}

#[tokio::test]
async fn a_rejection_needs_a_reason_and_keeps_the_input() {
    let s = TestServer::start().await;
    let (_c, id, mut b) = invoiced(&s, "en").await;
    let page = b.page(&format!("/invoices/{id}")).await;
    let refused = b
        .submit(
            &page,
            &format!("/invoices/{id}/reject"),
            &[("reason", "   ")],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains("role=\"alert\""));
    let done = b
        .submit(
            &page,
            &format!("/invoices/{id}/reject"),
            &[("reason", "Wrong <amount>")],
        )
        .await;
    assert_eq!(done.status, 303);
    let page = b.page(done.location()).await;
    assert!(page.body.contains("Rejected"));
    assert!(page.body.contains("Wrong &lt;amount&gt;"));
    s.finish().await;
}

#[tokio::test]
async fn members_and_other_companies_do_not_see_the_invoice_page() {
    let s = TestServer::start().await;
    let (c, id, _) = invoiced(&s, "en").await;
    let other = company(&s, "other").await;
    for token in [&c.a.member.token, &other.finance.token, &other.admin.token] {
        let mut b = Browser::new(&s, "en");
        b.use_session(token);
        assert_eq!(b.get(&format!("/invoices/{id}")).await.status, 404);
    }
    let mut b = Browser::new(&s, "en");
    b.use_session(&other.finance.token);
    assert_eq!(
        b.get(&format!("/finance?company={}", c.a.id)).await.status,
        404
    );
    assert_eq!(b.get("/invoices/not-an-id").await.status, 404);
    s.finish().await;
}

#[tokio::test]
async fn an_admin_reads_the_invoice_but_only_finance_is_offered_its_actions() {
    let s = TestServer::start().await;
    let (c, id, _) = invoiced(&s, "en").await;
    let approve = format!(r#"action="/invoices/{id}/approve""#);
    let mut admin = Browser::new(&s, "en");
    admin.use_session(&c.a.admin.token);
    let page = admin.page(&format!("/invoices/{id}")).await;
    assert!(!page.body.contains(&approve), "the API refuses ADMIN");
    let mut clerk = Browser::new(&s, "en");
    clerk.use_session(&c.a.finance.token);
    let page = clerk.page(&format!("/invoices/{id}")).await;
    assert!(page.body.contains(&approve), "{}", page.body);
    // Another clerk approved meanwhile: the refusal is shown although its form is gone.
    let first = clerk
        .submit(&page, &format!("/invoices/{id}/approve"), &[])
        .await;
    assert_eq!(first.status, 303, "{}", first.body);
    let again = clerk
        .submit(&page, &format!("/invoices/{id}/approve"), &[])
        .await;
    assert_eq!(again.status, 400, "{}", again.body);
    assert!(again.body.contains(r#"role="alert""#), "{}", again.body);
    assert!(!again.body.contains(&approve));
    s.finish().await;
}

#[tokio::test]
async fn only_the_funding_page_allows_stripe_in_its_csp() {
    let (s, _mock) = crate::stripe::stripe_server_with(|c| {
        c.worker = false;
        c.stripe_publishable_key = Some("pk_test_console".into());
    })
    .await;
    let c = crate::stripe::unfunded_contract(&s).await;
    let mut b = Browser::new(&s, "ja");
    b.use_session(&c.a.finance.token);
    let fund = b.page(&format!("/contracts/{}/fund", c.contract_id)).await;
    assert!(fund.body.contains("未入金"), "{}", fund.body);
    let strict = |p: &super::browser::Page| {
        let csp = p.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(!csp.contains("stripe"), "{csp}");
    };
    strict(&fund);
    strict(&b.page("/finance").await);
    let paying = b
        .submit(&fund, &format!("/contracts/{}/fund", c.contract_id), &[])
        .await;
    assert_eq!(paying.status, 200, "{}", paying.body);
    let csp = paying.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self' https://js.stripe.com"),
        "{csp}"
    );
    assert!(csp.contains("frame-src https://js.stripe.com"), "{csp}");
    assert!(
        csp.contains("connect-src 'self' https://api.stripe.com"),
        "{csp}"
    );
    assert!(paying.body.contains("https://js.stripe.com/v3/"));
    assert!(paying.body.contains("/assets/stripe-fund-1.js"));
    assert!(paying.body.contains("pk_test_console"));
    // Without the publishable key the page says Stripe is not configured, and loads nothing.
    let plain = TestServer::start().await;
    let (c, _, mut b) = invoiced(&plain, "en").await;
    let page = b.page(&format!("/contracts/{}/fund", c.contract_id)).await;
    assert!(!page.body.contains("js.stripe.com"));
    plain.finish().await;
    s.finish().await;
}

#[tokio::test]
async fn the_migration_backfills_due_dates_from_the_acceptance_day_in_tokyo() {
    use entity::milestone;
    use migration::MigratorTrait;
    let s = TestServer::start().await;
    let c = contracted(&s, "280000").await;
    let milestone_id = milestone_ids(&s, &c.freelancer, &c.contract_id).await[0].clone();
    let mut input = invoice_input(&c.contract_id, "100000", "JPY");
    input["input"]["milestoneId"] = json!(milestone_id);
    let billed = s.ok(c.freelancer.token(), SUBMIT_INVOICE, input).await["submitInvoice"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let unnamed = invoice(&s, &c.freelancer, &c.contract_id, "1000", "JPY").await;
    // 16:00 UTC on the 14th is already the 15th in Tokyo: due by 2025-07-13.
    let accepted: chrono::DateTime<Utc> = "2025-05-14T16:00:00Z".parse().unwrap();
    milestone::Entity::update_many()
        .col_expr(milestone::Column::AcceptedAt, Expr::value(accepted))
        .filter(milestone::Column::Id.eq(decode_key(&milestone_id)))
        .exec(&s.conn)
        .await
        .unwrap();
    // Back to before 000007 (the due dates), whatever migrations came after it.
    let after_due_dates = migration::Migrator::migrations()
        .iter()
        .skip_while(|m| !m.name().contains("000007"))
        .count();
    migration::Migrator::down(&s.conn, Some(after_due_dates as u32))
        .await
        .unwrap();
    migration::Migrator::up(&s.conn, None).await.unwrap();
    for id in [&billed, &unnamed] {
        let data = s.ok(c.a.finance.token(), DUE, json!({ "id": id })).await;
        assert_eq!(
            data["invoice"]["paymentDueDate"],
            json!("2025-07-13"),
            "{id}"
        );
        assert_eq!(data["invoice"]["overdue"], json!(true));
    }
    s.finish().await;
}
