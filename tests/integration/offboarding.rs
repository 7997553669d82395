//! Offboarding and edits (issue 10 §5): removing staff and alumni ends their rights with their
//! next request, the last ADMIN stays even under a race, projects are edited while OPEN, and a
//! bid is rejected with a reason.
use boomerang_tests::flow::*;
use boomerang_tests::{TestServer, error_code};
use futures::future::join_all;
use serde_json::{Value, json};

const REMOVE_MEMBER: &str = "mutation($input: RemoveCompanyMemberInput!) { removeCompanyMember(input: $input) { id role user { id } } }";
const REMOVE_ALUMNI: &str =
    "mutation($input: RemoveAlumniInput!) { removeAlumni(input: $input) { id email } }";
const UPDATE_PROJECT: &str = "mutation($input: UpdateProjectInput!) { updateProject(input: $input) { id title description skills deadline status budget { amount currencyCode } } }";
const REJECT_BID: &str =
    "mutation($input: RejectBidInput!) { rejectBid(input: $input) { id status rejectionReason } }";

/// Ids are opaque to clients; tests may peek: base64url("Type:key").
fn key(id: &str) -> i64 {
    use base64::Engine;
    let text = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(id)
        .unwrap();
    String::from_utf8(text)
        .unwrap()
        .split_once(':')
        .unwrap()
        .1
        .parse()
        .unwrap()
}

fn remove_member(company: &str, email: &str) -> Value {
    json!({ "input": { "companyId": company, "email": email } })
}

fn remove_alumni(company: &str, emails: &[&str]) -> Value {
    json!({ "input": { "companyId": company, "emails": emails } })
}

async fn admins(s: &TestServer) -> i64 {
    s.sql_i64("SELECT COUNT(*) FROM company_members WHERE role = 'ADMIN'")
        .await
}

async fn bid_status(s: &TestServer, by: &Person, bid: &str) -> Value {
    s.ok(
        by.token(),
        "query($id: ID!) { bid(id: $id) { status rejectionReason } }",
        json!({ "id": bid }),
    )
    .await["bid"]
        .clone()
}

#[tokio::test]
async fn a_removed_finance_member_can_no_longer_approve_or_pay() {
    let s = TestServer::start().await;
    let c = contracted(&s, "100000").await;
    let first = invoice(&s, &c.freelancer, &c.contract_id, "40000", "JPY").await;
    let payout = approve(&s, &c.a.finance, &first).await;
    let second = invoice(&s, &c.freelancer, &c.contract_id, "10000", "JPY").await;

    let removed = s
        .ok(
            c.a.admin.token(),
            REMOVE_MEMBER,
            remove_member(&c.a.id, &c.a.finance.email),
        )
        .await;
    assert_eq!(removed["removeCompanyMember"]["role"], "FINANCE");
    assert_eq!(removed["removeCompanyMember"]["user"]["id"], c.a.finance.id);

    // The very next request: the invoice and the payout are no longer theirs to see.
    let approve = s
        .gql(c.a.finance.token(), APPROVE, json!({ "id": second }))
        .await;
    assert_eq!(
        error_code(&approve).as_deref(),
        Some("NOT_FOUND"),
        "{approve}"
    );
    let pay = s
        .gql(
            c.a.finance.token(),
            MARK_PAID,
            json!({ "input": { "payoutId": payout, "reference": "TRF-1" } }),
        )
        .await;
    assert_eq!(error_code(&pay).as_deref(), Some("NOT_FOUND"), "{pay}");
    let company = s
        .gql(
            c.a.finance.token(),
            "query($id: ID!) { company(id: $id) { name } }",
            json!({ "id": c.a.id }),
        )
        .await;
    assert_eq!(error_code(&company).as_deref(), Some("NOT_FOUND"));
    let seen = s
        .ok(
            c.a.admin.token(),
            "query($id: ID!) { company(id: $id) { members { role user { id } } } }",
            json!({ "id": c.a.id }),
        )
        .await;
    let members = seen["company"]["members"].as_array().unwrap();
    assert_eq!(members.len(), 2);
    assert!(members.iter().all(|m| m["user"]["id"] != c.a.finance.id));
    let audited = s
        .sql_i64("SELECT COUNT(*) FROM audit_events WHERE action = 'company_member.remove' AND from_status = 'FINANCE' AND actor_id IS NOT NULL")
        .await;
    assert_eq!(audited, 1);
    // Nobody else's invoice state moved.
    let invoice_state = s
        .ok(
            c.a.admin.token(),
            "query($id: ID!) { invoice(id: $id) { status } }",
            json!({ "id": second }),
        )
        .await;
    assert_eq!(invoice_state["invoice"]["status"], "SUBMITTED");

    // Added back, they act again.
    add_member(&s, &c.a.admin, &c.a.id, &c.a.finance.email, "FINANCE").await;
    s.ok(c.a.finance.token(), APPROVE, json!({ "id": second }))
        .await;
    s.finish().await;
}

