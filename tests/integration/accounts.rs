use boomerang_tests::flow::{PASSWORD, sign_up};
use boomerang_tests::{TestServer, error_code};
use serde_json::json;

const VIEWER: &str = "{ viewer { id email displayName } }";
const LOG_IN: &str =
    "mutation($input: LogInInput!) { logIn(input: $input) { token user { id email } } }";

#[tokio::test]
async fn signing_up_normalises_the_email_and_returns_a_working_token() {
    let s = TestServer::start().await;
    let person = sign_up(&s, "  Hanako.Sato@Example.JP ").await;
    assert_eq!(person.email, "hanako.sato@example.jp");

    let viewer = s.ok(person.token(), VIEWER, json!({})).await;
    assert_eq!(viewer["viewer"]["id"], person.id.as_str());
    assert_eq!(viewer["viewer"]["email"], "hanako.sato@example.jp");

    let again = s
        .ok(
            None,
            LOG_IN,
            json!({ "input": { "email": "HANAKO.SATO@example.jp", "password": PASSWORD } }),
        )
        .await;
    assert_eq!(again["logIn"]["user"]["id"], person.id.as_str());
    assert_ne!(
        again["logIn"]["token"],
        person.token.as_str(),
        "each log-in opens its own session"
    );
    s.finish().await;
}

#[tokio::test]
async fn signing_up_twice_with_one_email_is_a_conflict() {
    let s = TestServer::start().await;
    sign_up(&s, "ken@example.jp").await;
    let code = s
        .err(
            None,
            "mutation { signUp(input: { email: \"KEN@example.jp\", password: \"another long password\", displayName: \"Ken\" }) { token } }",
            json!({}),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    s.finish().await;
}

#[tokio::test]
async fn bad_sign_up_input_names_the_offending_field() {
    let s = TestServer::start().await;
    for (email, password, name, field) in [
        ("ok@example.jp", "short", "Ok", "input.password"),
        ("not-an-email", PASSWORD, "Ok", "input.email"),
        ("ok@example.jp", PASSWORD, "   ", "input.displayName"),
    ] {
        let body = s
            .gql(
                None,
                "mutation($input: SignUpInput!) { signUp(input: $input) { token } }",
                json!({ "input": { "email": email, "password": password, "displayName": name } }),
            )
            .await;
        assert_eq!(
            error_code(&body).as_deref(),
            Some("BAD_USER_INPUT"),
            "{body}"
        );
        assert_eq!(body["errors"][0]["extensions"]["field"], field);
    }
    s.finish().await;
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_give_the_same_error() {
    let s = TestServer::start().await;
    sign_up(&s, "yui@example.jp").await;
    let wrong = s
        .gql(
            None,
            LOG_IN,
            json!({ "input": { "email": "yui@example.jp", "password": "not the password" } }),
        )
        .await;
    let unknown = s
        .gql(
            None,
            LOG_IN,
            json!({ "input": { "email": "nobody@example.jp", "password": "not the password" } }),
        )
        .await;
    assert_eq!(error_code(&wrong).as_deref(), Some("UNAUTHENTICATED"));
    assert_eq!(
        wrong["errors"][0]["message"],
        unknown["errors"][0]["message"]
    );
    assert_eq!(
        wrong["errors"][0]["extensions"],
        unknown["errors"][0]["extensions"]
    );
    s.finish().await;
}

#[tokio::test]
async fn logging_out_ends_only_that_session() {
    let s = TestServer::start().await;
    let person = sign_up(&s, "mio@example.jp").await;
    let second = s
        .ok(
            None,
            LOG_IN,
            json!({ "input": { "email": "mio@example.jp", "password": PASSWORD } }),
        )
        .await;
    let second_token = second["logIn"]["token"].as_str().unwrap().to_string();

    let out = s.ok(person.token(), "mutation { logOut }", json!({})).await;
    assert_eq!(out["logOut"], true);

    assert!(s.ok(person.token(), VIEWER, json!({})).await["viewer"].is_null());
    assert!(!s.ok(Some(&second_token), VIEWER, json!({})).await["viewer"].is_null());
    let code = s
        .err(
            person.token(),
            "mutation { createCompany(input: { name: \"X\" }) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(code, "UNAUTHENTICATED");
    s.finish().await;
}

#[tokio::test]
async fn anonymous_callers_see_no_viewer_and_cannot_change_anything() {
    let s = TestServer::start().await;
    assert!(s.ok(None, VIEWER, json!({})).await["viewer"].is_null());
    assert!(s.ok(Some("not-a-real-token"), VIEWER, json!({})).await["viewer"].is_null());
    for mutation in [
        "mutation { createCompany(input: { name: \"X\" }) { id } }",
        "mutation { logOut }",
        "mutation { closeProject(id: \"UHJvamVjdDox\") { id } }",
    ] {
        assert_eq!(
            s.err(None, mutation, json!({})).await,
            "UNAUTHENTICATED",
            "{mutation}"
        );
    }
    assert_eq!(
        s.err(None, "{ projects { edges { node { id } } } }", json!({}))
            .await,
        "UNAUTHENTICATED"
    );
    s.finish().await;
}
