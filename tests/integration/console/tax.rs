//! The tax pages driven like a browser: her payee profile (`/work/payee`), the invoice form's
//! tax choices, and the invoice page's qualified-invoice section with finance's per-line
//! withholding decision.
use boomerang_tests::TestServer;
use boomerang_tests::flow::{self, Contracted};
use serde_json::json;

use super::browser::Browser;

/// A DESIGN contract for ¥50,000 with its work accepted.
async fn design_contract(s: &TestServer) -> Contracted {
    let a = flow::company(s, "acme").await;
    let freelancer = flow::alumnus(s, &a, "hanako@alumni.example").await;
    let mut input = flow::project_input(&a.id, "50000", "JPY", "COMPANY_ALUMNI");
    input["input"]["category"] = json!("DESIGN");
    let project = s.ok(a.member.token(), flow::PUBLISH, input).await;
    let project_id = project["publishProject"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let bid = flow::bid(s, &freelancer, &project_id, "50000", "JPY").await;
    let contract_id = flow::accept_with_work_done(s, &a.member, &freelancer, &bid).await;
    Contracted {
        a,
        freelancer,
        project_id,
        contract_id,
    }
}

#[tokio::test]
async fn she_keeps_her_payee_profile_and_a_bad_number_is_shown_with_her_input() {
    let s = TestServer::start().await;
    let c = design_contract(&s).await;
    let mut her = Browser::new(&s, "ja");
    her.use_session(&c.freelancer.token);
    let page = her.page("/work").await;
    assert!(page.body.contains(r#"href="/work/payee""#), "{}", page.body);
    let page = her.page("/work/payee").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("個人（従業員なし）として扱っています"),
        "{}",
        page.body
    );
    assert!(page.body.contains("マイナンバー"), "{}", page.body);

    let bad = her
        .submit(
            &page,
            "/work/payee",
            &[
                ("payeeType", "CORPORATION"),
                ("registrationNumber", "T8123456789012"),
                ("legalName", "株式会社はなこデザイン"),
                ("address", "東京都港区"),
            ],
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains(r#"role="alert""#));
    assert!(bad.body.contains(r#"value="T8123456789012""#), "input kept");
    assert!(bad.body.contains("株式会社はなこデザイン"), "input kept");
    // Without the CSRF field nothing is saved.
    let forged = her
        .post_raw("/work/payee", &[("payeeType", "CORPORATION")])
        .await;
    assert_eq!(forged.status, 403, "{}", forged.body);

    let saved = her
        .submit(
            &bad,
            "/work/payee",
            &[
                ("payeeType", "CORPORATION"),
                ("registrationNumber", "T7000012050002"),
                ("legalName", "株式会社はなこデザイン"),
                ("address", "東京都港区"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let page = her.page(saved.location()).await;
    assert!(page.body.contains("保存しました"), "{}", page.body);
    assert!(page.body.contains(r#"value="T7000012050002""#));
    let me = s
        .ok(
            c.freelancer.token(),
            "{ viewer { payeeProfile { payeeType registrationNumber } } }",
            json!({}),
        )
        .await;
    assert_eq!(me["viewer"]["payeeProfile"]["payeeType"], "CORPORATION");
    s.finish().await;
}

#[tokio::test]
async fn the_invoice_page_shows_the_tax_and_finance_decides_withholding_per_line() {
    let s = TestServer::start().await;
    let c = design_contract(&s).await;
    let contract = format!("/contracts/{}", c.contract_id);
    let mut her = Browser::new(&s, "en");
    her.use_session(&c.freelancer.token);
    let page = her.page(&contract).await;
    assert!(
        page.body.contains(r#"value="separately""#),
        "manual contract: {}",
        page.body
    );
    let milestone = flow::milestone_ids(&s, &c.freelancer, &c.contract_id).await[0].clone();
    let sent = her
        .submit(
            &page,
            &format!("{contract}/invoices"),
            &[
                ("milestone", &milestone),
                ("currency", "JPY"),
                ("amount", "50000"),
                ("description", "Logo design"),
                ("tax", "separately"),
                ("rate", "STANDARD"),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let page = her.page(&contract).await;
    // ¥55,000 billed, ¥5,105 withheld, ¥49,895 paid to her.
    assert!(page.body.contains("¥55,000"), "{}", page.body);
    assert!(
        page.body.contains("Withholding tax ¥5,105"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Paid to you ¥49,895"), "{}", page.body);
    let invoices = s
        .ok(
            c.a.finance.token(),
            "query($id: ID!) { contract(id: $id) { invoices { nodes { id } } } }",
            json!({ "id": c.contract_id }),
        )
        .await;
    let invoice = invoices["contract"]["invoices"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let mut clerk = Browser::new(&s, "ja");
    clerk.use_session(&c.a.finance.token);
    let path = format!("/invoices/{invoice}");
    let page = clerk.page(&path).await;
    for expected in [
        "適格請求書",
        "登録なし",
        "¥55,000",
        "¥5,105",
        "¥49,895",
        "（経過措置により50%）",
        "源泉徴収の対象外にする",
        "振込手数料",
    ] {
        assert!(page.body.contains(expected), "{expected}: {}", page.body);
    }
    let line = s
        .ok(
            c.a.finance.token(),
            "query($id: ID!) { invoice(id: $id) { lines { id } } }",
            json!({ "id": invoice }),
        )
        .await["invoice"]["lines"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let action = format!("{path}/withholding");
    let refused = clerk
        .submit(
            &page,
            &action,
            &[("line", &line), ("subject", "false"), ("reason", "")],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains(r#"role="alert""#));
    let decided = clerk
        .submit(
            &refused,
            &action,
            &[
                ("line", &line),
                ("subject", "false"),
                ("reason", "社内資料の作成で、デザイン料に当たらないため"),
            ],
        )
        .await;
    assert_eq!(decided.status, 303, "{}", decided.body);
    let page = clerk.page(decided.location()).await;
    assert!(page.body.contains("再計算しました"), "{}", page.body);
    assert!(page.body.contains("源泉徴収の対象にする"), "{}", page.body);
    let data = s
        .ok(
            c.a.finance.token(),
            "query($id: ID!) { invoice(id: $id) { withholdingTax { amount } } }",
            json!({ "id": invoice }),
        )
        .await;
    assert_eq!(data["invoice"]["withholdingTax"]["amount"], "0");

    // Staff who are not FINANCE see no decision form; a stranger gets the not-found page.
    let mut member = Browser::new(&s, "ja");
    member.use_session(&c.a.member.token);
    let other = flow::company(&s, "other").await;
    let mut stranger = Browser::new(&s, "ja");
    stranger.use_session(&other.finance.token);
    assert_eq!(stranger.get(&path).await.status, 404);
    let forged = stranger
        .post_raw(
            &action,
            &[("line", &line), ("subject", "true"), ("reason", "x")],
        )
        .await;
    assert!(matches!(forged.status, 403 | 404), "{}", forged.status);
    s.finish().await;
}
