//! Prohibited acts and notice (issue 12 §4; Freelance Act art. 5, 16): reason codes on
//! requests for changes and invoice rejections, counted by `complianceReport`; 30 days' notice
//! when the company ends a contract that has run six months or more; `requestEndReason`.
use boomerang_tests::flow::*;
use boomerang_tests::{TestServer, error_code};
use chrono::{Duration, Utc};
use chrono_tz::Asia::Tokyo;
use entity::contract;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::endings::{end_input, key};

const END: &str = "mutation($input: EndContractInput!) { endContract(input: $input) { id status endedAt endsOn endReason endedByCompany endReasonRequested } }";
const CONTRACT: &str = "query($id: ID!) { contract(id: $id) { status endedAt endsOn endReason endedByCompany endReasonRequested milestones { status } auditTrail { action detail } } }";
const ASK: &str =
    "mutation($id: ID!) { requestEndReason(contractId: $id) { id endReason endReasonRequested } }";
pub const COMPLIANCE: &str = "query($company: ID!, $from: NaiveDate!, $to: NaiveDate!) { complianceReport(companyId: $company, from: $from, to: $to) { from to changesRequested { code count } invoiceRejections { code count } endedByCompany { id status endsOn endedAt endReason endReasonRequested } } }";
const REQUEST_CHANGES: &str = "mutation($id: ID!, $code: ReasonCode) { requestChanges(input: { milestoneId: $id, reason: \"The chart labels are wrong.\", reasonCode: $code }) { id status } }";
const REJECT: &str = "mutation($id: ID!, $code: ReasonCode) { rejectInvoice(input: { id: $id, reason: \"Wrong amount\", reasonCode: $code }) { id status } }";

/// Moves a contract's creation back `days` days, behind the API's back.
pub async fn age_contract(s: &TestServer, contract_id: &str, days: i64) {
    contract::Entity::update_many()
        .col_expr(
            contract::Column::CreatedAt,
            Expr::value(Utc::now() - Duration::days(days)),
        )
        .filter(contract::Column::Id.eq(key(contract_id)))
        .exec(&s.conn)
        .await
        .unwrap();
}

fn today() -> chrono::NaiveDate {
    Utc::now().with_timezone(&Tokyo).date_naive()
}

