//! Mail: queued as an intent, sent by the worker through SMTP (the suite's own SMTP server),
//! retried with backoff, delivered once even by two workers, and no usable token at rest.
use std::time::Duration;

use boomerang::domain::email_ownership::Links;
use boomerang::mail::worker::MailWorker;
use boomerang::mail::{Mailer, Wakeup};
use boomerang_tests::flow::*;
use boomerang_tests::smtp_mock::Refusal;
use boomerang_tests::{
    RESET_MAIL, TestDb, TestServer, VERIFY_MAIL, captured_logs, code_in, error_code,
};
use chrono::Utc;
use entity::outbox_email;
use entity::states::JobStatus;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryOrder, Statement,
};
use serde_json::json;

const VERIFY: &str = "mutation($t: String!) { verifyEmail(token: $t) { id } }";
const REQUEST_RESET: &str = "mutation($e: String!) { requestPasswordReset(email: $e) }";
const RESET: &str = "mutation($i: ResetPasswordInput!) { resetPassword(input: $i) }";
const LOG_IN: &str = "mutation($input: LogInInput!) { logIn(input: $input) { token } }";

async fn without_worker() -> TestServer {
    TestServer::start_configured(TestDb::new().await, |c| c.worker = false).await
}

async fn outbox(conn: &DatabaseConnection) -> Vec<outbox_email::Model> {
    outbox_email::Entity::find()
        .order_by_asc(outbox_email::Column::Id)
        .all(conn)
        .await
        .unwrap()
}

/// Makes every waiting mail due now, as if its backoff had passed.
async fn make_due(conn: &DatabaseConnection) {
    for row in outbox(conn).await {
        let mut row: outbox_email::ActiveModel = row.into();
        row.next_attempt_at = Set(Utc::now() - chrono::Duration::seconds(1));
        row.update(conn).await.unwrap();
    }
}

async fn step(s: &TestServer) -> bool {
    s.mail_worker.run_once(&s.conn).await.unwrap()
}

#[tokio::test]
async fn a_refused_mail_is_retried_with_backoff_and_delivered_once() {
    let s = without_worker().await;
    s.smtp.refuse_next([
        Refusal::ServiceUnavailable,
        Refusal::TransientAfterData,
        Refusal::Drop,
        Refusal::PermanentAfterData,
    ]);
    sign_up(&s, "retry@example.jp").await;
    assert_eq!(s.smtp.connections(), 0, "the request path sent no mail");

    for (attempt, backoff_secs) in [(1, 2), (2, 4), (3, 8), (4, 16)] {
        let before = Utc::now();
        assert!(step(&s).await, "attempt {attempt} ran");
        let after = Utc::now();
        let row = outbox(&s.conn).await.remove(0);
        assert_eq!(row.status, JobStatus::Pending, "attempt {attempt}: {row:?}");
        assert_eq!(row.attempts, attempt);
        assert!(row.sent_at.is_none());
        assert!(
            row.last_error
                .as_deref()
                .is_some_and(|e| e.contains("SMTP")),
            "attempt {attempt}: {row:?}"
        );
        let backoff = chrono::Duration::seconds(backoff_secs);
        assert!(
            row.next_attempt_at >= before + backoff && row.next_attempt_at <= after + backoff,
            "attempt {attempt} waits {backoff_secs} s: {row:?}"
        );
        // Not due yet: the worker leaves it alone.
        assert!(
            !step(&s).await,
            "attempt {attempt} is retried only after its backoff"
        );
        assert_eq!(outbox(&s.conn).await[0].attempts, attempt);
        make_due(&s.conn).await;
    }
    let last_error = outbox(&s.conn).await[0].last_error.clone().unwrap();
    assert!(last_error.contains("554"), "{last_error}");

    assert!(step(&s).await);
    assert!(!step(&s).await, "nothing left");
    let row = outbox(&s.conn).await.remove(0);
    assert_eq!(row.status, JobStatus::Done);
    assert_eq!(row.attempts, 5);
    assert!(row.sent_at.is_some());
    assert_eq!(row.last_error.as_deref(), Some(last_error.as_str()));
    assert_eq!(s.smtp.refused(), 4);
    let mails = s.smtp.mails_to("retry@example.jp");
    assert_eq!(mails.len(), 1, "delivered exactly once: {mails:#?}");
    // The refused attempts' tokens were deleted: only the delivered one exists.
    assert_eq!(s.sql_i64("SELECT COUNT(*) FROM email_tokens").await, 1);
    s.ok(None, VERIFY, json!({ "t": code_in(&mails[0].body) }))
        .await;
    s.finish().await;
}

