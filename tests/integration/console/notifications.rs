//! The notification pages driven like a browser: the bell's count in the top bar, the list
//! (unread only, one or all marked read — only her own), the settings per kind (a refused
//! value shown with the form kept), a form without the CSRF token refused.
use boomerang_tests::TestServer;
use boomerang_tests::flow::contracted;
use serde_json::json;

use super::browser::Browser;

#[tokio::test]
async fn the_bell_the_list_and_marking_read_in_japanese_and_english() {
    let s = TestServer::start().await;
    let c = contracted(&s, "100000").await;
    let mut b = Browser::new(&s, "ja");
    b.use_session(&c.freelancer.token);

    let home = b.page("/").await;
    assert!(home.body.contains("（未読 2 件）"), "{}", home.body);
    let list = b.page("/notifications").await;
    assert!(
        list.body
            .contains("案件「Churn analysis for the retail bank」への応募が採用されました。"),
        "{}",
        list.body
    );
    assert!(list.body.contains("acme"), "the company is named");

    // Another person's notification id marks nothing of hers, and nothing of theirs.
    let finance_ids = s
        .ok(
            c.a.finance.token(),
            "{ viewer { notifications { edges { node { id } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        finance_ids["viewer"]["notifications"]["edges"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let mine = s
        .ok(
            c.freelancer.token(),
            "{ viewer { notifications { edges { node { id } } } } }",
            json!({}),
        )
        .await;
    let first = mine["viewer"]["notifications"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let marked = b
        .submit(&list, "/notifications/read", &[("id", &first)])
        .await;
    assert_eq!(marked.status, 303, "{}", marked.body);
    let after = b.get(marked.location()).await;
    assert!(
        after.body.contains("1 件を既読にしました"),
        "{}",
        after.body
    );
    assert!(after.body.contains("（未読 1 件）"));
    let unread = b.page("/notifications?unread=1").await;
    assert_eq!(
        unread.body.matches(r#"name="id""#).count(),
        1,
        "one unread row"
    );
    assert!(unread.body.contains("すべて既読にする"));

    // Without the CSRF token: refused before anything changes.
    let forged = b.post_raw("/notifications/read", &[("all", "1")]).await;
    assert_eq!(forged.status, 403);
    let all = b
        .submit(&unread, "/notifications/read", &[("all", "1")])
        .await;
    assert_eq!(all.status, 303);
    let en = {
        let mut en = Browser::new(&s, "en");
        en.use_session(&c.freelancer.token);
        en.page("/notifications").await
    };
    assert!(
        en.body
            .contains("Your bid on Churn analysis for the retail bank was accepted.")
    );
    assert!(!en.body.contains(r#"class="count""#), "no unread left");

    // Signed out: asked to log in.
    let mut anon = Browser::new(&s, "ja");
    let page = anon.get("/notifications").await;
    assert_ne!(page.status, 200);
    s.finish().await;
}

#[tokio::test]
async fn settings_save_each_kind_and_a_refused_value_keeps_the_form() {
    let s = TestServer::start().await;
    let c = contracted(&s, "100000").await;
    let mut b = Browser::new(&s, "en");
    b.use_session(&c.freelancer.token);
    let form = b.page("/settings/notifications").await;
    assert!(form.body.contains("Notification settings"));
    assert!(form.body.contains("Daily digest"));
    let saved = b
        .submit(
            &form,
            "/settings/notifications",
            &[("NEWS_POSTED", "OFF"), ("BID_ACCEPTED", "DAILY_DIGEST")],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let shown = b.get(saved.location()).await;
    assert!(
        shown
            .body
            .contains("Your notification settings were saved.")
    );
    let prefs = s
        .ok(
            c.freelancer.token(),
            "{ viewer { notificationPreferences { kind delivery } } }",
            json!({}),
        )
        .await;
    let prefs = prefs["viewer"]["notificationPreferences"]
        .as_array()
        .unwrap();
    assert!(prefs.contains(&json!({ "kind": "NEWS_POSTED", "delivery": "OFF" })));
    assert!(prefs.contains(&json!({ "kind": "BID_ACCEPTED", "delivery": "DAILY_DIGEST" })));

    let refused = b
        .submit(
            &shown,
            "/settings/notifications",
            &[("INVOICE_APPROVED", "OFF"), ("PAYOUT_PAID", "SOMETIMES")],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains(r#"role="alert""#));
    // What she chose is kept in the form.
    let select = refused.body.find(r#"name="INVOICE_APPROVED""#).unwrap();
    let rest = &refused.body[select..];
    let chosen = rest.find(" selected").unwrap();
    assert!(
        rest[..chosen].ends_with(r#"value="OFF""#),
        "{}",
        &rest[..chosen + 10]
    );
    s.finish().await;
}