#[tokio::test]
async fn removing_a_member_is_refused_to_the_wrong_people_and_for_the_last_admin() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let b = company(&s, "bank").await;
    let vars = remove_member(&a.id, &a.member.email);
    assert_eq!(
        s.err(None, REMOVE_MEMBER, vars.clone()).await,
        "UNAUTHENTICATED"
    );
    assert_eq!(
        s.err(a.member.token(), REMOVE_MEMBER, vars.clone()).await,
        "FORBIDDEN"
    );
    assert_eq!(
        s.err(a.finance.token(), REMOVE_MEMBER, vars.clone()).await,
        "FORBIDDEN"
    );
    assert_eq!(
        s.err(b.admin.token(), REMOVE_MEMBER, vars.clone()).await,
        "NOT_FOUND"
    );
    let bad = s
        .gql(
            a.admin.token(),
            REMOVE_MEMBER,
            remove_member(&a.id, "not an email"),
        )
        .await;
    assert_eq!(error_code(&bad).as_deref(), Some("BAD_USER_INPUT"));
    assert_eq!(bad["errors"][0]["extensions"]["field"], "input.email");
    // Someone with an account who is not on the staff, and an address with no account.
    for email in [b.member.email.as_str(), "nobody@nowhere.example"] {
        assert_eq!(
            s.err(a.admin.token(), REMOVE_MEMBER, remove_member(&a.id, email))
                .await,
            "NOT_FOUND"
        );
    }
    // The only ADMIN cannot remove themself.
    let last = s
        .gql(
            a.admin.token(),
            REMOVE_MEMBER,
            remove_member(&a.id, &a.admin.email),
        )
        .await;
    assert_eq!(error_code(&last).as_deref(), Some("CONFLICT"), "{last}");
    assert_eq!(s.sql_i64("SELECT COUNT(*) FROM company_members").await, 6);

    // With a second ADMIN, one may leave; the remaining one is then the last.
    add_member(&s, &a.admin, &a.id, &a.member.email, "ADMIN").await;
    s.ok(
        a.admin.token(),
        REMOVE_MEMBER,
        remove_member(&a.id, &a.admin.email),
    )
    .await;
    assert_eq!(
        s.err(a.admin.token(), REMOVE_MEMBER, vars.clone()).await,
        "NOT_FOUND",
        "the removed admin's rights ended"
    );
    assert_eq!(
        s.err(a.member.token(), REMOVE_MEMBER, vars).await,
        "CONFLICT",
        "the remaining admin is the last"
    );
    s.finish().await;
}

