//! What a request loads: a page costs at most one statement per level of its selection, and the
//! per-request row cache never shows a mutation's result from before the change.
use boomerang_tests::flow::*;
use boomerang_tests::{TestDb, TestServer};
use serde_json::{Value, json};

const PROJECT_PAGE: &str = "query($id: ID!) { project(id: $id) { budget { amount currencyCode } company { id name } id status title } }";
const DASHBOARD: &str = "query($c: ID!) { projects(first: 50, filter: {companyId: $c}) { edges { node { bids(first: 20) { edges { node { amount { amount currencyCode } bidder { displayName } } } } id title } } } }";
const FINANCE_QUEUE: &str = "query($c: ID!) { invoices(first: 50, filter: {companyId: $c, status: SUBMITTED}) { edges { node { amount { amount currencyCode } contract { freelancer { displayName } project { title } } id } } } }";

/// A server without job workers: their polling would count among the statements measured.
async fn quiet_server() -> TestServer {
    TestServer::start_configured(TestDb::new().await, |c| c.worker = false).await
}

async fn statements(s: &TestServer, who: &Person, query: &str, variables: Value) -> (u64, Value) {
    let before = s.sql_statements().await;
    let data = s.ok(who.token(), query, variables).await;
    (s.sql_statements().await - before, data)
}

#[tokio::test]
async fn the_benchmark_pages_cost_at_most_one_statement_per_level() {
    let s = quiet_server().await;
    let c = contracted(&s, "300000").await;
    let other = alumnus(&s, &c.a, "taro@alumni.example").await;
    for _ in 0..3 {
        let project = publish(&s, &c.a.member, &c.a.id, "100000", "JPY", "COMPANY_ALUMNI").await;
        bid(&s, &c.freelancer, &project, "90000", "JPY").await;
        bid(&s, &other, &project, "80000", "JPY").await;
    }
    invoice(&s, &c.freelancer, &c.contract_id, "100000", "JPY").await;
    invoice(&s, &c.freelancer, &c.contract_id, "50000", "JPY").await;

    // The session, roles and roster (1), the project joined with its company (1).
    let (spent, data) =
        statements(&s, &c.a.member, PROJECT_PAGE, json!({ "id": c.project_id })).await;
    assert_eq!(data["project"]["company"]["id"], c.a.id.as_str());
    assert_eq!(spent, 2, "project page: {data}");

    // Session (1), projects (1), their bids (1), the bidders (1).
    let (spent, data) = statements(&s, &c.a.member, DASHBOARD, json!({ "c": c.a.id })).await;
    let projects = data["projects"]["edges"].as_array().unwrap();
    assert_eq!(projects.len(), 4, "{data}");
    let bidders: Vec<&str> = projects
        .iter()
        .flat_map(|p| p["node"]["bids"]["edges"].as_array().unwrap())
        .map(|b| b["node"]["bidder"]["displayName"].as_str().unwrap())
        .collect();
    assert_eq!(bidders.len(), 7, "{data}");
    assert_eq!(spent, 4, "dashboard: {data}");

    // Session (1), invoices joined with their contracts, projects and freelancers (1).
    let (spent, data) = statements(&s, &c.a.finance, FINANCE_QUEUE, json!({ "c": c.a.id })).await;
    let invoices = data["invoices"]["edges"].as_array().unwrap();
    assert_eq!(invoices.len(), 2, "{data}");
    for invoice in invoices {
        let contract = &invoice["node"]["contract"];
        assert!(contract["freelancer"]["displayName"].is_string(), "{data}");
        assert!(contract["project"]["title"].is_string(), "{data}");
    }
    assert_eq!(spent, 2, "finance queue: {data}");
    s.finish().await;
}

#[tokio::test]
async fn a_mutation_sees_what_an_earlier_mutation_in_the_same_document_wrote() {
    let s = TestServer::start().await;
    let c = contracted(&s, "300000").await;
    let two = "mutation($c: ID!) { \
        a: submitInvoice(input: {contractId: $c, amount: {amount: \"100000\", currencyCode: JPY}, description: \"one\"}) { contract { invoicedAmount { amount } } } \
        b: submitInvoice(input: {contractId: $c, amount: {amount: \"50000\", currencyCode: JPY}, description: \"two\"}) { contract { invoicedAmount { amount } } } }";
    let data = s
        .ok(c.freelancer.token(), two, json!({ "c": c.contract_id }))
        .await;
    assert_eq!(data["a"]["contract"]["invoicedAmount"]["amount"], "100000");
    assert_eq!(data["b"]["contract"]["invoicedAmount"]["amount"], "150000");
    s.finish().await;
}

#[tokio::test]
async fn a_page_of_contracts_loads_its_milestones_in_one_statement() {
    let s = quiet_server().await;
    let a = company(&s, "acme").await;
    let freelancer = alumnus(&s, &a, "hanako@alumni.example").await;
    for _ in 0..5 {
        let project = publish(&s, &a.member, &a.id, "90000", "JPY", "COMPANY_ALUMNI").await;
        let bid_id = bid_with_milestones(&s, &freelancer, &project, &["30000", "60000"]).await;
        accept(&s, &a.member, &bid_id).await;
    }
    const PAGE: &str = "{ contracts(first: 50) { edges { node { id milestones { id title status amount { amount } } project { title } freelancer { displayName } } } } }";

    // Session (1), contracts (1), their milestones (1), projects (1), freelancers (1).
    let (spent, data) = statements(&s, &a.member, PAGE, json!({})).await;
    let contracts = data["contracts"]["edges"].as_array().unwrap();
    assert_eq!(contracts.len(), 5, "{data}");
    for contract in contracts {
        let titles: Vec<&str> = contract["node"]["milestones"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["title"].as_str().unwrap())
            .collect();
        assert_eq!(titles, ["Part 1", "Part 2"], "{data}");
    }
    assert_eq!(spent, 5, "contracts page: {data}");
    s.finish().await;
}