#[tokio::test]
async fn a_mail_is_given_up_after_its_last_attempt() {
    let s = without_worker().await;
    s.smtp.refuse_next([Refusal::ServiceUnavailable; 10]);
    sign_up(&s, "unlucky@example.jp").await;
    for _ in 0..10 {
        assert!(step(&s).await);
        make_due(&s.conn).await;
    }
    assert!(!step(&s).await, "a failed mail is not retried");
    let row = outbox(&s.conn).await.remove(0);
    assert_eq!(row.status, JobStatus::Failed);
    assert_eq!(row.attempts, 10);
    assert!(row.last_error.unwrap().contains("421"));
    assert_eq!(s.sql_i64("SELECT COUNT(*) FROM email_tokens").await, 0);
    assert!(s.smtp.mails().is_empty());
    s.finish().await;
}

#[tokio::test]
async fn two_workers_on_one_database_deliver_each_mail_once() {
    let s = without_worker().await;
    let people: Vec<String> = (0..12).map(|i| format!("racer{i}@example.jp")).collect();
    for email in &people {
        sign_up(&s, email).await;
    }
    s.smtp
        .refuse_next([Refusal::TransientAfterData, Refusal::ServiceUnavailable]);
    // Slow acceptance, so that both workers are mid-send at once.
    s.smtp.set_accept_delay(Duration::from_millis(30));

    let url = s.db.as_ref().unwrap().url.clone();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut workers = Vec::new();
    for _ in 0..2 {
        // Each replica has its own pool, mailer and SMTP connections.
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
    // The two refused mails come back after their 2 s backoff.
    s.smtp
        .wait_until("a mail for everyone", |mails| mails.len() >= people.len())
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.send(true).unwrap();
    for worker in workers {
        worker.await.unwrap();
    }

    assert_eq!(s.smtp.mails().len(), people.len(), "{:#?}", s.smtp.mails());
    for email in &people {
        assert_eq!(s.smtp.mails_to(email).len(), 1, "{email}");
    }
    let rows = outbox(&s.conn).await;
    assert!(
        rows.iter()
            .all(|r| r.status == JobStatus::Done && r.sent_at.is_some())
    );
    assert_eq!(rows.iter().map(|r| r.attempts).sum::<i32>(), 14);
    s.finish().await;
}

/// Every table and column whose text contains `needle`.
async fn columns_containing(conn: &DatabaseConnection, needle: &str) -> Vec<String> {
    let backend = conn.get_database_backend();
    let columns_sql = match backend {
        sea_orm::DbBackend::Postgres => {
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' ORDER BY 1, 2"
        }
        _ => {
            "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' ORDER BY 1, 2"
        }
    };
    let columns = conn
        .query_all_raw(Statement::from_string(backend, columns_sql))
        .await
        .unwrap();
    assert!(columns.len() > 50, "the scan sees every column");
    let position = match backend {
        sea_orm::DbBackend::Postgres => "strpos",
        _ => "instr",
    };
    let mut found = Vec::new();
    for row in columns {
        let table: String = row.try_get_by_index(0).unwrap();
        let column: String = row.try_get_by_index(1).unwrap();
        let sql = format!(
            "SELECT COUNT(*) FROM \"{table}\" WHERE {position}(CAST(\"{column}\" AS TEXT), '{needle}') > 0"
        );
        let hits = conn
            .query_one_raw(Statement::from_string(backend, sql))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index::<i64>(0)
            .unwrap();
        if hits > 0 {
            found.push(format!("{table}.{column}"));
        }
    }
    found
}

/// The SQLite database file and its write-ahead log, byte for byte.
fn sqlite_files(url: &str) -> Vec<(String, Vec<u8>)> {
    let path = url
        .trim_start_matches("sqlite://")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    [path.clone(), format!("{path}-wal")]
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("reading {p}: {e}"));
            (p, bytes)
        })
        .collect()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn the_database_never_holds_a_mailed_token() {
    let s = TestServer::start().await;
    // One refused attempt too, whose token is made and thrown away.
    s.smtp.refuse_next([Refusal::TransientAfterData]);
    let email = "secret-keeper@example.jp";
    s.ok(
        None,
        "mutation($input: SignUpInput!) { signUp(input: $input) { token } }",
        json!({ "input": { "email": email, "password": PASSWORD, "displayName": "秘密 守" } }),
    )
    .await;
    s.ok(None, REQUEST_RESET, json!({ "e": email })).await;
    s.ok(None, REQUEST_RESET, json!({ "e": email })).await;
    let verify_mail = s.mail(email, VERIFY_MAIL, 1).await;
    assert!(verify_mail.contains("Hello 秘密 守"), "{verify_mail}");
    let codes = vec![
        code_in(&verify_mail),
        code_in(&s.mail(email, RESET_MAIL, 1).await),
        code_in(&s.mail(email, RESET_MAIL, 2).await),
    ];
    assert!(
        verify_mail.contains(&format!(
            "http://127.0.0.1:8080/verify-email?token={}",
            codes[0]
        )),
        "{verify_mail}"
    );

    let scan = async |s: &TestServer| {
        // The scan finds what is there: the address is stored.
        assert!(!columns_containing(&s.conn, email).await.is_empty());
        for code in &codes {
            assert_eq!(
                columns_containing(&s.conn, code).await,
                Vec::<String>::new()
            );
        }
        if !s.db.as_ref().unwrap().is_postgres() {
            let files = sqlite_files(&s.db.as_ref().unwrap().url);
            assert!(
                files.iter().any(|(_, bytes)| contains(bytes, email)),
                "the byte scan finds what is there"
            );
            for (path, bytes) in &files {
                for code in &codes {
                    assert!(!contains(bytes, code), "{path} holds a mailed token");
                }
            }
        }
    };
    scan(&s).await;

    // The links work: verify the address, then reset the password with the newer reset code.
    let data = s.ok(None, VERIFY, json!({ "t": codes[0] })).await;
    assert!(data["verifyEmail"]["id"].is_string());
    let new_password = "a freshly chosen passphrase";
    s.ok(
        None,
        RESET,
        json!({ "i": { "token": codes[2], "newPassword": new_password } }),
    )
    .await;
    s.ok(
        None,
        LOG_IN,
        json!({ "input": { "email": email, "password": new_password } }),
    )
    .await;
    scan(&s).await;
    s.finish().await;
}

