//! Company news and boomerang rehire (issue 13 §4, §5), on both databases: Markdown stored and
//! rendered inert; NEWS and REHIRE consent each governing only their own reads; applications
//! moved along their path with concurrent moves won by exactly one; rehire metrics on a seeded
//! history with known medians.
use boomerang_tests::flow::*;
use boomerang_tests::{TestServer, error_code};
use futures::future::join_all;
use serde_json::{Value, json};

pub const GRANT: &str = "mutation($c: ID!, $p: ConsentPurpose!) { grantConsent(input: { companyId: $c, purpose: $p }) { id } }";
const WITHDRAW: &str = "mutation($c: ID!, $p: ConsentPurpose!) { withdrawConsent(input: { companyId: $c, purpose: $p }) { id } }";
pub const POST: &str = "mutation($input: PostNewsInput!) { postNews(input: $input) { id title body bodyHtml pinned category } }";
const NEWS: &str = "query($c: ID!, $first: Int, $after: String) { news(companyId: $c, first: $first, after: $after) { edges { cursor node { id title pinned } } pageInfo { hasNextPage } } }";
const POST_READ: &str = "query($id: ID!) { newsPost(id: $id) { id bodyHtml readerCount } }";
pub const PUBLISH: &str =
    "mutation($input: PublishOpeningInput!) { publishOpening(input: $input) { id status } }";
const OPENINGS: &str =
    "query($c: ID!) { openings(companyId: $c) { edges { node { id title status } } } }";
pub const APPLY: &str = "mutation($o: ID!, $note: String) { applyToOpening(input: { openingId: $o, note: $note }) { id status } }";
pub const MOVE: &str = "mutation($a: ID!, $to: ApplicationStatus!) { moveApplication(input: { applicationId: $a, to: $to }) { id status } }";
const WITHDRAW_APP: &str = "mutation($a: ID!) { withdrawApplication(id: $a) { id status } }";
const METRICS: &str = "query($c: ID!, $from: NaiveDate!, $to: NaiveDate!) { rehireMetrics(companyId: $c, from: $from, to: $to) { applications hires medianDaysToHire medianDaysLeavingToRejoining openings { applications hires opening { title } } } }";

pub fn news_input(company: &str, title: &str, body: &str, pinned: bool) -> Value {
    json!({ "input": { "companyId": company, "title": title, "body": body, "category": "BUSINESS", "pinned": pinned } })
}

pub fn opening_input(company: &str, title: &str) -> Value {
    json!({ "input": { "companyId": company, "title": title, "department": "監査部", "employmentType": "FULL_TIME", "location": "東京", "remote": true, "description": "経験者採用です。" } })
}

async fn consenting(s: &TestServer, a: &Company, email: &str, purposes: &[&str]) -> Person {
    let her = alumnus(s, a, email).await;
    for p in purposes {
        s.ok(her.token(), GRANT, json!({ "c": a.id, "p": p })).await;
    }
    her
}

