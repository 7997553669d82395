//! The HTTP edge of `/graphql`, as the GraphQL-over-HTTP spec and its audit (`graphql-http`,
//! run by `.ci/run`) see it: media types and status codes for each `Accept`, requests refused
//! before GraphQL (JSON errors with a code, nothing internal), and the one request time limit.
use std::time::{Duration, Instant};

use boomerang_tests::flow::*;
use boomerang_tests::{TestDb, TestServer, error_code};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const SIGN_UP: &str = "mutation($input: SignUpInput!) { signUp(input: $input) { token } }";

/// One answer: status, `Content-Type`, and the body as JSON (`Value::Null` if it is not JSON).
struct Answer {
    status: u16,
    content_type: String,
    body: Value,
    text: String,
}

impl Answer {
    fn code(&self) -> Option<String> {
        error_code(&self.body)
    }

    fn has_data(&self) -> bool {
        self.body.get("data").is_some()
    }
}

/// Posts `body` as is, with the given `Content-Type` and `Accept` (reqwest sends `*/*` when
/// `accept` is `None`; `raw` below sends no `Accept` at all).
async fn post(
    s: &TestServer,
    content_type: Option<&str>,
    accept: Option<&str>,
    body: &str,
) -> Answer {
    let mut request = s
        .http()
        .post(format!("{}/graphql", s.base))
        .body(body.to_string());
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let text = response.text().await.unwrap();
    Answer {
        status,
        content_type,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
        text,
    }
}

async fn post_json(s: &TestServer, accept: Option<&str>, body: Value) -> Answer {
    post(s, Some("application/json"), accept, &body.to_string()).await
}

/// Speaks HTTP/1.1 by hand: for requests a client library would change (no `Accept` header,
/// a body that never arrives). Returns the raw answer, read until the server closes.
async fn raw(s: &TestServer, request: &str) -> String {
    let addr = s.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("the server answered within 10 s")
        .unwrap();
    String::from_utf8(answer).unwrap()
}

/// The parts of a raw answer: status, `Content-Type`, body.
fn parse_raw(answer: &str) -> (u16, String, Value) {
    let (head, body) = answer.split_once("\r\n\r\n").expect("an HTTP answer");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap();
    let content_type = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-type")
                .then(|| value.trim().to_string())
        })
        .unwrap_or_default();
    (
        status,
        content_type,
        serde_json::from_str(body).unwrap_or(Value::Null),
    )
}