#[tokio::test]
async fn an_older_link_works_until_one_of_its_kind_is_used() {
    let s = TestServer::start().await;
    let person = sign_up(&s, "twice@example.jp").await;
    s.ok(None, REQUEST_RESET, json!({ "e": person.email }))
        .await;
    s.ok(None, REQUEST_RESET, json!({ "e": person.email }))
        .await;
    let older = code_in(&s.mail(&person.email, RESET_MAIL, 1).await);
    let newer = code_in(&s.mail(&person.email, RESET_MAIL, 2).await);
    assert_ne!(older, newer);

    s.ok(
        None,
        RESET,
        json!({ "i": { "token": older, "newPassword": "the older link still works" } }),
    )
    .await;
    let body = s
        .gql(
            None,
            RESET,
            json!({ "i": { "token": newer, "newPassword": "and the newer one is spent" } }),
        )
        .await;
    assert_eq!(
        error_code(&body).as_deref(),
        Some("BAD_USER_INPUT"),
        "{body}"
    );
    // The verification link is of another kind and still works.
    let verify = code_in(&s.mail(&person.email, VERIFY_MAIL, 1).await);
    s.ok(None, VERIFY, json!({ "t": verify })).await;
    s.finish().await;
}

#[tokio::test]
async fn a_password_reset_does_the_same_work_for_known_and_unknown_addresses() {
    let s = without_worker().await;
    sign_up(&s, "known@example.jp").await;
    s.smtp.set_down(true);

    let before = s.sql_statements().await;
    let known = s
        .gql(None, REQUEST_RESET, json!({ "e": "known@example.jp" }))
        .await;
    let known_statements = s.sql_statements().await - before;
    let before = s.sql_statements().await;
    let unknown = s
        .gql(None, REQUEST_RESET, json!({ "e": "unknown@example.jp" }))
        .await;
    let unknown_statements = s.sql_statements().await - before;

    assert_eq!(known, unknown);
    assert_eq!(known["data"]["requestPasswordReset"], true);
    assert_eq!(
        known_statements, unknown_statements,
        "the same statements for a known and an unknown address"
    );
    assert_eq!(s.smtp.connections(), 0, "the request path sent no mail");
    assert_eq!(s.smtp.transactions(), 0);
    let rows = outbox(&s.conn).await;
    assert_eq!(
        rows.len(),
        3,
        "sign-up, and one row per reset request: {rows:?}"
    );
    assert!(rows[2].recipient.is_none() && rows[2].user_id.is_none());

    // While SMTP is down the mail waits; once it is up, it goes to the account only.
    assert!(step(&s).await);
    assert!(s.smtp.connections() > 0 && s.smtp.mails().is_empty());
    s.smtp.set_down(false);
    make_due(&s.conn).await;
    s.drain_mail().await;
    let mails = s.smtp.mails();
    assert_eq!(mails.len(), 2, "{mails:#?}");
    assert_eq!(s.smtp.mails_to("known@example.jp").len(), 2);
    let rows = outbox(&s.conn).await;
    assert!(rows.iter().all(|r| r.status == JobStatus::Done));
    assert!(
        rows[2].sent_at.is_none(),
        "nothing was sent for the unknown address"
    );
    let code = code_in(&s.mail("known@example.jp", RESET_MAIL, 1).await);
    s.ok(
        None,
        RESET,
        json!({ "i": { "token": code, "newPassword": "reset after the outage" } }),
    )
    .await;
    s.finish().await;
}

