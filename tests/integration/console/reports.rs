//! The finance reports pages (issue 12): withholding, payment records, exports and the
//! compliance report; reason codes on the reject and request-changes forms; the notice and
//! the reason request on the contract page.
use boomerang_tests::TestServer;
use boomerang_tests::flow::*;
use serde_json::json;

use super::browser::Browser;
use crate::prohibited_acts::age_contract;
use crate::tax_reports::history;

#[tokio::test]
async fn finance_reads_the_withholding_report_and_payment_records_in_both_languages() {
    let s = TestServer::start().await;
    let h = history(&s).await;
    for (lang, title, due) in [
        ("ja", "源泉徴収税額の納付", "納付期限"),
        ("en", "Withholding tax to remit", "Due date"),
    ] {
        let mut b = Browser::new(&s, lang);
        b.use_session(&h.a.finance.token);
        let page = b
            .page(&format!(
                "/finance/withholding?company={}&month=2026-04",
                h.a.id
            ))
            .await;
        assert!(page.body.contains(title), "{}", page.body);
        assert!(page.body.contains(due));
        assert!(page.body.contains("6,126"), "{}", page.body);
        assert!(page.body.contains("山田 花子"));
        let records = b
            .page(&format!(
                "/finance/payment-records?company={}&year=2026",
                h.a.id
            ))
            .await;
        assert!(
            records.body.contains("東京都千代田区丸の内1-1-1"),
            "{}",
            records.body
        );
        assert!(records.body.contains("50,001"), "{}", records.body);
        assert!(
            !records.body.contains(">taro<"),
            "exactly ¥50,000 is not listed"
        );
        // A month the API refuses is shown with the input kept.
        let bad = b
            .get(&format!(
                "/finance/withholding?company={}&month=2026-13",
                h.a.id
            ))
            .await;
        assert_eq!(bad.status, 400, "{}", bad.body);
        assert!(bad.body.contains("value=\"2026-13\""), "{}", bad.body);
    }
    // A MEMBER, and another company's finance, get the not-found page.
    let mut member = Browser::new(&s, "en");
    member.use_session(&h.a.member.token);
    let refused = member
        .get(&format!("/finance/withholding?company={}", h.a.id))
        .await;
    assert_eq!(refused.status, 404);
    let b = company(&s, "beta").await;
    let mut other = Browser::new(&s, "en");
    other.use_session(&b.finance.token);
    for path in [
        format!("/finance/withholding?company={}", h.a.id),
        format!("/finance/payment-records?company={}", h.a.id),
        format!(
            "/finance/exports/payouts.csv?company={}&from=2026-03-01&to=2026-04-30",
            h.a.id
        ),
        format!("/finance/compliance?company={}", h.a.id),
    ] {
        assert_eq!(other.get(&path).await.status, 404, "{path}");
    }
    // Anonymous visitors log in first.
    let mut anon = Browser::new(&s, "en");
    let page = anon.get("/finance/withholding").await;
    assert_eq!(page.status, 303, "{}", page.body);
    s.finish().await;
}

#[tokio::test]
async fn exports_are_csv_with_bom_crlf_and_guarded_cells() {
    let s = TestServer::start().await;
    let h = history(&s).await;
    s.sql("UPDATE users SET legal_name = '=HYPERLINK(\"x\")' WHERE email = 'taro@alumni.example'")
        .await;
    let mut b = Browser::new(&s, "en");
    b.use_session(&h.a.finance.token);
    let page = b
        .page(&format!(
            "/finance/exports?company={}&from=2026-03-01&to=2026-04-30",
            h.a.id
        ))
        .await;
    assert!(
        page.body.contains("/finance/exports/withholding.csv?"),
        "{}",
        page.body
    );
    let csv = b
        .get(&format!(
            "/finance/exports/withholding.csv?company={}&from=2026-03-01&to=2026-04-30",
            h.a.id
        ))
        .await;
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    assert!(csv.body.starts_with('\u{feff}'));
    let lines: Vec<&str> = csv
        .body
        .trim_start_matches('\u{feff}')
        .split("\r\n")
        .collect();
    assert_eq!(
        lines[0],
        "Payout ID,Invoice ID,Payee,Paid on,Fee subject to withholding,Withholding tax,Due date"
    );
    assert_eq!(
        lines.len(),
        5,
        "three rows, a header and the final CRLF: {lines:?}"
    );
    assert!(
        lines[1].contains(",山田 花子,2026-03-31,40001,4084,2026-04-10"),
        "{}",
        lines[1]
    );
    assert!(
        lines[3].contains(",\"'=HYPERLINK(\"\"x\"\")\",2026-04-15,50000,5105,2026-05-10"),
        "{}",
        lines[3]
    );
    let payouts = b
        .get(&format!(
            "/finance/exports/payouts.csv?company={}&from=2026-03-01&to=2026-04-30",
            h.a.id
        ))
        .await;
    assert!(payouts.body.contains("BANK-REF"), "{}", payouts.body);
    let invoices = b
        .get(&format!(
            "/finance/exports/invoices.csv?company={}&from=2026-03-01&to=2026-04-30",
            h.a.id
        ))
        .await;
    assert_eq!(invoices.status, 200);
    let mut ja = Browser::new(&s, "ja");
    ja.use_session(&h.a.finance.token);
    let jcsv = ja
        .get(&format!(
            "/finance/exports/invoices.csv?company={}&from=2026-03-01&to=2026-04-30",
            h.a.id
        ))
        .await;
    assert!(
        jcsv.body.contains("適格請求書発行事業者登録番号"),
        "{}",
        jcsv.body
    );
    let bad = b
        .get(&format!(
            "/finance/exports?company={}&from=2026-02-30&to=2026-04-30",
            h.a.id
        ))
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("value=\"2026-02-30\""));
    assert_eq!(
        b.get(&format!("/finance/exports/other.csv?company={}", h.a.id))
            .await
            .status,
        404
    );
    s.finish().await;
}