fn count(report: &Value, list: &str, code: &str) -> i64 {
    report[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .unwrap()["count"]
        .as_i64()
        .unwrap()
}

async fn report(s: &TestServer, by: &Person, company: &str) -> Value {
    let from = today() - Duration::days(1);
    let to = today() + Duration::days(1);
    s.ok(
        by.token(),
        COMPLIANCE,
        json!({ "company": company, "from": from.to_string(), "to": to.to_string() }),
    )
    .await["complianceReport"]
        .clone()
}

#[tokio::test]
async fn a_company_ending_a_contract_of_six_months_gives_thirty_days_notice() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let freelancer = alumnus(&s, &a, "hanako@alumni.example").await;
    let project = publish(&s, &a.member, &a.id, "300000", "JPY", "COMPANY_ALUMNI").await;
    let bid_id = bid_with_milestones(&s, &freelancer, &project, &["100000", "200000"]).await;
    let contract_id = accept(&s, &a.member, &bid_id).await;
    let ids = milestone_ids(&s, &freelancer, &contract_id).await;
    deliver(&s, &freelancer, &ids[0]).await;
    accept_delivery(&s, &a.member, &ids[0]).await;
    // Six months and a day: 184 days cover any six calendar months.
    age_contract(&s, &contract_id, 184).await;

    let noticed = s
        .ok(
            a.member.token(),
            END,
            end_input(&contract_id, "The product was discontinued."),
        )
        .await["endContract"]
        .clone();
    let ends_on = today() + Duration::days(30);
    assert_eq!(
        noticed["status"], "ACTIVE",
        "work goes on during the notice"
    );
    assert_eq!(noticed["endsOn"], ends_on.to_string());
    assert_eq!(noticed["endedAt"], Value::Null);
    assert_eq!(noticed["endedByCompany"], true);

    // Work goes on: the freelancer delivers the second milestone during the notice, and the
    // company asks for changes.
    deliver(&s, &freelancer, &ids[1]).await;
    s.ok(
        a.member.token(),
        REQUEST_CHANGES,
        json!({ "id": ids[1], "code": "INCOMPLETE" }),
    )
    .await;
    // A second end by the company is a conflict; the freelancer still sees no reason.
    let again = s
        .gql(a.admin.token(), END, end_input(&contract_id, "Again"))
        .await;
    assert_eq!(error_code(&again).as_deref(), Some("CONFLICT"), "{again}");
    let hers = s
        .ok(freelancer.token(), CONTRACT, json!({ "id": contract_id }))
        .await["contract"]
        .clone();
    assert_eq!(hers["endReason"], Value::Null, "shown once she asks");
    assert_eq!(hers["endsOn"], ends_on.to_string());

    // Nothing ends before the day; on it, the worker ends the contract through the usual path.
    while s.run_engagements_once(29).await {}
    let c = s
        .ok(a.admin.token(), CONTRACT, json!({ "id": contract_id }))
        .await["contract"]
        .clone();
    assert!(c["endedAt"].is_null(), "{c}");
    while s.run_engagements_once(31).await {}
    let ended = s
        .ok(a.admin.token(), CONTRACT, json!({ "id": contract_id }))
        .await["contract"]
        .clone();
    assert!(!ended["endedAt"].is_null(), "{ended}");
    assert_eq!(
        ended["status"], "ACTIVE",
        "the accepted milestone is still to be paid"
    );
    let statuses: Vec<&str> = ended["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["ACCEPTED", "CANCELLED"]);
    let actions: Vec<&str> = ended["auditTrail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"contract.give_notice"), "{actions:?}");
    assert!(actions.contains(&"contract.end"), "{actions:?}");
    s.finish().await;
}

#[tokio::test]
async fn shorter_contracts_and_ends_by_the_freelancer_end_at_once() {
    let s = TestServer::start().await;
    let c = contracted(&s, "100000").await;
    // Five months: no notice.
    age_contract(&s, &c.contract_id, 150).await;
    let ended = s
        .ok(
            c.a.member.token(),
            END,
            end_input(&c.contract_id, "Budget cut"),
        )
        .await["endContract"]
        .clone();
    assert!(!ended["endedAt"].is_null());
    assert_eq!(ended["endsOn"], Value::Null);
    assert_eq!(ended["endedByCompany"], true);

    // The freelancer ends a long contract at once, and sees her own reason.
    let project = publish(&s, &c.a.member, &c.a.id, "50000", "JPY", "COMPANY_ALUMNI").await;
    let bid_id = bid(&s, &c.freelancer, &project, "50000", "JPY").await;
    let second = accept(&s, &c.a.member, &bid_id).await;
    age_contract(&s, &second, 400).await;
    let hers = s
        .ok(
            c.freelancer.token(),
            END,
            end_input(&second, "Moving abroad"),
        )
        .await["endContract"]
        .clone();
    assert_eq!(hers["status"], "CANCELLED");
    assert_eq!(hers["endsOn"], Value::Null);
    assert_eq!(hers["endedByCompany"], false);
    assert_eq!(hers["endReason"], "Moving abroad");
    let asked = s
        .gql(c.freelancer.token(), ASK, json!({ "id": second }))
        .await;
    assert_eq!(error_code(&asked).as_deref(), Some("CONFLICT"), "{asked}");
    s.finish().await;
}

#[tokio::test]
async fn the_freelancer_asks_for_the_reason_once_and_the_company_sees_it() {
    let s = TestServer::start().await;
    let c = contracted(&s, "100000").await;
    age_contract(&s, &c.contract_id, 200).await;
    s.ok(
        c.a.admin.token(),
        END,
        end_input(&c.contract_id, "Reorganisation of the team"),
    )
    .await;
    // The company cannot ask on her behalf.
    let theirs = s
        .gql(c.a.admin.token(), ASK, json!({ "id": c.contract_id }))
        .await;
    assert_eq!(
        error_code(&theirs).as_deref(),
        Some("FORBIDDEN"),
        "{theirs}"
    );
    let asked = s
        .ok(c.freelancer.token(), ASK, json!({ "id": c.contract_id }))
        .await["requestEndReason"]
        .clone();
    assert_eq!(asked["endReason"], "Reorganisation of the team");
    assert!(!asked["endReasonRequested"].is_null());
    let twice = s
        .gql(c.freelancer.token(), ASK, json!({ "id": c.contract_id }))
        .await;
    assert_eq!(error_code(&twice).as_deref(), Some("CONFLICT"), "{twice}");
    // The company sees the request, in the contract and in the compliance report.
    let report = report(&s, &c.a.admin, &c.a.id).await;
    let ended = report["endedByCompany"].as_array().unwrap();
    assert_eq!(ended.len(), 1, "{report}");
    assert_eq!(ended[0]["id"], c.contract_id.as_str());
    assert!(!ended[0]["endReasonRequested"].is_null());
    assert_eq!(
        ended[0]["endsOn"],
        (today() + Duration::days(30)).to_string()
    );
    let trail = s
        .ok(c.a.admin.token(), CONTRACT, json!({ "id": c.contract_id }))
        .await["contract"]["auditTrail"]
        .to_string();
    assert!(trail.contains("contract.request_end_reason"), "{trail}");
    s.finish().await;
}

#[tokio::test]
async fn reason_codes_are_stored_audited_and_counted_per_company() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let freelancer = alumnus(&s, &a, "hanako@alumni.example").await;
    let project = publish(&s, &a.member, &a.id, "300000", "JPY", "COMPANY_ALUMNI").await;
    let bid_id = bid_with_milestones(&s, &freelancer, &project, &["100000", "200000"]).await;
    let contract_id = accept(&s, &a.member, &bid_id).await;
    let ids = milestone_ids(&s, &freelancer, &contract_id).await;
    // Three requests for changes: DEFECT, DEFECT, and one without a code (OTHER).
    for code in [json!("DEFECT"), json!("DEFECT"), Value::Null] {
        deliver(&s, &freelancer, &ids[0]).await;
        s.ok(
            a.member.token(),
            REQUEST_CHANGES,
            json!({ "id": ids[0], "code": code }),
        )
        .await;
    }
    let bad = s
        .gql(
            a.member.token(),
            REQUEST_CHANGES,
            json!({ "id": ids[0], "code": "RUDE" }),
        )
        .await;
    assert!(bad["errors"].is_array(), "{bad}");
    deliver(&s, &freelancer, &ids[0]).await;
    accept_delivery(&s, &a.member, &ids[0]).await;
    // Two invoice rejections: BILLING_ERROR and NOT_AS_AGREED.
    for code in ["BILLING_ERROR", "NOT_AS_AGREED"] {
        let inv = invoice(&s, &freelancer, &contract_id, "100000", "JPY").await;
        s.ok(
            a.finance.token(),
            REJECT,
            json!({ "id": inv, "code": code }),
        )
        .await;
    }
    // Another company's refusals are not counted.
    let b = company(&s, "beta").await;
    let taro = alumnus(&s, &b, "taro@alumni.example").await;
    let project = publish(&s, &b.member, &b.id, "100000", "JPY", "COMPANY_ALUMNI").await;
    let bid_id = bid(&s, &taro, &project, "100000", "JPY").await;
    let theirs = accept_with_work_done(&s, &b.member, &taro, &bid_id).await;
    let inv = invoice(&s, &taro, &theirs, "100000", "JPY").await;
    s.ok(
        b.finance.token(),
        REJECT,
        json!({ "id": inv, "code": "LATE" }),
    )
    .await;

    for reader in [&a.admin, &a.finance] {
        let r = report(&s, reader, &a.id).await;
        assert_eq!(count(&r, "changesRequested", "DEFECT"), 2, "{r}");
        assert_eq!(count(&r, "changesRequested", "OTHER"), 1, "{r}");
        assert_eq!(count(&r, "changesRequested", "LATE"), 0, "{r}");
        assert_eq!(count(&r, "invoiceRejections", "BILLING_ERROR"), 1, "{r}");
        assert_eq!(count(&r, "invoiceRejections", "NOT_AS_AGREED"), 1, "{r}");
        assert_eq!(count(&r, "invoiceRejections", "LATE"), 0, "{r}");
        assert_eq!(r["changesRequested"].as_array().unwrap().len(), 6);
    }
    // A period before everything counts nothing.
    let old = s
        .ok(
            a.admin.token(),
            COMPLIANCE,
            json!({ "company": a.id, "from": "2025-01-01", "to": "2025-12-31" }),
        )
        .await["complianceReport"]
        .clone();
    assert_eq!(count(&old, "changesRequested", "DEFECT"), 0);
    // The code is in the audit trail.
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM audit_events WHERE action = 'milestone.request_changes' AND detail = 'DEFECT'")
            .await,
        2
    );
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM audit_events WHERE action = 'invoice.reject' AND detail = 'BILLING_ERROR'")
            .await,
        1
    );
    // MEMBER may not read it; a period backwards is BAD_USER_INPUT.
    let member = s
        .gql(
            a.member.token(),
            COMPLIANCE,
            json!({ "company": a.id, "from": "2026-01-01", "to": "2026-01-31" }),
        )
        .await;
    assert_eq!(
        error_code(&member).as_deref(),
        Some("FORBIDDEN"),
        "{member}"
    );
    let backwards = s
        .gql(
            a.admin.token(),
            COMPLIANCE,
            json!({ "company": a.id, "from": "2026-02-01", "to": "2026-01-31" }),
        )
        .await;
    assert_eq!(
        error_code(&backwards).as_deref(),
        Some("BAD_USER_INPUT"),
        "{backwards}"
    );
    s.finish().await;
}