#[tokio::test]
async fn the_mail_worker_runs_without_stripe() {
    // The default test server has no Stripe; its worker sends the mail by itself.
    let s = TestServer::start().await;
    assert!(s.stripe.is_none());
    let person = sign_up(&s, "plain@example.jp").await;
    let code = code_in(&s.mail(&person.email, VERIFY_MAIL, 1).await);
    s.ok(None, VERIFY, json!({ "t": code })).await;
    s.finish().await;
}

#[tokio::test]
async fn a_verification_mail_is_not_sent_once_the_address_is_verified() {
    let s = without_worker().await;
    let person = sign_up(&s, "eager@example.jp").await;
    let asked = s
        .ok(
            person.token(),
            "mutation { requestEmailVerification }",
            json!({}),
        )
        .await;
    assert_eq!(asked["requestEmailVerification"], true);
    assert!(step(&s).await);
    let code = code_in(&s.mail(&person.email, VERIFY_MAIL, 1).await);
    s.ok(None, VERIFY, json!({ "t": code })).await;

    assert!(step(&s).await, "the second mail is handled");
    assert!(!step(&s).await);
    assert_eq!(s.smtp.mails_to(&person.email).len(), 1, "and not sent");
    let second = outbox(&s.conn).await.remove(1);
    assert_eq!(second.status, JobStatus::Done);
    assert!(
        second.sent_at.is_none() && second.attempts == 0,
        "{second:?}"
    );
    let asked = s
        .ok(
            person.token(),
            "mutation { requestEmailVerification }",
            json!({}),
        )
        .await;
    assert_eq!(asked["requestEmailVerification"], false);
    s.finish().await;
}