/// Two ADMINs removing (or demoting) each other at once: one wins, the company keeps an ADMIN.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_admins_removing_or_demoting_each_other_at_once_leave_one_admin() {
    let s = TestServer::start().await;
    let mut companies = Vec::new();
    for round in 0..6 {
        let c = company(&s, &format!("race{round}")).await;
        add_member(&s, &c.admin, &c.id, &c.member.email, "ADMIN").await;
        companies.push(c);
    }
    assert_eq!(admins(&s).await, 12);
    for (round, c) in companies.iter().enumerate() {
        let (query, vars_a, vars_b) = if round % 2 == 0 {
            (
                REMOVE_MEMBER,
                remove_member(&c.id, &c.member.email),
                remove_member(&c.id, &c.admin.email),
            )
        } else {
            let demote = |email: &str| json!({ "input": { "companyId": c.id, "email": email, "role": "MEMBER" } });
            (
                "mutation($input: AddCompanyMemberInput!) { addCompanyMember(input: $input) { id role } }",
                demote(&c.member.email),
                demote(&c.admin.email),
            )
        };
        let bodies = join_all([
            s.gql(c.admin.token(), query, vars_a),
            s.gql(c.member.token(), query, vars_b),
        ])
        .await;
        let ok = bodies.iter().filter(|b| b.get("errors").is_none()).count();
        assert_eq!(ok, 1, "round {round}: {bodies:#?}");
        let refused = bodies.iter().filter_map(error_code).collect::<Vec<_>>();
        // FORBIDDEN / CONFLICT when the loser waited on the lock; NOT_FOUND when its request
        // started after the winner committed (its rights had already ended).
        assert!(
            refused == ["CONFLICT"] || refused == ["FORBIDDEN"] || refused == ["NOT_FOUND"],
            "round {round}: {bodies:#?}"
        );
    }
    assert_eq!(admins(&s).await, 6, "every company keeps exactly one ADMIN");
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM companies c WHERE NOT EXISTS (SELECT 1 FROM company_members m WHERE m.company_id = c.id AND m.role = 'ADMIN')")
            .await,
        0
    );
    s.finish().await;
}

