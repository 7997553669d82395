//! Input fuzzing: generated GraphQL documents and variables — wrong types, huge strings,
//! unicode, nulls, injection strings — must never produce a 5xx, a panic, or an internal
//! detail in an error. `PROPTEST_CASES` runs more.
use boomerang_tests::TestServer;
use boomerang_tests::flow::sign_up;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};

const FIELDS: &[&str] = &[
    "viewer",
    "node",
    "company",
    "project",
    "projects",
    "bid",
    "contract",
    "contracts",
    "invoice",
    "invoices",
    "payout",
    "signUp",
    "logIn",
    "logOut",
    "createCompany",
    "addCompanyMember",
    "addAlumni",
    "publishProject",
    "closeProject",
    "placeBid",
    "withdrawBid",
    "acceptBid",
    "submitInvoice",
    "approveInvoice",
    "rejectInvoice",
    "markPayoutPaid",
    "verifyEmail",
    "requestPasswordReset",
    "resetPassword",
    "fundContract",
    "retryPayout",
    "endContract",
    "submitReview",
    "nonexistent",
];
const ARGS: &[&str] = &[
    "id",
    "input",
    "first",
    "after",
    "filter",
    "token",
    "email",
    "contractId",
    "amount",
    "x",
];
const SELECTIONS: &[&str] = &[
    "",
    "{ id }",
    "{ __typename }",
    "{ edges { node { id } } pageInfo { hasNextPage } }",
    "{ token user { id } }",
    "{ id status }",
    "{ nope }",
];
const TYPES: &[&str] = &[
    "String",
    "String!",
    "Int",
    "ID!",
    "MoneyInput",
    "PublishProjectInput!",
    "[String!]!",
    "Boolean",
];

fn nasty_string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "\\PC{0,40}",
        Just("' OR 1=1; DROP TABLE users; --".to_string()),
        Just("\u{0}\u{202e}💥𝔘𝔫𝔦𝔠𝔬𝔡𝔢\u{feff}".to_string()),
        Just("1e309".to_string()),
        Just("-0.0".to_string()),
        Just("99999999999999999999999".to_string()),
        (1_usize..200_000).prop_map(|n| "x".repeat(n)),
        Just("VXNlcjox".to_string()),
        Just("{\"$gt\": \"\"}".to_string()),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null)),
        nasty_string().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::hash_map("[a-zA-Z]{1,12}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A GraphQL literal for an argument.
fn literal() -> impl Strategy<Value = String> {
    prop_oneof![
        nasty_string().prop_map(|s| serde_json::to_string(&s).unwrap_or_default()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| format!("{f:?}")),
        Just("null".to_string()),
        Just("true".to_string()),
        Just("JPY".to_string()),
        Just("[1, \"a\", null]".to_string()),
        Just("{ amount: \"12.5\", currencyCode: JPY }".to_string()),
        Just("$v".to_string()),
    ]
}

#[derive(Debug, Clone)]
struct Case {
    document: String,
    variables: Value,
    authenticated: bool,
}

fn case() -> impl Strategy<Value = Case> {
    let field = (
        prop::sample::select(FIELDS),
        prop::collection::vec((prop::sample::select(ARGS), literal()), 0..3),
        prop::sample::select(SELECTIONS),
    )
        .prop_map(|(name, args, selection)| {
            let args = if args.is_empty() {
                String::new()
            } else {
                format!(
                    "({})",
                    args.iter()
                        .map(|(k, v)| format!("{k}: {v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            format!("{name}{args} {selection}")
        });
    let document = (
        prop::sample::select(&["query", "mutation", "subscription", ""][..]),
        prop::sample::select(TYPES),
        prop::collection::vec(field, 1..4),
    )
        .prop_map(|(kind, ty, fields)| {
            if kind.is_empty() {
                format!("{{ {} }}", fields.join(" "))
            } else {
                format!("{kind} F($v: {ty}) {{ {} }}", fields.join(" "))
            }
        });
    let raw = nasty_string();
    (
        prop_oneof![4 => document, 1 => raw],
        json_value(),
        any::<bool>(),
    )
        .prop_map(|(document, v, authenticated)| Case {
            document,
            variables: json!({ "v": v }),
            authenticated,
        })
}

const LEAKS: &[&str] = &[
    "panicked",
    "sqlx",
    "select ",
    "insert ",
    "update ",
    ".rs:",
    "/work/",
    "stack backtrace",
    "internal server error",
];

#[test]
fn generated_documents_never_cause_a_server_error_or_leak_internals() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let server = rt.block_on(TestServer::start());
    let person = rt.block_on(sign_up(&server, "fuzz@example.jp"));
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let outcome = runner.run(&case(), |c| {
        let token = c.authenticated.then_some(person.token.as_str());
        let (status, text) = rt.block_on(async {
            let mut request = server
                .http()
                .post(format!("{}/graphql", server.base))
                .json(&json!({ "query": c.document, "variables": c.variables }));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.expect("the server answers");
            let status = response.status().as_u16();
            (status, response.text().await.unwrap_or_default())
        });
        prop_assert!(status < 500, "status {status} for {c:?}: {text}");
        let lower = text.to_lowercase();
        for leak in LEAKS {
            prop_assert!(
                !lower.contains(leak),
                "{leak:?} in the answer to {c:?}: {text}"
            );
        }
        prop_assert!(
            !text.contains("INTERNAL_SERVER_ERROR"),
            "internal error for {c:?}: {text}"
        );
        Ok(())
    });
    rt.block_on(server.finish());
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}
