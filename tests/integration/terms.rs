//! Statements of terms (Freelance Act art. 3), payment terms and due dates (art. 4), and the
//! overdue invoices list, through the API on both databases.
use boomerang::domain::terms::DEFAULT_DELIVERY;
use boomerang_tests::flow::*;
use boomerang_tests::{TestServer, error_code};
use chrono::{Days, Utc};
use chrono_tz::Asia::Tokyo;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::endings::{end, key};

const TERMS: &str = "query($id: ID!) { contract(id: $id) { \
    termsStatement { version issuedAt reason text } \
    termsStatements { version issuedAt reason text } \
    milestones { dueDate } auditTrail { action detail } } }";

const SETTINGS: &str = "mutation($input: UpdateCompanySettingsInput!) { updateCompanySettings(input: $input) { id paymentTermsDays } }";

const OVERDUE: &str =
    "query($id: ID!) { overdueInvoices(companyId: $id) { id status paymentDueDate overdue } }";

async fn terms(s: &TestServer, by: &Person, contract_id: &str) -> Value {
    s.ok(by.token(), TERMS, json!({ "id": contract_id })).await["contract"].clone()
}

fn tokyo_today() -> chrono::NaiveDate {
    Utc::now().with_timezone(&Tokyo).date_naive()
}

fn japanese(day: chrono::NaiveDate) -> String {
    boomerang::domain::terms::japanese_date(day)
}

