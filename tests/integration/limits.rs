//! Hostile or broken requests: limits, internal errors, and the plain HTTP endpoints.
use boomerang_tests::flow::*;
use boomerang_tests::{TestDb, TestServer, error_code};
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
        // A variable of the wrong type where an input object is expected (found by the fuzzer).
        (
            "mutation F($v: String) { signUp(input: $v) { __typename } }",
            json!({ "v": [] }),
        ),
        (
            "mutation F($v: String) { signUp(input: $v) { __typename } }",
            json!({ "v": "x" }),
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
    // No job workers: their polling would count among the statements measured.
    let s = TestServer::start_configured(TestDb::new().await, |c| c.worker = false).await;
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

/// graphql-js `getIntrospectionQuery()` (graphql 16.11.0) as GraphiQL, Apollo, graphql-codegen,
/// Insomnia and Postman send it, byte for byte.
const INTROSPECTION: &str = include_str!("../fixtures/introspection-query.graphql");
/// The same with every option on (descriptions of the schema, deprecated arguments,
/// `specifiedByURL`, `isRepeatable`, `isOneOf`), as newer GraphiQL asks.
const INTROSPECTION_ALL_OPTIONS: &str =
    include_str!("../fixtures/introspection-query-all-options.graphql");
/// Twelve levels of ordinary fields.
const TWELVE_DEEP: &str = "viewer { memberships { company { members { company { members { company { members { company { members { company { name } } } } } } } } } } }";

#[tokio::test]
async fn the_standard_introspection_query_is_answered_in_development() {
    let s = TestServer::start().await;
    for query in [INTROSPECTION, INTROSPECTION_ALL_OPTIONS] {
        let response = s
            .http()
            .post(format!("{}/graphql", s.base))
            .json(&json!({ "query": query, "operationName": "IntrospectionQuery" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(body.get("errors").is_none(), "{body:#}");
        let schema = &body["data"]["__schema"];
        assert_eq!(schema["queryType"]["name"], "Query");
        assert_eq!(schema["mutationType"]["name"], "Mutation");
        let types = schema["types"].as_array().unwrap();
        let project = types.iter().find(|t| t["name"] == "Project").unwrap();
        assert!(!project["fields"].as_array().unwrap().is_empty());
    }
    s.finish().await;
}

#[tokio::test]
async fn introspection_in_a_document_does_not_lift_the_depth_limit_of_its_other_fields() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let shallow = "{ __schema { queryType { name } } viewer { id } }";
    assert_eq!(
        s.ok(a.admin.token(), shallow, json!({})).await["__schema"]["queryType"]["name"],
        "Query"
    );
    for deep in [
        format!("{{ __schema {{ queryType {{ name }} }} {TWELVE_DEEP} }}"),
        format!("{{ __type(name: \"Query\") {{ name }} {TWELVE_DEEP} }}"),
        // Through a fragment spread beside the introspection field, or an inline fragment.
        format!(
            "{{ __schema {{ queryType {{ name }} }} ...deep }} fragment deep on Query {{ {TWELVE_DEEP} }}"
        ),
        format!("{{ ... on Query {{ __schema {{ queryType {{ name }} }} {TWELVE_DEEP} }} }}"),
        // The full introspection query with a deep field added to it.
        INTROSPECTION.replacen("__schema {", &format!("{TWELVE_DEEP} __schema {{"), 1),
    ] {
        let body = s.gql(a.admin.token(), &deep, json!({})).await;
        assert_eq!(
            error_code(&body).as_deref(),
            Some("BAD_USER_INPUT"),
            "{deep}: {body}"
        );
        assert!(body["data"].is_null(), "{body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("deep"),
            "{body}"
        );
    }
    s.finish().await;
}

#[tokio::test]
async fn introspection_that_nests_its_lists_or_goes_too_deep_is_refused() {
    let s = TestServer::start().await;
    // Each nested `fields` multiplies the answer by the number of fields: graphql-js refuses
    // a third level, and so does Boomerang, however the levels are reached.
    let fan_outs = [
        "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }",
        "{ __type(name: \"Query\") { fields { type { interfaces { possibleTypes { name } } } } } }",
        "{ __schema { types { ...f } } } fragment f on __Type { fields { type { ...g } } } fragment g on __Type { inputFields { type { fields { name } } } }",
    ];
    for query in fan_outs {
        let body = s.gql(None, query, json!({})).await;
        assert_eq!(
            error_code(&body).as_deref(),
            Some("BAD_USER_INPUT"),
            "{query}: {body}"
        );
        assert!(body["data"].is_null(), "{body}");
    }
    // Two levels are what the standard query uses, and are answered.
    let two = "{ __schema { types { fields { type { fields { name } } } } } }";
    s.ok(None, two, json!({})).await;
    // `ofType` unwrapped 25 times: deeper than any client asks.
    let of_type = format!(
        "{{ __type(name: \"Query\") {{ {} name {} }} }}",
        "ofType { ".repeat(25),
        "} ".repeat(25)
    );
    let body = s.gql(None, &of_type, json!({})).await;
    assert_eq!(
        error_code(&body).as_deref(),
        Some("BAD_USER_INPUT"),
        "{body}"
    );
    s.finish().await;
}

#[tokio::test]
async fn production_refuses_the_standard_introspection_query() {
    let prod = TestServer::start_configured(boomerang_tests::TestDb::new().await, |c| {
        c.mode = boomerang::config::Mode::Production;
        c.smtp_url = Some(boomerang::config::Secret::new("smtp://127.0.0.1:2525"));
        c.public_url = "https://boomerang.example".into();
    })
    .await;
    for query in [INTROSPECTION, INTROSPECTION_ALL_OPTIONS] {
        let body = prod.gql(None, query, json!({})).await;
        assert!(
            body["data"]["__schema"].is_null(),
            "introspection answered: {body}"
        );
        assert!(error_code(&body).is_some(), "{body}");
    }
    prod.finish().await;
}

#[tokio::test]
async fn fragments_that_multiply_are_refused_in_linear_time() {
    let s = TestServer::start().await;
    // Each fragment spreads the next twice: 2^21 fields once expanded, in 1.3 KB. Walked in
    // full, validation takes over ten seconds of CPU that no await interrupts (doubling with
    // each further fragment); measured with each fragment once, it is refused at once.
    let n = 21;
    let fragments: String = (0..n)
        .map(|i| {
            format!(
                "fragment f{i} on Query {{ ...f{next} ...f{next} }} ",
                next = i + 1
            )
        })
        .collect();
    let query = format!("{{ ...f0 }} {fragments} fragment f{n} on Query {{ __typename }}");
    let started = std::time::Instant::now();
    let body = s.gql(None, &query, json!({})).await;
    let elapsed = started.elapsed();
    assert_eq!(
        error_code(&body).as_deref(),
        Some("BAD_USER_INPUT"),
        "{body}"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("expanded"),
        "{body}"
    );
    assert!(
        elapsed < std::time::Duration::from_secs(5),
        "took {elapsed:?}"
    );
    // The same shape, small enough, is answered.
    let small: String = (0..3)
        .map(|i| {
            format!(
                "fragment g{i} on Query {{ ...g{next} ...g{next} }} ",
                next = i + 1
            )
        })
        .collect();
    let fine = format!("{{ ...g0 }} {small} fragment g3 on Query {{ __typename }}");
    assert_eq!(s.ok(None, &fine, json!({})).await["__typename"], "Query");
    s.finish().await;
}
