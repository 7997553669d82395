//! Japanese tax on invoices end to end (issue 12 §1, §5, §6): the payee profile, consumption
//! tax per rate, withholding taken from the payout and owed to the tax office in the ledger,
//! finance's per-line override, and the transitional deduction for unregistered issuers.
use boomerang_tests::TestServer;
use boomerang_tests::flow::*;
use serde_json::{Value, json};

const PROFILE: &str = "mutation($input: PayeeProfileInput!) { updatePayeeProfile(input: $input) { id payeeProfile { payeeType payeeTypeSet registrationNumber legalName address } } }";
const INVOICE: &str = "query($id: ID!) { node(id: $id) { ... on Invoice { amount { amount } total { amount } consumptionTax { amount } withholdingTax { amount } netPayable { amount } taxShownSeparately issuerName registrationNumber transactionDate deductibleTaxPercent deductibleTax { amount } taxByRate { rate net { amount } tax { amount } } lines { id position description amount { amount } taxRate withholdingSubject } auditTrail { action detail } payout { amount { amount } withholdingTax { amount } } } } }";
const SUBMIT: &str =
    "mutation($input: SubmitInvoiceInput!) { submitInvoice(input: $input) { id } }";
const OVERRIDE: &str = "mutation($input: SetInvoiceLineWithholdingInput!) { setInvoiceLineWithholding(input: $input) { id withholdingTax { amount } netPayable { amount } } }";

