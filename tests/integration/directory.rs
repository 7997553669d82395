//! Profiles, the consented directory, inviteToBid, "what this company holds about me" and the
//! deletion request (issue 13 §1–§3). Consent is a dimension of its own: withdrawing DIRECTORY
//! consent at one company hides her from that company's directory at once and from nothing
//! else.
use boomerang_tests::flow::*;
use boomerang_tests::{TestServer, error_code};
use serde_json::{Value, json};

use crate::reviews::{REVIEW, review_input};

const GRANT: &str = "mutation($c: ID!, $p: ConsentPurpose!) { grantConsent(input: { companyId: $c, purpose: $p }) { id } }";
const WITHDRAW: &str = "mutation($c: ID!, $p: ConsentPurpose!) { withdrawConsent(input: { companyId: $c, purpose: $p }) { id } }";
const UPDATE: &str = "mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { headline skills links bio languages availability } }";
pub const DIRECTORY: &str = "query($c: ID!, $f: AlumniFilter) { alumniDirectory(companyId: $c, filter: $f) { edges { node { id displayName department leftYear wouldRehire rating { average count } profile { headline skills links bio availability } } } } }";
const INVITE: &str =
    "mutation($p: ID!, $u: [ID!]!) { inviteToBid(input: { projectId: $p, userIds: $u }) { id } }";
const HELD: &str = "query($c: ID!) { myDataAt(companyId: $c) { company { id } rosterEntry { department leftYear } consents { purpose live } profileShown { headline } records { kind count ids retention } } }";
const DELETE: &str = "mutation($c: ID!) { requestDeletion(input: { companyId: $c }) { deleted { kind count reason } kept { kind count reason } } }";
const ADD: &str =
    "mutation($input: AddAlumniInput!) { addAlumni(input: $input) { email department leftYear } }";
const PROFILE_OF: &str =
    "query($c: ID!) { contract(id: $c) { freelancer { profile { headline bio skills } } } }";

fn profile(headline: &str, skills: &[&str], availability: &str) -> Value {
    json!({ "input": {
        "headline": headline,
        "bio": "Ten years in retail banking.",
        "skills": skills,
        "languages": ["日本語", "English"],
        "availability": availability,
        "links": ["https://example.jp/me"],
    } })
}

async fn tenure(s: &TestServer, c: &Company, email: &str, department: &str, left_year: i32) {
    s.ok(
        c.admin.token(),
        ADD,
        json!({ "input": { "companyId": c.id, "entries": [{ "email": email, "department": department, "leftYear": left_year }] } }),
    )
    .await;
}

async fn listed(s: &TestServer, who: &Person, company: &str, filter: Value) -> Vec<String> {
    let data = s
        .ok(who.token(), DIRECTORY, json!({ "c": company, "f": filter }))
        .await;
    data["alumniDirectory"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["displayName"].as_str().unwrap().to_string())
        .collect()
}

/// Company A with three alumni: hanako and taro listed (DIRECTORY consent, profiles and
/// tenure), jiro on the roster without consent.
async fn world(s: &TestServer) -> (Company, Person, Person, Person) {
    let a = company(s, "diracme").await;
    let hanako = alumnus(s, &a, "hanako@dir-alumni.example").await;
    let taro = alumnus(s, &a, "taro@dir-alumni.example").await;
    let jiro = alumnus(s, &a, "jiro@dir-alumni.example").await;
    tenure(s, &a, &hanako.email, "Risk", 2020).await;
    tenure(s, &a, &taro.email, "IT", 2018).await;
    s.ok(
        hanako.token(),
        UPDATE,
        profile("Quant", &["Rust", "SQL"], "OPEN_TO_SIDE_JOBS"),
    )
    .await;
    s.ok(
        taro.token(),
        UPDATE,
        profile("Engineer", &["sql"], "NOT_NOW"),
    )
    .await;
    s.ok(
        jiro.token(),
        UPDATE,
        profile("Hidden", &["rust"], "OPEN_TO_REHIRE"),
    )
    .await;
    for p in [&hanako, &taro] {
        s.ok(p.token(), GRANT, json!({ "c": a.id, "p": "DIRECTORY" }))
            .await;
    }
    (a, hanako, taro, jiro)
}

