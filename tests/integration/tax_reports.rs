//! Tax reports (issue 12 §5, §7, §9): `withholdingReport`, `paymentRecords` and
//! `financeExport` on a seeded history with known sums, month and year boundaries in
//! Asia/Tokyo, and the ¥50,000 threshold (exactly ¥50,000 is not listed; ¥50,001 is).
//!
//! The history is paid through the API (design fees, so the payout code withholds); only the
//! payment times are then moved behind its back, to the days the tests need.
use boomerang_tests::TestServer;
use boomerang_tests::error_code;
use boomerang_tests::flow::*;
use chrono::{DateTime, Utc};
use entity::payout;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::endings::key;

pub const WITHHOLDING: &str = "query($company: ID!, $month: String!) { withholdingReport(companyId: $company, month: $month) { month total { amount currencyCode } dueDate entries { payoutId invoiceId payeeId payeeName paidOn subjectFee { amount } withheld { amount } netPaid { amount } dueDate } } }";
pub const RECORDS: &str = "query($company: ID!, $year: Int!) { paymentRecords(companyId: $company, year: $year) { year threshold { amount } records { payeeId name address individualNumber totalPaid { amount } totalWithheld { amount } payments } } }";
pub const EXPORT: &str = "query($company: ID!, $from: NaiveDate!, $to: NaiveDate!) { financeExport(companyId: $company, from: $from, to: $to) { invoices { invoiceId payeeName status amount { amount } total { amount } withholding { amount } } payouts { payoutId paidOn netPaid { amount } withheld { amount } } withholding { payoutId withheld { amount } } } }";

pub struct History {
    pub a: Company,
    pub hanako: Person,
    pub taro: Person,
}

/// Moves a payout's payment time to `at` (RFC 3339), after checking what the payout code
/// withheld from it.
async fn paid_at(s: &TestServer, payout_id: &str, withheld: i64, at: &str) {
    let key = key(payout_id);
    assert_eq!(
        s.sql_i64(&format!(
            "SELECT withholding_minor FROM payouts WHERE id = {key}"
        ))
        .await,
        withheld,
        "the payout code withholds floor(fee × 10.21 %)"
    );
    let at: DateTime<Utc> = DateTime::parse_from_rfc3339(at).unwrap().into();
    payout::Entity::update_many()
        .col_expr(payout::Column::PaidAt, Expr::value(at))
        .filter(payout::Column::Id.eq(key))
        .exec(&s.conn)
        .await
        .unwrap();
}

