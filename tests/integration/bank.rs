//! Payee bank accounts and Zengin transfer batches (issue 12 §8), through the API.
use base64::Engine;
use boomerang_tests::flow::*;
use boomerang_tests::{TestServer, error_code};
use serde_json::{Value, json};

pub const SET_BANK: &str = "mutation($input: SetBankAccountInput!) { setBankAccount(input: $input) { bankCode bankName branchCode branchName accountType accountNumber maskedAccountNumber holderKana } }";
pub const SET_COMPANY_BANK: &str = "mutation($input: SetCompanyBankAccountInput!) { setCompanyBankAccount(input: $input) { consignorCode consignorName bankCode } }";
pub const CREATE_BATCH: &str = "mutation($input: CreateTransferBatchInput!) { createTransferBatch(input: $input) { batch { id status payoutCount total { amount currencyCode } fileBase64 fileName payouts { id } } blocked { payout { id } blocked } } }";
pub const BATCH_PAID: &str = "mutation($input: MarkTransferBatchPaidInput!) { markTransferBatchPaid(input: $input) { id status reference payouts { id status reference invoice { status } } } }";

pub fn bank_input(holder: &str) -> Value {
    json!({
        "bankCode": "0001", "bankName": "ミズホ", "branchCode": "001", "branchName": "トウキヨウ",
        "accountType": "ORDINARY", "accountNumber": "1234567", "holderKana": holder,
    })
}

pub fn company_bank_input(company_id: &str) -> Value {
    json!({
        "companyId": company_id, "consignorCode": "1234567890", "consignorName": "ｶ)ｱｸﾒ",
        "bankCode": "0005", "bankName": "ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ", "branchCode": "123",
        "branchName": "ﾏﾙﾉｳﾁ", "accountType": "CURRENT", "accountNumber": "7654321",
    })
}

fn field(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["field"].as_str()
}

/// An ACTIVE contract for `amount` with its work accepted, invoiced and approved: the payout.
pub async fn approved_payout(
    s: &TestServer,
    a: &Company,
    freelancer: &Person,
    amount: &str,
) -> String {
    let project = publish(s, &a.member, &a.id, amount, "JPY", "COMPANY_ALUMNI").await;
    let bid_id = bid(s, freelancer, &project, amount, "JPY").await;
    let contract = accept_with_work_done(s, &a.member, freelancer, &bid_id).await;
    let invoice_id = invoice(s, freelancer, &contract, amount, "JPY").await;
    approve(s, &a.finance, &invoice_id).await
}