#[tokio::test]
async fn the_agreed_period_and_the_payee_type_decide_whether_notice_is_due() {
    let s = TestServer::start().await;
    let c = contracted(&s, "100000").await;
    // A commission agreed for eight months (its last milestone due then) needs notice even when
    // it is ended in its first month.
    let project = publish(&s, &c.a.member, &c.a.id, "80000", "JPY", "COMPANY_ALUMNI").await;
    let last_due =
        (Utc::now().with_timezone(&Tokyo).date_naive() + Duration::days(240)).to_string();
    let mut input = bid_input(&project, "80000", "JPY");
    input["input"]["milestones"] = json!([
        { "title": "Month 1", "amount": { "amount": "10000", "currencyCode": "JPY" } },
        { "title": "Month 8", "amount": { "amount": "70000", "currencyCode": "JPY" }, "dueDate": last_due },
    ]);
    let bid_id = s.ok(c.freelancer.token(), PLACE_BID, input).await["placeBid"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let long = accept(&s, &c.a.member, &bid_id).await;
    let ended = s
        .ok(c.a.member.token(), END, end_input(&long, "Budget cut"))
        .await["endContract"]
        .clone();
    assert_eq!(ended["status"], "ACTIVE", "{ended}");
    assert!(ended["endsOn"].is_string(), "{ended}");

    // A payee with employees is not a freelancer under the Act: ended at once, however long.
    s.ok(
        c.freelancer.token(),
        "mutation { updatePayeeProfile(input: { payeeType: INDIVIDUAL_WITH_EMPLOYEES }) { id } }",
        json!({}),
    )
    .await;
    let project = publish(&s, &c.a.member, &c.a.id, "50000", "JPY", "COMPANY_ALUMNI").await;
    let bid_id = bid(&s, &c.freelancer, &project, "50000", "JPY").await;
    let employer = accept(&s, &c.a.member, &bid_id).await;
    age_contract(&s, &employer, 400).await;
    let ended = s
        .ok(c.a.member.token(), END, end_input(&employer, "Budget cut"))
        .await["endContract"]
        .clone();
    assert!(!ended["endedAt"].is_null(), "{ended}");
    assert_eq!(ended["endsOn"], Value::Null);
    s.finish().await;
}