#[tokio::test]
async fn accepting_a_bid_issues_version_one_stating_every_item() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let freelancer = alumnus(&s, &a, "hanako@alumni.example").await;
    // The legal name, when recorded, is the name the statement uses.
    entity::user::Entity::update_many()
        .col_expr(entity::user::Column::LegalName, Expr::value("山田 花子"))
        .filter(entity::user::Column::Id.eq(key(&freelancer.id)))
        .exec(&s.conn)
        .await
        .unwrap();
    let mut input = project_input(&a.id, "300000", "JPY", "COMPANY_ALUMNI");
    input["input"]["title"] = json!("採用サイトのデザイン");
    input["input"]["deliveryMethod"] = json!("業務委託事業者の共有ドライブへのアップロード");
    let project = s.ok(a.member.token(), PUBLISH, input).await["publishProject"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut bid = bid_input(&project, "300000", "JPY");
    bid["input"]["milestones"] = json!([
        { "title": "ラフ案", "amount": { "amount": "100000", "currencyCode": "JPY" }, "dueDate": "2099-01-31" },
        { "title": "最終デザイン", "amount": { "amount": "200000", "currencyCode": "JPY" } },
    ]);
    let bid = s.ok(freelancer.token(), PLACE_BID, bid).await["placeBid"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let contract_id = accept(&s, &a.member, &bid).await;

    let read = terms(&s, &freelancer, &contract_id).await;
    let statement = &read["termsStatement"];
    assert_eq!(statement["version"], 1);
    assert_eq!(statement["reason"], "ACCEPTED");
    let text = statement["text"].as_str().unwrap();
    let today = tokyo_today();
    // Without its own date, a milestone is due when the whole work is: today + deliveryDays.
    let whole_work = today.checked_add_days(Days::new(14)).unwrap();
    for item in [
        "業務委託の取引条件（第1版）".to_string(),
        "業務委託事業者: acme".to_string(),
        "受託者: 山田 花子".to_string(),
        format!("業務委託をした日: {}", japanese(today)),
        "給付の内容: 採用サイトのデザイン".to_string(),
        "Model churn drivers from two years of account data.".to_string(),
        "(1) ラフ案".to_string(),
        "報酬の額: 100,000円　給付を受領する期日: 2099年1月31日".to_string(),
        "(2) 最終デザイン".to_string(),
        format!(
            "報酬の額: 200,000円　給付を受領する期日: {}",
            japanese(whole_work)
        ),
        "給付を受領する場所（納品方法）: 業務委託事業者の共有ドライブへのアップロード".to_string(),
        "給付を受領した日から14日以内".to_string(),
        "報酬の額（合計）: 300,000円".to_string(),
        "給付を受領した日から起算して60日目まで".to_string(),
        "銀行口座への振込（振込手数料は業務委託事業者が負担します）".to_string(),
    ] {
        assert!(text.contains(&item), "missing {item:?} in\n{text}");
    }
    // The contract shows the same dates as its statement.
    assert_eq!(
        read["milestones"],
        json!([{ "dueDate": "2099-01-31" }, { "dueDate": whole_work.to_string() }])
    );
    assert_eq!(read["termsStatements"], json!([statement.clone()]));
    let issued: Vec<&Value> = read["auditTrail"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "contract.terms_issue")
        .collect();
    assert_eq!(issued.len(), 1);
    assert_eq!(issued[0]["detail"], "version 1 (ACCEPTED)");
    // The company's staff read the same statement; another company's admin does not.
    let staff = terms(&s, &a.finance, &contract_id).await;
    assert_eq!(staff["termsStatement"], *statement);
    let b = company(&s, "bank").await;
    let body = s
        .gql(b.admin.token(), TERMS, json!({ "id": contract_id }))
        .await;
    assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"));
    s.finish().await;
}

#[tokio::test]
async fn a_project_without_a_delivery_method_states_the_delivery_form() {
    let s = TestServer::start().await;
    let c = contracted(&s, "50000").await;
    let read = terms(&s, &c.a.admin, &c.contract_id).await;
    let text = read["termsStatement"]["text"].as_str().unwrap();
    assert!(text.contains(DEFAULT_DELIVERY), "{text}");
    assert!(text.contains("受託者: hanako"), "{text}");
    // A blank delivery method is no method: the default applies.
    let mut input = project_input(&c.a.id, "1000", "JPY", "COMPANY_ALUMNI");
    input["input"]["deliveryMethod"] = json!("  ");
    let data = s
        .ok(c.a.member.token(), "mutation($input: PublishProjectInput!) { publishProject(input: $input) { deliveryMethod } }", input)
        .await;
    assert_eq!(data["publishProject"]["deliveryMethod"], Value::Null);
    s.finish().await;
}

#[tokio::test]
async fn ending_early_issues_version_two_and_keeps_version_one() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let freelancer = alumnus(&s, &a, "hanako@alumni.example").await;
    let project = publish(&s, &a.member, &a.id, "100000", "JPY", "COMPANY_ALUMNI").await;
    let bid = bid_with_milestones(&s, &freelancer, &project, &["60000", "40000"]).await;
    let contract_id = accept(&s, &a.member, &bid).await;
    let first = milestone_ids(&s, &freelancer, &contract_id).await.remove(0);
    deliver(&s, &freelancer, &first).await;
    accept_delivery(&s, &a.member, &first).await;
    let v1 = terms(&s, &freelancer, &contract_id).await["termsStatement"].clone();

    end(&s, &a.member, &contract_id, "事業計画の変更のため").await;

    let read = terms(&s, &freelancer, &contract_id).await;
    let versions = read["termsStatements"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0], v1, "version 1 stays as issued");
    assert_eq!(read["termsStatement"], versions[1]);
    assert_eq!(versions[1]["version"], 2);
    assert_eq!(versions[1]["reason"], "ENDED");
    let text = versions[1]["text"].as_str().unwrap();
    for item in [
        "業務委託の取引条件（第2版）".to_string(),
        "(1) Part 1\n".to_string(),
        "(2) Part 2（取消）".to_string(),
        "うち取消分 40,000円、取消後の報酬の額 60,000円".to_string(),
        format!("本契約は{}に終了しました", japanese(tokyo_today())),
    ] {
        assert!(text.contains(&item), "missing {item:?} in\n{text}");
    }
    // The reason is not printed: after a notice she sees it only once she asks for it.
    assert!(!text.contains("事業計画の変更のため"), "{text}");
    assert!(!v1["text"].as_str().unwrap().contains("取消"));

    // The rows themselves cannot be changed or removed, on either database.
    for sql in [
        "UPDATE contract_terms SET text = 'edited'",
        "DELETE FROM contract_terms",
    ] {
        assert!(s.conn.execute_unprepared(sql).await.is_err(), "{sql}");
    }
    s.finish().await;
}