fn titles(news: &Value) -> Vec<String> {
    news["news"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn news_renders_inert_and_follows_the_news_consent_alone() {
    let s = TestServer::start().await;
    let a = company(&s, "newsacme").await;
    let her = consenting(&s, &a, "hanako@news-alumni.example", &["NEWS", "REHIRE"]).await;
    let silent = alumnus(&s, &a, "taro@news-alumni.example").await;
    let outsider = sign_up(&s, "out@news.example").await;

    let body = "# 決算\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[click](javascript:alert(3)) [site](https://example.jp/)";
    let posted = s
        .ok(
            a.member.token(),
            POST,
            news_input(&a.id, "第1四半期決算", body, false),
        )
        .await;
    let p = &posted["postNews"];
    assert_eq!(p["body"], body, "the source is kept as written");
    let html = p["bodyHtml"].as_str().unwrap();
    assert!(
        !html.contains("<script") && !html.contains("<img"),
        "{html}"
    );
    assert!(!html.to_lowercase().contains("javascript:"), "{html}");
    assert!(
        html.contains("rel=\"noopener noreferrer nofollow\""),
        "{html}"
    );
    let first = p["id"].as_str().unwrap().to_string();
    // A second post, pinned, and a third: pinned first, then newest first.
    s.ok(
        a.admin.token(),
        POST,
        news_input(&a.id, "ピン留め", "重要", true),
    )
    .await;
    s.ok(
        a.member.token(),
        POST,
        news_input(&a.id, "新着", "本文", false),
    )
    .await;
    // Only the consenting alumna was notified, once per post.
    let notified = s
        .sql_i64("SELECT COUNT(*) FROM notifications WHERE kind = 'news.posted'")
        .await;
    assert_eq!(notified, 3);

    let seen = s.ok(her.token(), NEWS, json!({ "c": a.id })).await;
    assert_eq!(titles(&seen), ["ピン留め", "新着", "第1四半期決算"]);
    // Pages continue in the same order.
    let page1 = s
        .ok(her.token(), NEWS, json!({ "c": a.id, "first": 2 }))
        .await;
    assert_eq!(titles(&page1), ["ピン留め", "新着"]);
    assert_eq!(page1["news"]["pageInfo"]["hasNextPage"], true);
    let cursor = page1["news"]["edges"][1]["cursor"].as_str().unwrap();
    let page2 = s
        .ok(
            her.token(),
            NEWS,
            json!({ "c": a.id, "first": 2, "after": cursor }),
        )
        .await;
    assert_eq!(titles(&page2), ["第1四半期決算"]);

    // Reading counts her once; only staff see the count, and never who.
    let read = s.ok(her.token(), POST_READ, json!({ "id": first })).await;
    assert_eq!(read["newsPost"]["readerCount"], Value::Null);
    s.ok(her.token(), POST_READ, json!({ "id": first })).await;
    let staff = s
        .ok(a.finance.token(), POST_READ, json!({ "id": first }))
        .await;
    assert_eq!(staff["newsPost"]["readerCount"], 1);

    for who in [&silent, &outsider] {
        let body = s.gql(who.token(), NEWS, json!({ "c": a.id })).await;
        assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"), "{body}");
        let body = s.gql(who.token(), POST_READ, json!({ "id": first })).await;
        assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"), "{body}");
    }

    // Withdrawing NEWS hides the news at once, and not the openings (REHIRE stays).
    s.ok(
        a.member.token(),
        PUBLISH,
        opening_input(&a.id, "監査スタッフ"),
    )
    .await;
    s.ok(her.token(), WITHDRAW, json!({ "c": a.id, "p": "NEWS" }))
        .await;
    let body = s.gql(her.token(), NEWS, json!({ "c": a.id })).await;
    assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"), "{body}");
    let body = s.gql(her.token(), POST_READ, json!({ "id": first })).await;
    assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"), "{body}");
    let openings = s.ok(her.token(), OPENINGS, json!({ "c": a.id })).await;
    assert_eq!(
        openings["openings"]["edges"][0]["node"]["title"],
        "監査スタッフ"
    );
    // A post made now notifies nobody.
    s.ok(
        a.member.token(),
        POST,
        news_input(&a.id, "後の話", "本文", false),
    )
    .await;
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM notifications WHERE kind = 'news.posted'")
            .await,
        3
    );
    // Withdrawing REHIRE hides the openings too.
    s.ok(her.token(), WITHDRAW, json!({ "c": a.id, "p": "REHIRE" }))
        .await;
    let body = s.gql(her.token(), OPENINGS, json!({ "c": a.id })).await;
    assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"), "{body}");

    // Posting is for ADMIN and MEMBER, with fields checked.
    let body = s
        .gql(a.finance.token(), POST, news_input(&a.id, "t", "b", false))
        .await;
    assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body}");
    let body = s
        .gql(a.member.token(), POST, news_input(&a.id, " ", "b", false))
        .await;
    assert_eq!(
        error_code(&body).as_deref(),
        Some("BAD_USER_INPUT"),
        "{body}"
    );
    assert!(body.to_string().contains("title"), "{body}");
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM audit_events WHERE action = 'news.post'")
            .await,
        4
    );
    s.finish().await;
}