#[tokio::test]
async fn each_bad_field_of_a_bank_account_is_refused_by_name() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let hanako = alumnus(&s, &a, "hanako@alumni.example").await;
    let cases = [
        ("bankCode", json!("001")),
        ("bankCode", json!("00A1")),
        ("branchCode", json!("1234")),
        ("accountNumber", json!("12345678")),
        ("accountNumber", json!("")),
        ("bankName", json!("みずほ銀行")),
        ("branchName", json!("ﾄｳｷﾖｳﾄｳｷﾖｳﾄｳｷﾖｳﾄｳｷﾖｳ")),
        ("holderKana", json!("山田 花子")),
        ("holderKana", json!("  ")),
    ];
    for (name, value) in cases {
        let mut input = bank_input("ﾔﾏﾀﾞ ﾊﾅｺ");
        input[name] = value.clone();
        let body = s
            .gql(hanako.token(), SET_BANK, json!({ "input": input }))
            .await;
        assert_eq!(
            error_code(&body).as_deref(),
            Some("BAD_USER_INPUT"),
            "{name}={value}: {body}"
        );
        assert_eq!(
            field(&body),
            Some(format!("input.{name}").as_str()),
            "{body}"
        );
    }
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM bank_accounts").await,
        0,
        "nothing is stored from a refusal"
    );
    // Full-width katakana and hiragana become what the file holds.
    let saved = s
        .ok(
            hanako.token(),
            SET_BANK,
            json!({ "input": bank_input("ヤマダ　はなこ") }),
        )
        .await;
    assert_eq!(saved["setBankAccount"]["holderKana"], "ﾔﾏﾀﾞ ﾊﾅｺ");
    assert_eq!(saved["setBankAccount"]["bankName"], "ﾐｽﾞﾎ");
    assert_eq!(saved["setBankAccount"]["maskedAccountNumber"], "***4567");
    // Replacing it keeps one row, and each change is audited.
    s.ok(
        hanako.token(),
        SET_BANK,
        json!({ "input": bank_input("ﾔﾏﾀﾞ ﾊﾅｺ") }),
    )
    .await;
    assert_eq!(s.sql_i64("SELECT COUNT(*) FROM bank_accounts").await, 1);
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM audit_events WHERE action = 'bank_account.set'")
            .await,
        2
    );
    let mine = s
        .ok(
            hanako.token(),
            "{ viewer { bankAccount { accountNumber holderKana } } }",
            json!({}),
        )
        .await;
    assert_eq!(mine["viewer"]["bankAccount"]["accountNumber"], "1234567");
    // The company's paying account: consignor code checked too.
    let mut bad = company_bank_input(&a.id);
    bad["consignorCode"] = json!("12345");
    let body = s
        .gql(a.finance.token(), SET_COMPANY_BANK, json!({ "input": bad }))
        .await;
    assert_eq!(field(&body), Some("input.consignorCode"), "{body}");
    let code = s
        .err(
            a.member.token(),
            SET_COMPANY_BANK,
            json!({ "input": company_bank_input(&a.id) }),
        )
        .await;
    assert_eq!(code, "FORBIDDEN");
    s.ok(
        a.admin.token(),
        SET_COMPANY_BANK,
        json!({ "input": company_bank_input(&a.id) }),
    )
    .await;
    s.finish().await;
}

/// `text` in the file's single-byte Shift_JIS, padded with spaces to `width`.
fn sjis(text: &str, width: usize) -> Vec<u8> {
    let mut out: Vec<u8> = text
        .chars()
        .map(|c| match c {
            '\u{FF61}'..='\u{FF9F}' => (u32::from(c) - 0xFF61 + 0xA1) as u8,
            c => c as u8,
        })
        .collect();
    out.resize(width, b' ');
    out
}