#[tokio::test]
async fn removed_alumni_lose_company_projects_and_pending_bids_but_keep_their_contract() {
    let s = TestServer::start().await;
    let c = contracted(&s, "100000").await;
    let a = &c.a;
    let b = company(&s, "bank").await;
    let hanako = &c.freelancer;
    // Kenji is on A's roster only; Yui on A's and B's.
    let kenji = alumnus(&s, a, "kenji@alumni.example").await;
    let yui = alumnus(&s, a, "yui@alumni.example").await;
    add_alumni(&s, &b, &[&yui.email]).await;

    let own = publish(&s, &a.member, &a.id, "50000", "JPY", "COMPANY_ALUMNI").await;
    let open_to_all = publish(&s, &a.member, &a.id, "50000", "JPY", "ALL_ALUMNI").await;
    let hanako_bid = bid(&s, hanako, &own, "40000", "JPY").await;
    let kenji_own = bid(&s, &kenji, &own, "41000", "JPY").await;
    let kenji_all = bid(&s, &kenji, &open_to_all, "41000", "JPY").await;
    let yui_own = bid(&s, &yui, &own, "42000", "JPY").await;
    let yui_all = bid(&s, &yui, &open_to_all, "42000", "JPY").await;

    let removed = s
        .ok(
            a.admin.token(),
            REMOVE_ALUMNI,
            remove_alumni(
                &a.id,
                &[
                    &hanako.email,
                    "KENJI@alumni.example",
                    &yui.email,
                    "never@listed.example",
                ],
            ),
        )
        .await;
    let mut emails: Vec<&str> = removed["removeAlumni"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["email"].as_str().unwrap())
        .collect();
    emails.sort_unstable();
    assert_eq!(
        emails,
        [
            "hanako@alumni.example",
            "kenji@alumni.example",
            "yui@alumni.example"
        ]
    );
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM audit_events WHERE action = 'alumni.remove'")
            .await,
        3
    );

    // Bids on A's COMPANY_ALUMNI project are withdrawn; on the ALL_ALUMNI project only Kenji's,
    // who is on no roster any more. Each bidder still sees their own bid.
    for (who, id, status) in [
        (hanako, &hanako_bid, "WITHDRAWN"),
        (&kenji, &kenji_own, "WITHDRAWN"),
        (&kenji, &kenji_all, "WITHDRAWN"),
        (&yui, &yui_own, "WITHDRAWN"),
        (&yui, &yui_all, "PENDING"),
    ] {
        assert_eq!(
            bid_status(&s, who, id).await["status"],
            status,
            "{}",
            who.email
        );
    }
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM audit_events WHERE action = 'bid.withdraw.alumni_removed' AND from_status = 'PENDING' AND to_status = 'WITHDRAWN'")
            .await,
        4
    );

    // The very next request: A's company-only projects are gone for them, and so is bidding.
    let project = s
        .gql(
            hanako.token(),
            "query($id: ID!) { project(id: $id) { id } }",
            json!({ "id": own }),
        )
        .await;
    assert_eq!(error_code(&project).as_deref(), Some("NOT_FOUND"));
    let again = s
        .gql(hanako.token(), PLACE_BID, bid_input(&own, "40000", "JPY"))
        .await;
    assert_eq!(error_code(&again).as_deref(), Some("NOT_FOUND"));
    let listed = s
        .ok(
            kenji.token(),
            "{ projects { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(listed["projects"]["edges"], json!([]));
    // Yui, still B's alumna, still sees (and may bid on) projects open to all alumni.
    let yui_sees = s
        .ok(
            yui.token(),
            "{ projects { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(yui_sees["projects"]["edges"][0]["node"]["id"], open_to_all);

    // Hanako's running contract continues: she invoices, finance approves and pays.
    let inv = invoice(&s, hanako, &c.contract_id, "100000", "JPY").await;
    let payout = approve(&s, &a.finance, &inv).await;
    mark_paid(&s, &a.finance, &payout, "TRF-9").await;
    let contract = s
        .ok(
            hanako.token(),
            "query($id: ID!) { contract(id: $id) { status } }",
            json!({ "id": c.contract_id }),
        )
        .await;
    assert_eq!(contract["contract"]["status"], "COMPLETED");

    // Removing again removes nothing.
    let none = s
        .ok(
            a.admin.token(),
            REMOVE_ALUMNI,
            remove_alumni(&a.id, &[&hanako.email]),
        )
        .await;
    assert_eq!(none["removeAlumni"], json!([]));
    s.finish().await;
}

#[tokio::test]
async fn removing_alumni_is_refused_to_the_wrong_people_and_for_bad_lists() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let b = company(&s, "bank").await;
    let alum = alumnus(&s, &a, "hanako@alumni.example").await;
    let vars = remove_alumni(&a.id, &[&alum.email]);
    assert_eq!(
        s.err(None, REMOVE_ALUMNI, vars.clone()).await,
        "UNAUTHENTICATED"
    );
    for who in [&a.member, &a.finance, &alum] {
        assert_eq!(
            s.err(who.token(), REMOVE_ALUMNI, vars.clone()).await,
            "FORBIDDEN"
        );
    }
    assert_eq!(
        s.err(b.admin.token(), REMOVE_ALUMNI, vars).await,
        "NOT_FOUND"
    );
    let too_many: Vec<String> = (0..1001).map(|i| format!("a{i}@x.example")).collect();
    for (emails, field) in [
        (json!([]), "input.emails"),
        (json!(too_many), "input.emails"),
        (json!([alum.email, "not an email"]), "input.emails[1]"),
    ] {
        let body = s
            .gql(
                a.admin.token(),
                REMOVE_ALUMNI,
                json!({ "input": { "companyId": a.id, "emails": emails } }),
            )
            .await;
        assert_eq!(
            error_code(&body).as_deref(),
            Some("BAD_USER_INPUT"),
            "{body}"
        );
        assert_eq!(body["errors"][0]["extensions"]["field"], field);
    }
    // Nothing was removed by the refused calls.
    assert_eq!(s.sql_i64("SELECT COUNT(*) FROM alumni_records").await, 1);
    s.finish().await;
}

