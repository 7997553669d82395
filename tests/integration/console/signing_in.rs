//! The web console's sign-in pages driven like a browser with a cookie
//! jar, CSRF refusals, cookie flags per mode, headers, the cookie's limits on `/graphql`, the
//! language choice, and every console GraphQL document validated against the schema.
use boomerang::config::{Mode, Secret};
use boomerang_tests::flow::PASSWORD;
use boomerang_tests::{RESET_MAIL, TestDb, TestServer, VERIFY_MAIL};
use serde_json::{Value, json};

use super::browser::{Browser, link_in};

const ME: &str = "{ viewer { email emailVerified } }";

#[tokio::test]
async fn sign_up_verify_log_out_log_in_and_reset_through_the_pages() {
    let s = TestServer::start().await;
    let mut b = Browser::new(&s, "ja,en;q=0.8");
    let email = "console-aiko@example.jp";

    let form = b.get("/signup").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains(r#"<html lang="ja">"#), "{}", form.body);
    assert!(form.body.contains("新規登録"), "{}", form.body);
    let short = b
        .submit(
            &form,
            "/signup",
            &[
                ("display_name", "山田 愛子"),
                ("email", email),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(short.status, 400, "{}", short.body);
    assert!(short.body.contains(r#"role="alert""#), "{}", short.body);
    assert!(
        short.body.contains(email) && short.body.contains("山田 愛子"),
        "input kept"
    );
    assert!(b.session().is_none());

    let done = b
        .submit(
            &short,
            "/signup",
            &[
                ("display_name", "山田 愛子"),
                ("email", email),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let token = b.session().expect("a session cookie");
    let home = b.get(done.location()).await;
    assert_eq!(home.status, 200);
    assert!(
        home.body.contains("山田 愛子 さんとしてログイン中です"),
        "{}",
        home.body
    );
    assert!(home.body.contains("未確認"));
    assert_eq!(home.headers["cache-control"], "no-store");

    // The mailed link shows a button (opening the link alone, as a mail scanner does, uses
    // nothing up); the button verifies.
    let mail = s.mail(email, VERIFY_MAIL, 1).await;
    let link = link_in(&mail, "/verify-email?token=");
    let confirm = b.get(&link).await;
    assert_eq!(confirm.status, 200, "{}", confirm.body);
    let me = s.ok(Some(&token), ME, json!({})).await;
    assert_eq!(me["viewer"]["emailVerified"], false, "GET redeemed nothing");
    let mail_token = code_from(&confirm.body);
    let verified = b
        .submit(&confirm, "/verify-email", &[("token", &mail_token)])
        .await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    assert!(
        verified.body.contains("を確認しました"),
        "{}",
        verified.body
    );
    let me = s.ok(Some(&token), ME, json!({})).await;
    assert_eq!(me["viewer"]["emailVerified"], true);
    let again = b.get(&link).await;
    let again = b
        .submit(&again, "/verify-email", &[("token", &mail_token)])
        .await;
    assert_eq!(again.status, 400, "a used link is refused: {}", again.body);

    // Logging out ends the session itself, not just the cookie.
    let home = b.get("/").await;
    let out = b.submit(&home, "/logout", &[]).await;
    assert_eq!((out.status, out.location()), (303, "/login"));
    assert!(
        out.set_cookie("boomerang_session")
            .unwrap()
            .contains("Max-Age=0")
    );
    assert!(b.session().is_none());
    assert!(s.ok(Some(&token), ME, json!({})).await["viewer"].is_null());
    assert_eq!(b.get("/").await.location(), "/login");

    // A wrong password: the API's message next to the form, the address kept.
    let login = b.get("/login").await;
    let wrong = b
        .submit(
            &login,
            "/login",
            &[("email", email), ("password", "not the password at all")],
        )
        .await;
    assert_eq!(wrong.status, 400);
    assert!(wrong.body.contains(r#"role="alert""#) && wrong.body.contains(email));
    let ok = b
        .submit(
            &wrong,
            "/login",
            &[("email", email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!((ok.status, ok.location()), (303, "/"));
    assert!(b.session().is_some());

    // Reset the password through the mailed link, then log in with the new one.
    let forgot = b.get("/forgot-password").await;
    let sent = b
        .submit(&forgot, "/forgot-password", &[("email", email)])
        .await;
    assert_eq!(sent.status, 200);
    assert!(sent.body.contains(r#"role="status""#));
    let mail = s.mail(email, RESET_MAIL, 1).await;
    let reset_form = b.get(&link_in(&mail, "/reset-password?token=")).await;
    assert_eq!(reset_form.status, 200, "{}", reset_form.body);
    let new_password = "a brand new long password";
    let reset = b
        .submit(
            &reset_form,
            "/reset-password",
            &[
                ("token", &code_from(&reset_form.body)),
                ("new_password", new_password),
            ],
        )
        .await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    assert!(
        reset.body.contains("パスワードを変更しました"),
        "{}",
        reset.body
    );
    assert!(b.session().is_none(), "the reset ended the sessions");
    let login = b.get("/login").await;
    let old = b
        .submit(
            &login,
            "/login",
            &[("email", email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(old.status, 400);
    let new = b
        .submit(
            &old,
            "/login",
            &[("email", email), ("password", new_password)],
        )
        .await;
    assert_eq!(new.status, 303);
    let home = b.get("/").await;
    assert!(home.body.contains("確認済み"), "{}", home.body);
    s.finish().await;
}

fn code_from(body: &str) -> String {
    let start = body.find(r#"name="token" value=""#).unwrap() + r#"name="token" value=""#.len();
    let end = body[start..].find('"').unwrap() + start;
    body[start..end].to_string()
}

#[tokio::test]
async fn a_form_post_without_a_valid_csrf_token_is_refused_and_runs_nothing() {
    let s = TestServer::start().await;
    let mut b = Browser::new(&s, "en");
    let email = "csrf-target@example.jp";
    let form = b.get("/signup").await;
    let signed = b
        .submit(
            &form,
            "/signup",
            &[
                ("display_name", "Target"),
                ("email", email),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(signed.status, 303);
    let token = b.session().unwrap();
    let home = b.get("/").await;
    let good = home.csrf();

    // No token, a made-up one, and a token from another visitor's cookie.
    let missing = b.post_raw("/logout", &[]).await;
    let forged = b.post_raw("/logout", &[("csrf", "AAAA")]).await;
    let mut other = Browser::new(&s, "en");
    let other_token = other.get("/login").await.csrf();
    let foreign = b.post_raw("/logout", &[("csrf", &other_token)]).await;
    for refused in [&missing, &forged, &foreign] {
        assert_eq!(refused.status, 403, "{}", refused.body);
        assert!(refused.body.contains("Request refused"), "{}", refused.body);
        assert!(refused.headers.contains_key("content-security-policy"));
    }
    assert_eq!(
        s.ok(Some(&token), ME, json!({})).await["viewer"]["email"],
        email
    );
    // The token of the page before logging in no longer fits once the session changed.
    let stale = b.post_raw("/logout", &[("csrf", &form.csrf())]).await;
    assert_eq!(stale.status, 403);
    let out = b.post_raw("/logout", &[("csrf", &good)]).await;
    assert_eq!(out.status, 303);
    assert!(s.ok(Some(&token), ME, json!({})).await["viewer"].is_null());
    s.finish().await;
}

#[tokio::test]
async fn cookies_are_secure_and_hsts_is_sent_in_production_only() {
    let dev = TestServer::start().await;
    let mut b = Browser::new(&dev, "en");
    let page = b.get("/login").await;
    let csrf = page.set_cookie("boomerang_csrf").unwrap();
    assert!(csrf.contains("HttpOnly") && csrf.contains("SameSite=Lax") && csrf.contains("Path=/"));
    assert!(!csrf.contains("Secure"), "{csrf}");
    assert!(!page.headers.contains_key("strict-transport-security"));
    let signed = b
        .submit(
            &page,
            "/signup",
            &[
                ("display_name", "Dev"),
                ("email", "dev-cookie@example.jp"),
                ("password", PASSWORD),
            ],
        )
        .await;
    let session = signed.set_cookie("boomerang_session").unwrap();
    assert!(
        session.contains("HttpOnly")
            && session.contains("SameSite=Lax")
            && session.contains("Path=/")
    );
    assert!(!session.contains("Secure"), "{session}");
    dev.finish().await;

    let prod = TestServer::start_configured(TestDb::new().await, |c| {
        c.mode = Mode::Production;
        c.smtp_url = Some(Secret::new("smtp://127.0.0.1:2525"));
        c.public_url = "https://boomerang.example".into();
        c.secret = Some(Secret::new("a test secret"));
    })
    .await;
    let mut b = Browser::new(&prod, "en");
    let page = b.get("/signup").await;
    assert!(
        page.set_cookie("boomerang_csrf")
            .unwrap()
            .contains("; Secure")
    );
    assert!(
        page.headers["strict-transport-security"]
            .to_str()
            .unwrap()
            .starts_with("max-age=")
    );
    let signed = b
        .submit(
            &page,
            "/signup",
            &[
                ("display_name", "Prod"),
                ("email", "prod-cookie@example.jp"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(signed.status, 303, "{}", signed.body);
    let session = signed.set_cookie("boomerang_session").unwrap();
    assert!(
        session.contains("; Secure") && session.contains("HttpOnly"),
        "{session}"
    );
    let api = prod
        .http()
        .post(format!("{}/graphql", prod.base))
        .json(&json!({ "query": "{ viewer { id } }" }))
        .send()
        .await
        .unwrap();
    assert!(api.headers().contains_key("strict-transport-security"));
    prod.finish().await;
}

#[tokio::test]
async fn pages_assets_and_the_api_carry_their_security_headers() {
    let s = TestServer::start().await;
    let mut b = Browser::new(&s, "en");
    for path in [
        "/login",
        "/signup",
        "/forgot-password",
        "/no-such-page",
        "/verify-email",
    ] {
        let page = b.get(path).await;
        let csp = page.headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
            "{csp}"
        );
        assert_eq!(page.headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(page.headers["referrer-policy"], "same-origin", "{path}");
        assert_eq!(page.headers["cache-control"], "no-store", "{path}");
        assert!(
            !page.body.contains("<script>") && !page.body.contains(" style="),
            "no inline script or style on {path}"
        );
    }
    let missing = b.get("/no-such-page").await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("Page not found"));

    // Assets: versioned paths with a long cache, the real htmx.
    let login = b.get("/login").await;
    for prefix in ["/assets/htmx-", "/assets/console-"] {
        let start = login.body.find(prefix).unwrap();
        let end = login.body[start..].find('"').unwrap() + start;
        let asset = b.get(&login.body[start..end]).await;
        assert_eq!(asset.status, 200);
        assert!(
            asset.headers["cache-control"]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
        assert_eq!(asset.headers["x-content-type-options"], "nosniff");
        if prefix.contains("htmx") {
            assert!(
                asset.headers["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("text/javascript")
            );
            assert!(asset.body.contains("htmx"));
        } else {
            assert!(
                asset.headers["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("text/css")
            );
        }
    }
    assert_eq!(b.get("/assets/console-000000000000.css").await.status, 404);

    let api = s
        .http()
        .post(format!("{}/graphql", s.base))
        .json(&json!({ "query": "{ viewer { id } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(api.headers()["x-content-type-options"], "nosniff");
    assert_eq!(api.headers()["cache-control"], "no-store");
    assert!(!api.headers().contains_key("strict-transport-security"));
    s.finish().await;
}

#[tokio::test]
async fn graphql_honours_the_session_cookie_only_on_json_requests() {
    let s = TestServer::start().await;
    let mut b = Browser::new(&s, "en");
    let form = b.get("/signup").await;
    b.submit(
        &form,
        "/signup",
        &[
            ("display_name", "Cookie"),
            ("email", "cookie-api@example.jp"),
            ("password", PASSWORD),
        ],
    )
    .await;
    let token = b.session().unwrap();
    let cookie = format!("boomerang_session={token}");
    let post = |content_type: &'static str, body: String| {
        s.http()
            .post(format!("{}/graphql", s.base))
            .header("cookie", cookie.clone())
            .header("content-type", content_type)
            .body(body)
    };

    // A cross-site page can send this without asking: refused, and logOut did not run.
    let simple = post(
        "text/plain",
        json!({ "query": "mutation { logOut }" }).to_string(),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(simple.status(), 415);
    let form = post(
        "application/x-www-form-urlencoded",
        "query=mutation%20%7B%20logOut%20%7D".into(),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(form.status(), 415);
    assert_eq!(
        s.ok(Some(&token), ME, json!({})).await["viewer"]["email"],
        "cookie-api@example.jp",
        "the session is still alive"
    );

    // A JSON request (which needs a CORS preflight cross-site) is authenticated by the cookie.
    let json_body: Value = post("application/json", json!({ "query": ME }).to_string())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        json_body["data"]["viewer"]["email"],
        "cookie-api@example.jp"
    );

    // A bearer token wins over the cookie.
    let other = s
        .ok(
            None,
            "mutation($input: SignUpInput!) { signUp(input: $input) { token } }",
            json!({ "input": { "email": "bearer-wins@example.jp", "password": PASSWORD, "displayName": "B" } }),
        )
        .await;
    let bearer: Value = post("application/json", json!({ "query": ME }).to_string())
        .bearer_auth(other["signUp"]["token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(bearer["data"]["viewer"]["email"], "bearer-wins@example.jp");
    s.finish().await;
}

#[tokio::test]
async fn the_language_follows_accept_language_and_then_the_switch() {
    let s = TestServer::start().await;
    let mut en = Browser::new(&s, "en-US,en;q=0.9,ja;q=0.5");
    let page = en.get("/login").await;
    assert!(page.body.contains(r#"<html lang="en">"#) && page.body.contains(">Log in</h1>"));
    let mut ja = Browser::new(&s, "ja-JP");
    let page = ja.get("/login").await;
    assert!(page.body.contains(r#"<html lang="ja">"#) && page.body.contains(">ログイン</h1>"));
    assert!(
        page.body
            .contains(r#"href="/language?to=en&amp;back=%2Flogin""#),
        "{}",
        page.body
    );

    // The switch remembers the choice over the header.
    let switched = ja.get("/language?to=en&back=/forgot-password").await;
    assert_eq!(
        (switched.status, switched.location()),
        (303, "/forgot-password")
    );
    let cookie = switched.set_cookie("boomerang_lang").unwrap();
    assert!(
        cookie.starts_with("boomerang_lang=en;") && cookie.contains("Max-Age="),
        "{cookie}"
    );
    let page = ja.get("/forgot-password").await;
    assert!(page.body.contains(r#"<html lang="en">"#), "{}", page.body);
    let back = ja.get("/language?to=ja&back=/login").await;
    assert_eq!(back.location(), "/login");
    assert!(ja.get("/login").await.body.contains(r#"<html lang="ja">"#));

    // Only paths of this site are gone back to.
    for evil in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let off = ja.get(&format!("/language?to=en&back={evil}")).await;
        assert_eq!(off.location(), "/", "{evil}");
    }
    s.finish().await;
}

#[tokio::test]
async fn every_console_document_validates_against_the_schema() {
    let s = TestServer::start().await;
    // A value per variable type, so the documents get past variable checks into validation
    // and execution; a validation error has no `path`, an execution error has one.
    let dummy = |ty: &str| match ty {
        "LogInInput" => json!({ "email": "nobody@example.jp", "password": "x" }),
        "SignUpInput" => {
            json!({ "email": "doc-check@example.jp", "password": PASSWORD, "displayName": "Doc" })
        }
        "ResetPasswordInput" => json!({ "token": "bogus", "newPassword": "long enough password" }),
        "String" => json!("bogus"),
        "ID" => json!("bogus"),
        // marketplace
        "ProjectFilter" => json!({ "status": "OPEN" }),
        "BidStatus" => json!("PENDING"),
        "PublishProjectInput" => json!({ "companyId": "bogus", "title": "x", "description": "x",
            "budget": { "amount": "1", "currencyCode": "JPY" } }),
        "UpdateProjectInput" => json!({ "id": "bogus" }),
        "PlaceBidInput" => {
            json!({ "projectId": "bogus", "amount": { "amount": "1", "currencyCode": "JPY" },
            "deliveryDays": 1, "proposal": "x" })
        }
        "RejectBidInput" => json!({ "id": "bogus", "reason": "x" }),
        // engagements
        "ContractFilter" => json!({ "status": "ACTIVE" }),
        "SubmitDeliveryInput" => json!({ "milestoneId": "bogus", "note": "x", "links": [] }),
        "RequestChangesInput" => json!({ "milestoneId": "bogus", "reason": "x" }),
        "SubmitInvoiceInput" => json!({ "contractId": "bogus", "description": "x",
            "amount": { "amount": "1", "currencyCode": "JPY" } }),
        "EndContractInput" => json!({ "contractId": "bogus", "reason": "x" }),
        "SubmitReviewInput" => json!({ "contractId": "bogus", "rating": 5, "comment": "x" }),
        // finance
        "InvoiceFilter" => json!({ "orderBy": "DUE_DATE", "overdue": true }),
        "Boolean" => json!(true),
        // tax
        "PayeeProfileInput" => json!({ "payeeType": "INDIVIDUAL" }),
        // reports
        "ReasonCode" => json!("DEFECT"),
        "NaiveDate" => json!("2026-04-01"),
        "Int" => json!(2026),
        // company
        "AddCompanyMemberInput" => {
            json!({ "companyId": "bogus", "email": "nobody@example.jp", "role": "MEMBER" })
        }
        "RemoveCompanyMemberInput" => json!({ "companyId": "bogus", "email": "nobody@example.jp" }),
        "AddAlumniInput" | "RemoveAlumniInput" => {
            json!({ "companyId": "bogus", "emails": ["nobody@example.jp"] })
        }
        "SetCompanyPaymentProviderInput" => json!({ "companyId": "bogus", "provider": "MANUAL" }),
        "UpdateCompanySettingsInput" => json!({ "companyId": "bogus", "reviewWindowDays": 14 }),
        // bank
        "SetBankAccountInput" => json!({ "bankCode": "0001", "bankName": "x", "branchCode": "001",
            "branchName": "x", "accountType": "ORDINARY", "accountNumber": "1", "holderKana": "x" }),
        "SetCompanyBankAccountInput" => json!({ "companyId": "bogus", "consignorCode": "1",
            "consignorName": "x", "bankCode": "0001", "bankName": "x", "branchCode": "001",
            "branchName": "x", "accountType": "ORDINARY", "accountNumber": "1" }),
        "CreateTransferBatchInput" => {
            json!({ "companyId": "bogus", "transferDate": "2099-01-05", "payoutIds": [] })
        }
        "MarkTransferBatchPaidInput" => json!({ "batchId": "bogus", "reference": "x" }),
        // directory
        "UpdateProfileInput" => json!({ "headline": "x", "bio": "", "skills": [], "languages": [],
            "availability": "NOT_NOW", "links": [] }),
        "ConsentInput" => json!({ "companyId": "bogus", "purpose": "DIRECTORY" }),
        "RequestDeletionInput" => json!({ "companyId": "bogus" }),
        "AlumniFilter" => json!({ "skill": "sql" }),
        // events
        "CreateEventInput" => json!({ "companyId": "bogus", "title": "x", "kind": "OTHER",
            "startsAt": "2099-01-01T10:00:00Z", "endsAt": "2099-01-01T12:00:00Z", "place": "x",
            "online": false, "capacity": 1 }),
        "InviteSpeakerInput" => json!({ "eventId": "bogus", "userId": "bogus", "topic": "x",
            "honorarium": { "amount": "1", "currencyCode": "JPY" } }),
        // news and rehire
        "PostNewsInput" => {
            json!({ "companyId": "bogus", "title": "x", "body": "x", "category": "OTHER" })
        }
        "PublishOpeningInput" => json!({ "companyId": "bogus", "title": "x", "department": "x",
            "employmentType": "FULL_TIME", "location": "x", "description": "x" }),
        "ApplyToOpeningInput" => json!({ "openingId": "bogus" }),
        "MoveApplicationInput" => json!({ "applicationId": "bogus", "to": "SCREENING" }),
        "MessageLanguage" => json!("JA"),
        "MarkNotificationsReadInput" => json!({ "all": true }),
        "SetNotificationPreferenceInput" => json!({ "kind": "NEWS_POSTED", "delivery": "OFF" }),
        other => panic!("no dummy value for {other}: add one"),
    };
    let documents = boomerang::console::documents();
    assert!(documents.len() >= 8);
    for document in documents {
        let mut variables = serde_json::Map::new();
        // Only the operation's header declares variables; the body uses them.
        let header = document.split('{').next().unwrap_or_default();
        for declaration in header.split('$').skip(1) {
            if let Some((name, rest)) = declaration.split_once(':') {
                let ty = rest
                    .trim()
                    .trim_start_matches('[')
                    .split(['!', ')', ']', ' ', ','])
                    .next()
                    .unwrap();
                variables.insert(name.trim().to_string(), dummy(ty));
            }
        }
        let body = s.gql(None, document, Value::Object(variables)).await;
        for error in body["errors"].as_array().into_iter().flatten() {
            assert!(
                error["path"].as_array().is_some_and(|p| !p.is_empty()),
                "{document} did not validate: {error}"
            );
        }
    }
    s.finish().await;
}

#[tokio::test]
async fn the_stripe_return_pages_answer_and_explain() {
    let s = TestServer::start().await;
    let mut b = Browser::new(&s, "en");
    let done = b.get("/payouts/onboarding/done").await;
    assert_eq!(done.status, 200);
    assert!(
        done.body.contains("Stripe has received your details"),
        "{}",
        done.body
    );

    // Anonymous: log in first, then come back here.
    let refresh = b.get("/payouts/onboarding/refresh").await;
    assert_eq!(
        (refresh.status, refresh.location()),
        (303, "/login?next=%2Fpayouts%2Fonboarding%2Frefresh")
    );
    let signup = b.get("/signup").await;
    b.submit(
        &signup,
        "/signup",
        &[
            ("display_name", "Payee"),
            ("email", "payee@example.jp"),
            ("password", PASSWORD),
        ],
    )
    .await;
    let home = b.get("/").await;
    assert_eq!(b.submit(&home, "/logout", &[]).await.status, 303);
    let login = b.get(refresh.location()).await;
    assert!(
        login
            .body
            .contains(r#"name="next" value="/payouts/onboarding/refresh""#)
    );
    let back = b
        .submit(
            &login,
            "/login",
            &[
                ("email", "payee@example.jp"),
                ("password", PASSWORD),
                ("next", "/payouts/onboarding/refresh"),
            ],
        )
        .await;
    assert_eq!(back.location(), "/payouts/onboarding/refresh");
    // Not an alumnus, and no Stripe here: the API's refusal, explained, not a redirect.
    let explained = b.get("/payouts/onboarding/refresh").await;
    assert_eq!(explained.status, 400, "{}", explained.body);
    assert!(
        explained
            .body
            .contains("We could not open the Stripe setup page")
    );
    assert!(explained.body.contains(r#"role="alert""#));

    // A `next` off this site is ignored.
    let home = b.get("/").await;
    assert_eq!(b.submit(&home, "/logout", &[]).await.status, 303);
    let login = b.get("/login").await;
    let off = b
        .submit(
            &login,
            "/login",
            &[
                ("email", "payee@example.jp"),
                ("password", PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(off.location(), "/");
    s.finish().await;
}

#[tokio::test]
async fn a_page_asked_for_before_logging_in_is_where_the_log_in_returns() {
    let s = TestServer::start().await;
    boomerang_tests::flow::sign_up(&s, "later@example.jp").await;
    let mut b = Browser::new(&s, "en");
    for path in ["/projects?category=DESIGN", "/finance", "/work", "/bids"] {
        let page = b.get(path).await;
        assert_eq!(page.status, 303, "{path}");
        assert!(
            page.location().starts_with("/login?next=%2F"),
            "{path}: {}",
            page.location()
        );
    }
    let asked = b.get("/projects?category=DESIGN").await;
    let login = b.get(asked.location()).await;
    assert!(
        login
            .body
            .contains(r#"name="next" value="/projects?category=DESIGN""#),
        "{}",
        login.body
    );
    let done = b
        .submit(
            &login,
            "/login",
            &[
                ("email", "later@example.jp"),
                ("password", PASSWORD),
                ("next", "/projects?category=DESIGN"),
            ],
        )
        .await;
    assert_eq!(
        (done.status, done.location()),
        (303, "/projects?category=DESIGN")
    );
    s.finish().await;
}