#[tokio::test]
async fn finance_downloads_a_zengin_file_and_records_the_batch_paid_in_one_step() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let b = company(&s, "other").await;
    let hanako = alumnus(&s, &a, "hanako@alumni.example").await;
    let taro = alumnus(&s, &a, "taro@alumni.example").await;
    s.ok(
        hanako.token(),
        SET_BANK,
        json!({ "input": bank_input("ﾔﾏﾀﾞ ﾊﾅｺ") }),
    )
    .await;
    let paid_to_her = approved_payout(&s, &a, &hanako, "60000").await;
    let no_account = approved_payout(&s, &a, &taro, "30000").await;
    let batch_input = json!({ "input": { "companyId": a.id, "transferDate": "2099-01-05" } });
    // No paying account yet.
    assert_eq!(
        s.err(a.finance.token(), CREATE_BATCH, batch_input.clone())
            .await,
        "CONFLICT"
    );
    s.ok(
        a.admin.token(),
        SET_COMPANY_BANK,
        json!({ "input": company_bank_input(&a.id) }),
    )
    .await;
    // Only FINANCE downloads; another company's finance does not see the company.
    assert_eq!(
        s.err(a.admin.token(), CREATE_BATCH, batch_input.clone())
            .await,
        "FORBIDDEN"
    );
    assert_eq!(
        s.err(b.finance.token(), CREATE_BATCH, batch_input.clone())
            .await,
        "NOT_FOUND"
    );
    let past = json!({ "input": { "companyId": a.id, "transferDate": "2020-01-05" } });
    assert_eq!(
        s.err(a.finance.token(), CREATE_BATCH, past).await,
        "BAD_USER_INPUT"
    );

    let created = s.ok(a.finance.token(), CREATE_BATCH, batch_input).await;
    let created = &created["createTransferBatch"];
    let batch = &created["batch"];
    assert_eq!(batch["status"], "OPEN");
    assert_eq!(batch["payoutCount"], 1);
    assert_eq!(batch["total"]["amount"], "60000");
    assert_eq!(batch["payouts"][0]["id"], paid_to_her.as_str());
    assert_eq!(created["blocked"][0]["payout"]["id"], no_account.as_str());
    assert_eq!(created["blocked"][0]["blocked"], "NO_BANK_ACCOUNT");
    assert!(
        batch["fileName"]
            .as_str()
            .unwrap()
            .starts_with("zengin-20990105-")
    );

    let file = base64::engine::general_purpose::STANDARD
        .decode(batch["fileBase64"].as_str().unwrap())
        .unwrap();
    let mut expected = Vec::new();
    let mut rec = |parts: Vec<Vec<u8>>| {
        let r: Vec<u8> = parts.concat();
        assert_eq!(r.len(), 120);
        expected.extend(r);
        expected.extend(b"\r\n");
    };
    rec(vec![
        b"1210".to_vec(),
        b"1234567890".to_vec(),
        sjis("ｶ)ｱｸﾒ", 40),
        b"0105".to_vec(),
        b"0005".to_vec(),
        sjis("ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ", 15),
        b"123".to_vec(),
        sjis("ﾏﾙﾉｳﾁ", 15),
        b"2".to_vec(),
        b"7654321".to_vec(),
        sjis("", 17),
    ]);
    rec(vec![
        b"20001".to_vec(),
        sjis("ﾐｽﾞﾎ", 15),
        b"001".to_vec(),
        sjis("ﾄｳｷﾖｳ", 15),
        sjis("", 4),
        b"11234567".to_vec(),
        sjis("ﾔﾏﾀﾞ ﾊﾅｺ", 30),
        b"0000060000".to_vec(),
        b"0".to_vec(),
        sjis("", 29),
    ]);
    rec(vec![b"8000001000000060000".to_vec(), sjis("", 101)]);
    rec(vec![b"9".to_vec(), sjis("", 119)]);
    assert_eq!(file, expected, "the file, byte for byte");
    assert_eq!(file.len() % 122, 0);

    // Finance never reads her account through the API; another company sees no batch.
    let contract_of = s
        .ok(
            a.finance.token(),
            "query($id: ID!) { payout(id: $id) { invoice { contract { freelancer { bankAccount { accountNumber } } } } } }",
            json!({ "id": paid_to_her }),
        )
        .await;
    assert!(contract_of["payout"]["invoice"]["contract"]["freelancer"]["bankAccount"].is_null());
    let batch_id = batch["id"].as_str().unwrap().to_string();
    let paid_input = json!({ "input": { "batchId": batch_id, "reference": "MIZUHO-0105" } });
    assert_eq!(
        s.err(b.finance.token(), BATCH_PAID, paid_input.clone())
            .await,
        "NOT_FOUND"
    );
    assert_eq!(
        s.err(a.admin.token(), BATCH_PAID, paid_input.clone()).await,
        "FORBIDDEN"
    );

    let paid = s
        .ok(a.finance.token(), BATCH_PAID, paid_input.clone())
        .await;
    let paid = &paid["markTransferBatchPaid"];
    assert_eq!(paid["status"], "PAID");
    assert_eq!(paid["payouts"][0]["status"], "PAID");
    assert_eq!(paid["payouts"][0]["reference"], "MIZUHO-0105");
    assert_eq!(paid["payouts"][0]["invoice"]["status"], "PAID");
    let payout_key = s
        .sql_i64("SELECT MIN(id) FROM payouts WHERE status = 'PAID'")
        .await;
    assert_eq!(
        s.sql_i64(&format!(
            "SELECT COUNT(*) FROM ledger_entries WHERE txn_group = 'manual:{payout_key}'"
        ))
        .await,
        2,
        "the payout's ledger group"
    );
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM audit_events WHERE action IN ('transfer_batch.create', 'transfer_batch.pay', 'payout.pay')")
            .await,
        3
    );
    // Twice is a conflict; the blocked payout is still waiting.
    assert_eq!(
        s.err(a.finance.token(), BATCH_PAID, paid_input).await,
        "CONFLICT"
    );
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM payouts WHERE status = 'PENDING'")
            .await,
        1
    );
    s.finish().await;
}