#[tokio::test]
async fn an_open_project_is_edited_field_by_field_and_audited() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let project = publish(&s, &a.member, &a.id, "300000", "JPY", "COMPANY_ALUMNI").await;
    let deadline = (chrono::Utc::now() + chrono::Duration::days(30))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false);

    let edited = s
        .ok(
            a.admin.token(),
            UPDATE_PROJECT,
            json!({ "input": { "id": project, "title": "  Churn model, phase 2 ",
                "skills": ["R", "sql"], "budget": { "amount": "350000", "currencyCode": "JPY" },
                "deadline": deadline } }),
        )
        .await;
    let p = &edited["updateProject"];
    assert_eq!(p["title"], "Churn model, phase 2");
    assert_eq!(
        p["description"],
        "Model churn drivers from two years of account data."
    );
    let mut skills: Vec<&str> = p["skills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    skills.sort_unstable();
    assert_eq!(skills, ["r", "sql"]);
    assert_eq!(p["budget"]["amount"], "350000");
    assert_eq!(p["deadline"], deadline);
    assert_eq!(p["status"], "OPEN");

    // Only the description: the rest stays; null clears the deadline.
    let edited = s
        .ok(
            a.member.token(),
            UPDATE_PROJECT,
            json!({ "input": { "id": project, "description": "Two phases.\nSecond one now.", "deadline": null } }),
        )
        .await;
    let p = &edited["updateProject"];
    assert_eq!(p["title"], "Churn model, phase 2");
    assert_eq!(p["description"], "Two phases.\nSecond one now.");
    assert_eq!(p["deadline"], Value::Null);
    assert_eq!(p["budget"]["amount"], "350000");
    // Changing nothing writes nothing.
    s.ok(
        a.member.token(),
        UPDATE_PROJECT,
        json!({ "input": { "id": project, "title": "Churn model, phase 2" } }),
    )
    .await;

    let trail = s
        .ok(
            a.finance.token(),
            "query($id: ID!) { project(id: $id) { auditTrail { action detail actor { id } } } }",
            json!({ "id": project }),
        )
        .await;
    let updates: Vec<(&str, &str)> = trail["project"]["auditTrail"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "project.update")
        .map(|e| {
            (
                e["detail"].as_str().unwrap(),
                e["actor"]["id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        updates,
        [
            ("title,budget,deadline,skills", a.admin.id.as_str()),
            ("description,deadline", a.member.id.as_str())
        ]
    );
    s.finish().await;
}

#[tokio::test]
async fn editing_a_project_is_refused_to_others_out_of_state_and_for_bad_input() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let b = company(&s, "bank").await;
    let alum = alumnus(&s, &a, "hanako@alumni.example").await;
    let project = publish(&s, &a.member, &a.id, "300000", "JPY", "COMPANY_ALUMNI").await;
    let edit = |fields: Value| {
        let mut input = json!({ "id": project });
        input
            .as_object_mut()
            .unwrap()
            .extend(fields.as_object().unwrap().clone());
        json!({ "input": input })
    };
    let title = edit(json!({ "title": "New" }));
    assert_eq!(
        s.err(None, UPDATE_PROJECT, title.clone()).await,
        "UNAUTHENTICATED"
    );
    assert_eq!(
        s.err(a.finance.token(), UPDATE_PROJECT, title.clone())
            .await,
        "FORBIDDEN"
    );
    assert_eq!(
        s.err(alum.token(), UPDATE_PROJECT, title.clone()).await,
        "FORBIDDEN"
    );
    assert_eq!(
        s.err(b.admin.token(), UPDATE_PROJECT, title.clone()).await,
        "NOT_FOUND"
    );
    let past = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339();
    for (fields, field) in [
        (json!({ "title": "  " }), "input.title"),
        (json!({ "title": "a\u{1b}b" }), "input.title"),
        (
            json!({ "description": "x".repeat(20_001) }),
            "input.description",
        ),
        (json!({ "skills": ["ok", ""] }), "input.skills[1]"),
        (json!({ "skills": vec!["s"; 21] }), "input.skills"),
        (
            json!({ "budget": { "amount": "-1", "currencyCode": "JPY" } }),
            "input.budget.amount",
        ),
        (json!({ "deadline": past }), "input.deadline"),
    ] {
        let body = s.gql(a.member.token(), UPDATE_PROJECT, edit(fields)).await;
        assert_eq!(
            error_code(&body).as_deref(),
            Some("BAD_USER_INPUT"),
            "{body}"
        );
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
    // The currency cannot change under a pending bid placed in the old one.
    let pending = bid(&s, &alum, &project, "250000", "JPY").await;
    let usd = edit(json!({ "budget": { "amount": "2000.00", "currencyCode": "USD" } }));
    assert_eq!(
        s.err(a.member.token(), UPDATE_PROJECT, usd).await,
        "CONFLICT"
    );
    s.ok(
        a.member.token(),
        "mutation($id: ID!) { closeProject(id: $id) { id } }",
        json!({ "id": project }),
    )
    .await;
    assert_eq!(
        s.err(a.member.token(), UPDATE_PROJECT, title).await,
        "CONFLICT"
    );
    let unchanged = s
        .ok(
            a.member.token(),
            "query($id: ID!) { project(id: $id) { title status auditTrail { action } } }",
            json!({ "id": project }),
        )
        .await;
    assert_eq!(
        unchanged["project"]["title"],
        "Churn analysis for the retail bank"
    );
    assert_eq!(unchanged["project"]["status"], "CLOSED");
    assert!(
        unchanged["project"]["auditTrail"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["action"] != "project.update")
    );
    // The alumna's bid went with the close, without a reason of its own.
    assert_eq!(
        bid_status(&s, &alum, &pending).await,
        json!({ "status": "REJECTED", "rejectionReason": null })
    );
    // Others never see the trail.
    let hidden = s
        .ok(
            alum.token(),
            "query($id: ID!) { project(id: $id) { auditTrail { action } } }",
            json!({ "id": project }),
        )
        .await;
    assert_eq!(hidden["project"]["auditTrail"], json!([]));
    s.finish().await;
}

#[tokio::test]
async fn a_pending_bid_is_rejected_with_a_reason_the_bidder_sees() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let b = company(&s, "bank").await;
    let hanako = alumnus(&s, &a, "hanako@alumni.example").await;
    let kenji = alumnus(&s, &a, "kenji@alumni.example").await;
    let project = publish(&s, &a.member, &a.id, "300000", "JPY", "COMPANY_ALUMNI").await;
    let mine = bid(&s, &hanako, &project, "250000", "JPY").await;
    let other = bid(&s, &kenji, &project, "260000", "JPY").await;
    let reject = |reason: &str| json!({ "input": { "id": mine, "reason": reason } });

    assert_eq!(
        s.err(None, REJECT_BID, reject("No")).await,
        "UNAUTHENTICATED"
    );
    assert_eq!(
        s.err(hanako.token(), REJECT_BID, reject("No")).await,
        "FORBIDDEN"
    );
    assert_eq!(
        s.err(a.finance.token(), REJECT_BID, reject("No")).await,
        "FORBIDDEN"
    );
    assert_eq!(
        s.err(kenji.token(), REJECT_BID, reject("No")).await,
        "NOT_FOUND"
    );
    assert_eq!(
        s.err(b.admin.token(), REJECT_BID, reject("No")).await,
        "NOT_FOUND"
    );
    for (reason, what) in [
        ("   ".to_string(), "empty"),
        ("x".repeat(2_001), "too long"),
        ("bad\u{7f}".to_string(), "control character"),
    ] {
        let body = s.gql(a.member.token(), REJECT_BID, reject(&reason)).await;
        assert_eq!(
            error_code(&body).as_deref(),
            Some("BAD_USER_INPUT"),
            "{what}"
        );
        assert_eq!(body["errors"][0]["extensions"]["field"], "input.reason");
    }

    let rejected = s
        .ok(
            a.member.token(),
            REJECT_BID,
            reject("We need someone on site in Osaka.\nThank you."),
        )
        .await;
    assert_eq!(rejected["rejectBid"]["status"], "REJECTED");
    let expected = json!({ "status": "REJECTED", "rejectionReason": "We need someone on site in Osaka.\nThank you." });
    assert_eq!(bid_status(&s, &hanako, &mine).await, expected);
    assert_eq!(bid_status(&s, &a.admin, &mine).await, expected);
    assert_eq!(
        s.err(a.admin.token(), REJECT_BID, reject("Again")).await,
        "CONFLICT"
    );
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM audit_events WHERE action = 'bid.reject' AND from_status = 'PENDING' AND to_status = 'REJECTED' AND actor_id IS NOT NULL")
            .await,
        1
    );
    // The other bid is untouched and can still win; then nothing is left to reject.
    assert_eq!(bid_status(&s, &kenji, &other).await["status"], "PENDING");
    accept(&s, &a.member, &other).await;
    let late = json!({ "input": { "id": other, "reason": "Too late" } });
    assert_eq!(s.err(a.member.token(), REJECT_BID, late).await, "CONFLICT");
    s.finish().await;
}

/// The same race with both requests certainly in flight: each caller's access is loaded (as a
/// request does first) before either acts, so both pass the role check and meet at the staff
/// lock. The second must count what the first left.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn admins_whose_requests_are_both_in_flight_still_leave_one_admin() {
    use boomerang::domain::{Access, companies};
    use entity::states::CompanyRole;

    let s = TestServer::start().await;
    let mut companies_made = Vec::new();
    for round in 0..6 {
        let c = company(&s, &format!("inflight{round}")).await;
        add_member(&s, &c.admin, &c.id, &c.member.email, "ADMIN").await;
        companies_made.push(c);
    }
    let user_id = |p: &Person| key(&p.id);
    for (round, c) in companies_made.iter().enumerate() {
        let company_id = key(&c.id);
        let first = Access::load(&s.conn, user_id(&c.admin), false)
            .await
            .unwrap();
        let second = Access::load(&s.conn, user_id(&c.member), false)
            .await
            .unwrap();
        let (one, two) = if round % 2 == 0 {
            tokio::join!(
                companies::remove_member(&s.conn, &first, company_id, &c.member.email),
                companies::remove_member(&s.conn, &second, company_id, &c.admin.email),
            )
        } else {
            tokio::join!(
                companies::add_member(
                    &s.conn,
                    &first,
                    company_id,
                    &c.member.email,
                    CompanyRole::Member
                ),
                companies::add_member(
                    &s.conn,
                    &second,
                    company_id,
                    &c.admin.email,
                    CompanyRole::Member
                ),
            )
        };
        let codes = [&one, &two].map(|r| r.as_ref().err().map(|e| e.code()));
        assert!(
            codes == [None, Some("FORBIDDEN")] || codes == [Some("FORBIDDEN"), None],
            "round {round}: {codes:?}"
        );
        let admins_left = s
            .sql_i64(&format!(
                "SELECT COUNT(*) FROM company_members WHERE company_id = {company_id} AND role = 'ADMIN'"
            ))
            .await;
        assert_eq!(admins_left, 1, "round {round}");
    }
    s.finish().await;
}

