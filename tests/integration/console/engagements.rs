//! The engagements pages driven like a browser: the freelancer delivers and invoices, staff
//! accept, ask for changes and end the contract, all through `/contracts/{id}`; refusals show
//! the API's reason with the input kept; strangers get the not-found page.
use boomerang_tests::TestServer;
use boomerang_tests::flow::{self, Company, Person};
use serde_json::json;

use super::browser::Browser;

/// Company A, an alumna and an ACTIVE contract of two milestones (¥100,000 and ¥180,000).
struct Setup {
    a: Company,
    alumna: Person,
    contract: String,
    milestones: Vec<String>,
}

async fn setup(s: &TestServer) -> Setup {
    let a = flow::company(s, "acme").await;
    let alumna = flow::alumnus(s, &a, "hanako@alumni.example").await;
    let project = flow::publish(s, &a.member, &a.id, "280000", "JPY", "COMPANY_ALUMNI").await;
    let bid = flow::bid_with_milestones(s, &alumna, &project, &["100000", "180000"]).await;
    let contract = flow::accept(s, &a.member, &bid).await;
    let milestones = flow::milestone_ids(s, &alumna, &contract).await;
    Setup {
        a,
        alumna,
        contract,
        milestones,
    }
}

async fn milestone_status(s: &TestServer, by: &Person, contract: &str, n: usize) -> String {
    let data = s
        .ok(by.token(), flow::MILESTONES, json!({ "id": contract }))
        .await;
    data["contract"]["milestones"][n]["status"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn delivery_acceptance_and_invoice_through_the_contract_page() {
    let s = TestServer::start().await;
    let t = setup(&s).await;
    let path = format!("/contracts/{}", t.contract);
    let m1 = &t.milestones[0];

    let mut alumna = Browser::new(&s, "ja");
    alumna.use_session(&t.alumna.token);
    let work = alumna.page("/work").await;
    assert!(work.body.contains("稼働状況"), "{}", work.body);
    assert!(
        work.body.contains(&path),
        "the contract is linked: {}",
        work.body
    );
    assert!(work.body.contains("¥280,000"), "{}", work.body);

    let page = alumna.page(&path).await;
    assert!(page.body.contains(&format!("/milestones/{m1}/delivery")));
    let done = alumna
        .submit(
            &page,
            &format!("/milestones/{m1}/delivery"),
            &[
                ("note", "分析レポートを納品します。"),
                (
                    "links",
                    "https://drive.example.jp/churn\n\nhttps://drive.example.jp/notebook",
                ),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), format!("{path}?done=delivered"));
    let page = alumna.page(done.location()).await;
    assert!(page.body.contains("納品しました"), "{}", page.body);
    assert!(page.body.contains("https://drive.example.jp/notebook"));
    assert_eq!(
        milestone_status(&s, &t.alumna, &t.contract, 0).await,
        "SUBMITTED"
    );

    let mut staff = Browser::new(&s, "en");
    staff.use_session(&t.a.member.token);
    let page = staff.page(&path).await;
    assert!(page.body.contains("Awaiting review"), "{}", page.body);
    let accepted = staff
        .submit(&page, &format!("/milestones/{m1}/accept"), &[])
        .await;
    assert_eq!(accepted.status, 303, "{}", accepted.body);
    let page = staff.page(accepted.location()).await;
    assert!(page.body.contains("Delivery accepted."), "{}", page.body);
    // The history holds the milestone's steps too, in words.
    assert!(page.body.contains("<td>Delivered<br>"), "{}", page.body);
    assert!(
        page.body.contains("Awaiting review → Accepted"),
        "{}",
        page.body
    );
    assert_eq!(
        milestone_status(&s, &t.alumna, &t.contract, 0).await,
        "ACCEPTED"
    );

    // The invoice form of the accepted milestone comes with its amount.
    let page = alumna.page(&path).await;
    let action = format!("/contracts/{}/invoices", t.contract);
    assert!(page.body.contains(&action), "{}", page.body);
    assert!(page.body.contains(r#"value="100000""#), "{}", page.body);
    let too_much = alumna
        .submit(
            &page,
            &action,
            &[
                ("milestone", m1),
                ("currency", "JPY"),
                ("amount", "150000"),
                ("description", "第1回 分析"),
            ],
        )
        .await;
    assert_eq!(too_much.status, 400, "{}", too_much.body);
    assert!(too_much.body.contains(r#"role="alert""#));
    assert!(too_much.body.contains(r#"value="150000""#), "input kept");
    let invoiced = alumna
        .submit(
            &too_much,
            &action,
            &[
                ("milestone", m1),
                ("currency", "JPY"),
                ("amount", "100000"),
                ("description", "第1回 分析"),
            ],
        )
        .await;
    assert_eq!(invoiced.status, 303, "{}", invoiced.body);
    let page = alumna.page(invoiced.location()).await;
    assert!(page.body.contains("請求書を提出しました"), "{}", page.body);
    assert!(page.body.contains("承認待ち"), "{}", page.body);
    assert!(!page.body.contains(&action), "nothing is left to invoice");
    let work = alumna.page("/work").await;
    assert!(work.body.contains("第1回 分析"), "{}", work.body);
    // Both pages show the payment due date as Japanese writes a date.
    let due = s
        .ok(
            t.alumna.token(),
            "{ invoices { nodes { paymentDueDate } } }",
            json!({}),
        )
        .await["invoices"]["nodes"][0]["paymentDueDate"]
        .as_str()
        .unwrap()
        .to_string();
    let date = chrono::NaiveDate::parse_from_str(&due, "%Y-%m-%d").unwrap();
    let written = date.format("%Y年%-m月%-d日").to_string();
    assert!(work.body.contains("支払期日"), "{}", work.body);
    assert!(work.body.contains(&written), "{written} in {}", work.body);
    assert!(page.body.contains(&written), "{written} in {}", page.body);
    s.finish().await;
}

#[tokio::test]
async fn request_changes_needs_a_reason_and_the_freelancer_gets_no_staff_buttons() {
    let s = TestServer::start().await;
    let t = setup(&s).await;
    let path = format!("/contracts/{}", t.contract);
    let m1 = &t.milestones[0];
    flow::deliver(&s, &t.alumna, m1).await;

    let mut staff = Browser::new(&s, "en");
    staff.use_session(&t.a.member.token);
    let page = staff.page(&path).await;
    let changes = format!("/milestones/{m1}/changes");
    assert!(page.body.contains(&changes));
    let refused = staff.submit(&page, &changes, &[("reason", "   ")]).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains(r#"role="alert""#), "{}", refused.body);
    assert!(
        refused.body.contains("must not be empty"),
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains(r#"<textarea name="reason" required>   </textarea>"#)
    );
    assert_eq!(
        milestone_status(&s, &t.alumna, &t.contract, 0).await,
        "SUBMITTED"
    );
    let asked = staff
        .submit(
            &refused,
            &changes,
            &[("reason", "Please add the 2025 data.")],
        )
        .await;
    assert_eq!(asked.status, 303, "{}", asked.body);
    let page = staff.page(asked.location()).await;
    assert!(page.body.contains("Please add the 2025 data."));
    assert_eq!(
        milestone_status(&s, &t.alumna, &t.contract, 0).await,
        "CHANGES_REQUESTED"
    );

    // The freelancer sees neither accept nor request-changes, and posting them is refused.
    flow::deliver(&s, &t.alumna, m1).await;
    let mut alumna = Browser::new(&s, "en");
    alumna.use_session(&t.alumna.token);
    let page = alumna.page(&path).await;
    let accept = format!("/milestones/{m1}/accept");
    assert!(!page.body.contains(&accept), "{}", page.body);
    assert!(!page.body.contains(&changes));
    let refused = alumna.submit(&page, &accept, &[]).await;
    assert_ne!(refused.status, 303, "{}", refused.body);
    assert!(refused.body.contains(r#"role="alert""#), "{}", refused.body);
    assert_eq!(
        milestone_status(&s, &t.alumna, &t.contract, 0).await,
        "SUBMITTED"
    );
    s.finish().await;
}

#[tokio::test]
async fn staff_end_the_contract_through_the_page_after_confirming() {
    let s = TestServer::start().await;
    let t = setup(&s).await;
    let path = format!("/contracts/{}", t.contract);
    let end = format!("{path}/end");

    let mut staff = Browser::new(&s, "ja");
    staff.use_session(&t.a.admin.token);
    let page = staff.page(&path).await;
    assert!(page.body.contains(&end));
    let unconfirmed = staff
        .submit(&page, &end, &[("reason", "予算が凍結されました。")])
        .await;
    assert_eq!(unconfirmed.status, 400, "{}", unconfirmed.body);
    assert!(
        unconfirmed.body.contains("確認のチェック"),
        "{}",
        unconfirmed.body
    );
    assert!(
        unconfirmed.body.contains("予算が凍結されました。"),
        "input kept"
    );
    let ended = staff
        .submit(
            &unconfirmed,
            &end,
            &[("reason", "予算が凍結されました。"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(ended.status, 303, "{}", ended.body);
    let page = staff.page(ended.location()).await;
    assert!(page.body.contains("契約を終了しました"), "{}", page.body);
    assert!(page.body.contains("予算が凍結されました。"));
    assert!(page.body.contains("取消"), "nothing accepted: cancelled");
    assert!(
        !page.body.contains(&end),
        "an ended contract cannot be ended again"
    );
    s.finish().await;
}

#[tokio::test]
async fn strangers_and_other_companies_get_the_not_found_page() {
    let s = TestServer::start().await;
    let t = setup(&s).await;
    let path = format!("/contracts/{}", t.contract);
    let other = flow::company(&s, "globex").await;
    let stranger = flow::sign_up(&s, "stranger@example.jp").await;

    for who in [&other.admin, &stranger] {
        let mut b = Browser::new(&s, "en");
        b.use_session(&who.token);
        let page = b.get(&path).await;
        assert_eq!(page.status, 404, "{}", page.body);
        let list = b.page("/contracts").await;
        assert!(!list.body.contains(&path), "{}", list.body);
        let m1 = &t.milestones[0];
        let refused = b
            .submit(
                &list,
                &format!("/milestones/{m1}/delivery"),
                &[("note", "x")],
            )
            .await;
        assert_eq!(refused.status, 404, "{}", refused.body);
        let refused = b
            .submit(
                &list,
                &format!("{path}/end"),
                &[("reason", "x"), ("confirm", "yes")],
            )
            .await;
        assert_eq!(refused.status, 404, "{}", refused.body);
    }
    let mut b = Browser::new(&s, "en");
    b.use_session(&t.alumna.token);
    assert_eq!(b.get("/contracts/not-an-id").await.status, 404);
    assert_eq!(b.get("/contracts/UHJvamVjdDox").await.status, 404);
    assert_eq!(
        milestone_status(&s, &t.alumna, &t.contract, 0).await,
        "ACTIVE"
    );
    s.finish().await;
}

#[tokio::test]
async fn both_sides_review_through_the_page_once_the_contract_can_be_reviewed() {
    let s = TestServer::start().await;
    let t = setup(&s).await;
    let path = format!("/contracts/{}", t.contract);
    let reviews = format!("{path}/reviews");
    flow::deliver(&s, &t.alumna, &t.milestones[0]).await;
    flow::accept_delivery(&s, &t.a.member, &t.milestones[0]).await;

    let mut alumna = Browser::new(&s, "en");
    alumna.use_session(&t.alumna.token);
    let page = alumna.page(&path).await;
    assert!(!page.body.contains(&reviews), "not reviewable while active");

    // Ended after accepted work: reviewable by both sides.
    let mut staff = Browser::new(&s, "en");
    staff.use_session(&t.a.member.token);
    let page = staff.page(&path).await;
    let ended = staff
        .submit(
            &page,
            &format!("{path}/end"),
            &[("reason", "Scope cut."), ("confirm", "yes")],
        )
        .await;
    assert_eq!(ended.status, 303, "{}", ended.body);

    let page = alumna.page(&path).await;
    assert!(page.body.contains(&reviews), "{}", page.body);
    assert!(
        !page.body.contains("would_rehire"),
        "the company's question only"
    );
    let refused = alumna
        .submit(
            &page,
            &reviews,
            &[("rating", "9"), ("comment", "Clear brief.")],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains("Clear brief."), "input kept");
    let done = alumna
        .submit(
            &refused,
            &reviews,
            &[("rating", "5"), ("comment", "Clear brief.")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let page = alumna.page(done.location()).await;
    assert!(page.body.contains("Review submitted"), "{}", page.body);
    assert!(!page.body.contains(&reviews), "once per side");

    let page = staff.page(&path).await;
    assert!(page.body.contains("would_rehire"), "{}", page.body);
    let done = staff
        .submit(
            &page,
            &reviews,
            &[
                ("rating", "4"),
                ("comment", "Solid work."),
                ("would_rehire", "yes"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let page = staff.page(&path).await;
    assert!(page.body.contains("Solid work.") && page.body.contains("Clear brief."));
    assert!(
        page.body.contains("Would hire again"),
        "staff see their private answer"
    );
    let page = alumna.page(&path).await;
    assert!(
        page.body.contains("Solid work."),
        "both reviewed: both visible"
    );
    assert!(
        !page.body.contains("Would hire again"),
        "private to the company"
    );
    s.finish().await;
}