#[tokio::test]
async fn staff_search_consenting_alumni_by_every_filter() {
    let s = TestServer::start().await;
    let (a, _hanako, _taro, _jiro) = world(&s).await;
    let m = &a.member;
    assert_eq!(listed(&s, m, &a.id, json!(null)).await, ["taro", "hanako"]);
    assert_eq!(
        listed(&s, &a.finance, &a.id, json!({})).await,
        ["taro", "hanako"]
    );
    assert_eq!(
        listed(&s, m, &a.id, json!({ "skill": " RUST " })).await,
        ["hanako"]
    );
    assert_eq!(
        listed(&s, m, &a.id, json!({ "skill": "sql" })).await,
        ["taro", "hanako"]
    );
    assert_eq!(
        listed(&s, m, &a.id, json!({ "availability": "NOT_NOW" })).await,
        ["taro"]
    );
    assert_eq!(
        listed(&s, m, &a.id, json!({ "department": "Risk" })).await,
        ["hanako"]
    );
    assert_eq!(
        listed(&s, m, &a.id, json!({ "leftYear": 2018 })).await,
        ["taro"]
    );
    assert!(
        listed(&s, m, &a.id, json!({ "minRating": 1.0 }))
            .await
            .is_empty()
    );
    assert!(
        listed(&s, m, &a.id, json!({ "skill": "rust", "leftYear": 2018 }))
            .await
            .is_empty()
    );

    // Keyset pages, newest account first.
    const PAGE: &str = "query($c: ID!, $after: String) { alumniDirectory(companyId: $c, first: 1, after: $after) { pageInfo { hasNextPage endCursor } edges { node { displayName } } } }";
    let first = s.ok(m.token(), PAGE, json!({ "c": a.id })).await;
    let conn = &first["alumniDirectory"];
    assert_eq!(conn["edges"][0]["node"]["displayName"], "taro");
    assert_eq!(conn["pageInfo"]["hasNextPage"], true);
    let next = s
        .ok(
            m.token(),
            PAGE,
            json!({ "c": a.id, "after": conn["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(
        next["alumniDirectory"]["edges"][0]["node"]["displayName"],
        "hanako"
    );
    assert_eq!(next["alumniDirectory"]["pageInfo"]["hasNextPage"], false);

    let data = s
        .ok(
            m.token(),
            DIRECTORY,
            json!({ "c": a.id, "f": { "department": "Risk" } }),
        )
        .await;
    let node = &data["alumniDirectory"]["edges"][0]["node"];
    assert_eq!(node["department"], "Risk");
    assert_eq!(node["leftYear"], 2020);
    assert_eq!(node["profile"]["skills"], json!(["rust", "sql"]));
    assert_eq!(node["profile"]["availability"], "OPEN_TO_SIDE_JOBS");
    assert_eq!(node["wouldRehire"], json!([]));
    assert_eq!(node["rating"]["count"], 0);
    s.finish().await;
}

#[tokio::test]
async fn peers_see_each_other_only_when_both_consented() {
    let s = TestServer::start().await;
    let (a, hanako, taro, jiro) = world(&s).await;
    let b = company(&s, "dirbank").await;
    // A peer sees name, headline, skills, links: no tenure, bio, availability or wouldRehire.
    let data = s.ok(hanako.token(), DIRECTORY, json!({ "c": a.id })).await;
    let edges = data["alumniDirectory"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 1);
    let node = &edges[0]["node"];
    assert_eq!(node["displayName"], "taro");
    assert_eq!(node["profile"]["headline"], "Engineer");
    assert_eq!(node["profile"]["skills"], json!(["sql"]));
    assert_eq!(node["profile"]["links"], json!(["https://example.jp/me"]));
    for hidden in ["department", "leftYear", "wouldRehire", "rating"] {
        assert_eq!(node[hidden], Value::Null, "{hidden}");
    }
    assert_eq!(node["profile"]["bio"], Value::Null);
    assert_eq!(node["profile"]["availability"], Value::Null);
    // Jiro has not consented: he sees no one and no one sees him.
    let refused = s.gql(jiro.token(), DIRECTORY, json!({ "c": a.id })).await;
    assert_eq!(error_code(&refused).as_deref(), Some("FORBIDDEN"));
    assert!(
        !listed(&s, &taro, &a.id, json!({}))
            .await
            .contains(&"jiro".to_string())
    );
    // Another company's staff, and a stranger: not found.
    let other = s
        .gql(b.admin.token(), DIRECTORY, json!({ "c": a.id }))
        .await;
    assert_eq!(error_code(&other).as_deref(), Some("NOT_FOUND"));
    let anon = s.gql(None, DIRECTORY, json!({ "c": a.id })).await;
    assert_eq!(error_code(&anon).as_deref(), Some("UNAUTHENTICATED"));
    // Taro withdraws: hanako no longer sees him, and he can no longer look.
    s.ok(
        taro.token(),
        WITHDRAW,
        json!({ "c": a.id, "p": "DIRECTORY" }),
    )
    .await;
    assert!(listed(&s, &hanako, &a.id, json!({})).await.is_empty());
    let refused = s.gql(taro.token(), DIRECTORY, json!({ "c": a.id })).await;
    assert_eq!(error_code(&refused).as_deref(), Some("FORBIDDEN"));
    s.finish().await;
}

/// She works for A (contract, paid invoice, A's review with wouldRehire) and is also B's
/// alumna, listed at both.
async fn worked(s: &TestServer) -> (Contracted, Company, String) {
    let c = contracted(s, "3000").await;
    let b = company(s, "dirbank").await;
    add_alumni(s, &b, &[&c.freelancer.email]).await;
    let her = &c.freelancer;
    s.ok(
        her.token(),
        UPDATE,
        profile("Quant", &["Rust"], "OPEN_TO_SIDE_JOBS"),
    )
    .await;
    let inv = invoice(s, her, &c.contract_id, "3000", "JPY").await;
    let payout = approve(s, &c.a.finance, &inv).await;
    mark_paid(s, &c.a.finance, &payout, "BANK-D").await;
    s.ok(
        c.a.admin.token(),
        REVIEW,
        review_input(&c.contract_id, 5, "Great", Some(true)),
    )
    .await;
    for company in [&c.a.id, &b.id] {
        s.ok(
            her.token(),
            GRANT,
            json!({ "c": company, "p": "DIRECTORY" }),
        )
        .await;
    }
    (c, b, inv)
}

#[tokio::test]
async fn would_rehire_is_the_writing_companys_alone_and_withdrawal_hides_her_there_only() {
    let s = TestServer::start().await;
    let (c, b, inv) = worked(&s).await;
    let her = &c.freelancer;
    let a_view = s
        .ok(c.a.member.token(), DIRECTORY, json!({ "c": c.a.id }))
        .await;
    assert_eq!(
        a_view["alumniDirectory"]["edges"][0]["node"]["wouldRehire"],
        json!([true])
    );
    let b_view = s
        .ok(b.member.token(), DIRECTORY, json!({ "c": b.id }))
        .await;
    assert_eq!(
        b_view["alumniDirectory"]["edges"][0]["node"]["wouldRehire"],
        json!([])
    );
    // Staff of a company she lets list her read her whole profile; B's staff read it through
    // its own directory too; A's staff see it through her contract.
    let seen = s
        .ok(
            c.a.member.token(),
            PROFILE_OF,
            json!({ "c": c.contract_id }),
        )
        .await;
    assert_eq!(
        seen["contract"]["freelancer"]["profile"]["bio"],
        "Ten years in retail banking."
    );

    s.ok(
        her.token(),
        WITHDRAW,
        json!({ "c": c.a.id, "p": "DIRECTORY" }),
    )
    .await;
    assert!(listed(&s, &c.a.member, &c.a.id, json!({})).await.is_empty());
    assert_eq!(listed(&s, &b.member, &b.id, json!({})).await, ["hanako"]);
    // Nothing else changes: her contract and invoice are still hers and A's.
    let contract = s
        .ok(
            her.token(),
            "query($id: ID!, $i: ID!) { contract(id: $id) { id } invoice(id: $i) { id } }",
            json!({ "id": c.contract_id, "i": inv }),
        )
        .await;
    assert_eq!(contract["contract"]["id"], json!(c.contract_id));
    assert_eq!(contract["invoice"]["id"], json!(inv));
    // A's staff no longer read her profile.
    let seen = s
        .ok(
            c.a.member.token(),
            PROFILE_OF,
            json!({ "c": c.contract_id }),
        )
        .await;
    assert_eq!(seen["contract"]["freelancer"]["profile"], Value::Null);
    s.finish().await;
}

#[tokio::test]
async fn invite_to_bid_notifies_listed_alumni_and_refuses_others() {
    let s = TestServer::start().await;
    let (a, hanako, taro, jiro) = world(&s).await;
    let project = publish(&s, &a.member, &a.id, "5000", "JPY", "COMPANY_ALUMNI").await;
    let refused = s
        .gql(
            a.member.token(),
            INVITE,
            json!({ "p": project, "u": [hanako.id, jiro.id] }),
        )
        .await;
    assert_eq!(error_code(&refused).as_deref(), Some("BAD_USER_INPUT"));
    assert!(
        refused.to_string().contains("input.userIds[1]"),
        "{refused}"
    );
    let forbidden = s
        .gql(
            a.finance.token(),
            INVITE,
            json!({ "p": project, "u": [hanako.id] }),
        )
        .await;
    assert_eq!(error_code(&forbidden).as_deref(), Some("FORBIDDEN"));
    let by_alumna = s
        .gql(
            taro.token(),
            INVITE,
            json!({ "p": project, "u": [hanako.id] }),
        )
        .await;
    assert_eq!(error_code(&by_alumna).as_deref(), Some("FORBIDDEN"));
    // Nothing was written by the refused call.
    let count = |s: &TestServer| {
        let conn = s.conn.clone();
        async move {
            use sea_orm::{EntityTrait, PaginatorTrait};
            entity::notification::Entity::find()
                .count(&conn)
                .await
                .unwrap()
        }
    };
    assert_eq!(count(&s).await, 0);
    let invited = s
        .ok(
            a.admin.token(),
            INVITE,
            json!({ "p": project, "u": [hanako.id, taro.id, hanako.id] }),
        )
        .await;
    assert_eq!(invited["inviteToBid"].as_array().unwrap().len(), 2);
    assert_eq!(count(&s).await, 2);
    // After withdrawal she cannot be invited any more.
    s.ok(
        hanako.token(),
        WITHDRAW,
        json!({ "c": a.id, "p": "DIRECTORY" }),
    )
    .await;
    let refused = s
        .gql(
            a.member.token(),
            INVITE,
            json!({ "p": project, "u": [hanako.id] }),
        )
        .await;
    assert_eq!(error_code(&refused).as_deref(), Some("BAD_USER_INPUT"));
    s.finish().await;
}

#[tokio::test]
async fn what_a_company_holds_and_the_deletion_that_keeps_invoices() {
    let s = TestServer::start().await;
    let (c, b, inv) = worked(&s).await;
    let her = &c.freelancer;
    let held = s.ok(her.token(), HELD, json!({ "c": c.a.id })).await;
    let h = &held["myDataAt"];
    assert_eq!(h["profileShown"]["headline"], "Quant");
    assert_eq!(h["consents"][0]["purpose"], "DIRECTORY");
    let kinds: Vec<(String, i64)> = h["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap().to_string(),
                r["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(kinds.contains(&("INVOICE".into(), 1)), "{kinds:?}");
    assert!(kinds.contains(&("CONTRACT".into(), 1)), "{kinds:?}");
    assert!(kinds.contains(&("REVIEW".into(), 1)), "{kinds:?}");
    // Someone else cannot ask about her; a company she has nothing to do with is not found.
    let stranger = sign_up(&s, "stranger@dir.example").await;
    let none = s.gql(stranger.token(), HELD, json!({ "c": c.a.id })).await;
    assert_eq!(error_code(&none).as_deref(), Some("NOT_FOUND"));
    // A pending bid on another open project goes with the deletion.
    let open = publish(&s, &c.a.member, &c.a.id, "5000", "JPY", "COMPANY_ALUMNI").await;
    let pending = bid(&s, her, &open, "4000", "JPY").await;

    let report = s.ok(her.token(), DELETE, json!({ "c": c.a.id })).await;
    let r = &report["requestDeletion"];
    let count_of = |list: &Value, kind: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|l| l["kind"] == kind)
            .map(|l| l["count"].as_i64().unwrap())
    };
    assert_eq!(count_of(&r["deleted"], "ROSTER_ENTRY"), Some(1));
    assert_eq!(count_of(&r["deleted"], "CONSENT"), Some(1));
    assert_eq!(count_of(&r["deleted"], "PENDING_BID"), Some(1));
    assert_eq!(count_of(&r["kept"], "INVOICE"), Some(1));
    assert_eq!(count_of(&r["kept"], "PAYOUT"), Some(1));
    let invoice_reason = r["kept"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "INVOICE")
        .unwrap()["reason"]
        .to_string();
    assert!(
        invoice_reason.contains("7年間") && invoice_reason.contains("59"),
        "{invoice_reason}"
    );
    // The invoice is still there for both sides; she is off A's roster and directory, still
    // listed at B.
    let kept = s
        .ok(
            c.a.finance.token(),
            "query($id: ID!) { invoice(id: $id) { id } }",
            json!({ "id": inv }),
        )
        .await;
    assert_eq!(kept["invoice"]["id"], json!(inv));
    assert!(listed(&s, &c.a.member, &c.a.id, json!({})).await.is_empty());
    assert_eq!(listed(&s, &b.member, &b.id, json!({})).await, ["hanako"]);
    let status = s
        .ok(
            her.token(),
            "query($id: ID!) { bid(id: $id) { status } }",
            json!({ "id": pending }),
        )
        .await;
    assert_eq!(status["bid"]["status"], "WITHDRAWN");
    // What A holds now: no roster entry, no live consent, no profile; the records stay.
    let held = s.ok(her.token(), HELD, json!({ "c": c.a.id })).await;
    assert_eq!(held["myDataAt"]["rosterEntry"], Value::Null);
    assert_eq!(held["myDataAt"]["profileShown"], Value::Null);
    assert_eq!(held["myDataAt"]["consents"][0]["live"], false);
    s.finish().await;
}

#[tokio::test]
async fn profile_and_tenure_inputs_are_checked() {
    let s = TestServer::start().await;
    let (a, hanako, _taro, _jiro) = world(&s).await;
    let bad_link = s
        .gql(hanako.token(), UPDATE, json!({ "input": { "headline": "h", "bio": "", "skills": [], "languages": [], "availability": "NOT_NOW", "links": ["javascript:alert(1)"] } }))
        .await;
    assert_eq!(error_code(&bad_link).as_deref(), Some("BAD_USER_INPUT"));
    assert!(bad_link.to_string().contains("input.links[0]"));
    let bad_year = s
        .gql(a.admin.token(), ADD, json!({ "input": { "companyId": a.id, "entries": [{ "email": "x@dir.example", "leftYear": 1800 }] } }))
        .await;
    assert_eq!(error_code(&bad_year).as_deref(), Some("BAD_USER_INPUT"));
    assert!(bad_year.to_string().contains("input.entries[0].leftYear"));
    let by_member = s
        .gql(
            a.member.token(),
            ADD,
            json!({ "input": { "companyId": a.id, "entries": [{ "email": "x@dir.example" }] } }),
        )
        .await;
    assert_eq!(error_code(&by_member).as_deref(), Some("FORBIDDEN"));
    // Emails and entries together; a re-upload with tenure updates it.
    let added = s
        .ok(a.admin.token(), ADD, json!({ "input": { "companyId": a.id, "emails": ["y@dir.example"], "entries": [{ "email": hanako.email, "department": "Audit", "leftYear": 2021 }] } }))
        .await;
    assert_eq!(added["addAlumni"][1]["department"], "Audit");
    assert_eq!(added["addAlumni"][1]["leftYear"], 2021);
    // Her own profile, whole; a stranger reads null.
    let mine = s
        .ok(
            hanako.token(),
            "{ viewer { profile { bio languages availability } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        mine["viewer"]["profile"]["availability"],
        "OPEN_TO_SIDE_JOBS"
    );
    s.finish().await;
}
