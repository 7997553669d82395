//! Notifications (issue 13 §7): written in the transaction of the change (never for a refused
//! or rolled-back one), read and marked read by their reader only, delivered per her
//! preference — mailed once even by two workers, or in one daily digest — and the daily
//! due-soon notices for finance, once per invoice.
use std::time::Duration;

use boomerang::domain::audit::Subject;
use boomerang::domain::email_ownership::Links;
use boomerang::domain::notification_mail;
use boomerang::domain::notifications::{self, Kind, Notice};
use boomerang::mail::worker::MailWorker;
use boomerang::mail::{Mailer, Wakeup};
use boomerang_tests::flow::*;
use boomerang_tests::{TestDb, TestServer};
use sea_orm::{EntityTrait, TransactionTrait};
use serde_json::{Value, json};

const LIST: &str = "query($unread: Boolean) { viewer { unreadNotificationCount notifications(first: 50, unreadOnly: $unread) { edges { node { id kind subjectId readAt ja: message(language: JA) en: message company { id } } } } } }";
const MARK: &str = "mutation($input: MarkNotificationsReadInput!) { markNotificationsRead(input: $input) { marked unreadCount } }";
const PREFS: &str = "{ viewer { notificationPreferences { kind delivery } } }";
const SET_PREF: &str = "mutation($input: SetNotificationPreferenceInput!) { setNotificationPreference(input: $input) { kind delivery } }";

async fn without_worker() -> TestServer {
    TestServer::start_configured(TestDb::new().await, |c| c.worker = false).await
}

async fn list(s: &TestServer, who: &Person, unread: bool) -> (i64, Vec<Value>) {
    let data = s.ok(who.token(), LIST, json!({ "unread": unread })).await;
    let count = data["viewer"]["unreadNotificationCount"].as_i64().unwrap();
    let nodes = data["viewer"]["notifications"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect();
    (count, nodes)
}

fn kinds(nodes: &[Value]) -> Vec<String> {
    let mut kinds: Vec<String> = nodes
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_string())
        .collect();
    kinds.sort();
    kinds
}

async fn notification_count(s: &TestServer, kind: &str) -> i64 {
    s.sql_i64(&format!(
        "SELECT COUNT(*) FROM notifications WHERE kind = '{kind}'"
    ))
    .await
}

#[tokio::test]
async fn the_marketplace_notifies_its_people_and_each_reads_and_marks_only_her_own() {
    let s = without_worker().await;
    let c = contracted(&s, "100000").await;
    let (unread, nodes) = list(&s, &c.freelancer, false).await;
    assert_eq!(
        kinds(&nodes),
        ["BID_ACCEPTED", "DELIVERY_ACCEPTED"],
        "{nodes:#?}"
    );
    assert_eq!(unread, 2);
    let accepted = nodes.iter().find(|n| n["kind"] == "BID_ACCEPTED").unwrap();
    assert_eq!(
        accepted["ja"],
        "案件「Churn analysis for the retail bank」への応募が採用されました。"
    );
    assert_eq!(
        accepted["en"],
        "Your bid on Churn analysis for the retail bank was accepted."
    );
    assert_eq!(accepted["company"]["id"], c.a.id.as_str());
    assert!(accepted["subjectId"].is_string());

    // Finance learns of the submitted invoice; the freelancer of its approval and payment.
    let invoice_id = invoice(&s, &c.freelancer, &c.contract_id, "100000", "JPY").await;
    let (_, finance) = list(&s, &c.a.finance, false).await;
    assert_eq!(kinds(&finance), ["INVOICE_AWAITING_REVIEW"]);
    assert_eq!(finance[0]["en"], "Invoice Milestone 1 awaits review.");
    let (_, admin) = list(&s, &c.a.admin, false).await;
    assert!(admin.is_empty(), "only FINANCE members: {admin:#?}");
    let payout = approve(&s, &c.a.finance, &invoice_id).await;
    mark_paid(&s, &c.a.finance, &payout, "BANK-1").await;
    let (unread, nodes) = list(&s, &c.freelancer, false).await;
    assert_eq!(
        kinds(&nodes),
        [
            "BID_ACCEPTED",
            "DELIVERY_ACCEPTED",
            "INVOICE_APPROVED",
            "PAYOUT_PAID"
        ]
    );
    assert_eq!(unread, 4);

    // Someone else's id is passed over silently; her own is marked once.
    let theirs = finance[0]["id"].as_str().unwrap();
    let mine = nodes[0]["id"].as_str().unwrap();
    let marked = s
        .ok(
            c.freelancer.token(),
            MARK,
            json!({ "input": { "ids": [theirs, mine] } }),
        )
        .await;
    assert_eq!(
        marked["markNotificationsRead"],
        json!({ "marked": 1, "unreadCount": 3 })
    );
    let (_, finance_after) = list(&s, &c.a.finance, true).await;
    assert_eq!(finance_after.len(), 1, "hers stays unread");
    let (unread, unread_nodes) = list(&s, &c.freelancer, true).await;
    assert_eq!((unread, unread_nodes.len()), (3, 3));
    let marked = s
        .ok(
            c.freelancer.token(),
            MARK,
            json!({ "input": { "all": true } }),
        )
        .await;
    assert_eq!(
        marked["markNotificationsRead"],
        json!({ "marked": 3, "unreadCount": 0 })
    );
    let (_, nodes) = list(&s, &c.freelancer, false).await;
    assert!(nodes.iter().all(|n| n["readAt"].is_string()));
    // Naming nothing is refused, naming the field.
    let body = s
        .gql(
            c.freelancer.token(),
            MARK,
            json!({ "input": { "ids": [] } }),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "input.ids");
    s.finish().await;
}

