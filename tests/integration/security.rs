//! Email ownership, modes, hostile documents, rate limits, sessions and secrets.
use boomerang::config::{Mode, Secret};
use boomerang_tests::flow::*;
use boomerang_tests::{
    RESET_MAIL, TestDb, TestServer, VERIFY_MAIL, captured_logs, code_in, error_code,
};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

const VERIFY: &str = "mutation($t: String!) { verifyEmail(token: $t) { id } }";
const REQUEST_RESET: &str = "mutation($e: String!) { requestPasswordReset(email: $e) }";
const RESET: &str = "mutation($i: ResetPasswordInput!) { resetPassword(input: $i) }";
const LOG_IN: &str = "mutation($input: LogInInput!) { logIn(input: $input) { token } }";
const ME: &str = "{ viewer { id emailVerified alumniOf { id } } }";

async fn verifying_server() -> TestServer {
    TestServer::start_configured(TestDb::new().await, |c| {
        c.require_email_verification = Some(true)
    })
    .await
}

#[tokio::test]
async fn a_roster_match_counts_only_for_a_verified_email_when_verification_is_on() {
    let s = verifying_server().await;
    let a = company(&s, "acme").await;
    let project = publish(&s, &a.member, &a.id, "100000", "JPY", "COMPANY_ALUMNI").await;
    let alum = alumnus(&s, &a, "hanako@alumni.example").await;

    let before = s.ok(alum.token(), ME, json!({})).await;
    assert_eq!(before["viewer"]["emailVerified"], false);
    assert_eq!(before["viewer"]["alumniOf"], json!([]));
    assert_eq!(
        s.err(alum.token(), PLACE_BID, bid_input(&project, "90000", "JPY"))
            .await,
        "NOT_FOUND"
    );

    let mail = s.mail("hanako@alumni.example", VERIFY_MAIL, 1).await;
    let code = code_in(&mail);
    assert_eq!(
        s.err(None, VERIFY, json!({ "t": "not-the-code" })).await,
        "BAD_USER_INPUT"
    );
    s.ok(None, VERIFY, json!({ "t": code })).await;
    assert_eq!(
        s.err(None, VERIFY, json!({ "t": code })).await,
        "BAD_USER_INPUT",
        "single use"
    );

    let after = s.ok(alum.token(), ME, json!({})).await;
    assert_eq!(after["viewer"]["emailVerified"], true);
    assert_eq!(after["viewer"]["alumniOf"], json!([{ "id": a.id }]));
    bid(&s, &alum, &project, "90000", "JPY").await;
    s.finish().await;
}

#[tokio::test]
async fn an_expired_verification_code_is_refused() {
    let s = verifying_server().await;
    sign_up(&s, "late@alumni.example").await;
    let code = code_in(&s.mail("late@alumni.example", VERIFY_MAIL, 1).await);
    s.sql("UPDATE email_tokens SET expires_at = '2000-01-01 00:00:00+00:00'")
        .await;
    assert_eq!(
        s.err(None, VERIFY, json!({ "t": code })).await,
        "BAD_USER_INPUT"
    );
    s.finish().await;
}

#[tokio::test]
async fn an_expired_session_is_anonymous() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let viewer = "{ viewer { id } }";
    let data = s.ok(a.admin.token(), viewer, json!({})).await;
    assert_eq!(data["viewer"]["id"], a.admin.id.as_str());
    s.sql("UPDATE sessions SET expires_at = '2000-01-01 00:00:00+00:00'")
        .await;
    let data = s.ok(a.admin.token(), viewer, json!({})).await;
    assert!(data["viewer"].is_null(), "{data}");
    assert_eq!(
        s.err(
            a.admin.token(),
            "{ projects(first: 1) { edges { node { id } } } }",
            json!({})
        )
        .await,
        "UNAUTHENTICATED"
    );
    s.finish().await;
}

