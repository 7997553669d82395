use boomerang_tests::flow::*;
use boomerang_tests::{TestServer, error_code};
use serde_json::json;

#[tokio::test]
async fn malformed_amounts_are_bad_user_input_naming_the_field() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    for (amount, currency) in [
        ("12.5", "JPY"),
        ("-1", "JPY"),
        ("1e3", "JPY"),
        ("abc", "JPY"),
        ("", "JPY"),
        ("0", "JPY"),
        ("12345678901234567890", "JPY"),
        ("1.234", "USD"),
        ("1,000", "JPY"),
    ] {
        let body = s
            .gql(
                a.member.token(),
                PUBLISH,
                project_input(&a.id, amount, currency, "COMPANY_ALUMNI"),
            )
            .await;
        assert_eq!(
            error_code(&body).as_deref(),
            Some("BAD_USER_INPUT"),
            "{amount:?} {currency}: {body}"
        );
        assert_eq!(
            body["errors"][0]["extensions"]["field"], "input.budget.amount",
            "{amount:?}"
        );
    }
    // A JSON number is not a Decimal, and an unknown currency is not a CurrencyCode.
    let mut number = project_input(&a.id, "1", "JPY", "COMPANY_ALUMNI");
    number["input"]["budget"]["amount"] = json!(1000);
    assert_eq!(
        s.err(a.member.token(), PUBLISH, number).await,
        "BAD_USER_INPUT"
    );
    assert_eq!(
        s.err(
            a.member.token(),
            PUBLISH,
            project_input(&a.id, "1", "XXX", "COMPANY_ALUMNI")
        )
        .await,
        "BAD_USER_INPUT"
    );
    let listed = s
        .ok(
            a.member.token(),
            "{ projects { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(listed["projects"]["edges"], json!([]), "nothing was stored");
    s.finish().await;
}

#[tokio::test]
async fn exact_amounts_are_returned_exactly() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    for (amount, currency, back) in [
        ("1200.50", "USD", "1200.50"),
        ("7.5", "EUR", "7.50"),
        ("250000", "JPY", "250000"),
        ("999999999999.99", "USD", "999999999999.99"),
    ] {
        let data = s
            .ok(
                a.member.token(),
                PUBLISH,
                project_input(&a.id, amount, currency, "COMPANY_ALUMNI"),
            )
            .await;
        assert_eq!(
            data["publishProject"]["budget"],
            json!({ "amount": back, "currencyCode": currency })
        );
    }
    s.finish().await;
}