#[tokio::test]
async fn a_refused_change_notifies_no_one_and_a_rolled_back_one_leaves_neither_row_nor_mail() {
    let s = without_worker().await;
    let c = contracted(&s, "100000").await;
    let invoice_id = invoice(&s, &c.freelancer, &c.contract_id, "100000", "JPY").await;
    // A MEMBER may not approve: FORBIDDEN, and nobody hears of an approval.
    let code = s
        .err(c.a.member.token(), APPROVE, json!({ "id": invoice_id }))
        .await;
    assert_eq!(code, "FORBIDDEN");
    assert_eq!(notification_count(&s, "invoice.approved").await, 0);
    approve(&s, &c.a.finance, &invoice_id).await;
    // Approving again is a CONFLICT: still one notice.
    let code = s
        .err(c.a.finance.token(), APPROVE, json!({ "id": invoice_id }))
        .await;
    assert_eq!(code, "CONFLICT");
    assert_eq!(notification_count(&s, "invoice.approved").await, 1);

    // A change that rolls back after notifying: neither the row nor its mail stays.
    let before_rows = s.sql_i64("SELECT COUNT(*) FROM notifications").await;
    let before_mail = s.sql_i64("SELECT COUNT(*) FROM outbox_emails").await;
    let user_id = s.sql_i64("SELECT MIN(user_id) FROM notifications").await;
    let tx = s.conn.begin().await.unwrap();
    notifications::notify(
        &tx,
        Notice {
            user_id,
            kind: Kind::BidAccepted,
            company_id: None,
            subject: Some((Subject::Bid, 1)),
            params: json!({ "title": "rolled back" }),
        },
    )
    .await
    .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM notifications").await,
        before_rows
    );
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM outbox_emails").await,
        before_mail
    );
    s.finish().await;
}