#[tokio::test]
async fn an_application_moves_to_hired_and_only_along_its_path() {
    let s = TestServer::start().await;
    let a = company(&s, "rehacme").await;
    let her = consenting(&s, &a, "hanako@reh-alumni.example", &["REHIRE"]).await;
    let no_consent = alumnus(&s, &a, "taro@reh-alumni.example").await;
    let opening = s
        .ok(
            a.member.token(),
            PUBLISH,
            opening_input(&a.id, "監査マネージャー"),
        )
        .await["publishOpening"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM notifications WHERE kind = 'opening.published'")
            .await,
        1
    );
    let body = s
        .gql(no_consent.token(), APPLY, json!({ "o": opening }))
        .await;
    assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"), "{body}");
    let body = s
        .gql(a.member.token(), APPLY, json!({ "o": opening }))
        .await;
    assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body}");

    let app = s
        .ok(
            her.token(),
            APPLY,
            json!({ "o": opening, "note": "戻りたいです" }),
        )
        .await["applyToOpening"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let body = s.gql(her.token(), APPLY, json!({ "o": opening })).await;
    assert_eq!(error_code(&body).as_deref(), Some("CONFLICT"), "{body}");
    // Staff were told (ADMIN and MEMBER).
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM notifications WHERE kind = 'application.received'")
            .await,
        2
    );

    // No skipping, no WITHDRAWN by staff, FINANCE does not move.
    let body = s
        .gql(a.member.token(), MOVE, json!({ "a": app, "to": "OFFER" }))
        .await;
    assert_eq!(error_code(&body).as_deref(), Some("CONFLICT"), "{body}");
    let body = s
        .gql(
            a.member.token(),
            MOVE,
            json!({ "a": app, "to": "WITHDRAWN" }),
        )
        .await;
    assert_eq!(
        error_code(&body).as_deref(),
        Some("BAD_USER_INPUT"),
        "{body}"
    );
    let body = s
        .gql(
            a.finance.token(),
            MOVE,
            json!({ "a": app, "to": "SCREENING" }),
        )
        .await;
    assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body}");
    let body = s
        .gql(her.token(), MOVE, json!({ "a": app, "to": "SCREENING" }))
        .await;
    assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body}");

    for to in ["SCREENING", "INTERVIEW", "OFFER", "HIRED"] {
        let moved = s
            .ok(a.member.token(), MOVE, json!({ "a": app, "to": to }))
            .await;
        assert_eq!(moved["moveApplication"]["status"], to);
    }
    let body = s
        .gql(
            a.member.token(),
            MOVE,
            json!({ "a": app, "to": "DECLINED" }),
        )
        .await;
    assert_eq!(error_code(&body).as_deref(), Some("CONFLICT"), "{body}");
    let body = s.gql(her.token(), WITHDRAW_APP, json!({ "a": app })).await;
    assert_eq!(error_code(&body).as_deref(), Some("CONFLICT"), "{body}");
    let mine = s
        .ok(
            her.token(),
            "{ myApplications { status history { from to } } }",
            json!({}),
        )
        .await;
    let history: Vec<&str> = mine["myApplications"][0]["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["to"].as_str().unwrap())
        .collect();
    assert_eq!(
        history,
        ["APPLIED", "SCREENING", "INTERVIEW", "OFFER", "HIRED"]
    );
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM notifications WHERE kind = 'application.moved'")
            .await,
        4
    );
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM audit_events WHERE object_type = 'Application'")
            .await,
        5
    );

    // She withdraws an application in progress; staff hear of it.
    let second = s
        .ok(
            a.member.token(),
            PUBLISH,
            opening_input(&a.id, "税務スタッフ"),
        )
        .await["publishOpening"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let app2 = s.ok(her.token(), APPLY, json!({ "o": second })).await["applyToOpening"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let body = s
        .gql(a.member.token(), WITHDRAW_APP, json!({ "a": app2 }))
        .await;
    assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body}");
    let w = s.ok(her.token(), WITHDRAW_APP, json!({ "a": app2 })).await;
    assert_eq!(w["withdrawApplication"]["status"], "WITHDRAWN");
    // A closed opening takes no application.
    s.ok(
        a.member.token(),
        "mutation($id: ID!) { closeOpening(id: $id) { status } }",
        json!({ "id": second }),
    )
    .await;
    let other = consenting(&s, &a, "jiro@reh-alumni.example", &["REHIRE"]).await;
    let body = s.gql(other.token(), APPLY, json!({ "o": second })).await;
    assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"), "{body}");
    s.finish().await;
}

