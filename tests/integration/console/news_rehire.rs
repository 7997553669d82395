//! News and rehire pages driven like a browser: staff post news (Markdown shown inert), the
//! consenting alumna reads it on `/news` and applies on `/openings`, staff move her application
//! to HIRED on the board; a refused post keeps its input; CSRF is required; another company's
//! pages are 404; the metrics page counts the hire.
use boomerang_tests::TestServer;
use boomerang_tests::flow::{alumnus, company, sign_up};
use serde_json::json;

use super::browser::Browser;
use crate::news_rehire::{GRANT, PUBLISH, opening_input};

#[tokio::test]
async fn news_and_an_application_to_hired_through_the_pages() {
    let s = TestServer::start().await;
    let a = company(&s, "cnracme").await;
    let other = company(&s, "cnrbank").await;
    let her = alumnus(&s, &a, "hanako@cnr-alumni.example").await;
    let silent = alumnus(&s, &a, "taro@cnr-alumni.example").await;
    for p in ["NEWS", "REHIRE"] {
        s.ok(her.token(), GRANT, json!({ "c": a.id, "p": p })).await;
    }
    let base = format!("/companies/{}", a.id);

    let mut staff = Browser::new(&s, "ja");
    staff.use_session(&a.member.token);
    let form = staff.page(&format!("{base}/news")).await;
    assert!(form.body.contains("お知らせを掲載する"), "{}", form.body);
    // Without the CSRF token: refused.
    let forged = staff
        .post_raw(&format!("{base}/news"), &[("title", "x"), ("body", "y")])
        .await;
    assert_eq!(forged.status, 403, "{}", forged.body);
    // A refusal keeps the input.
    let refused = staff
        .submit(
            &form,
            &format!("{base}/news"),
            &[
                ("title", " "),
                ("body", "下書きの本文"),
                ("category", "BUSINESS"),
            ],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains(r#"role="alert""#));
    assert!(refused.body.contains("下書きの本文"));
    let posted = staff
        .submit(
            &form,
            &format!("{base}/news"),
            &[
                ("title", "新オフィス開設"),
                (
                    "body",
                    "**大阪**に開設します <script>alert(1)</script> [x](javascript:alert(2))",
                ),
                ("category", "BUSINESS"),
                ("pinned", "on"),
            ],
        )
        .await;
    assert_eq!(posted.status, 303, "{}", posted.body);
    let list = staff.get(posted.location()).await;
    assert!(list.body.contains("お知らせを掲載しました"));
    assert!(list.body.contains("既読 0 名"), "{}", list.body);

    // She reads it, rendered and inert; the alumna without consent sees none.
    let mut reader = Browser::new(&s, "ja");
    reader.use_session(&her.token);
    let news = reader.page("/news").await;
    assert!(news.body.contains("新オフィス開設"));
    assert!(news.body.contains("<strong>大阪</strong>"), "{}", news.body);
    assert!(!news.body.contains("<script>alert"), "{}", news.body);
    assert!(!news.body.contains("javascript:"), "{}", news.body);
    let mut other_reader = Browser::new(&s, "en");
    other_reader.use_session(&silent.token);
    let none = other_reader.page("/news").await;
    assert!(!none.body.contains("新オフィス開設"));
    assert!(none.body.contains("You have not agreed"), "{}", none.body);

    // Staff publish an opening through the form; she applies on /openings.
    let openings = staff.page(&format!("{base}/openings")).await;
    let published = staff
        .submit(
            &openings,
            &format!("{base}/openings"),
            &[
                ("title", "監査シニア"),
                ("department", "監査部"),
                ("employment_type", "FULL_TIME"),
                ("location", "東京"),
                ("remote", "on"),
                ("description", "経験者歓迎"),
            ],
        )
        .await;
    assert_eq!(published.status, 303, "{}", published.body);
    s.ok(a.member.token(), PUBLISH, opening_input(&a.id, "税務"))
        .await;
    let mine = reader.page("/openings").await;
    assert!(mine.body.contains("監査シニア"));
    let opening_id = s
        .ok(
            her.token(),
            "query($c: ID!) { openings(companyId: $c) { edges { node { id title } } } }",
            json!({ "c": a.id }),
        )
        .await["openings"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["title"] == "監査シニア")
        .unwrap()["node"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let applied = reader
        .submit(
            &mine,
            "/openings/apply",
            &[("opening", &opening_id), ("note", "よろしくお願いします")],
        )
        .await;
    assert_eq!(applied.status, 303, "{}", applied.body);
    let mine = reader.get(applied.location()).await;
    assert!(mine.body.contains("応募しました"));
    assert!(mine.body.contains("応募済み"));
    // Applying twice: refused on the page.
    let twice = reader
        .submit(&mine, "/openings/apply", &[("opening", &opening_id)])
        .await;
    assert_eq!(twice.status, 400, "{}", twice.body);
    assert!(twice.body.contains(r#"role="alert""#));

    // Staff move her along the board to HIRED.
    let application = s
        .ok(her.token(), "{ myApplications { id } }", json!({}))
        .await["myApplications"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    for to in ["SCREENING", "INTERVIEW", "OFFER", "HIRED"] {
        let board = staff.page(&format!("{base}/openings")).await;
        assert!(
            board.body.contains(&format!(r#"value="{to}""#)),
            "{to}: {}",
            board.body
        );
        let moved = staff
            .submit(
                &board,
                &format!("{base}/applications/move"),
                &[("application", &application), ("to", to)],
            )
            .await;
        assert_eq!(moved.status, 303, "{}", moved.body);
    }
    let board = staff.page(&format!("{base}/openings?done=moved")).await;
    assert!(board.body.contains("選考状況を更新しました"));
    assert!(board.body.contains("採用"));
    let mine = reader.page("/openings").await;
    assert!(mine.body.contains("採用"), "{}", mine.body);
    assert!(!mine.body.contains("応募を取り下げる"), "{}", mine.body);

    let metrics = staff
        .page(&format!(
            "{base}/rehire-metrics?from=2026-01-01&to=2027-12-31"
        ))
        .await;
    assert!(
        metrics.body.contains("応募から採用までの日数"),
        "{}",
        metrics.body
    );
    assert!(metrics.body.contains("監査シニア"));

    // Another company's staff, and alumni, get 404 on the staff pages.
    let mut outsider = Browser::new(&s, "ja");
    outsider.use_session(&other.admin.token);
    for path in ["news", "openings", "rehire-metrics"] {
        let page = outsider.get(&format!("{base}/{path}")).await;
        assert_eq!(page.status, 404, "{path}: {}", page.body);
        let page = reader.get(&format!("{base}/{path}")).await;
        assert_eq!(page.status, 404, "{path}: {}", page.body);
    }
    let stranger = sign_up(&s, "nobody@cnr.example").await;
    let mut stranger_b = Browser::new(&s, "en");
    stranger_b.use_session(&stranger.token);
    assert_eq!(stranger_b.page("/openings").await.status, 200);
    s.finish().await;
}