#[tokio::test]
async fn payment_terms_over_59_days_are_refused_and_agreed_terms_set_the_due_date() {
    let s = TestServer::start().await;
    let c = contracted(&s, "280000").await;
    for days in [60, 90, -1] {
        let body = s
            .gql(
                c.a.admin.token(),
                SETTINGS,
                json!({ "input": { "companyId": c.a.id, "paymentTermsDays": days } }),
            )
            .await;
        assert_eq!(
            error_code(&body).as_deref(),
            Some("BAD_USER_INPUT"),
            "{body}"
        );
        assert_eq!(
            body["errors"][0]["extensions"]["field"],
            "input.paymentTermsDays"
        );
        if days > 59 {
            let message = body["errors"][0]["message"].as_str().unwrap();
            assert!(message.contains("Freelance Act (art. 4)"), "{message}");
        }
    }
    let body = s
        .gql(
            c.a.member.token(),
            SETTINGS,
            json!({ "input": { "companyId": c.a.id, "paymentTermsDays": 30 } }),
        )
        .await;
    assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"));
    let data = s
        .ok(
            c.a.admin.token(),
            SETTINGS,
            json!({ "input": { "companyId": c.a.id, "paymentTermsDays": 30 } }),
        )
        .await;
    assert_eq!(data["updateCompanySettings"]["paymentTermsDays"], 30);

    let due_on = |days: u64| {
        json!(
            tokyo_today()
                .checked_add_days(Days::new(days))
                .unwrap()
                .to_string()
        )
    };
    let due_of = async |inv: &str| {
        s.ok(
            c.a.finance.token(),
            "query($id: ID!) { invoice(id: $id) { paymentDueDate } }",
            json!({ "id": inv }),
        )
        .await["invoice"]["paymentDueDate"]
            .clone()
    };

    // The contract agreed before the change keeps its terms: its work, delivered today
    // (Tokyo), is due by today + 59 days.
    let inv = invoice(&s, &c.freelancer, &c.contract_id, "100000", "JPY").await;
    assert_eq!(due_of(&inv).await, due_on(59));

    // A contract agreed afterwards states the new terms, and its invoices follow them.
    let project = publish(&s, &c.a.member, &c.a.id, "5000", "JPY", "COMPANY_ALUMNI").await;
    let bid = bid(&s, &c.freelancer, &project, "5000", "JPY").await;
    let later = accept_with_work_done(&s, &c.a.member, &c.freelancer, &bid).await;
    let text = terms(&s, &c.freelancer, &later).await["termsStatement"]["text"].clone();
    assert!(
        text.as_str().unwrap().contains("起算して31日目まで"),
        "{text}"
    );
    let inv = invoice(&s, &c.freelancer, &later, "5000", "JPY").await;
    assert_eq!(due_of(&inv).await, due_on(30));

    // Changing the settings again moves neither contract's terms.
    s.ok(
        c.a.admin.token(),
        SETTINGS,
        json!({ "input": { "companyId": c.a.id, "paymentTermsDays": 10 } }),
    )
    .await;
    let text = terms(&s, &c.freelancer, &later).await["termsStatement"]["text"].clone();
    assert!(
        text.as_str().unwrap().contains("起算して31日目まで"),
        "{text}"
    );
    s.finish().await;
}

#[tokio::test]
async fn overdue_invoices_are_listed_for_finance_and_admin_earliest_due_first() {
    let s = TestServer::start().await;
    let c = contracted(&s, "300000").await;
    let late = invoice(&s, &c.freelancer, &c.contract_id, "100000", "JPY").await;
    let later = invoice(&s, &c.freelancer, &c.contract_id, "50000", "JPY").await;
    let current = invoice(&s, &c.freelancer, &c.contract_id, "50000", "JPY").await;
    let paid = invoice(&s, &c.freelancer, &c.contract_id, "50000", "JPY").await;
    let payout = approve(&s, &c.a.finance, &paid).await;
    mark_paid(&s, &c.a.finance, &payout, "BANK-1").await;
    let today = tokyo_today();
    for (id, days_ago) in [(&late, 10), (&later, 3), (&paid, 20)] {
        entity::invoice::Entity::update_many()
            .col_expr(
                entity::invoice::Column::PaymentDueDate,
                Expr::value(today.checked_sub_days(Days::new(days_ago)).unwrap()),
            )
            .filter(entity::invoice::Column::Id.eq(key(id)))
            .exec(&s.conn)
            .await
            .unwrap();
    }
    for reader in [&c.a.finance, &c.a.admin] {
        let data = s.ok(reader.token(), OVERDUE, json!({ "id": c.a.id })).await;
        let ids: Vec<&str> = data["overdueInvoices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [late.as_str(), later.as_str()]);
        assert_eq!(data["overdueInvoices"][0]["overdue"], true);
        // An ADMIN reads the overdue invoice itself too.
        let one = s
            .ok(
                reader.token(),
                "query($id: ID!) { invoice(id: $id) { id overdue } }",
                json!({ "id": late }),
            )
            .await;
        assert_eq!(one["invoice"]["overdue"], true);
    }
    assert!(!current.is_empty());
    let body = s
        .gql(c.a.member.token(), OVERDUE, json!({ "id": c.a.id }))
        .await;
    assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"));
    let body = s
        .gql(c.freelancer.token(), OVERDUE, json!({ "id": c.a.id }))
        .await;
    assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"));
    let b = company(&s, "bank").await;
    for stranger in [&b.admin, &b.finance] {
        let body = s
            .gql(stranger.token(), OVERDUE, json!({ "id": c.a.id }))
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"));
    }
    let body = s.gql(None, OVERDUE, json!({ "id": c.a.id })).await;
    assert_eq!(error_code(&body).as_deref(), Some("UNAUTHENTICATED"));
    s.finish().await;
}