/// Rights are read from the database on every request, so a removal made through one replica
/// holds on the next request to another.
#[tokio::test]
async fn a_removal_through_one_replica_holds_on_the_next_request_to_another() {
    let s = TestServer::start().await;
    let other = s.replica().await;
    let c = contracted(&s, "100000").await;
    let inv = invoice(&s, &c.freelancer, &c.contract_id, "10000", "JPY").await;
    let open = publish(&s, &c.a.member, &c.a.id, "50000", "JPY", "COMPANY_ALUMNI").await;
    let project = "query($id: ID!) { project(id: $id) { id } }";
    // Both replicas serve both people first.
    other
        .ok(c.freelancer.token(), project, json!({ "id": open }))
        .await;
    other
        .ok(
            c.a.finance.token(),
            "query($id: ID!) { invoice(id: $id) { id } }",
            json!({ "id": inv }),
        )
        .await;

    s.ok(
        c.a.admin.token(),
        REMOVE_MEMBER,
        remove_member(&c.a.id, &c.a.finance.email),
    )
    .await;
    other
        .ok(
            c.a.admin.token(),
            REMOVE_ALUMNI,
            remove_alumni(&c.a.id, &[&c.freelancer.email]),
        )
        .await;

    let approve = other
        .gql(c.a.finance.token(), APPROVE, json!({ "id": inv }))
        .await;
    assert_eq!(
        error_code(&approve).as_deref(),
        Some("NOT_FOUND"),
        "{approve}"
    );
    let seen = s
        .gql(c.freelancer.token(), project, json!({ "id": open }))
        .await;
    assert_eq!(error_code(&seen).as_deref(), Some("NOT_FOUND"), "{seen}");
    other.stop_replica().await;
    s.finish().await;
}