#[tokio::test]
async fn a_password_reset_answers_alike_for_unknown_emails_and_ends_every_session() {
    let s = TestServer::start().await;
    let person = sign_up(&s, "mio@example.jp").await;
    let other_session = s
        .ok(
            None,
            LOG_IN,
            json!({ "input": { "email": person.email, "password": PASSWORD } }),
        )
        .await;
    let other_token = other_session["logIn"]["token"]
        .as_str()
        .unwrap()
        .to_string();

    let known = s
        .gql(None, REQUEST_RESET, json!({ "e": "mio@example.jp" }))
        .await;
    let unknown = s
        .gql(None, REQUEST_RESET, json!({ "e": "nobody@example.jp" }))
        .await;
    assert_eq!(known, unknown);
    assert_eq!(known["data"]["requestPasswordReset"], true);
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM outbox_emails WHERE recipient = 'nobody@example.jp'")
            .await,
        0
    );

    let code = code_in(&s.mail("mio@example.jp", RESET_MAIL, 1).await);
    let weak = json!({ "i": { "token": code, "newPassword": "short" } });
    assert_eq!(s.err(None, RESET, weak).await, "BAD_USER_INPUT");
    let new_password = "a brand new long passphrase";
    let verified_events = "SELECT COUNT(*) FROM audit_events a JOIN users u ON u.id = a.object_id \
        WHERE a.object_type = 'User' AND a.action = 'user.verify_email' AND u.email = 'mio@example.jp'";
    assert_eq!(s.sql_i64(verified_events).await, 0);
    s.ok(
        None,
        RESET,
        json!({ "i": { "token": code, "newPassword": new_password } }),
    )
    .await;
    // The mailed code proved the address too, and that change is in the audit trail.
    assert_eq!(s.sql_i64(verified_events).await, 1);
    assert_eq!(
        s.err(
            None,
            RESET,
            json!({ "i": { "token": code, "newPassword": new_password } })
        )
        .await,
        "BAD_USER_INPUT"
    );

    for token in [&person.token, &other_token] {
        assert!(
            s.ok(Some(token), ME, json!({})).await["viewer"].is_null(),
            "sessions were revoked"
        );
    }
    let old = s
        .gql(
            None,
            LOG_IN,
            json!({ "input": { "email": person.email, "password": PASSWORD } }),
        )
        .await;
    assert_eq!(error_code(&old).as_deref(), Some("UNAUTHENTICATED"));
    s.ok(
        None,
        LOG_IN,
        json!({ "input": { "email": person.email, "password": new_password } }),
    )
    .await;
    s.finish().await;
}

#[tokio::test]
async fn logging_out_everywhere_ends_all_sessions() {
    let s = TestServer::start().await;
    let person = sign_up(&s, "ken@example.jp").await;
    let second = s
        .ok(
            None,
            LOG_IN,
            json!({ "input": { "email": person.email, "password": PASSWORD } }),
        )
        .await;
    let ended = s
        .ok(person.token(), "mutation { logOutEverywhere }", json!({}))
        .await;
    assert_eq!(ended["logOutEverywhere"], 2);
    assert!(s.ok(second["logIn"]["token"].as_str(), ME, json!({})).await["viewer"].is_null());
    s.finish().await;
}

#[tokio::test]
async fn production_refuses_to_start_without_its_secrets() {
    let db = TestDb::new().await;
    let mut config = boomerang::Config::for_database(db.url.clone());
    config.mode = Mode::Production;
    let refused = boomerang::App::build(&config)
        .await
        .err()
        .expect("refused")
        .to_string();
    assert!(
        refused.contains("BOOMERANG_SMTP_URL") && refused.contains("BOOMERANG_PUBLIC_URL"),
        "{refused}"
    );
    config.smtp_url = Some(Secret::new("smtp://127.0.0.1:2525"));
    config.public_url = "https://boomerang.example".into();
    config.stripe_secret_key = Some(Secret::new("sk_test_x"));
    let refused = boomerang::App::build(&config)
        .await
        .err()
        .expect("refused")
        .to_string();
    assert!(refused.contains("STRIPE_WEBHOOK_SECRET"), "{refused}");
    assert!(!refused.contains("sk_test_x"));
    db.drop_database().await;
}