fn tally(bodies: &[Value]) -> (usize, usize) {
    let ok = bodies.iter().filter(|b| b.get("errors").is_none()).count();
    let conflicts = bodies
        .iter()
        .filter(|b| error_code(b).as_deref() == Some("CONFLICT"))
        .count();
    (ok, conflicts)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_application_moves_one_wins() {
    let s = TestServer::start().await;
    let a = company(&s, "raceacme").await;
    let her = consenting(&s, &a, "hanako@race-alumni.example", &["REHIRE"]).await;
    let opening = s
        .ok(a.member.token(), PUBLISH, opening_input(&a.id, "監査"))
        .await["publishOpening"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let app = s.ok(her.token(), APPLY, json!({ "o": opening })).await["applyToOpening"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Eight moves to SCREENING at once, from two staff: exactly one wins.
    let bodies = join_all((0..8).map(|i| {
        let who = if i % 2 == 0 { &a.member } else { &a.admin };
        s.gql(who.token(), MOVE, json!({ "a": app, "to": "SCREENING" }))
    }))
    .await;
    assert_eq!(tally(&bodies), (1, 7), "{bodies:#?}");
    // Then eight declines at once: one again.
    let bodies = join_all(
        (0..8).map(|_| s.gql(a.admin.token(), MOVE, json!({ "a": app, "to": "DECLINED" }))),
    )
    .await;
    assert_eq!(tally(&bodies), (1, 7), "{bodies:#?}");
    let moves = s
        .sql_i64("SELECT COUNT(*) FROM application_transitions WHERE from_status IS NOT NULL")
        .await;
    assert_eq!(moves, 2);
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM notifications WHERE kind = 'application.moved'")
            .await,
        2
    );
    // Concurrent applications by the same person: one row.
    let other = s
        .ok(a.member.token(), PUBLISH, opening_input(&a.id, "税務"))
        .await["publishOpening"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let bodies = join_all((0..6).map(|_| s.gql(her.token(), APPLY, json!({ "o": other })))).await;
    assert_eq!(tally(&bodies), (1, 5), "{bodies:#?}");
    s.finish().await;
}

#[tokio::test]
async fn rehire_metrics_on_a_seeded_history() {
    let s = TestServer::start().await;
    let a = company(&s, "metacme").await;
    let o1 = s
        .ok(a.member.token(), PUBLISH, opening_input(&a.id, "監査"))
        .await["publishOpening"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let o2 = s
        .ok(a.member.token(), PUBLISH, opening_input(&a.id, "税務"))
        .await["publishOpening"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Days from application to hire: 10, 40, 20 (odd: median 20), then 31 (even: 25.5).
    let hires = [(1, 10), (2, 40), (3, 20), (4, 31)];
    let mut apps = Vec::new();
    for (i, days) in hires {
        let her = consenting(&s, &a, &format!("m{i}@met-alumni.example"), &["REHIRE"]).await;
        let opening = if i == 4 { &o2 } else { &o1 };
        let app = s.ok(her.token(), APPLY, json!({ "o": opening })).await["applyToOpening"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        apps.push((app, days));
    }
    // One application still in progress, and one made before the period.
    let pending = consenting(&s, &a, "m5@met-alumni.example", &["REHIRE"]).await;
    s.ok(pending.token(), APPLY, json!({ "o": o1 })).await;
    let early = consenting(&s, &a, "m6@met-alumni.example", &["REHIRE"]).await;
    s.ok(early.token(), APPLY, json!({ "o": o2 })).await;
    s.sql("UPDATE applications SET created_at = '2025-06-01 03:00:00+00:00' WHERE id = (SELECT MAX(id) FROM applications)")
        .await;
    s.sql("UPDATE applications SET created_at = '2026-02-01 03:00:00+00:00' WHERE created_at > '2026-01-01 00:00:00+00:00'")
        .await;

    let metrics = |to: &'static str| {
        let s = &s;
        let a = &a;
        async move {
            s.ok(
                a.admin.token(),
                METRICS,
                json!({ "c": a.id, "from": "2026-01-01", "to": to }),
            )
            .await["rehireMetrics"]
                .clone()
        }
    };
    for (app, days) in &apps[..3] {
        for to in ["SCREENING", "INTERVIEW", "OFFER", "HIRED"] {
            s.ok(a.member.token(), MOVE, json!({ "a": app, "to": to }))
                .await;
        }
        let day =
            chrono::NaiveDate::from_ymd_opt(2026, 2, 1).unwrap() + chrono::Duration::days(*days);
        s.sql(&format!(
            "UPDATE application_transitions SET at = '{day} 03:00:00+00:00' WHERE to_status = 'HIRED' AND at > '2026-06-01 00:00:00+00:00'"
        ))
        .await;
    }
    // The roster records when three of them left (m4 has no leaving year): leaving counts from
    // 1 July of the year, hires were on 2026-02-01 + 10, + 40 and + 20 days.
    for (i, year) in [(1, 2025), (2, 2025), (3, 2024)] {
        s.sql(&format!(
            "UPDATE alumni_records SET left_year = {year} WHERE email = 'm{i}@met-alumni.example'"
        ))
        .await;
    }
    let away = |year: i32, days: i64| {
        (chrono::NaiveDate::from_ymd_opt(2026, 2, 1).unwrap() + chrono::Duration::days(days)
            - chrono::NaiveDate::from_ymd_opt(year, 7, 1).unwrap())
        .num_days()
    };
    let mut expected = [away(2025, 10), away(2025, 40), away(2024, 20)];
    expected.sort_unstable();
    let m = metrics("2026-12-31").await;
    assert_eq!(
        m["medianDaysLeavingToRejoining"],
        json!(expected[1] as f64),
        "{m}"
    );
    assert_eq!(m["medianDaysToHire"], 20.0, "{m}");
    assert_eq!(m["applications"], 5, "{m}");
    assert_eq!(m["hires"], 3, "{m}");
    let per: Vec<(String, u64, u64)> = m["openings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["opening"]["title"].as_str().unwrap().to_string(),
                o["applications"].as_u64().unwrap(),
                o["hires"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        per,
        [("監査".to_string(), 4, 3), ("税務".to_string(), 1, 0)]
    );

    let (app, days) = &apps[3];
    for to in ["SCREENING", "INTERVIEW", "OFFER", "HIRED"] {
        s.ok(a.member.token(), MOVE, json!({ "a": app, "to": to }))
            .await;
    }
    let day = chrono::NaiveDate::from_ymd_opt(2026, 2, 1).unwrap() + chrono::Duration::days(*days);
    s.sql(&format!(
        "UPDATE application_transitions SET at = '{day} 03:00:00+00:00' WHERE to_status = 'HIRED' AND at > '2026-06-01 00:00:00+00:00'"
    ))
    .await;
    let m = metrics("2026-12-31").await;
    assert_eq!(m["medianDaysToHire"], 25.5, "{m}");
    assert_eq!(m["hires"], 4, "{m}");
    // A period ending before the later hires counts the hires of 2026-02-11 and 02-21 only.
    let m = metrics("2026-02-28").await;
    assert_eq!(m["medianDaysToHire"], 15.0, "{m}");
    let m = metrics("2026-02-15").await;
    assert_eq!(m["medianDaysToHire"], 10.0, "{m}");

    let body = s
        .gql(
            a.finance.token(),
            METRICS,
            json!({ "c": a.id, "from": "2026-01-01", "to": "2026-12-31" }),
        )
        .await;
    assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body}");
    let body = s
        .gql(
            a.admin.token(),
            METRICS,
            json!({ "c": a.id, "from": "2026-12-31", "to": "2026-01-01" }),
        )
        .await;
    assert_eq!(
        error_code(&body).as_deref(),
        Some("BAD_USER_INPUT"),
        "{body}"
    );
    s.finish().await;
}

/// The authorization matrix's objects: alumA consents to NEWS and REHIRE at company A and has
/// applied to an opening; another opening to close, a third with an application to withdraw.
pub async fn matrix_world(
    s: &TestServer,
    a: &Company,
    alum_a: &Person,
) -> Vec<(&'static str, String)> {
    for p in ["NEWS", "REHIRE"] {
        s.ok(alum_a.token(), GRANT, json!({ "c": a.id, "p": p }))
            .await;
    }
    let id = |v: &Value, k: &str| v[k]["id"].as_str().unwrap().to_string();
    let post = s
        .ok(
            a.member.token(),
            POST,
            news_input(&a.id, "News", "Body", false),
        )
        .await;
    let opening = s
        .ok(a.member.token(), PUBLISH, opening_input(&a.id, "O"))
        .await;
    let opening = id(&opening, "publishOpening");
    let application = s.ok(alum_a.token(), APPLY, json!({ "o": opening })).await;
    let closable = s
        .ok(a.member.token(), PUBLISH, opening_input(&a.id, "C"))
        .await;
    let withdrawable = s
        .ok(a.member.token(), PUBLISH, opening_input(&a.id, "W"))
        .await;
    let withdrawable = id(&withdrawable, "publishOpening");
    let withdrawable = s
        .ok(alum_a.token(), APPLY, json!({ "o": withdrawable }))
        .await;
    vec![
        ("newsPost", id(&post, "postNews")),
        ("opening", opening),
        ("application", id(&application, "applyToOpening")),
        ("closableOpening", id(&closable, "publishOpening")),
        ("withdrawable", id(&withdrawable, "applyToOpening")),
    ]
}
