//! The company pages driven like a browser: members and roles (the last ADMIN kept, the
//! reason shown), the alumni roster (paste, CSV upload, remove, who signed up), settings,
//! another company's pages answering 404; the time-zone choice.
use boomerang_tests::TestServer;
use boomerang_tests::flow::{self, sign_up};
use serde_json::json;

use super::browser::{Browser, Page};

/// The URL path of the company page a response redirects to, e.g. `/companies/Q29t…`.
fn company_path(page: &Page) -> String {
    assert_eq!(page.status, 303, "{}", page.body);
    page.location().to_string()
}

#[tokio::test]
async fn a_company_is_created_and_its_members_managed_through_the_pages() {
    let s = TestServer::start().await;
    let admin = sign_up(&s, "hr-admin@minato.example.jp").await;
    let colleague = sign_up(&s, "sato@minato.example.jp").await;
    let mut b = Browser::new(&s, "ja");
    b.use_session(&admin.token);

    let form = b.page("/companies/new").await;
    assert!(form.body.contains("企業の登録"), "{}", form.body);
    let empty = b.submit(&form, "/companies/new", &[("name", "  ")]).await;
    assert_eq!(empty.status, 400);
    assert!(empty.body.contains(r#"role="alert""#));
    let created = b
        .submit(&form, "/companies/new", &[("name", "みなと証券株式会社")])
        .await;
    let base = company_path(&created);
    assert!(base.starts_with("/companies/"), "{base}");

    let members = b.page(&format!("{base}/members")).await;
    assert!(members.body.contains("みなと証券株式会社 のメンバー"));
    assert!(members.body.contains("hr-admin@minato.example.jp"));
    assert!(members.body.contains("管理者"));

    // Someone without an account: refused next to the add form, the input kept.
    let missing = b
        .submit(
            &members,
            &format!("{base}/members"),
            &[("email", "nobody@minato.example.jp"), ("role", "FINANCE")],
        )
        .await;
    assert_eq!(missing.status, 400, "{}", missing.body);
    assert!(missing.body.contains(r#"role="alert""#));
    assert!(missing.body.contains(r#"value="nobody@minato.example.jp""#));

    let added = b
        .submit(
            &members,
            &format!("{base}/members"),
            &[("email", &colleague.email), ("role", "MEMBER")],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let members = b.get(added.location()).await;
    assert!(members.body.contains("メンバーを保存しました"));
    assert!(members.body.contains(&colleague.email));

    // The role changes through the same form; the API sees it.
    let changed = b
        .submit(
            &members,
            &format!("{base}/members"),
            &[("email", &colleague.email), ("role", "FINANCE")],
        )
        .await;
    assert_eq!(changed.status, 303);
    let roles = s
        .ok(
            colleague.token(),
            "{ viewer { memberships { role } } }",
            json!({}),
        )
        .await;
    assert_eq!(roles["viewer"]["memberships"][0]["role"], "FINANCE");

    // The last ADMIN cannot leave, nor be demoted: the reason is shown next to the row.
    let members = b.page(&format!("{base}/members")).await;
    let last = b
        .submit(
            &members,
            &format!("{base}/members/remove"),
            &[("email", &admin.email)],
        )
        .await;
    assert_eq!(last.status, 400, "{}", last.body);
    assert!(last.body.contains(r#"role="alert""#), "{}", last.body);
    assert!(last.body.contains("現在の状態ではこの操作を行えません"));
    let demote = b
        .submit(
            &members,
            &format!("{base}/members"),
            &[("email", &admin.email), ("role", "MEMBER")],
        )
        .await;
    assert_eq!(demote.status, 400, "{}", demote.body);

    let removed = b
        .submit(
            &members,
            &format!("{base}/members/remove"),
            &[("email", &colleague.email)],
        )
        .await;
    assert_eq!(removed.status, 303);
    let members = b.get(removed.location()).await;
    assert!(!members.body.contains(&colleague.email));

    // Settings: the review window and the provider (Stripe is not configured: refused, the
    // entered values kept).
    let settings = b.page(&format!("{base}/settings")).await;
    assert!(settings.body.contains(r#"value="14""#), "{}", settings.body);
    let saved = b
        .submit(
            &settings,
            &format!("{base}/settings"),
            &[("provider", "MANUAL"), ("review_window_days", "21")],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let settings = b.get(saved.location()).await;
    assert!(settings.body.contains("設定を保存しました"));
    assert!(settings.body.contains(r#"value="21""#));
    let too_long = b
        .submit(
            &settings,
            &format!("{base}/settings"),
            &[("provider", "MANUAL"), ("review_window_days", "99")],
        )
        .await;
    assert_eq!(too_long.status, 400);
    assert!(too_long.body.contains(r#"value="99""#) && too_long.body.contains(r#"role="alert""#));
    s.finish().await;
}

#[tokio::test]
async fn another_companys_pages_are_not_found_and_roster_settings_are_for_admins() {
    let s = TestServer::start().await;
    let ours = flow::company(&s, "ours").await;
    let theirs = flow::company(&s, "theirs").await;
    let mut b = Browser::new(&s, "en");
    b.use_session(&ours.admin.token);
    for page in ["members", "alumni", "settings"] {
        let other = b.get(&format!("/companies/{}/{page}", theirs.id)).await;
        assert_eq!(other.status, 404, "{page}: {}", other.body);
        let garbage = b.get(&format!("/companies/not-an-id/{page}")).await;
        assert_eq!(garbage.status, 404, "{page}");
        b.page(&format!("/companies/{}/{page}", ours.id)).await;
    }
    // A POST to another company's page changes nothing either.
    let ours_page = b.page(&format!("/companies/{}/members", ours.id)).await;
    let foreign = b
        .submit(
            &ours_page,
            &format!("/companies/{}/members/remove", theirs.id),
            &[("email", &theirs.member.email)],
        )
        .await;
    assert_eq!(foreign.status, 404);
    let mut member = Browser::new(&s, "en");
    member.use_session(&ours.member.token);
    member
        .page(&format!("/companies/{}/members", ours.id))
        .await;
    let roster = member.get(&format!("/companies/{}/alumni", ours.id)).await;
    assert_eq!(roster.status, 403);
    assert!(roster.body.contains("Only the company's administrators"));
    s.finish().await;
}

fn multipart(boundary: &str, parts: &[(&str, Option<&str>, &str)]) -> String {
    let mut body = String::new();
    for (name, filename, value) in parts {
        body.push_str(&format!("--{boundary}\r\n"));
        match filename {
            Some(file) => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: text/csv\r\n\r\n"
            )),
            None => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"
            )),
        }
        body.push_str(value);
        body.push_str("\r\n");
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    body
}

async fn upload(b: &mut Browser, path: &str, body: String) -> Page {
    let boundary = "boomerangBoundary7MA4YWxk";
    let response = b
        .http
        .post(format!("{}{path}", b.base))
        .header("cookie", b.cookie_header())
        .header("accept-language", b.accept_language)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    b.keep(response).await
}

#[tokio::test]
async fn the_roster_takes_pasted_emails_and_a_csv_upload_and_shows_who_signed_up() {
    let s = TestServer::start().await;
    let c = flow::company(&s, "roster").await;
    let mut b = Browser::new(&s, "ja");
    b.use_session(&c.admin.token);
    let path = format!("/companies/{}/alumni", c.id);
    let page = b.page(&path).await;
    assert!(page.body.contains(r#"enctype="multipart/form-data""#));
    let boundary = "boomerangBoundary7MA4YWxk";

    // Without the CSRF part the upload is refused before anything runs.
    let forged = upload(
        &mut b,
        &path,
        multipart(boundary, &[("emails", None, "forged@example.jp")]),
    )
    .await;
    assert_eq!(forged.status, 403, "{}", forged.body);

    // Pasted lines and a CSV file (BOM, header row, quoted email, Japanese names) together.
    let csrf = page.csrf();
    let csv =
        "\u{feff}email,氏名\r\n\"hanako@example.jp\",山田 花子\r\nkenta@example.jp,鈴木 健太\r\n";
    let added = upload(
        &mut b,
        &path,
        multipart(
            boundary,
            &[
                ("csrf", None, &csrf),
                ("emails", None, "taro@example.jp\nhanako@example.jp"),
                ("file", Some("roster.csv"), csv),
            ],
        ),
    )
    .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let signed = sign_up(&s, "kenta@example.jp").await;
    let roster = b.get(added.location()).await;
    assert!(
        roster.body.contains("3 件のメールアドレス"),
        "{}",
        roster.body
    );
    for email in ["taro@example.jp", "hanako@example.jp", "kenta@example.jp"] {
        assert!(roster.body.contains(email), "{email}");
    }
    assert!(
        roster
            .body
            .contains("名簿 3 件（うちアカウント登録済み 1 件）"),
        "{}",
        roster.body
    );
    let kenta = roster.body.find("kenta@example.jp").unwrap();
    assert!(
        roster.body[kenta..].find("登録済み").unwrap()
            < roster.body[kenta..].find("</tr>").unwrap()
    );
    assert_eq!(
        s.ok(signed.token(), "{ viewer { alumniOf { id } } }", json!({}))
            .await["viewer"]["alumniOf"][0]["id"],
        c.id.as_str()
    );

    // A malformed line: all or nothing, the reason shown, the pasted text kept.
    let bad = upload(
        &mut b,
        &path,
        multipart(
            boundary,
            &[
                ("csrf", None, &csrf),
                ("emails", None, "ok@example.jp\nnot-an-email"),
            ],
        ),
    )
    .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains(r#"role="alert""#) && bad.body.contains("not-an-email"));
    assert!(!b.page(&path).await.body.contains("ok@example.jp"));

    // Plain url-encoded pasting works too; removing one entry.
    let roster = b.page(&path).await;
    let removed = b
        .submit(
            &roster,
            &format!("{path}/remove"),
            &[("email", "taro@example.jp")],
        )
        .await;
    assert_eq!(removed.status, 303);
    let roster = b.get(removed.location()).await;
    assert!(
        roster
            .body
            .contains("taro@example.jp を名簿から削除しました")
    );
    assert!(roster.body.contains("名簿 2 件"));
    s.finish().await;
}

#[tokio::test]
async fn the_verify_link_only_redeems_when_its_button_is_pressed() {
    let s = TestServer::start().await;
    let person = sign_up(&s, "scanner-target@example.jp").await;
    let mail = s.mail(&person.email, boomerang_tests::VERIFY_MAIL, 1).await;
    let link = super::browser::link_in(&mail, "/verify-email?token=");
    let mut scanner = Browser::new(&s, "en");
    let preview = scanner.page(&link).await;
    assert!(preview.body.contains("Verify my email address"));
    let me = "{ viewer { emailVerified } }";
    assert_eq!(
        s.ok(person.token(), me, json!({})).await["viewer"]["emailVerified"],
        false
    );
    let token = link.split("token=").nth(1).unwrap();
    let done = scanner
        .submit(&preview, "/verify-email", &[("token", token)])
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(
        s.ok(person.token(), me, json!({})).await["viewer"]["emailVerified"],
        true
    );
    s.finish().await;
}

#[tokio::test]
async fn the_time_zone_chosen_on_the_home_page_moves_its_times() {
    let s = TestServer::start().await;
    let person = sign_up(&s, "tz@example.jp").await;
    let mut b = Browser::new(&s, "en");
    b.use_session(&person.token);
    let home = b.page("/").await;
    assert!(home.body.contains(r#"action="/timezone""#));
    assert!(home.body.contains(" JST"), "{}", home.body);
    let switched = b.get("/timezone?to=Europe/London&back=/").await;
    assert_eq!((switched.status, switched.location()), (303, "/"));
    let home = b.page("/").await;
    assert!(!home.body.contains(" JST"));
    assert!(
        home.body.contains(" GMT") || home.body.contains(" BST"),
        "{}",
        home.body
    );
    assert!(
        home.body
            .contains(r#"<option value="Europe/London" selected>"#),
        "{}",
        home.body
    );
    s.finish().await;
}

#[tokio::test]
async fn the_demo_seeds_an_empty_database_once_and_the_books_balance() {
    use boomerang::demo::{Outcome, seed};
    // As `serve --demo` does: seed before the server (and its mail worker) starts.
    let db = boomerang_tests::TestDb::new().await;
    let conn = boomerang::db::connect(&db.url, 1).await.unwrap();
    boomerang::db::migrate(&conn).await.unwrap();
    let Outcome::Seeded(logins) = seed(&conn).await.expect("seeding") else {
        panic!("an empty database was not seeded");
    };
    conn.close().await.unwrap();
    let s = TestServer::start_with(db).await;
    assert_eq!(logins.len(), 17);
    let count = |table: &str| format!("SELECT COUNT(*) FROM {table}");
    assert_eq!(s.sql_i64(&count("companies")).await, 4);
    assert_eq!(s.sql_i64(&count("company_members")).await, 12);
    assert_eq!(
        s.sql_i64(&count("users WHERE email_verified_at IS NOT NULL"))
            .await,
        17
    );
    assert_eq!(s.sql_i64(&count("projects WHERE status = 'OPEN'")).await, 6);
    // Two marketplace contracts and a speaker's honorarium (its lecture fee invoiced).
    assert_eq!(s.sql_i64(&count("contracts")).await, 3);
    assert_eq!(s.sql_i64(&count("invoices WHERE status = 'PAID'")).await, 1);
    assert_eq!(
        s.sql_i64(&count("invoices WHERE status = 'SUBMITTED'"))
            .await,
        2
    );
    assert_eq!(s.sql_i64(&count("events")).await, 3);
    assert_eq!(
        s.sql_i64(&count("invoices WHERE withholding_minor = 5105"))
            .await,
        1
    );
    assert_eq!(
        s.sql_i64(&count("milestones WHERE status = 'SUBMITTED'"))
            .await,
        1
    );
    assert!(s.sql_i64(&count("bids WHERE status = 'PENDING'")).await >= 6);
    // The invoice awaiting finance shows the tax: ¥180,000 + ¥18,000, the ¥30,000 lecture line
    // withheld from (¥3,063), from a registered sole proprietor.
    assert_eq!(
        s.sql_i64("SELECT total_minor FROM invoices WHERE status = 'SUBMITTED'")
            .await,
        198_000
    );
    assert_eq!(
        s.sql_i64("SELECT withholding_minor FROM invoices WHERE status = 'SUBMITTED'")
            .await,
        3_063
    );
    assert_eq!(
        s.sql_i64(&count("invoices WHERE registration_number IS NOT NULL"))
            .await,
        1
    );

    // A printed login works through the log-in page.
    let mut b = Browser::new(&s, "ja");
    let login = b.page("/login").await;
    let signed = b
        .submit(
            &login,
            "/login",
            &[
                ("email", &logins[0].email),
                ("password", boomerang::demo::PASSWORD),
            ],
        )
        .await;
    assert_eq!(signed.status, 303, "{}", signed.body);

    assert!(matches!(
        seed(&s.conn).await.expect("second run"),
        Outcome::NotEmpty
    ));
    assert_eq!(s.sql_i64(&count("companies")).await, 4);
    s.finish().await;
}

#[tokio::test]
async fn the_demo_leaves_a_database_with_any_user_alone() {
    use boomerang::demo::{Outcome, seed};
    let s = TestServer::start().await;
    sign_up(&s, "first@example.jp").await;
    assert!(matches!(
        seed(&s.conn).await.expect("seeding"),
        Outcome::NotEmpty
    ));
    assert_eq!(s.sql_i64("SELECT COUNT(*) FROM companies").await, 0);
    s.finish().await;
}

/// The API fields the pages need: `CompanyMember.email` for the staff, `AlumniRecord.signedUp`.
#[tokio::test]
async fn the_api_gives_staff_member_emails_and_the_roster_who_signed_up() {
    let s = TestServer::start().await;
    let c = flow::company(&s, "apifields").await;
    flow::add_alumni(&s, &c, &["later@example.jp", "never@example.jp"]).await;
    sign_up(&s, "later@example.jp").await;
    let query =
        "query($id: ID!) { company(id: $id) { members { email role } alumni { email signedUp } } }";
    let data = s.ok(c.admin.token(), query, json!({ "id": c.id })).await;
    let mut emails: Vec<&str> = data["company"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["email"].as_str().unwrap())
        .collect();
    emails.sort();
    assert_eq!(
        emails,
        [&c.admin.email, &c.finance.email, &c.member.email]
            .map(String::as_str)
            .iter()
            .copied()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
    );
    let alumni = data["company"]["alumni"].as_array().unwrap();
    let signed =
        |email: &str| alumni.iter().find(|a| a["email"] == email).unwrap()["signedUp"].clone();
    assert_eq!(signed("later@example.jp"), true);
    assert_eq!(signed("never@example.jp"), false);
    // Someone outside the company sees neither list.
    let outsider = sign_up(&s, "outsider@example.jp").await;
    let seen = s.gql(outsider.token(), query, json!({ "id": c.id })).await;
    let company = &seen["data"]["company"];
    assert!(company.is_null() || company["members"].as_array().unwrap().is_empty());
    s.finish().await;
}