/// A refusal before GraphQL: the status, a JSON error with `code`, and no Rust internals.
fn assert_refused(answer: &Answer, status: u16, code: &str) {
    assert_eq!(answer.status, status, "{}", answer.text);
    assert!(
        answer.content_type.contains("json"),
        "{}: {}",
        answer.content_type,
        answer.text
    );
    assert_eq!(answer.code().as_deref(), Some(code), "{}", answer.text);
    assert!(
        answer.body["errors"][0]["message"].is_string(),
        "{}",
        answer.text
    );
    assert!(!answer.has_data(), "{}", answer.text);
    for internal in [
        "InvalidRequest",
        "Error(",
        "ParseRequestError",
        "expected ident",
        "serde",
        ".rs",
    ] {
        assert!(
            !answer.text.contains(internal),
            "{internal:?} in {}",
            answer.text
        );
    }
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_json_bad_request_error() {
    let s = TestServer::start().await;
    for body in [
        r#"{"query": nope}"#,
        r#"{ "not a JSON"#,
        "query { viewer { id } }",
        "\u{0}\u{1}",
    ] {
        for accept in [None, Some(GRAPHQL_RESPONSE)] {
            let answer = post(&s, Some("application/json"), accept, body).await;
            assert_refused(&answer, 400, "BAD_REQUEST");
        }
    }
    s.finish().await;
}

#[tokio::test]
async fn a_body_of_the_wrong_shape_is_a_json_bad_request_error() {
    let s = TestServer::start().await;
    for body in [
        json!("{ viewer { id } }"),
        json!(42),
        json!(null),
        json!([]),
        json!([1, 2]),
        json!({ "query": 5 }),
        json!({ "query": { "obj": "ect" } }),
        json!({ "query": "{ __typename }", "variables": "{}" }),
        json!({ "query": "{ __typename }", "variables": [1] }),
        json!({ "query": "{ __typename }", "operationName": 1 }),
        json!({ "query": "{ __typename }", "extensions": "x" }),
    ] {
        let answer = post_json(&s, None, body.clone()).await;
        assert_refused(&answer, 400, "BAD_REQUEST");
    }
    s.finish().await;
}

#[tokio::test]
async fn a_request_without_a_query_is_a_json_bad_request_error() {
    let s = TestServer::start().await;
    for body in [
        "",
        "   ",
        "{}",
        r#"{"qeury": "{ __typename }"}"#,
        r#"{"query": null}"#,
    ] {
        let answer = post(&s, Some("application/json"), None, body).await;
        assert_refused(&answer, 400, "BAD_REQUEST");
        assert!(
            answer.text.contains("query"),
            "the message names what is missing: {}",
            answer.text
        );
    }
    s.finish().await;
}

#[tokio::test]
async fn a_body_that_is_not_application_json_is_refused_and_never_run() {
    let s = TestServer::start().await;
    let sign_up = json!({
        "query": SIGN_UP,
        "variables": { "input": { "email": "csrf@example.jp", "password": PASSWORD, "displayName": "C" } }
    })
    .to_string();
    // What a page on another site can make a browser send without a preflight, and worse.
    for content_type in [
        None,
        Some("text/plain"),
        Some("text/plain;charset=UTF-8"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("application/graphql"),
        Some("application/json; charset=latin1"),
    ] {
        let answer = post(&s, content_type, None, &sign_up).await;
        assert_refused(&answer, 415, "UNSUPPORTED_MEDIA_TYPE");
    }
    let users = s
        .sql_i64("SELECT COUNT(*) FROM users WHERE email = 'csrf@example.jp'")
        .await;
    assert_eq!(users, 0, "a refused request ran");
    // The same request as application/json (any case, with a UTF-8 charset) runs.
    let answer = post(&s, Some("Application/JSON; charset=utf-8"), None, &sign_up).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert!(
        answer.body["data"]["signUp"]["token"].is_string(),
        "{}",
        answer.text
    );
    s.finish().await;
}

#[tokio::test]
async fn accept_decides_the_media_type_and_the_status_of_request_errors() {
    let s = TestServer::start().await;
    let ok = json!({ "query": "{ __typename }" });
    let unparsable = json!({ "query": "{" });
    let invalid = json!({ "query": "{ noSuchField }" });
    let null_variable = json!({
        "query": "query($id: ID!) { __typename }",
        "variables": { "id": null }
    });
    let missing_variable = json!({ "query": "query($id: ID!) { project(id: $id) { id } }" });
    let too_deep = json!({ "query": "{ viewer { memberships { company { members { company { members { company { members { company { members { company { name } } } } } } } } } } } }" });

    // Legacy: application/json (and anything that allows it) answers 200 for every GraphQL
    // response; a request error has no `data` entry.
    for accept in [
        None,
        Some("application/json"),
        Some("*/*"),
        Some("application/*"),
        Some("application/json; charset=utf-8"),
        Some("text/html, application/json;q=0.9"),
        Some("application/json, application/graphql-response+json;q=0.5"),
    ] {
        let answer = post_json(&s, accept, ok.clone()).await;
        assert_eq!(answer.status, 200, "{accept:?}: {}", answer.text);
        assert!(
            answer.content_type.starts_with("application/json"),
            "{accept:?}: {}",
            answer.content_type
        );
        assert_eq!(answer.body["data"]["__typename"], "Query");
        for request in [
            &unparsable,
            &invalid,
            &null_variable,
            &missing_variable,
            &too_deep,
        ] {
            let answer = post_json(&s, accept, request.clone()).await;
            assert_eq!(answer.status, 200, "{accept:?} {request}: {}", answer.text);
            assert!(answer.content_type.starts_with("application/json"));
            assert_eq!(
                answer.code().as_deref(),
                Some("BAD_USER_INPUT"),
                "{}",
                answer.text
            );
            assert!(!answer.has_data(), "{request}: {}", answer.text);
        }
    }

    // application/graphql-response+json: request errors are 400 without `data`.
    for accept in [
        GRAPHQL_RESPONSE,
        "application/graphql-response+json; charset=utf-8",
        "application/graphql-response+json, application/json;q=0.9",
        "application/json;q=0.5, application/graphql-response+json",
    ] {
        let answer = post_json(&s, Some(accept), ok.clone()).await;
        assert_eq!(answer.status, 200, "{accept}: {}", answer.text);
        assert!(
            answer.content_type.starts_with(GRAPHQL_RESPONSE),
            "{accept}: {}",
            answer.content_type
        );
        assert_eq!(answer.body["data"]["__typename"], "Query");
        for request in [
            &unparsable,
            &invalid,
            &null_variable,
            &missing_variable,
            &too_deep,
        ] {
            let answer = post_json(&s, Some(accept), request.clone()).await;
            assert_eq!(answer.status, 400, "{accept} {request}: {}", answer.text);
            assert!(answer.content_type.starts_with(GRAPHQL_RESPONSE));
            assert_eq!(
                answer.code().as_deref(),
                Some("BAD_USER_INPUT"),
                "{}",
                answer.text
            );
            assert!(!answer.has_data(), "{request}: {}", answer.text);
        }
    }

    // A field error is a result, not a request error: 200 with `data` (null here, as the
    // failed root field is non-null).
    let refused_field = json!({ "query": "mutation { closeProject(id: \"x\") { id } }" });
    for accept in [None, Some(GRAPHQL_RESPONSE)] {
        let answer = post_json(&s, accept, refused_field.clone()).await;
        assert_eq!(answer.status, 200, "{accept:?}: {}", answer.text);
        assert!(answer.has_data(), "{}", answer.text);
        assert!(answer.body["data"].is_null(), "{}", answer.text);
        assert_eq!(
            answer.code().as_deref(),
            Some("UNAUTHENTICATED"),
            "{}",
            answer.text
        );
    }

    // Neither media type acceptable: 406, still a JSON error.
    for accept in [
        "text/html",
        "application/xml",
        "application/json;q=0",
        "application/json; charset=latin1",
    ] {
        let answer = post_json(&s, Some(accept), ok.clone()).await;
        assert_refused(&answer, 406, "NOT_ACCEPTABLE");
    }
    s.finish().await;
}

#[tokio::test]
async fn a_request_without_an_accept_header_is_answered_as_application_json() {
    let s = TestServer::start().await;
    let body = json!({ "query": "{ __typename }" }).to_string();
    let answer = raw(
        &s,
        &format!(
            "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
    .await;
    let (status, content_type, json) = parse_raw(&answer);
    assert_eq!(status, 200, "{answer}");
    assert!(content_type.starts_with("application/json"), "{answer}");
    assert_eq!(json["data"]["__typename"], "Query", "{answer}");
    s.finish().await;
}

#[tokio::test]
async fn graphql_over_get_is_not_run() {
    let s = TestServer::start().await;
    let get = |url: String, accept: Option<&'static str>| {
        let mut request = s.http().get(url);
        if let Some(accept) = accept {
            request = request.header("accept", accept);
        }
        request.send()
    };
    let mutation = "mutation{logOutEverywhere}";
    for accept in [None, Some(GRAPHQL_RESPONSE), Some("text/html")] {
        for query in [mutation, "{__typename}"] {
            let response = get(format!("{}/graphql?query={query}", s.base), accept)
                .await
                .unwrap();
            assert_eq!(response.status(), 405, "{accept:?} {query}");
            assert_eq!(response.headers()["allow"], "POST");
            let body: Value = response.json().await.unwrap();
            assert_eq!(
                error_code(&body).as_deref(),
                Some("METHOD_NOT_ALLOWED"),
                "{body}"
            );
        }
    }
    // Without a document in the URL, development serves the query page.
    let page = get(format!("{}/graphql", s.base), Some("text/html"))
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Boomerang"));
    s.finish().await;
}

/// Sends the headers of a GraphQL request whose body never arrives, and times the answer.
async fn stalled_request(s: &TestServer, accept: &str) -> (Duration, String) {
    let started = Instant::now();
    let answer = raw(
        s,
        &format!(
            "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
             Accept: {accept}\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{{\"query\":"
        ),
    )
    .await;
    (started.elapsed(), answer)
}

#[tokio::test]
async fn a_request_is_stopped_at_the_one_configured_time_limit() {
    let s = TestServer::start_configured(TestDb::new().await, |c| c.request_timeout_ms = 300).await;
    // A body that never arrives: the limit covers reading it, not only the execution.
    let (elapsed, answer) = stalled_request(&s, "application/json").await;
    let (status, content_type, body) = parse_raw(&answer);
    assert_eq!(status, 200, "{answer}");
    assert!(content_type.starts_with("application/json"), "{answer}");
    assert_eq!(error_code(&body).as_deref(), Some("TIMEOUT"), "{answer}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("300 ms"),
        "{answer}"
    );
    assert!(
        elapsed >= Duration::from_millis(300) && elapsed < Duration::from_secs(5),
        "answered after {elapsed:?}, the limit is 300 ms"
    );
    // With the newer media type the same stop is a 503 without `data`.
    let (_, answer) = stalled_request(&s, GRAPHQL_RESPONSE).await;
    let (status, content_type, body) = parse_raw(&answer);
    assert_eq!(status, 503, "{answer}");
    assert!(content_type.starts_with(GRAPHQL_RESPONSE), "{answer}");
    assert_eq!(error_code(&body).as_deref(), Some("TIMEOUT"), "{answer}");
    assert!(body.get("data").is_none(), "{answer}");
    s.finish().await;
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_json_413() {
    let s = TestServer::start().await;
    let huge = json!({ "query": format!("{{ __typename }} #{}", "x".repeat(1024 * 1024)) });
    for accept in [None, Some(GRAPHQL_RESPONSE)] {
        let answer = post_json(&s, accept, huge.clone()).await;
        assert_refused(&answer, 413, "PAYLOAD_TOO_LARGE");
    }
    s.finish().await;
}