/// Pays `fees` to `who` on one contract of company `a`, returning (invoice id, payout id) each.
async fn pay(s: &TestServer, a: &Company, who: &Person, fees: &[i64]) -> Vec<(String, String)> {
    let total: i64 = fees.iter().sum();
    // Design fees are subject to withholding.
    let mut input = project_input(&a.id, &total.to_string(), "JPY", "COMPANY_ALUMNI");
    input["input"]["category"] = json!("DESIGN");
    let project = s.ok(a.member.token(), PUBLISH, input).await["publishProject"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let bid_id = bid(s, who, &project, &total.to_string(), "JPY").await;
    let contract = accept_with_work_done(s, &a.member, who, &bid_id).await;
    let mut paid = Vec::new();
    for fee in fees {
        let invoice_id = invoice(s, who, &contract, &fee.to_string(), "JPY").await;
        let payout_id = approve(s, &a.finance, &invoice_id).await;
        mark_paid(s, &a.finance, &payout_id, "BANK-REF").await;
        paid.push((invoice_id, payout_id));
    }
    paid
}

/// Hanako: ¥40,001 paid on 31 March 23:59 (Tokyo) and ¥10,000 at midnight 1 April: ¥50,001 in
/// 2026. Taro: ¥50,000 in April, and ¥1,000 at midnight on 1 January 2027: ¥50,000 in 2026.
pub async fn history(s: &TestServer) -> History {
    let a = company(s, "acme").await;
    let hanako = alumnus(s, &a, "hanako@alumni.example").await;
    let taro = alumnus(s, &a, "taro@alumni.example").await;
    s.ok(
        hanako.token(),
        "mutation($input: PayeeProfileInput!) { updatePayeeProfile(input: $input) { id } }",
        json!({ "input": { "payeeType": "INDIVIDUAL", "legalName": "山田 花子", "address": "東京都千代田区丸の内1-1-1" } }),
    )
    .await;
    let h = pay(s, &a, &hanako, &[40_001, 10_000]).await;
    paid_at(s, &h[0].1, 4_084, "2026-03-31T14:59:00Z").await;
    paid_at(s, &h[1].1, 1_021, "2026-03-31T15:00:00Z").await;
    let t = pay(s, &a, &taro, &[50_000, 1_000]).await;
    paid_at(s, &t[0].1, 5_105, "2026-04-15T03:00:00Z").await;
    paid_at(s, &t[1].1, 102, "2026-12-31T15:00:00Z").await;
    History { a, hanako, taro }
}

async fn withholding(s: &TestServer, by: &Person, company: &str, month: &str) -> Value {
    s.ok(
        by.token(),
        WITHHOLDING,
        json!({ "company": company, "month": month }),
    )
    .await["withholdingReport"]
        .clone()
}

#[tokio::test]
async fn the_withholding_report_lists_a_tokyo_month_and_its_remittance_due_date() {
    let s = TestServer::start().await;
    let h = history(&s).await;
    let march = withholding(&s, &h.a.finance, &h.a.id, "2026-03").await;
    assert_eq!(march["month"], "2026-03");
    assert_eq!(
        march["total"],
        json!({ "amount": "4084", "currencyCode": "JPY" })
    );
    assert_eq!(march["dueDate"], "2026-04-10");
    let entries = march["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{march}");
    assert_eq!(entries[0]["payeeName"], "山田 花子");
    assert_eq!(entries[0]["payeeId"], h.hanako.id.as_str());
    assert_eq!(entries[0]["paidOn"], "2026-03-31");
    assert_eq!(entries[0]["subjectFee"]["amount"], "40001");
    assert_eq!(entries[0]["withheld"]["amount"], "4084");
    assert_eq!(entries[0]["dueDate"], "2026-04-10");

    let april = withholding(&s, &h.a.admin, &h.a.id, "2026-04").await;
    assert_eq!(april["total"]["amount"], "6126", "{april}");
    assert_eq!(april["dueDate"], "2026-05-10");
    let days: Vec<&str> = april["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["paidOn"].as_str().unwrap())
        .collect();
    assert_eq!(days, ["2026-04-01", "2026-04-15"]);
    // December 2026 has nothing: taro's payment at midnight on 1 January is January's.
    let december = withholding(&s, &h.a.finance, &h.a.id, "2026-12").await;
    assert_eq!(december["entries"], json!([]));
    assert_eq!(december["total"]["amount"], "0");
    let january = withholding(&s, &h.a.finance, &h.a.id, "2027-01").await;
    assert_eq!(january["total"]["amount"], "102");
    assert_eq!(january["dueDate"], "2027-02-10");

    for bad in ["2026-13", "2026-4", "April"] {
        let body = s
            .gql(
                h.a.finance.token(),
                WITHHOLDING,
                json!({ "company": h.a.id, "month": bad }),
            )
            .await;
        assert_eq!(
            error_code(&body).as_deref(),
            Some("BAD_USER_INPUT"),
            "{bad}: {body}"
        );
        assert!(body.to_string().contains("month"), "{body}");
    }
    let member = s
        .gql(
            h.a.member.token(),
            WITHHOLDING,
            json!({ "company": h.a.id, "month": "2026-03" }),
        )
        .await;
    assert_eq!(error_code(&member).as_deref(), Some("FORBIDDEN"));
    let other = s
        .gql(
            h.hanako.token(),
            WITHHOLDING,
            json!({ "company": h.a.id, "month": "2026-03" }),
        )
        .await;
    assert_eq!(
        error_code(&other).as_deref(),
        Some("FORBIDDEN"),
        "an alumna sees the company, not its books"
    );
    s.finish().await;
}

#[tokio::test]
async fn payment_records_list_payees_above_fifty_thousand_yen_in_the_tokyo_year() {
    let s = TestServer::start().await;
    let h = history(&s).await;
    let records = s
        .ok(
            h.a.finance.token(),
            RECORDS,
            json!({ "company": h.a.id, "year": 2026 }),
        )
        .await["paymentRecords"]
        .clone();
    assert_eq!(records["year"], 2026);
    assert_eq!(records["threshold"]["amount"], "50000");
    let list = records["records"].as_array().unwrap();
    // Hanako: ¥50,001 — listed. Taro: exactly ¥50,000 in 2026 — not listed.
    assert_eq!(list.len(), 1, "{records}");
    assert_eq!(list[0]["payeeId"], h.hanako.id.as_str());
    assert_eq!(list[0]["name"], "山田 花子");
    assert_eq!(list[0]["address"], "東京都千代田区丸の内1-1-1");
    assert_eq!(list[0]["individualNumber"], Value::Null);
    assert_eq!(list[0]["totalPaid"]["amount"], "50001");
    assert_eq!(list[0]["totalWithheld"]["amount"], "5105");
    assert_eq!(list[0]["payments"], 2);
    let taro_id = h.taro.id.clone();
    // One more yen for taro in 2026 lists him, under his display name.
    s.sql("UPDATE invoice_lines SET amount_minor = 50001 WHERE amount_minor = 50000")
        .await;
    let records = s
        .ok(
            h.a.admin.token(),
            RECORDS,
            json!({ "company": h.a.id, "year": 2026 }),
        )
        .await["paymentRecords"]["records"]
        .clone();
    let names: Vec<&str> = records
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["taro", "山田 花子"], "{records}");
    assert_eq!(records[0]["payeeId"], taro_id.as_str());
    assert_eq!(records[0]["address"], Value::Null);
    let bad = s
        .gql(
            h.a.finance.token(),
            RECORDS,
            json!({ "company": h.a.id, "year": 1999 }),
        )
        .await;
    assert_eq!(error_code(&bad).as_deref(), Some("BAD_USER_INPUT"));
    s.finish().await;
}

#[tokio::test]
async fn the_export_lists_a_periods_invoices_payouts_and_withholding() {
    let s = TestServer::start().await;
    let h = history(&s).await;
    let today = Utc::now()
        .with_timezone(&chrono_tz::Asia::Tokyo)
        .date_naive();
    let from = today - chrono::Duration::days(300);
    let export = s
        .ok(
            h.a.finance.token(),
            EXPORT,
            json!({ "company": h.a.id, "from": from.to_string(), "to": today.to_string() }),
        )
        .await["financeExport"]
        .clone();
    assert_eq!(export["invoices"].as_array().unwrap().len(), 4, "{export}");
    assert_eq!(export["invoices"][0]["payeeName"], "山田 花子");
    assert_eq!(export["invoices"][0]["status"], "PAID");
    let paid: Vec<&str> = export["payouts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["paidOn"].as_str().unwrap())
        .collect();
    if from <= chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap() {
        assert_eq!(paid, ["2026-03-31", "2026-04-01", "2026-04-15"], "{export}");
        assert_eq!(export["withholding"].as_array().unwrap().len(), 3);
    }
    let long = s
        .gql(
            h.a.finance.token(),
            EXPORT,
            json!({ "company": h.a.id, "from": "2024-01-01", "to": "2026-01-01" }),
        )
        .await;
    assert_eq!(error_code(&long).as_deref(), Some("BAD_USER_INPUT"));
    s.finish().await;
}
