//! Hostile or broken requests: limits, internal errors, and the plain HTTP endpoints.
use boomerang_tests::flow::*;
use boomerang_tests::{TestServer, error_code};
use sea_orm::{ConnectionTrait, Database};
use serde_json::json;

#[tokio::test]
async fn a_twelve_level_query_is_refused_before_any_resolver_runs() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let deep = "{ viewer { memberships { company { members { company { members { company { members { company { members { company { name } } } } } } } } } } } }";
    let before = s.sql_statements().await;
    let body = s.gql(a.admin.token(), deep, json!({})).await;
    let spent = s.sql_statements().await - before;
    assert_eq!(
        error_code(&body).as_deref(),
        Some("BAD_USER_INPUT"),
        "{body}"
    );
    assert!(body["data"].is_null(), "{body}");
    // Only the bearer token lookup touched the database.
    assert_eq!(spent, 1, "resolvers ran");
    s.finish().await;
}

#[tokio::test]
async fn list_fields_cost_first_times_their_selection() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let costly = "{ projects(first: 100) { edges { node { bids(first: 100) { edges { node { bidder { displayName } project { title } } } } } } } }";
    let body = s.gql(a.admin.token(), costly, json!({})).await;
    assert_eq!(
        error_code(&body).as_deref(),
        Some("BAD_USER_INPUT"),
        "{body}"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("complex"),
        "{body}"
    );
    let modest = "{ projects(first: 50) { edges { node { bids(first: 20) { edges { node { amount { amount } bidder { displayName } } } } } } } }";
    s.ok(a.admin.token(), modest, json!({})).await;
    s.finish().await;
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_refused() {
    let s = TestServer::start().await;
    let huge = format!("{{ viewer {{ id }} }} #{}", "x".repeat(1024 * 1024));
    let response = s
        .http()
        .post(format!("{}/graphql", s.base))
        .json(&json!({ "query": huge }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    s.finish().await;
}

#[tokio::test]
async fn internal_errors_carry_no_sql_and_leave_nothing_half_written() {
    let s = TestServer::start().await;
    let db_url = s.db.as_ref().unwrap().url.clone();
    let direct = Database::connect(&db_url).await.unwrap();
    direct
        .execute_unprepared("DROP TABLE audit_events")
        .await
        .unwrap();
    direct.close().await.unwrap();

    let body = s
        .gql(
            None,
            "mutation($input: SignUpInput!) { signUp(input: $input) { token } }",
            json!({ "input": { "email": "rin@example.jp", "password": PASSWORD, "displayName": "Rin" } }),
        )
        .await;
    assert_eq!(
        error_code(&body).as_deref(),
        Some("INTERNAL_SERVER_ERROR"),
        "{body}"
    );
    let text = body.to_string().to_lowercase();
    for leak in [
        "audit_events",
        "insert",
        "select",
        "sqlite",
        "postgres",
        "table",
        ".rs",
        "/work/",
    ] {
        assert!(!text.contains(leak), "the response leaks {leak:?}: {body}");
    }
    // The user row was rolled back with the failed audit event.
    let login = s
        .gql(
            None,
            "mutation($input: LogInInput!) { logIn(input: $input) { token } }",
            json!({ "input": { "email": "rin@example.jp", "password": PASSWORD } }),
        )
        .await;
    assert_eq!(
        error_code(&login).as_deref(),
        Some("UNAUTHENTICATED"),
        "{login}"
    );
    s.finish().await;
}

#[tokio::test]
async fn error_responses_for_bad_requests_carry_no_internals() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    for (query, variables) in [
        ("{ nope }", json!({})),
        (
            "query($id: ID!) { project(id: $id) { id } }",
            json!({ "id": "' OR 1=1 --" }),
        ),
        (
            "query($id: ID!) { project(id: $id) { id } }",
            json!({ "id": 12 }),
        ),
        (
            "mutation { placeBid(input: { projectId: \"x\", amount: { amount: \"1\", currencyCode: JPY }, deliveryDays: 99999999999, proposal: \"p\" }) { id } }",
            json!({}),
        ),
    ] {
        let body = s.gql(a.admin.token(), query, variables).await;
        let code = error_code(&body).unwrap_or_else(|| panic!("no code: {body}"));
        assert!(
            ["BAD_USER_INPUT", "NOT_FOUND"].contains(&code.as_str()),
            "{code}: {body}"
        );
        let text = body.to_string().to_lowercase();
        assert!(
            !text.contains("select") && !text.contains("sqlx") && !text.contains("panicked"),
            "{body}"
        );
    }
    s.finish().await;
}

#[tokio::test]
async fn probes_and_the_query_page_answer() {
    let s = TestServer::start().await;
    let get = |path: &str| s.http().get(format!("{}{path}", s.base)).send();
    assert_eq!(get("/healthz").await.unwrap().status(), 200);
    assert_eq!(get("/readyz").await.unwrap().status(), 200);
    let page = get("/graphql").await.unwrap();
    assert!(page.headers().contains_key("x-request-id"));
    assert!(page.text().await.unwrap().contains("Boomerang"));
    let metrics = get("/metrics").await.unwrap().text().await.unwrap();
    assert!(metrics.contains("boomerang_sql_statements_total"));
    s.finish().await;
}

#[tokio::test]
async fn nested_lists_cost_the_same_number_of_statements_however_many_rows() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let mut alumni = Vec::new();
    for i in 0..3 {
        alumni.push(alumnus(&s, &a, &format!("alum{i}@alumni.example")).await);
    }
    let dashboard = "{ projects(first: 50) { edges { node { title skills company { name } contract { freelancer { displayName } invoices { edges { node { payout { status } } } } } bids(first: 20) { edges { node { amount { amount } bidder { displayName } } } } } } } }";
    let mut counts = Vec::new();
    for round in 0..2 {
        // Round 0: two projects; round 1: eight. Each with bids from every alumnus.
        for _ in 0..(if round == 0 { 2 } else { 6 }) {
            let project = publish(&s, &a.member, &a.id, "100000", "JPY", "COMPANY_ALUMNI").await;
            for alum in &alumni {
                bid(&s, alum, &project, "90000", "JPY").await;
            }
        }
        s.ok(a.member.token(), dashboard, json!({})).await;
        let before = s.sql_statements().await;
        let data = s.ok(a.member.token(), dashboard, json!({})).await;
        counts.push(s.sql_statements().await - before);
        assert_eq!(
            data["projects"]["edges"].as_array().unwrap().len(),
            if round == 0 { 2 } else { 8 }
        );
    }
    assert_eq!(
        counts[0], counts[1],
        "statements grew with the rows: {counts:?}"
    );
    assert!(
        counts[1] <= 12,
        "too many statements for one page: {counts:?}"
    );
    s.finish().await;
}
