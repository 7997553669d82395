//! The marketplace pages driven like a browser: browsing with filters, a bid with milestones
//! placed through the form (and a refused one that keeps its input), staff comparing bids and
//! accepting or rejecting them, the bidder's own bids, the company dashboard, and other
//! tenants' ids answering "not found". Also the API the pages needed: `User.bids`,
//! `Project.bidCount`, `ProjectFilter.text`.
use boomerang_tests::TestServer;
use boomerang_tests::flow::{self, PUBLISH, Person, project_input};
use serde_json::json;

use super::browser::Browser;

/// Publishes a project with its own title, category and skills; its id.
async fn publish_as(
    s: &TestServer,
    by: &Person,
    company_id: &str,
    title: &str,
    category: &str,
    skills: &[&str],
) -> String {
    let mut input = project_input(company_id, "300000", "JPY", "COMPANY_ALUMNI");
    input["input"]["title"] = json!(title);
    input["input"]["category"] = json!(category);
    input["input"]["skills"] = json!(skills);
    let data = s.ok(by.token(), PUBLISH, input).await;
    data["publishProject"]["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn browsing_filters_by_category_skill_company_and_words() {
    let s = TestServer::start().await;
    let a = flow::company(&s, "mkta").await;
    let b = flow::company(&s, "mktb").await;
    let alumna = flow::alumnus(&s, &a, "hana@alumni.example").await;
    flow::add_alumni(&s, &b, &[&alumna.email]).await;
    publish_as(
        &s,
        &a.member,
        &a.id,
        "Churn model for savings",
        "DATA_ANALYSIS",
        &["SQL"],
    )
    .await;
    publish_as(
        &s,
        &a.member,
        &a.id,
        "Spring campaign copy",
        "MARKETING",
        &["Copywriting"],
    )
    .await;
    publish_as(
        &s,
        &b.member,
        &b.id,
        "Store footfall dashboard",
        "DATA_ANALYSIS",
        &["Tableau"],
    )
    .await;

    let mut br = Browser::new(&s, "en");
    br.use_session(&alumna.token);
    let all = br.page("/projects").await;
    for title in [
        "Churn model for savings",
        "Spring campaign copy",
        "Store footfall dashboard",
    ] {
        assert!(all.body.contains(title), "{title} in {}", all.body);
    }
    assert!(all.body.contains("¥300,000"), "{}", all.body);

    let shown = |body: &str| {
        [
            "Churn model for savings",
            "Spring campaign copy",
            "Store footfall dashboard",
        ]
        .iter()
        .filter(|t| body.contains(**t))
        .count()
    };
    let marketing = br.page("/projects?category=MARKETING").await;
    assert!(marketing.body.contains("Spring campaign copy"));
    assert_eq!(shown(&marketing.body), 1, "{}", marketing.body);
    let tableau = br.page("/projects?skill=tableau").await;
    assert!(tableau.body.contains("Store footfall dashboard"));
    assert_eq!(shown(&tableau.body), 1);
    let of_a = br.page(&format!("/projects?company={}", a.id)).await;
    assert_eq!(shown(&of_a.body), 2, "{}", of_a.body);
    assert!(!of_a.body.contains("Store footfall dashboard"));
    let words = br.page("/projects?q=SAVINGS").await;
    assert_eq!(shown(&words.body), 1, "{}", words.body);
    assert!(words.body.contains("Churn model for savings"));
    // The description matches too, and `%` is a character, not a wildcard.
    let description = br.page("/projects?q=two+years").await;
    assert_eq!(shown(&description.body), 3);
    let percent = br.page("/projects?q=%25").await;
    assert_eq!(shown(&percent.body), 0, "{}", percent.body);
    s.finish().await;
}

#[tokio::test]
async fn an_alumna_bids_with_milestones_through_the_form_and_a_refusal_keeps_her_input() {
    let s = TestServer::start().await;
    let a = flow::company(&s, "mktc").await;
    let alumna = flow::alumnus(&s, &a, "rin@alumni.example").await;
    let project = flow::publish(&s, &a.member, &a.id, "300000", "JPY", "COMPANY_ALUMNI").await;

    let mut br = Browser::new(&s, "ja");
    br.use_session(&alumna.token);
    let form = br.page(&format!("/projects/{project}")).await;
    assert!(form.body.contains("この案件に提案する"), "{}", form.body);
    let fields = |second: &'static str| {
        vec![
            ("currency", "JPY"),
            ("amount", "300000"),
            ("delivery_days", "30"),
            ("proposal", "分析基盤の構築経験があります。"),
            ("milestone_title", "要件定義"),
            ("milestone_amount", "100000"),
            ("milestone_due", ""),
            ("milestone_title", "モデル構築"),
            ("milestone_amount", second),
            ("milestone_due", ""),
            ("milestone_title", ""),
            ("milestone_amount", ""),
            ("milestone_due", ""),
        ]
    };
    let refused = br
        .submit(
            &form,
            &format!("/projects/{project}/bids"),
            &fields("150000"),
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains(r#"role="alert""#), "{}", refused.body);
    for kept in ["分析基盤の構築経験があります。", "モデル構築", "150000"] {
        assert!(
            refused.body.contains(kept),
            "{kept} kept in {}",
            refused.body
        );
    }

    let placed = br
        .submit(
            &refused,
            &format!("/projects/{project}/bids"),
            &fields("200000"),
        )
        .await;
    assert_eq!(placed.status, 303, "{}", placed.body);
    let after = br.page(placed.location()).await;
    assert!(
        after.body.contains("提案を送信しました。"),
        "{}",
        after.body
    );
    assert!(after.body.contains("選考中"), "{}", after.body);
    assert!(after.body.contains("モデル構築") && after.body.contains("¥200,000"));
    assert!(!after.body.contains("この案件に提案する"), "no second form");

    let mine = br.page("/bids").await;
    assert!(
        mine.body.contains("Churn analysis for the retail bank"),
        "{}",
        mine.body
    );
    assert!(mine.body.contains("¥300,000") && mine.body.contains("選考中"));

    // Withdrawn from the project page: the bid says so and the form is back.
    let project_page = br.page(&format!("/projects/{project}")).await;
    let withdraw = project_page
        .body
        .split("action=\"/bids/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a withdraw form")
        .to_string();
    let withdrawn = br
        .submit(&project_page, &format!("/bids/{withdraw}"), &[])
        .await;
    assert_eq!(withdrawn.status, 303, "{}", withdrawn.body);
    let after = br.page(withdrawn.location()).await;
    assert!(after.body.contains("提案を取り下げました。") && after.body.contains("取り下げ済み"));
    assert!(after.body.contains("この案件に提案する"), "{}", after.body);
    s.finish().await;
}

#[tokio::test]
async fn staff_compare_bids_accept_into_a_contract_and_reject_with_a_reason_the_bidder_sees() {
    let s = TestServer::start().await;
    let a = flow::company(&s, "mktd").await;
    let winner = flow::alumnus(&s, &a, "win@alumni.example").await;
    let loser = flow::alumnus(&s, &a, "lose@alumni.example").await;
    let project = flow::publish(&s, &a.member, &a.id, "300000", "JPY", "COMPANY_ALUMNI").await;
    let first = flow::bid_with_milestones(&s, &winner, &project, &["100000", "200000"]).await;
    flow::bid(&s, &loser, &project, "280000", "JPY").await;
    let other = flow::publish(&s, &a.member, &a.id, "100000", "JPY", "COMPANY_ALUMNI").await;
    let rejected = flow::bid(&s, &loser, &other, "90000", "JPY").await;

    let mut staff = Browser::new(&s, "en");
    staff.use_session(&a.member.token);
    let dashboard = staff.page(&format!("/companies/{}", a.id)).await;
    assert!(
        dashboard.body.contains("Open projects"),
        "{}",
        dashboard.body
    );
    assert!(
        dashboard
            .body
            .contains(&format!("/projects/{project}/bids\">2<")),
        "{}",
        dashboard.body
    );
    let companies = staff.page("/companies").await;
    assert!(companies.body.contains(&format!("/companies/{}", a.id)));

    let compare = staff.page(&format!("/projects/{project}/bids")).await;
    assert!(
        compare.body.contains("win") && compare.body.contains("lose"),
        "{}",
        compare.body
    );
    assert!(compare.body.contains("¥280,000"));
    let accepted = staff
        .submit(
            &compare,
            &format!("/bids/{first}/accept"),
            &[("project", &project)],
        )
        .await;
    assert_eq!(accepted.status, 303, "{}", accepted.body);
    assert!(
        accepted.location().starts_with("/contracts/"),
        "{}",
        accepted.location()
    );
    // A delivery on the new contract waits for review on the dashboard.
    let contract = accepted
        .location()
        .trim_start_matches("/contracts/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let milestones = flow::milestone_ids(&s, &a.member, &contract).await;
    flow::deliver(&s, &winner, &milestones[0]).await;
    let dashboard = staff.page(&format!("/companies/{}", a.id)).await;
    assert!(dashboard.body.contains("Deliveries awaiting review"));
    assert!(dashboard.body.contains("Part 1"), "{}", dashboard.body);
    assert!(dashboard.body.contains(&format!("/contracts/{contract}")));

    let refusal = staff.page(&format!("/projects/{other}/bids")).await;
    let empty = staff
        .submit(
            &refusal,
            &format!("/bids/{rejected}/reject"),
            &[("project", &other), ("reason", "  ")],
        )
        .await;
    assert_eq!(empty.status, 400, "{}", empty.body);
    assert!(empty.body.contains(r#"role="alert""#));
    let done = staff
        .submit(
            &empty,
            &format!("/bids/{rejected}/reject"),
            &[
                ("project", &other),
                ("reason", "We chose a shorter schedule."),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);

    let mut bidder = Browser::new(&s, "en");
    bidder.use_session(&loser.token);
    let mine = bidder.page("/bids").await;
    assert!(
        mine.body.contains("We chose a shorter schedule."),
        "{}",
        mine.body
    );
    assert!(mine.body.contains("Not selected"));
    let rejected_only = bidder.page("/bids?status=REJECTED").await;
    assert!(rejected_only.body.contains("We chose a shorter schedule."));
    let pending_only = bidder.page("/bids?status=PENDING").await;
    assert!(!pending_only.body.contains("We chose a shorter schedule."));
    s.finish().await;
}

#[tokio::test]
async fn other_tenants_projects_bids_and_dashboards_are_not_found() {
    let s = TestServer::start().await;
    let a = flow::company(&s, "mkte").await;
    let b = flow::company(&s, "mktf").await;
    let alumna = flow::alumnus(&s, &a, "mei@alumni.example").await;
    let project = flow::publish(&s, &a.member, &a.id, "300000", "JPY", "COMPANY_ALUMNI").await;
    flow::bid(&s, &alumna, &project, "300000", "JPY").await;

    let mut stranger = Browser::new(&s, "en");
    stranger.use_session(&b.admin.token);
    for path in [
        format!("/projects/{project}"),
        format!("/projects/{project}/bids"),
        format!("/projects/{project}/edit"),
        format!("/companies/{}", a.id),
        format!("/projects/new?company={}", a.id),
        "/projects/not-an-id".to_string(),
        "/companies/not-an-id".to_string(),
    ] {
        assert_eq!(stranger.get(&path).await.status, 404, "{path}");
    }
    let own = stranger.page(&format!("/companies/{}", b.id)).await;
    assert!(own.body.contains("mktf"));
    // The bidder sees the project but not the staff's comparison.
    let mut bidder = Browser::new(&s, "en");
    bidder.use_session(&alumna.token);
    bidder.page(&format!("/projects/{project}")).await;
    assert_eq!(
        bidder
            .get(&format!("/projects/{project}/bids"))
            .await
            .status,
        404
    );
    assert_eq!(
        bidder.get(&format!("/companies/{}", a.id)).await.status,
        404
    );
    s.finish().await;
}

#[tokio::test]
async fn the_api_lists_my_bids_and_counts_bids_for_staff_only() {
    let s = TestServer::start().await;
    let a = flow::company(&s, "mktg").await;
    let alumna = flow::alumnus(&s, &a, "yui@alumni.example").await;
    let other = flow::alumnus(&s, &a, "sora@alumni.example").await;
    let p1 = flow::publish(&s, &a.member, &a.id, "300000", "JPY", "COMPANY_ALUMNI").await;
    let p2 = flow::publish(&s, &a.member, &a.id, "100000", "JPY", "COMPANY_ALUMNI").await;
    let b1 = flow::bid(&s, &alumna, &p1, "300000", "JPY").await;
    let b2 = flow::bid(&s, &alumna, &p2, "100000", "JPY").await;
    flow::bid(&s, &other, &p1, "250000", "JPY").await;
    s.ok(
        alumna.token(),
        "mutation($id: ID!) { withdrawBid(id: $id) { id } }",
        json!({ "id": b2 }),
    )
    .await;

    const MINE: &str = "query($status: BidStatus, $after: String) { viewer { bids(first: 1, status: $status, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } } }";
    let page1 = s.ok(alumna.token(), MINE, json!({})).await;
    assert_eq!(page1["viewer"]["bids"]["nodes"][0]["id"], json!(b2));
    assert_eq!(
        page1["viewer"]["bids"]["pageInfo"]["hasNextPage"],
        json!(true)
    );
    let cursor = page1["viewer"]["bids"]["pageInfo"]["endCursor"].clone();
    let page2 = s.ok(alumna.token(), MINE, json!({ "after": cursor })).await;
    assert_eq!(page2["viewer"]["bids"]["nodes"], json!([{ "id": b1 }]));
    assert_eq!(
        page2["viewer"]["bids"]["pageInfo"]["hasNextPage"],
        json!(false)
    );
    let pending = s
        .ok(alumna.token(), MINE, json!({ "status": "PENDING" }))
        .await;
    assert_eq!(pending["viewer"]["bids"]["nodes"], json!([{ "id": b1 }]));
    let staff_own = s.ok(a.member.token(), MINE, json!({})).await;
    assert_eq!(staff_own["viewer"]["bids"]["nodes"], json!([]));

    const COUNTS: &str = "{ projects(first: 10) { nodes { id bidCount } } }";
    let staff = s.ok(a.member.token(), COUNTS, json!({})).await;
    let count_of = |data: &serde_json::Value, id: &str| {
        data["projects"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == json!(id))
            .map(|n| n["bidCount"].clone())
            .unwrap()
    };
    assert_eq!(count_of(&staff, &p1), json!(2));
    assert_eq!(count_of(&staff, &p2), json!(1));
    let seen = s.ok(alumna.token(), COUNTS, json!({})).await;
    assert_eq!(count_of(&seen, &p1), json!(null));
    s.finish().await;
}

#[tokio::test]
async fn staff_publish_edit_and_close_a_project_through_the_forms() {
    let s = TestServer::start().await;
    let a = flow::company(&s, "mkth").await;
    let mut staff = Browser::new(&s, "ja");
    staff.use_session(&a.member.token);
    let form = staff.page(&format!("/projects/new?company={}", a.id)).await;
    let fields = |budget: &'static str| {
        vec![
            ("company", a.id.as_str()),
            ("title", "店舗来店分析ダッシュボード"),
            ("description", "来店データを可視化します。"),
            ("category", "DATA_ANALYSIS"),
            ("skills", "SQL、Tableau"),
            ("budget", budget),
            ("currency", "JPY"),
            ("deadline", "2099-03-31"),
            ("visibility", "ALL_ALUMNI"),
        ]
    };
    let refused = staff.submit(&form, "/projects/new", &fields("-5")).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains(r#"role="alert""#));
    assert!(
        refused.body.contains("店舗来店分析ダッシュボード")
            && refused.body.contains("SQL、Tableau")
    );
    let done = staff
        .submit(&refused, "/projects/new", &fields("450000"))
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let shown = staff.page(done.location()).await;
    assert!(
        shown.body.contains("案件を掲載しました。"),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("¥450,000") && shown.body.contains("sql, tableau"));
    assert!(
        shown.body.contains("2099年3月31日"),
        "deadline in Tokyo: {}",
        shown.body
    );
    let id = done
        .location()
        .trim_start_matches("/projects/")
        .split('?')
        .next()
        .unwrap()
        .to_string();

    let edit = staff.page(&format!("/projects/{id}/edit")).await;
    assert!(edit.body.contains(r#"value="2099-03-31""#), "{}", edit.body);
    let saved = staff
        .submit(
            &edit,
            &format!("/projects/{id}/edit"),
            &[
                ("title", "来店分析ダッシュボード（改訂）"),
                ("description", "来店データを可視化します。"),
                ("skills", "SQL"),
                ("budget", "500000"),
                ("currency", "JPY"),
                ("deadline", ""),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let after = staff.page(saved.location()).await;
    assert!(
        after.body.contains("来店分析ダッシュボード（改訂）") && after.body.contains("¥500,000")
    );
    let closed = staff
        .submit(&after, &format!("/projects/{id}/close"), &[])
        .await;
    assert_eq!(closed.status, 303);
    let after = staff.page(closed.location()).await;
    assert!(after.body.contains("募集を終了しました。") && after.body.contains("募集終了"));
    s.finish().await;
}
