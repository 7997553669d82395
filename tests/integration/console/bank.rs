//! The bank-transfer pages (issue 12 §8): her bank account form, the company's paying
//! account, and the Zengin file and batch on `/finance/payouts`.
use boomerang_tests::TestServer;
use boomerang_tests::flow::*;
use serde_json::json;

use super::browser::Browser;
use crate::bank::{SET_BANK, SET_COMPANY_BANK, approved_payout, bank_input, company_bank_input};

const ACCOUNT_FIELDS: [(&str, &str); 6] = [
    ("bank_name", "ミズホ"),
    ("branch_code", "001"),
    ("branch_name", "トウキョウ"),
    ("account_type", "ORDINARY"),
    ("account_number", "1234567"),
    ("holder_kana", "ヤマダ　ハナコ"),
];

#[tokio::test]
async fn her_account_form_refuses_a_bad_field_keeping_the_input_then_saves_half_width() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let hanako = alumnus(&s, &a, "hanako@alumni.example").await;
    let mut b = Browser::new(&s, "ja");
    assert_eq!(
        b.get("/account/bank").await.status,
        303,
        "anonymous: log in first"
    );
    b.use_session(&hanako.token);
    let page = b.page("/account/bank").await;
    assert!(page.body.contains("口座名義（カナ）"));
    let mut fields = vec![("bank_code", "12")];
    fields.extend(ACCOUNT_FIELDS);
    let refused = b.submit(&page, "/account/bank", &fields).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains(r#"role="alert""#));
    assert!(
        refused.body.contains(r#"name="bank_code" value="12""#),
        "{}",
        refused.body
    );
    assert!(refused.body.contains(r#"aria-invalid="true""#));
    assert!(refused.body.contains("ヤマダ　ハナコ"), "the input is kept");
    fields[0] = ("bank_code", "0001");
    let done = b.submit(&page, "/account/bank", &fields).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let page = b.page(done.location()).await;
    assert!(page.body.contains("ﾔﾏﾀﾞ ﾊﾅｺ"), "{}", page.body);
    assert!(page.body.contains(r#"role="status""#));
    // Without a CSRF token nothing is saved.
    let forged = b.post_raw("/account/bank", &fields).await;
    assert_eq!(forged.status, 403);
    s.finish().await;
}

#[tokio::test]
async fn the_company_account_page_is_for_its_admins_and_finance() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let other = company(&s, "other").await;
    let path = format!("/companies/{}/bank-account", a.id);
    let mut member = Browser::new(&s, "en");
    member.use_session(&a.member.token);
    assert_eq!(member.get(&path).await.status, 403);
    let mut outsider = Browser::new(&s, "en");
    outsider.use_session(&other.admin.token);
    assert_eq!(outsider.get(&path).await.status, 404);
    let mut clerk = Browser::new(&s, "en");
    clerk.use_session(&a.finance.token);
    let page = clerk.page(&path).await;
    let mut fields = vec![
        ("consignor_code", "12345"),
        ("consignor_name", "アクメ"),
        ("bank_code", "0005"),
    ];
    fields.extend(&ACCOUNT_FIELDS[..5]);
    let refused = clerk.submit(&page, &path, &fields).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(
        refused
            .body
            .contains(r#"name="consignor_code" value="12345""#)
    );
    fields[0] = ("consignor_code", "1234567890");
    let done = clerk.submit(&page, &path, &fields).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let page = clerk.page(done.location()).await;
    assert!(page.body.contains("ｱｸﾒ"), "{}", page.body);
    s.finish().await;
}

#[tokio::test]
async fn finance_downloads_the_zengin_file_and_records_the_batch_paid_through_the_pages() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let other = company(&s, "other").await;
    let hanako = alumnus(&s, &a, "hanako@alumni.example").await;
    let taro = alumnus(&s, &a, "taro@alumni.example").await;
    s.ok(
        hanako.token(),
        SET_BANK,
        json!({ "input": bank_input("ﾔﾏﾀﾞ ﾊﾅｺ") }),
    )
    .await;
    let hers = approved_payout(&s, &a, &hanako, "60000").await;
    approved_payout(&s, &a, &taro, "30000").await;
    let mut b = Browser::new(&s, "ja");
    b.use_session(&a.finance.token);
    let page = b.page("/finance/payouts").await;
    assert!(page.body.contains("振込元口座が未登録"), "{}", page.body);
    assert!(page.body.contains("口座未登録"));
    let refused = b
        .submit(
            &page,
            "/finance/payouts/zengin",
            &[
                ("company", &a.id),
                ("date", "2099-01-05"),
                ("payout", &hers),
            ],
        )
        .await;
    assert_eq!(refused.status, 400, "no paying account: {}", refused.body);
    assert!(
        refused.body.contains(r#"value="2099-01-05""#),
        "the date is kept"
    );
    s.ok(
        a.admin.token(),
        SET_COMPANY_BANK,
        json!({ "input": company_bank_input(&a.id) }),
    )
    .await;
    // Another company's finance cannot make a file of these payouts.
    let mut stranger = Browser::new(&s, "ja");
    stranger.use_session(&other.finance.token);
    let theirs = stranger.page("/finance/payouts").await;
    let probe = stranger
        .submit(
            &theirs,
            "/finance/payouts/zengin",
            &[
                ("company", &a.id),
                ("date", "2099-01-05"),
                ("payout", &hers),
            ],
        )
        .await;
    assert_eq!(probe.status, 404);

    let file = b
        .submit(
            &page,
            "/finance/payouts/zengin",
            &[
                ("company", &a.id),
                ("date", "2099-01-05"),
                ("payout", &hers),
            ],
        )
        .await;
    assert_eq!(file.status, 200, "{}", file.body);
    assert_eq!(
        file.headers["content-type"],
        "text/plain; charset=Shift_JIS"
    );
    let disposition = file.headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"zengin-20990105-"),
        "{disposition}"
    );
    let records: Vec<&str> = file.body.split_terminator("\r\n").collect();
    assert_eq!(records.len(), 4, "header, one transfer, trailer, end");
    // The test browser reads the body as UTF-8; the bytes are Shift_JIS, 120 to a record.
    assert_eq!(
        file.headers["content-length"],
        (4 * 122).to_string().as_str()
    );
    assert!(records[0].starts_with("12101234567890"), "{}", records[0]);
    assert!(records[1].contains("0000060000"));
    assert!(records[2].starts_with("8000001000000060000"));

    let page = b.page("/finance/payouts").await;
    let at =
        page.body.find("/finance/payouts/batches/").unwrap() + "/finance/payouts/batches/".len();
    let batch = page.body[at..at + page.body[at..].find('/').unwrap()].to_string();
    let again = b
        .get(&format!(
            "/finance/payouts/batches/{batch}/file?company={}",
            a.id
        ))
        .await;
    assert_eq!(again.status, 200);
    assert_eq!(again.body, file.body, "the same file again");
    let paid_path = format!("/finance/payouts/batches/{batch}/paid");
    let refused = b.submit(&page, &paid_path, &[("reference", "  ")]).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains(r#"role="alert""#));
    let done = b
        .submit(&page, &paid_path, &[("reference", "MIZUHO-0105")])
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let page = b.page(done.location()).await;
    assert!(page.body.contains("MIZUHO-0105"), "{}", page.body);
    assert!(page.body.contains(r#"role="status""#));
    s.finish().await;
}