#[tokio::test]
async fn production_hides_the_schema_and_development_shows_it() {
    let introspect = "{ __schema { types { name } } }";
    let misspelt = "{ viewr { id } }";
    let dev = TestServer::start().await;
    assert!(dev.ok(None, introspect, json!({})).await["__schema"]["types"].is_array());
    let hint = dev.gql(None, misspelt, json!({})).await;
    assert!(
        hint["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Did you mean"),
        "{hint}"
    );
    assert_eq!(
        dev.http()
            .get(format!("{}/graphql", dev.base))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    dev.finish().await;

    let prod = TestServer::start_configured(TestDb::new().await, |c| {
        c.mode = Mode::Production;
        c.smtp_url = Some(Secret::new("smtp://127.0.0.1:2525"));
        c.public_url = "https://boomerang.example".into();
    })
    .await;
    let hidden = prod.gql(None, introspect, json!({})).await;
    assert!(
        hidden["data"]["__schema"].is_null(),
        "introspection answered: {hidden}"
    );
    let no_hint = prod.gql(None, misspelt, json!({})).await;
    assert!(
        !no_hint["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Did you mean"),
        "{no_hint}"
    );
    assert_eq!(
        prod.http()
            .get(format!("{}/graphql", prod.base))
            .send()
            .await
            .unwrap()
            .status(),
        405
    );
    // Verification is on in production: a roster match waits for a verified email.
    let a = company(&prod, "acme").await;
    let alum = alumnus(&prod, &a, "alum@alumni.example").await;
    assert_eq!(
        prod.ok(alum.token(), ME, json!({})).await["viewer"]["alumniOf"],
        json!([])
    );
    prod.finish().await;
}

#[tokio::test]
async fn hostile_documents_are_refused_before_resolvers_run() {
    let s = TestServer::start().await;
    let person = sign_up(&s, "probe@example.jp").await;
    let refused = |body: &Value| {
        error_code(body).as_deref() == Some("BAD_USER_INPUT") && body["data"].is_null()
    };

    let aliases = format!(
        "{{ {} }}",
        (0..31)
            .map(|i| format!("a{i}: viewer {{ id }}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    // Twice: a refused document must not be served from the parsed-document cache.
    for _ in 0..2 {
        let body = s.gql(person.token(), &aliases, json!({})).await;
        assert!(
            refused(&body)
                && body["errors"][0]["message"]
                    .as_str()
                    .unwrap()
                    .contains("aliases"),
            "{body}"
        );
    }
    let fine = format!(
        "{{ {} }}",
        (0..30)
            .map(|i| format!("a{i}: viewer {{ id }}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    s.ok(person.token(), &fine, json!({})).await;

    let directives = format!("{{ viewer {} {{ id }} }}", "@include(if: true) ".repeat(21));
    assert!(refused(
        &s.gql(person.token(), &directives, json!({})).await
    ));

    let operations = (0..11)
        .map(|i| format!("query q{i} {{ viewer {{ id }} }}"))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(refused(
        &s.gql(person.token(), &operations, json!({})).await
    ));

    let batch = |n: usize| {
        json!(
            (0..n)
                .map(|_| json!({ "query": "{ viewer { id } }" }))
                .collect::<Vec<_>>()
        )
    };
    let post = |body: Value| {
        s.http()
            .post(format!("{}/graphql", s.base))
            .bearer_auth(&person.token)
            .json(&body)
            .send()
    };
    let ten: Value = post(batch(10)).await.unwrap().json().await.unwrap();
    assert_eq!(ten.as_array().unwrap().len(), 10);
    let eleven: Value = post(batch(11)).await.unwrap().json().await.unwrap();
    assert_eq!(
        eleven["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{eleven}"
    );
    s.finish().await;
}

#[tokio::test]
async fn a_request_over_its_time_limit_is_stopped_with_a_timeout_error() {
    let s = TestServer::start_configured(TestDb::new().await, |c| c.request_timeout_ms = 1).await;
    let body = s
        .gql(
            None,
            "mutation($input: SignUpInput!) { signUp(input: $input) { token } }",
            json!({ "input": { "email": "slow@example.jp", "password": PASSWORD, "displayName": "Slow" } }),
        )
        .await;
    assert_eq!(error_code(&body).as_deref(), Some("TIMEOUT"), "{body}");
    s.finish().await;
}

#[tokio::test]
async fn repeated_log_ins_are_rate_limited_per_account_without_revealing_which_exist() {
    let s = TestServer::start().await;
    sign_up(&s, "target@example.jp").await;
    for email in ["target@example.jp", "ghost@example.jp"] {
        let attempt = json!({ "input": { "email": email, "password": "wrong wrong wrong" } });
        for _ in 0..10 {
            assert_eq!(
                s.err(None, LOG_IN, attempt.clone()).await,
                "UNAUTHENTICATED"
            );
        }
        let limited = s.gql(None, LOG_IN, attempt).await;
        assert_eq!(
            error_code(&limited).as_deref(),
            Some("RATE_LIMITED"),
            "{email}: {limited}"
        );
        assert!(
            limited["errors"][0]["extensions"]["retryAfter"]
                .as_u64()
                .unwrap()
                > 0
        );
    }
    // Even the right password waits while the account is locked.
    let right = json!({ "input": { "email": "target@example.jp", "password": PASSWORD } });
    assert_eq!(s.err(None, LOG_IN, right).await, "RATE_LIMITED");

    for _ in 0..3 {
        s.ok(None, REQUEST_RESET, json!({ "e": "target@example.jp" }))
            .await;
    }
    assert_eq!(
        s.err(None, REQUEST_RESET, json!({ "e": "target@example.jp" }))
            .await,
        "RATE_LIMITED"
    );
    s.finish().await;
}

#[tokio::test]
async fn wrong_reset_and_verification_codes_are_rate_limited_per_address() {
    use boomerang::ratelimit::{RESET_PASSWORD_PER_IP, VERIFY_EMAIL_PER_IP};
    let s = TestServer::start().await;
    sign_up(&s, "target@example.jp").await;
    let verify_code = code_in(&s.mail("target@example.jp", VERIFY_MAIL, 1).await);
    s.ok(None, REQUEST_RESET, json!({ "e": "target@example.jp" }))
        .await;
    let reset_code = code_in(&s.mail("target@example.jp", RESET_MAIL, 1).await);

    let new_password = "a brand new passphrase 2417";
    for i in 0..RESET_PASSWORD_PER_IP.max {
        let wrong = json!({ "i": { "token": format!("wrong-{i}"), "newPassword": new_password } });
        assert_eq!(s.err(None, RESET, wrong).await, "BAD_USER_INPUT");
    }
    // The next attempt waits, even with the right code.
    let right = json!({ "i": { "token": reset_code, "newPassword": new_password } });
    let limited = s.gql(None, RESET, right).await;
    assert_eq!(
        error_code(&limited).as_deref(),
        Some("RATE_LIMITED"),
        "{limited}"
    );
    assert!(
        limited["errors"][0]["extensions"]["retryAfter"]
            .as_u64()
            .unwrap()
            > 0
    );
    let old = json!({ "input": { "email": "target@example.jp", "password": PASSWORD } });
    s.ok(None, LOG_IN, old).await;

    for i in 0..VERIFY_EMAIL_PER_IP.max {
        assert_eq!(
            s.err(None, VERIFY, json!({ "t": format!("wrong-{i}") }))
                .await,
            "BAD_USER_INPUT"
        );
    }
    let limited = s.gql(None, VERIFY, json!({ "t": verify_code })).await;
    assert_eq!(
        error_code(&limited).as_deref(),
        Some("RATE_LIMITED"),
        "{limited}"
    );
    assert!(
        limited["errors"][0]["extensions"]["retryAfter"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM users WHERE email_verified_at IS NOT NULL")
            .await,
        0
    );
    s.finish().await;
}

#[tokio::test]
async fn audit_events_cannot_be_changed_or_deleted() {
    let s = TestServer::start().await;
    sign_up(&s, "someone@example.jp").await;
    for sql in [
        "UPDATE audit_events SET action = 'forged'",
        "DELETE FROM audit_events",
    ] {
        let refused = s.conn.execute_unprepared(sql).await;
        assert!(refused.is_err(), "{sql} was allowed");
    }
    assert!(s.sql_i64("SELECT COUNT(*) FROM audit_events").await > 0);
    s.finish().await;
}

#[tokio::test]
async fn tokens_passwords_and_keys_never_reach_the_logs() {
    let s = TestServer::start_configured(TestDb::new().await, |c| {
        c.stripe_secret_key = Some(Secret::new("sk_test_never_logged_4242"));
        c.stripe_webhook_secret = Some(Secret::new("whsec_never_logged_4242"));
        c.stripe_api_base = Some("http://127.0.0.1:9/".into());
        c.worker = false;
    })
    .await;
    let password = "a passphrase that must stay secret 9137";
    let data = s
        .ok(
            None,
            "mutation($input: SignUpInput!) { signUp(input: $input) { token } }",
            json!({ "input": { "email": "quiet@example.jp", "password": password, "displayName": "Quiet" } }),
        )
        .await;
    let token = data["signUp"]["token"].as_str().unwrap().to_string();
    s.ok(Some(&token), ME, json!({})).await;
    s.drain_mail().await;
    let verify_code = code_in(&s.mail("quiet@example.jp", VERIFY_MAIL, 1).await);
    s.ok(None, REQUEST_RESET, json!({ "e": "quiet@example.jp" }))
        .await;
    s.drain_mail().await;
    let reset_code = code_in(&s.mail("quiet@example.jp", RESET_MAIL, 1).await);
    s.ok(
        None,
        RESET,
        json!({ "i": { "token": reset_code, "newPassword": "another secret passphrase 5521" } }),
    )
    .await;
    s.webhook("{}", Some("t=1,v1=00")).await;
    s.gql(Some(&token), "{ nope }", json!({})).await;

    let logs = captured_logs();
    assert!(
        logs.contains("finished processing request"),
        "the capture works"
    );
    for secret in [
        password,
        &token,
        &verify_code,
        &reset_code,
        "another secret passphrase 5521",
        "sk_test_never_logged_4242",
        "whsec_never_logged_4242",
    ] {
        assert!(
            !logs.contains(secret),
            "a secret reached the logs: {secret}"
        );
    }
    s.finish().await;
}