#[tokio::test]
async fn reason_codes_on_the_forms_reach_the_compliance_report() {
    let s = TestServer::start().await;
    let c = contracted(&s, "100000").await;
    let invoice_id = invoice(&s, &c.freelancer, &c.contract_id, "100000", "JPY").await;
    let mut fin = Browser::new(&s, "ja");
    fin.use_session(&c.a.finance.token);
    let page = fin.page(&format!("/invoices/{invoice_id}")).await;
    assert!(page.body.contains("請求内容に誤りがある"), "{}", page.body);
    // Without a reason the API refuses; the chosen code stays selected.
    let refused = fin
        .submit(
            &page,
            &format!("/invoices/{invoice_id}/reject"),
            &[("reason", ""), ("reasonCode", "LATE")],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(
        refused.body.contains("<option value=\"LATE\" selected>"),
        "{}",
        refused.body
    );
    // Without the CSRF token: refused.
    let forged = fin
        .post_raw(
            &format!("/invoices/{invoice_id}/reject"),
            &[("reason", "x"), ("reasonCode", "LATE")],
        )
        .await;
    assert_eq!(forged.status, 403);
    let done = fin
        .submit(
            &page,
            &format!("/invoices/{invoice_id}/reject"),
            &[
                ("reason", "金額が違います"),
                ("reasonCode", "BILLING_ERROR"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let mut admin = Browser::new(&s, "en");
    admin.use_session(&c.a.admin.token);
    let report = admin
        .page(&format!(
            "/finance/compliance?company={}&from=2026-01-01&to=2027-12-31",
            c.a.id
        ))
        .await;
    assert!(
        report.body.contains("Error in the invoice"),
        "{}",
        report.body
    );
    assert!(
        report
            .body
            .contains("Bank transfer fees are never deducted")
    );
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM refusals WHERE reason_code = 'BILLING_ERROR'")
            .await,
        1
    );
    s.finish().await;
}

#[tokio::test]
async fn the_contract_page_explains_the_notice_and_lets_her_ask_for_the_reason() {
    let s = TestServer::start().await;
    let c = contracted(&s, "100000").await;
    age_contract(&s, &c.contract_id, 200).await;
    let mut member = Browser::new(&s, "en");
    member.use_session(&c.a.member.token);
    let page = member.page(&format!("/contracts/{}", c.contract_id)).await;
    assert!(
        page.body.contains("ends 30 days after you give notice"),
        "{}",
        page.body
    );
    let ended = member
        .submit(
            &page,
            &format!("/contracts/{}/end", c.contract_id),
            &[("reason", "Team reorganised"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(ended.status, 303, "{}", ended.body);
    assert!(
        ended.location().contains("done=noticed"),
        "{}",
        ended.location()
    );
    let after = member.page(ended.location()).await;
    assert!(
        after.body.contains("Notice given: this contract ends on"),
        "{}",
        after.body
    );
    assert!(
        !after.body.contains("/end\""),
        "the company is not offered a second end"
    );

    let mut her = Browser::new(&s, "ja");
    her.use_session(&c.freelancer.token);
    let page = her.page(&format!("/contracts/{}", c.contract_id)).await;
    assert!(
        page.body.contains("終了の理由の開示を求める"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("Team reorganised"),
        "the reason is shown once she asks"
    );
    let asked = her
        .submit(
            &page,
            &format!("/contracts/{}/end-reason", c.contract_id),
            &[],
        )
        .await;
    assert_eq!(asked.status, 303, "{}", asked.body);
    let page = her.page(asked.location()).await;
    assert!(page.body.contains("Team reorganised"), "{}", page.body);
    assert!(!page.body.contains("終了の理由の開示を求める</button>"));
    let theirs = member.page(&format!("/contracts/{}", c.contract_id)).await;
    assert!(
        theirs.body.contains("The freelancer asked for the reason"),
        "{}",
        theirs.body
    );
    // Another company's staff cannot ask on her behalf: not found.
    let b = company(&s, "beta").await;
    let mut other = Browser::new(&s, "en");
    other.use_session(&b.admin.token);
    let csrf_page = other.page("/").await;
    let refused = other
        .submit(
            &csrf_page,
            &format!("/contracts/{}/end-reason", c.contract_id),
            &[],
        )
        .await;
    assert_eq!(refused.status, 404, "{}", refused.body);
    let _ = json!({});
    s.finish().await;
}