#[tokio::test]
async fn a_payout_changed_since_the_file_makes_the_batch_a_conflict_with_nothing_written() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let hanako = alumnus(&s, &a, "hanako@alumni.example").await;
    let taro = alumnus(&s, &a, "taro@alumni.example").await;
    for p in [&hanako, &taro] {
        s.ok(p.token(), SET_BANK, json!({ "input": bank_input("ﾃｽﾄ") }))
            .await;
    }
    s.ok(
        a.admin.token(),
        SET_COMPANY_BANK,
        json!({ "input": company_bank_input(&a.id) }),
    )
    .await;
    let first = approved_payout(&s, &a, &hanako, "60000").await;
    let second = approved_payout(&s, &a, &taro, "30000").await;
    let created = s
        .ok(
            a.finance.token(),
            CREATE_BATCH,
            json!({ "input": { "companyId": a.id, "transferDate": "2099-01-05", "payoutIds": [first, second] } }),
        )
        .await;
    let batch = &created["createTransferBatch"]["batch"];
    assert_eq!(batch["payoutCount"], 2);
    assert_eq!(batch["total"]["amount"], "90000");
    let batch_id = batch["id"].as_str().unwrap().to_string();
    // One of them is paid by hand meanwhile.
    mark_paid(&s, &a.finance, &second, "BY-HAND").await;
    let ledger_before = s.sql_i64("SELECT COUNT(*) FROM ledger_entries").await;
    let audit_before = s.sql_i64("SELECT COUNT(*) FROM audit_events").await;
    let code = s
        .err(
            a.finance.token(),
            BATCH_PAID,
            json!({ "input": { "batchId": batch_id, "reference": "MIZUHO" } }),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM ledger_entries").await,
        ledger_before
    );
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM audit_events").await,
        audit_before
    );
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM payouts WHERE status = 'PENDING'")
            .await,
        1,
        "the other payout is untouched"
    );
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM transfer_batches WHERE status = 'OPEN'")
            .await,
        1
    );
    // A payout moved to a later file also leaves the earlier one unpayable.
    let later = s
        .ok(
            a.finance.token(),
            CREATE_BATCH,
            json!({ "input": { "companyId": a.id, "transferDate": "2099-01-06" } }),
        )
        .await;
    let later_id = later["createTransferBatch"]["batch"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(later_id, batch_id);
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM transfer_batches WHERE status = 'SUPERSEDED'")
            .await,
        1,
        "the earlier file is not to be sent"
    );
    let code = s
        .err(
            a.finance.token(),
            BATCH_PAID,
            json!({ "input": { "batchId": batch_id, "reference": "MIZUHO" } }),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    // The files hold the freelancers' accounts: FINANCE reads them, ADMIN does not.
    let files = "query($id: ID!) { company(id: $id) { transferBatches { status fileBase64 } } }";
    let seen = s.ok(a.admin.token(), files, json!({ "id": a.id })).await;
    assert!(seen["company"]["transferBatches"][0]["fileBase64"].is_null());
    let seen = s.ok(a.finance.token(), files, json!({ "id": a.id })).await;
    assert!(seen["company"]["transferBatches"][0]["fileBase64"].is_string());
    s.ok(
        a.finance.token(),
        BATCH_PAID,
        json!({ "input": { "batchId": later_id, "reference": "MIZUHO-2" } }),
    )
    .await;
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM payouts WHERE status = 'PAID'")
            .await,
        2
    );
    s.finish().await;
}