/// A contract of `category` for `amount` JPY with its work accepted; the freelancer's payee
/// profile set first when `payee_type` is given.
async fn contract(
    s: &TestServer,
    tag: &str,
    category: &str,
    amount: &str,
    payee_type: Option<(&str, Option<&str>)>,
) -> Contracted {
    let a = company(s, tag).await;
    let freelancer = alumnus(s, &a, &format!("hanako@{tag}-alumni.example")).await;
    if let Some((payee_type, number)) = payee_type {
        s.ok(
            freelancer.token(),
            PROFILE,
            json!({ "input": { "payeeType": payee_type, "registrationNumber": number } }),
        )
        .await;
    }
    let mut input = project_input(&a.id, amount, "JPY", "COMPANY_ALUMNI");
    input["input"]["category"] = json!(category);
    let project = s.ok(a.member.token(), PUBLISH, input).await;
    let project_id = project["publishProject"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let bid_id = bid(s, &freelancer, &project_id, amount, "JPY").await;
    let contract_id = accept_with_work_done(s, &a.member, &freelancer, &bid_id).await;
    Contracted {
        a,
        freelancer,
        project_id,
        contract_id,
    }
}

/// Submits an invoice of the contract: `extra` adds to `{contractId, description, amount}`.
async fn submit(s: &TestServer, c: &Contracted, amount: &str, extra: Value) -> String {
    let mut input = json!({
        "contractId": c.contract_id,
        "description": "業務委託料",
        "amount": { "amount": amount, "currencyCode": "JPY" },
    });
    for (key, value) in extra.as_object().unwrap() {
        input[key] = value.clone();
    }
    let data = s
        .ok(c.freelancer.token(), SUBMIT, json!({ "input": input }))
        .await;
    data["submitInvoice"]["id"].as_str().unwrap().to_string()
}

async fn invoice_of(s: &TestServer, by: &Person, id: &str) -> Value {
    s.ok(by.token(), INVOICE, json!({ "id": id })).await["node"].clone()
}

fn amount(v: &Value) -> &str {
    v["amount"].as_str().unwrap()
}

fn bad_field(body: &Value) -> (String, String) {
    let error = &body["errors"][0];
    (
        error["extensions"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        error["extensions"]["field"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

#[tokio::test]
async fn a_design_fee_shown_with_tax_is_withheld_and_the_company_owes_the_tax_office() {
    let s = TestServer::start().await;
    let c = contract(
        &s,
        "tax1",
        "DESIGN",
        "1500000",
        Some(("INDIVIDUAL", Some("T7123456789012"))),
    )
    .await;
    let id = submit(&s, &c, "1500000", json!({ "taxShownSeparately": true })).await;

    let inv = invoice_of(&s, &c.a.finance, &id).await;
    assert_eq!(amount(&inv["consumptionTax"]), "150000");
    assert_eq!(amount(&inv["total"]), "1650000");
    assert_eq!(amount(&inv["withholdingTax"]), "204200");
    assert_eq!(amount(&inv["netPayable"]), "1445800");
    assert_eq!(inv["registrationNumber"], "T7123456789012");
    // No legal name recorded: the invoice states her display name, fixed at submission.
    assert_eq!(inv["issuerName"], "hanako");
    assert_eq!(inv["deductibleTaxPercent"], 100);
    assert_eq!(amount(&inv["deductibleTax"]), "150000");
    assert_eq!(inv["lines"][0]["withholdingSubject"], true);
    assert_eq!(inv["lines"][0]["taxRate"], 10);
    assert_eq!(inv["taxByRate"][0]["rate"], 10);
    assert_eq!(amount(&inv["taxByRate"][0]["net"]), "1500000");
    assert_eq!(amount(&inv["taxByRate"][0]["tax"]), "150000");

    let payout = approve(&s, &c.a.finance, &id).await;
    let inv = invoice_of(&s, &c.a.finance, &id).await;
    assert_eq!(amount(&inv["payout"]["amount"]), "1445800");
    assert_eq!(amount(&inv["payout"]["withholdingTax"]), "204200");
    mark_paid(&s, &c.a.finance, &payout, "MIZUHO-1").await;

    // The bank paid her the net; the company owes the withholding, due on the 10th of next month.
    let liability = s
        .sql_i64("SELECT CAST(SUM(amount_minor) AS BIGINT) FROM ledger_entries WHERE account LIKE 'company:%:withholding:%'")
        .await;
    assert_eq!(liability, -204_200);
    let due = s
        .sql_text("SELECT account FROM ledger_entries WHERE account LIKE 'company:%:withholding:%'")
        .await
        .unwrap();
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Tokyo)
        .date_naive();
    let expected = boomerang::domain::withholding::remittance_due(today);
    assert!(due.ends_with(&format!(":withholding:{expected}")), "{due}");
    let bank = s
        .sql_i64("SELECT CAST(SUM(amount_minor) AS BIGINT) FROM ledger_entries WHERE account LIKE 'company:%:bank'")
        .await;
    assert_eq!(
        bank, -1_445_800,
        "a transfer fee is never deducted from her payout"
    );
    // The contract counts what was billed: paid in full, it completes.
    let contract = s
        .ok(
            c.freelancer.token(),
            "query($id: ID!) { contract(id: $id) { status paidAmount { amount } } }",
            json!({ "id": c.contract_id }),
        )
        .await;
    assert_eq!(contract["contract"]["status"], "COMPLETED");
    assert_eq!(amount(&contract["contract"]["paidAmount"]), "1500000");
    s.finish().await;
}

#[tokio::test]
async fn tax_included_fees_are_withheld_on_the_whole_and_corporations_never() {
    let s = TestServer::start().await;
    // ¥55,000 with the tax not shown separately: 5,615.
    let c = contract(&s, "tax2", "DESIGN", "55000", None).await;
    let id = submit(&s, &c, "55000", json!({})).await;
    let inv = invoice_of(&s, &c.freelancer, &id).await;
    assert_eq!(amount(&inv["consumptionTax"]), "5000");
    assert_eq!(amount(&inv["total"]), "55000");
    assert_eq!(amount(&inv["withholdingTax"]), "5615");
    assert_eq!(inv["registrationNumber"], Value::Null);
    // Not registered, transaction today (after 2026-09-30): the company deducts 50 %.
    assert_eq!(inv["deductibleTaxPercent"], 50);
    assert_eq!(amount(&inv["deductibleTax"]), "2500");
    let payout = approve(&s, &c.a.finance, &id).await;
    mark_paid(&s, &c.a.finance, &payout, "R-2").await;

    // The same fee to a corporation: nothing withheld.
    let corp = contract(
        &s,
        "tax3",
        "DESIGN",
        "55000",
        Some(("CORPORATION", Some("T7000012050002"))),
    )
    .await;
    let id = submit(&s, &corp, "55000", json!({})).await;
    let inv = invoice_of(&s, &corp.freelancer, &id).await;
    assert_eq!(amount(&inv["withholdingTax"]), "0");
    assert_eq!(amount(&inv["netPayable"]), "55000");
    let contract = s
        .ok(
            corp.a.finance.token(),
            "query($id: ID!) { contract(id: $id) { payeeType } }",
            json!({ "id": corp.contract_id }),
        )
        .await;
    assert_eq!(contract["contract"]["payeeType"], "CORPORATION");
    s.finish().await;
}

#[tokio::test]
async fn lines_are_taxed_once_per_rate_and_finance_decides_withholding_per_line() {
    let s = TestServer::start().await;
    let c = contract(&s, "tax4", "DATA_ANALYSIS", "50000", None).await;
    let lines = json!([
        { "description": "分析", "amount": { "amount": "33333", "currencyCode": "JPY" } },
        { "description": "社内勉強会の講師", "amount": { "amount": "16667", "currencyCode": "JPY" }, "taxRate": "STANDARD" },
    ]);
    let id = submit(
        &s,
        &c,
        "50000",
        json!({ "lines": lines, "taxShownSeparately": true }),
    )
    .await;
    let inv = invoice_of(&s, &c.a.finance, &id).await;
    assert_eq!(amount(&inv["consumptionTax"]), "5000", "not 4,999");
    assert_eq!(amount(&inv["total"]), "55000");
    assert_eq!(
        amount(&inv["withholdingTax"]),
        "0",
        "data analysis is not subject by default"
    );
    let lecture = inv["lines"][1]["id"].as_str().unwrap().to_string();

    let input =
        json!({ "input": { "lineId": lecture, "subject": true, "reason": "講演料に当たるため" } });
    // Only the company's finance staff decide; the freelancer and other staff may not.
    assert_eq!(
        s.err(c.freelancer.token(), OVERRIDE, input.clone()).await,
        "FORBIDDEN"
    );
    assert_eq!(
        s.err(c.a.member.token(), OVERRIDE, input.clone()).await,
        "FORBIDDEN"
    );
    let stranger = company(&s, "tax4b").await;
    assert_eq!(
        s.err(stranger.finance.token(), OVERRIDE, input.clone())
            .await,
        "NOT_FOUND"
    );
    let no_reason = json!({ "input": { "lineId": lecture, "subject": true, "reason": " " } });
    let body = s.gql(c.a.finance.token(), OVERRIDE, no_reason).await;
    assert_eq!(
        bad_field(&body),
        ("BAD_USER_INPUT".into(), "input.reason".into())
    );

    let data = s.ok(c.a.finance.token(), OVERRIDE, input).await;
    // 16,667 × 10.21 % = 1,701.7…
    assert_eq!(
        amount(&data["setInvoiceLineWithholding"]["withholdingTax"]),
        "1701"
    );
    assert_eq!(
        amount(&data["setInvoiceLineWithholding"]["netPayable"]),
        "53299"
    );
    let inv = invoice_of(&s, &c.a.finance, &id).await;
    assert_eq!(inv["lines"][1]["withholdingSubject"], true);
    let trail = inv["auditTrail"].as_array().unwrap();
    let decided = trail
        .iter()
        .find(|e| e["action"] == "invoice.withholding")
        .unwrap();
    assert!(
        decided["detail"]
            .as_str()
            .unwrap()
            .contains("講演料に当たるため"),
        "{decided}"
    );

    // Once approved the decision is closed.
    let payout = approve(&s, &c.a.finance, &id).await;
    let input = json!({ "input": { "lineId": lecture, "subject": false, "reason": "誤り" } });
    assert_eq!(
        s.err(c.a.finance.token(), OVERRIDE, input).await,
        "CONFLICT"
    );
    let paid = mark_paid(&s, &c.a.finance, &payout, "R-4").await;
    assert_eq!(paid["markPayoutPaid"]["status"], "PAID");
    s.finish().await;
}

#[tokio::test]
async fn bad_tax_input_is_refused_and_nothing_is_written() {
    let s = TestServer::start().await;
    let c = contract(&s, "tax5", "DESIGN", "100000", None).await;
    let cases = [
        (
            json!({ "lines": [{ "description": "a", "amount": { "amount": "60000", "currencyCode": "JPY" } }] }),
            "input.lines",
        ),
        (json!({ "lines": [] }), "input.lines"),
        (
            json!({ "lines": [{ "description": "a", "amount": { "amount": "100000", "currencyCode": "USD" } }] }),
            "input.lines[0].amount.currencyCode",
        ),
        (
            json!({ "lines": [{ "description": "a", "amount": { "amount": "100000.5", "currencyCode": "JPY" } }] }),
            "input.lines[0].amount.amount",
        ),
    ];
    for (extra, field) in cases {
        let mut input = json!({ "contractId": c.contract_id, "description": "x", "amount": { "amount": "100000", "currencyCode": "JPY" } });
        for (key, value) in extra.as_object().unwrap() {
            input[key] = value.clone();
        }
        let body = s
            .gql(c.freelancer.token(), SUBMIT, json!({ "input": input }))
            .await;
        assert_eq!(
            bad_field(&body),
            ("BAD_USER_INPUT".into(), field.into()),
            "{extra}"
        );
    }
    assert_eq!(s.sql_i64("SELECT COUNT(*) FROM invoices").await, 0);
    assert_eq!(s.sql_i64("SELECT COUNT(*) FROM invoice_lines").await, 0);

    // Registration numbers: T + 13 digits; a corporation's check digit must match.
    for (payee, number) in [
        ("INDIVIDUAL", "7123456789012"),
        ("INDIVIDUAL", "T712345678901"),
        ("CORPORATION", "T8123456789012"),
    ] {
        let body = s
            .gql(
                c.freelancer.token(),
                PROFILE,
                json!({ "input": { "payeeType": payee, "registrationNumber": number } }),
            )
            .await;
        assert_eq!(
            bad_field(&body),
            ("BAD_USER_INPUT".into(), "input.registrationNumber".into()),
            "{number}"
        );
    }
    let me = s
        .ok(
            c.freelancer.token(),
            "{ viewer { payeeProfile { payeeType payeeTypeSet registrationNumber } } }",
            json!({}),
        )
        .await;
    assert_eq!(me["viewer"]["payeeProfile"]["payeeTypeSet"], false);
    assert_eq!(
        me["viewer"]["payeeProfile"]["registrationNumber"],
        Value::Null
    );
    let saved = s
        .ok(c.freelancer.token(), PROFILE, json!({ "input": { "payeeType": "INDIVIDUAL", "registrationNumber": "T8123456789012", "legalName": "山田 花子", "address": "東京都千代田区丸の内1-1-1" } }))
        .await;
    let profile = &saved["updatePayeeProfile"]["payeeProfile"];
    assert_eq!(profile["registrationNumber"], "T8123456789012");
    assert_eq!(profile["legalName"], "山田 花子");
    // Nobody else reads it, not even the company she works for.
    let other = s
        .ok(
            c.a.finance.token(),
            "query($id: ID!) { contract(id: $id) { freelancer { id payeeProfile { payeeType } } } }",
            json!({ "id": c.contract_id }),
        )
        .await;
    assert_eq!(
        other["contract"]["freelancer"]["id"],
        c.freelancer.id.as_str()
    );
    assert_eq!(other["contract"]["freelancer"]["payeeProfile"], Value::Null);
    s.finish().await;
}