/// An alumnus bidding while an ADMIN removes them, the bid's request already in flight (its
/// access loaded): either the bid is refused or it lands first and the removal withdraws it.
/// No pending bid survives on a company-only project of a company whose roster lost them.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_bid_racing_its_bidders_removal_never_stays_pending() {
    use boomerang::domain::money::{Currency, Money};
    use boomerang::domain::{Access, alumni, bids};

    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let project = publish(&s, &a.member, &a.id, "500000", "JPY", "COMPANY_ALUMNI").await;
    let admin = Access::load(&s.conn, key(&a.admin.id), false)
        .await
        .unwrap();
    let mut outcomes = Vec::new();
    for round in 0..8 {
        let alum = alumnus(&s, &a, &format!("racer{round}@alumni.example")).await;
        let bidder = Access::load(&s.conn, key(&alum.id), false).await.unwrap();
        let input = bids::NewBid {
            project_id: key(&project),
            amount: Money {
                minor: 400_000,
                currency: Currency::Jpy,
            },
            delivery_days: 5,
            proposal: "Racing my own offboarding",
            milestones: None,
        };
        let emails = [alum.email.clone()];
        let (placed, removed) = tokio::join!(
            bids::place(&s.conn, &bidder, input),
            alumni::remove(&s.conn, &admin, key(&a.id), &emails),
        );
        assert_eq!(removed.unwrap().len(), 1, "round {round}");
        match placed {
            Ok(bid) => {
                let status = s
                    .sql_i64(&format!(
                        "SELECT COUNT(*) FROM bids WHERE id = {} AND status = 'WITHDRAWN'",
                        bid.id
                    ))
                    .await;
                assert_eq!(
                    status, 1,
                    "round {round}: the bid landed first and was withdrawn"
                );
                outcomes.push("withdrawn");
            }
            Err(e) => {
                assert_eq!(e.code(), "NOT_FOUND", "round {round}: {e}");
                outcomes.push("refused");
            }
        }
    }
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM bids WHERE status = 'PENDING'")
            .await,
        0,
        "{outcomes:?}"
    );
    s.finish().await;
}