#[tokio::test]
async fn two_workers_mail_each_notification_once_in_japanese_then_english() {
    let s = without_worker().await;
    let c = contracted(&s, "100000").await;
    for _ in 0..3 {
        let invoice_id = invoice(&s, &c.freelancer, &c.contract_id, "10000", "JPY").await;
        approve(&s, &c.a.finance, &invoice_id).await;
    }
    // BID_ACCEPTED, DELIVERY_ACCEPTED and three INVOICE_APPROVED for her; three for finance.
    let notification_mails = s
        .sql_i64("SELECT COUNT(*) FROM outbox_emails WHERE purpose = 'notification'")
        .await;
    assert_eq!(notification_mails, 8);
    s.smtp.set_accept_delay(Duration::from_millis(30));
    let url = s.db.as_ref().unwrap().url.clone();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut workers = Vec::new();
    for _ in 0..2 {
        let db = boomerang::db::connect(&url, 3).await.unwrap();
        let worker = MailWorker::new(
            Mailer::from_config(
                Some(&boomerang::config::Secret::new(s.smtp.url())),
                "Boomerang <no-reply@boomerang.invalid>",
                false,
            )
            .unwrap(),
            Links {
                public_url: "http://127.0.0.1:8080".into(),
            },
        );
        let stopped = stopped.clone();
        workers.push(tokio::spawn(async move {
            worker
                .run(db, Duration::from_millis(10), Wakeup::default(), stopped)
                .await
        }));
    }
    let is_notice = |m: &boomerang_tests::smtp_mock::Mail| m.body.contains("/notifications");
    s.smtp
        .wait_until("every notification mail", |mails| {
            mails.iter().filter(|m| is_notice(m)).count() >= 8
        })
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.send(true).unwrap();
    for worker in workers {
        worker.await.unwrap();
    }
    let hers: Vec<_> = s
        .smtp
        .mails_to(&c.freelancer.email)
        .into_iter()
        .filter(is_notice)
        .collect();
    assert_eq!(hers.len(), 5, "{hers:#?}");
    let finance: Vec<_> = s
        .smtp
        .mails_to(&c.a.finance.email)
        .into_iter()
        .filter(is_notice)
        .collect();
    assert_eq!(finance.len(), 3);
    let approved = hers
        .iter()
        .find(|m| m.body.contains("was approved"))
        .expect("an approval mail");
    let ja = approved.body.find("承認されました").unwrap();
    let en = approved.body.find("was approved").unwrap();
    assert!(ja < en, "Japanese first: {}", approved.body);
    assert_eq!(
        s.sql_i64(
            "SELECT COUNT(*) FROM outbox_emails WHERE purpose = 'notification' AND status = 'DONE' AND sent_at IS NOT NULL"
        )
        .await,
        8
    );
    s.finish().await;
}

#[tokio::test]
async fn preferences_choose_mail_digest_or_nothing_and_the_daily_job_runs_once() {
    let s = without_worker().await;
    let c = contracted(&s, "100000").await;
    let prefs = s.ok(c.freelancer.token(), PREFS, json!({})).await;
    let prefs = prefs["viewer"]["notificationPreferences"]
        .as_array()
        .unwrap();
    assert_eq!(prefs.len(), Kind::ALL.len());
    assert!(prefs.contains(&json!({ "kind": "NEWS_POSTED", "delivery": "DAILY_DIGEST" })));
    assert!(prefs.contains(&json!({ "kind": "INVOICE_APPROVED", "delivery": "EMAIL" })));

    let set = |kind: &'static str, delivery: &'static str| json!({ "input": { "kind": kind, "delivery": delivery } });
    s.ok(
        c.freelancer.token(),
        SET_PREF,
        set("INVOICE_APPROVED", "DAILY_DIGEST"),
    )
    .await;
    s.ok(c.freelancer.token(), SET_PREF, set("PAYOUT_PAID", "OFF"))
        .await;
    // Her choice is hers: finance's defaults stand.
    let prefs = s.ok(c.a.finance.token(), PREFS, json!({})).await;
    assert!(
        prefs["viewer"]["notificationPreferences"]
            .as_array()
            .unwrap()
            .contains(&json!({ "kind": "INVOICE_APPROVED", "delivery": "EMAIL" }))
    );

    let mails_before = s
        .sql_i64("SELECT COUNT(*) FROM outbox_emails WHERE purpose = 'notification'")
        .await;
    let invoice_id = invoice(&s, &c.freelancer, &c.contract_id, "100000", "JPY").await;
    let payout = approve(&s, &c.a.finance, &invoice_id).await;
    mark_paid(&s, &c.a.finance, &payout, "BANK-1").await;
    // Only finance's INVOICE_AWAITING_REVIEW was mailed at once.
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM outbox_emails WHERE purpose = 'notification'")
            .await,
        mails_before + 1
    );
    let (_, nodes) = list(&s, &c.freelancer, false).await;
    assert!(
        kinds(&nodes).contains(&"PAYOUT_PAID".to_string()),
        "OFF still lists it"
    );

    // Yesterday's digest: one per person and day, however often the job runs.
    let today = notification_mail::tokyo_today();
    let yesterday_noon =
        boomerang::domain::compliance::tokyo_midnight(today) - chrono::Duration::hours(12);
    entity::notification::Entity::update_many()
        .col_expr(
            entity::notification::Column::CreatedAt,
            sea_orm::sea_query::Expr::value(yesterday_noon),
        )
        .exec(&s.conn)
        .await
        .unwrap();
    let first = notification_mail::run_daily(&s.conn, today).await.unwrap();
    assert_eq!(first.digests_queued, 1);
    let again = notification_mail::run_daily(&s.conn, today).await.unwrap();
    assert_eq!(again.digests_queued, 0);
    s.drain_mail().await;
    let digests: Vec<_> = s
        .smtp
        .mails_to(&c.freelancer.email)
        .into_iter()
        .filter(|m| m.body.contains("のお知らせが"))
        .collect();
    assert_eq!(digests.len(), 1, "{digests:#?}");
    assert!(
        digests[0]
            .body
            .contains("Your invoice Milestone 1 was approved.")
    );
    assert!(
        !digests[0].body.contains("payment"),
        "OFF is not in the digest"
    );
    s.finish().await;
}