#[tokio::test]
async fn a_claim_whose_worker_died_is_taken_over_after_its_lease() {
    let s = without_worker().await;
    sign_up(&s, "orphan@example.jp").await;
    // A worker claims the mail and dies before sending it.
    let links = Links {
        public_url: "http://127.0.0.1:8080".into(),
    };
    let claimed = boomerang::domain::email_ownership::next_letter(&s.conn, &links)
        .await
        .unwrap();
    assert!(
        matches!(claimed, boomerang::domain::email_ownership::Next::Send(_)),
        "{claimed:?}"
    );
    drop(claimed);
    assert!(!step(&s).await, "the lease holds the mail");
    assert!(s.smtp.mails().is_empty());

    let mut row: outbox_email::ActiveModel = outbox(&s.conn).await.remove(0).into();
    row.locked_until = Set(Some(Utc::now() - chrono::Duration::seconds(1)));
    row.update(&s.conn).await.unwrap();
    assert!(step(&s).await, "taken over");
    assert!(!step(&s).await);
    let mails = s.smtp.mails_to("orphan@example.jp");
    assert_eq!(mails.len(), 1);
    let row = outbox(&s.conn).await.remove(0);
    assert_eq!((row.status, row.attempts), (JobStatus::Done, 2));
    s.ok(None, VERIFY, json!({ "t": code_in(&mails[0].body) }))
        .await;
    s.finish().await;
}

#[tokio::test]
async fn without_smtp_the_development_log_shows_the_link_and_stores_nothing() {
    let s = TestServer::start_configured(TestDb::new().await, |c| c.smtp_url = None).await;
    let email = "devlog@example.jp";
    sign_up(&s, email).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let line = loop {
        let logs = captured_logs();
        let found = logs
            .lines()
            .find(|l| l.contains(email) && l.contains("verify-email?token="))
            .map(str::to_string);
        if let Some(line) = found {
            break line;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no log line with the link"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let token = line
        .split("token=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_string();
    assert!(columns_containing(&s.conn, &token).await.is_empty());
    s.ok(None, VERIFY, json!({ "t": token })).await;
    s.finish().await;
}

#[tokio::test]
async fn upgrading_ends_the_tokens_whose_links_were_stored_in_plain_text() {
    use migration::MigratorTrait;
    let db = TestDb::new().await;
    {
        let conn = boomerang::db::connect(&db.url, 2).await.unwrap();
        migration::Migrator::up(&conn, Some(3)).await.unwrap();
        let backend = conn.get_database_backend();
        let run = async |sql: String| {
            conn.execute_raw(Statement::from_string(backend, sql))
                .await
                .unwrap();
        };
        let at = "'2026-01-01 00:00:00+00:00'";
        let later = "'2999-01-01 00:00:00+00:00'";
        run(format!(
            "INSERT INTO users (email, display_name, password_hash, created_at) \
             VALUES ('old@example.jp', 'Old', 'x', {at})"
        ))
        .await;
        let user_id = conn
            .query_one_raw(Statement::from_string(
                backend,
                "SELECT id FROM users WHERE email = 'old@example.jp'",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index::<i64>(0)
            .unwrap();
        let hash = |token: &str| {
            use sha2::Digest;
            let digest = sha2::Sha256::digest(token.as_bytes());
            digest
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        for (token, used) in [("stored-unused-token", "NULL"), ("stored-used-token", at)] {
            run(format!(
                "INSERT INTO email_tokens (user_id, purpose, token_hash, expires_at, used_at, created_at) \
                 VALUES ({user_id}, 'verify', '{}', {later}, {used}, {at})",
                hash(token)
            ))
            .await;
            run(format!(
                "INSERT INTO outbox_emails (recipient, subject, body, created_at) \
                 VALUES ('old@example.jp', 'Confirm', 'use this code with the verifyEmail mutation: {token}', {at})"
            ))
            .await;
        }
        conn.close().await.unwrap();
    }

    let s = TestServer::start_with(db).await;
    assert_eq!(
        s.err(None, VERIFY, json!({ "t": "stored-unused-token" }))
            .await,
        "BAD_USER_INPUT"
    );
    assert_eq!(s.sql_i64("SELECT COUNT(*) FROM email_tokens").await, 1);
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM email_tokens WHERE used_at IS NULL")
            .await,
        0
    );
    assert_eq!(s.sql_i64("SELECT COUNT(*) FROM outbox_emails").await, 0);
    assert!(
        columns_containing(&s.conn, "stored-unused-token")
            .await
            .is_empty()
    );
    s.finish().await;
}