#[tokio::test]
async fn finance_hears_once_of_an_invoice_due_within_seven_days() {
    let s = without_worker().await;
    let c = contracted(&s, "100000").await;
    let invoice_id = invoice(&s, &c.freelancer, &c.contract_id, "100000", "JPY").await;
    let today = notification_mail::tokyo_today();
    let far = notification_mail::run_daily(&s.conn, today).await.unwrap();
    assert_eq!(far.due_soon_notices, 0, "due in 59 days");
    let soon = (today + chrono::Duration::days(3)).format("%Y-%m-%d");
    s.sql(&format!("UPDATE invoices SET payment_due_date = '{soon}'"))
        .await;
    let first = notification_mail::run_daily(&s.conn, today).await.unwrap();
    assert_eq!(first.due_soon_notices, 1);
    let again = notification_mail::run_daily(&s.conn, today).await.unwrap();
    assert_eq!(again.due_soon_notices, 0);
    let (_, nodes) = list(&s, &c.a.finance, false).await;
    let due = nodes
        .iter()
        .find(|n| n["kind"] == "INVOICE_DUE_SOON")
        .unwrap();
    assert_eq!(due["en"], format!("Invoice Milestone 1 is due on {soon}."));
    // Paid: no notice.
    let payout = approve(&s, &c.a.finance, &invoice_id).await;
    mark_paid(&s, &c.a.finance, &payout, "BANK-1").await;
    s.sql("DELETE FROM notifications WHERE kind = 'invoice.due_soon'")
        .await;
    let paid = notification_mail::run_daily(&s.conn, today).await.unwrap();
    assert_eq!(paid.due_soon_notices, 0);
    s.finish().await;
}

#[tokio::test]
async fn a_new_project_reaches_the_alumni_whose_skills_it_needs() {
    let s = TestServer::start().await;
    let a = company(&s, "skillacme").await;
    let analyst = alumnus(&s, &a, "analyst@skill-alumni.example").await;
    let designer = alumnus(&s, &a, "designer@skill-alumni.example").await;
    let unlisted = alumnus(&s, &a, "unlisted@skill-alumni.example").await;
    s.sql("UPDATE users SET email_verified_at = created_at")
        .await;
    for (who, skill) in [(&analyst, "sql"), (&designer, "Figma")] {
        s.ok(
            who.token(),
            "mutation($s: [String!]!) { updateProfile(input: { headline: \"H\", bio: \"\", skills: $s, languages: [], availability: OPEN_TO_SIDE_JOBS, links: [] }) { headline } }",
            json!({ "s": [skill] }),
        )
        .await;
    }
    // The project needs SQL and Python (project_input's skills).
    publish(&s, &a.member, &a.id, "100000", "JPY", "COMPANY_ALUMNI").await;
    let published = |nodes: &[Value]| {
        nodes
            .iter()
            .filter(|n| n["kind"] == "PROJECT_PUBLISHED")
            .count()
    };
    assert_eq!(
        published(&list(&s, &analyst, false).await.1),
        1,
        "her skill, any case"
    );
    assert_eq!(
        published(&list(&s, &unlisted, false).await.1),
        1,
        "no skills listed"
    );
    assert_eq!(
        published(&list(&s, &designer, false).await.1),
        0,
        "not her field"
    );
    s.finish().await;
}
