//! Text inputs: NUL and other control characters are refused with `BAD_USER_INPUT` naming the
//! field, on both databases (PostgreSQL cannot store NUL; SQLite would), and nothing is
//! stored; error messages quote at most a short prefix of what they refuse.
use boomerang_tests::TestServer;
use boomerang_tests::flow::*;
use serde_json::{Value, json};

/// Rows of every table a refused input could have written to.
async fn snapshot(s: &TestServer) -> Vec<(&'static str, i64)> {
    let mut counts = Vec::new();
    for table in [
        "users",
        "sessions",
        "email_tokens",
        "outbox_emails",
        "companies",
        "company_members",
        "alumni_records",
        "projects",
        "project_skills",
        "bids",
        "contracts",
        "invoices",
        "payouts",
        "audit_events",
    ] {
        counts.push((
            table,
            s.sql_i64(&format!("SELECT COUNT(*) FROM {table}")).await,
        ));
    }
    counts.push((
        "submitted invoices",
        s.sql_i64("SELECT COUNT(*) FROM invoices WHERE status = 'SUBMITTED'")
            .await,
    ));
    counts.push((
        "paid payouts",
        s.sql_i64("SELECT COUNT(*) FROM payouts WHERE status = 'PAID'")
            .await,
    ));
    counts
}

/// One text input: who sends it, the document, the variables around the bad text, and the
/// field the error must name.
struct Case {
    name: &'static str,
    token: Option<String>,
    query: &'static str,
    variables: Box<dyn Fn(&str) -> Value>,
    field: &'static str,
}

#[tokio::test]
async fn control_characters_in_any_text_input_are_refused_naming_the_field_and_nothing_is_stored() {
    let s = TestServer::start().await;
    let c = contracted(&s, "100000").await;
    let admin = c.a.admin.token.clone();
    let finance = c.a.finance.token.clone();
    let alumna = c.freelancer.token.clone();
    let company = c.a.id.clone();
    let contract = c.contract_id.clone();
    // An open project to bid on, an invoice to reject and a payout to record.
    let open_project = publish(&s, &c.a.member, &company, "50000", "JPY", "COMPANY_ALUMNI").await;
    let to_reject = invoice(&s, &c.freelancer, &contract, "10000", "JPY").await;
    let to_approve = invoice(&s, &c.freelancer, &contract, "20000", "JPY").await;
    let payout = approve(&s, &c.a.finance, &to_approve).await;
    let other_project = publish(&s, &c.a.member, &company, "50000", "JPY", "COMPANY_ALUMNI").await;
    let pending_bid = bid(&s, &c.freelancer, &other_project, "40000", "JPY").await;

    let cases: Vec<Case> = vec![
        Case {
            name: "signUp email",
            token: None,
            query: "mutation($input: SignUpInput!) { signUp(input: $input) { token } }",
            variables: Box::new(
                |bad| json!({ "input": { "email": format!("new{bad}@example.jp"), "password": PASSWORD, "displayName": "New" } }),
            ),
            field: "input.email",
        },
        Case {
            name: "signUp displayName",
            token: None,
            query: "mutation($input: SignUpInput!) { signUp(input: $input) { token } }",
            variables: Box::new(
                |bad| json!({ "input": { "email": "new@example.jp", "password": PASSWORD, "displayName": format!("Ne{bad}w") } }),
            ),
            field: "input.displayName",
        },
        Case {
            name: "signUp password",
            token: None,
            query: "mutation($input: SignUpInput!) { signUp(input: $input) { token } }",
            variables: Box::new(
                |bad| json!({ "input": { "email": "new@example.jp", "password": format!("{PASSWORD}{bad}"), "displayName": "New" } }),
            ),
            field: "input.password",
        },
        Case {
            name: "logIn email",
            token: None,
            query: "mutation($input: LogInInput!) { logIn(input: $input) { token } }",
            variables: Box::new(
                |bad| json!({ "input": { "email": format!("hanako@alumni.example{bad}"), "password": PASSWORD } }),
            ),
            field: "input.email",
        },
        Case {
            name: "requestPasswordReset email",
            token: None,
            query: "mutation($email: String!) { requestPasswordReset(email: $email) }",
            variables: Box::new(|bad| json!({ "email": format!("hanako{bad}@alumni.example") })),
            field: "email",
        },
        Case {
            name: "resetPassword newPassword",
            token: None,
            query: "mutation($input: ResetPasswordInput!) { resetPassword(input: $input) }",
            variables: Box::new(
                |bad| json!({ "input": { "token": "not-a-code", "newPassword": format!("{bad}{PASSWORD}") } }),
            ),
            field: "input.newPassword",
        },
        Case {
            name: "verifyEmail token",
            token: None,
            query: "mutation($token: String!) { verifyEmail(token: $token) { id } }",
            variables: Box::new(|bad| json!({ "token": format!("code{bad}") })),
            field: "token",
        },
        Case {
            name: "createCompany name",
            token: Some(admin.clone()),
            query: "mutation($input: CreateCompanyInput!) { createCompany(input: $input) { id } }",
            variables: Box::new(|bad| json!({ "input": { "name": format!("Sakura{bad} Bank") } })),
            field: "input.name",
        },
        Case {
            name: "addCompanyMember email",
            token: Some(admin.clone()),
            query: "mutation($input: AddCompanyMemberInput!) { addCompanyMember(input: $input) { id } }",
            variables: Box::new({
                let company = company.clone();
                move |bad| json!({ "input": { "companyId": company, "email": format!("hanako@alumni.example{bad}"), "role": "MEMBER" } })
            }),
            field: "input.email",
        },
        Case {
            name: "addAlumni emails (a list item)",
            token: Some(admin.clone()),
            query: "mutation($input: AddAlumniInput!) { addAlumni(input: $input) { id } }",
            variables: Box::new({
                let company = company.clone();
                move |bad| json!({ "input": { "companyId": company, "emails": ["ok@alumni.example", format!("b{bad}ad@alumni.example")] } })
            }),
            field: "input.emails[1]",
        },
        Case {
            name: "publishProject title",
            token: Some(admin.clone()),
            query: PUBLISH,
            variables: Box::new({
                let company = company.clone();
                move |bad| {
                    let mut v = project_input(&company, "50000", "JPY", "COMPANY_ALUMNI");
                    v["input"]["title"] = json!(format!("Churn{bad} analysis"));
                    v
                }
            }),
            field: "input.title",
        },
        Case {
            name: "publishProject description",
            token: Some(admin.clone()),
            query: PUBLISH,
            variables: Box::new({
                let company = company.clone();
                move |bad| {
                    let mut v = project_input(&company, "50000", "JPY", "COMPANY_ALUMNI");
                    v["input"]["description"] = json!(format!("Line one\n\tline{bad} two"));
                    v
                }
            }),
            field: "input.description",
        },
        Case {
            name: "publishProject skills (a list item)",
            token: Some(admin.clone()),
            query: PUBLISH,
            variables: Box::new({
                let company = company.clone();
                move |bad| {
                    let mut v = project_input(&company, "50000", "JPY", "COMPANY_ALUMNI");
                    v["input"]["skills"] = json!([format!("SQL{bad}")]);
                    v
                }
            }),
            field: "input.skills[0]",
        },
        Case {
            name: "placeBid proposal",
            token: Some(alumna.clone()),
            query: PLACE_BID,
            variables: Box::new({
                let project = open_project.clone();
                move |bad| {
                    let mut v = bid_input(&project, "40000", "JPY");
                    v["input"]["proposal"] = json!(format!("I can{bad} do it"));
                    v
                }
            }),
            field: "input.proposal",
        },
        Case {
            name: "submitInvoice description",
            token: Some(alumna.clone()),
            query: SUBMIT_INVOICE,
            variables: Box::new({
                let contract = contract.clone();
                move |bad| {
                    let mut v = invoice_input(&contract, "5000", "JPY");
                    v["input"]["description"] = json!(format!("Milestone{bad} 2"));
                    v
                }
            }),
            field: "input.description",
        },
        Case {
            name: "rejectInvoice reason",
            token: Some(finance.clone()),
            query: "mutation($input: RejectInvoiceInput!) { rejectInvoice(input: $input) { id } }",
            variables: Box::new({
                let invoice = to_reject.clone();
                move |bad| json!({ "input": { "id": invoice, "reason": format!("Wrong{bad} amount") } })
            }),
            field: "input.reason",
        },
        Case {
            name: "markPayoutPaid reference",
            token: Some(finance.clone()),
            query: MARK_PAID,
            variables: Box::new({
                let payout = payout.clone();
                move |bad| json!({ "input": { "payoutId": payout, "reference": format!("TRF{bad}0001") } })
            }),
            field: "input.reference",
        },
        Case {
            name: "removeCompanyMember email",
            token: Some(admin.clone()),
            query: "mutation($input: RemoveCompanyMemberInput!) { removeCompanyMember(input: $input) { id } }",
            variables: Box::new({
                let company = company.clone();
                move |bad| json!({ "input": { "companyId": company, "email": format!("acme-member{bad}@acme.example") } })
            }),
            field: "input.email",
        },
        Case {
            name: "removeAlumni emails",
            token: Some(admin.clone()),
            query: "mutation($input: RemoveAlumniInput!) { removeAlumni(input: $input) { id } }",
            variables: Box::new({
                let company = company.clone();
                move |bad| json!({ "input": { "companyId": company, "emails": [format!("hanako{bad}@alumni.example")] } })
            }),
            field: "input.emails[0]",
        },
        Case {
            name: "updateProject title",
            token: Some(admin.clone()),
            query: "mutation($input: UpdateProjectInput!) { updateProject(input: $input) { id } }",
            variables: Box::new({
                let project = open_project.clone();
                move |bad| json!({ "input": { "id": project, "title": format!("Churn{bad} 2") } })
            }),
            field: "input.title",
        },
        Case {
            name: "updateProject description",
            token: Some(admin.clone()),
            query: "mutation($input: UpdateProjectInput!) { updateProject(input: $input) { id } }",
            variables: Box::new({
                let project = open_project.clone();
                move |bad| json!({ "input": { "id": project, "description": format!("Model{bad} churn") } })
            }),
            field: "input.description",
        },
        Case {
            name: "updateProject skills",
            token: Some(admin.clone()),
            query: "mutation($input: UpdateProjectInput!) { updateProject(input: $input) { id } }",
            variables: Box::new({
                let project = open_project.clone();
                move |bad| json!({ "input": { "id": project, "skills": [format!("sql{bad}")] } })
            }),
            field: "input.skills[0]",
        },
        Case {
            name: "rejectBid reason",
            token: Some(admin.clone()),
            query: "mutation($input: RejectBidInput!) { rejectBid(input: $input) { id } }",
            variables: Box::new({
                let bid = pending_bid.clone();
                move |bad| json!({ "input": { "id": bid, "reason": format!("Not{bad} now") } })
            }),
            field: "input.reason",
        },
        Case {
            name: "projects skill filter",
            token: Some(alumna.clone()),
            query: "query($filter: ProjectFilter) { projects(filter: $filter) { edges { node { id } } } }",
            variables: Box::new(|bad| json!({ "filter": { "skill": format!("sql{bad}") } })),
            field: "filter.skill",
        },
    ];

    // Mail is sent (and its token made) by the worker, after the request that queued it.
    s.mail_settled().await;
    let before = snapshot(&s).await;
    for case in &cases {
        for bad in ["\u{0}", "\u{1b}", "\u{7f}"] {
            let body = s
                .gql(case.token.as_deref(), case.query, (case.variables)(bad))
                .await;
            let error = &body["errors"][0];
            assert_eq!(
                error["extensions"]["code"], "BAD_USER_INPUT",
                "{} with {bad:?}: {body:#}",
                case.name
            );
            assert_eq!(
                error["extensions"]["field"], case.field,
                "{} with {bad:?}: {body:#}",
                case.name
            );
        }
    }
    // A tab or a line break is a control character in a one-line field too.
    let mut tabbed = project_input(&company, "50000", "JPY", "COMPANY_ALUMNI");
    tabbed["input"]["title"] = json!("Churn\tanalysis");
    let body = s.gql(Some(&admin), PUBLISH, tabbed).await;
    assert_eq!(
        body["errors"][0]["extensions"]["field"], "input.title",
        "{body:#}"
    );
    assert_eq!(
        snapshot(&s).await,
        before,
        "a refused input changed the database"
    );

    // Multi-line text keeps its tabs and line breaks.
    let mut multi = project_input(&company, "50000", "JPY", "COMPANY_ALUMNI");
    multi["input"]["description"] = json!("Line one\r\n\tline two");
    let id = s.ok(Some(&admin), PUBLISH, multi).await["publishProject"]["id"].clone();
    let stored = s
        .ok(
            Some(&admin),
            "query($id: ID!) { project(id: $id) { description } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(stored["project"]["description"], "Line one\r\n\tline two");
    s.finish().await;
}

#[tokio::test]
async fn nul_anywhere_in_a_request_is_refused_before_any_resolver_runs() {
    let s = TestServer::start().await;
    let c = contracted(&s, "100000").await;
    let admin = c.a.admin.token.clone();
    // Mail is sent (and its token made) by the worker, after the request that queued it.
    s.mail_settled().await;
    let before = snapshot(&s).await;
    // Inline arguments, checked when the document is parsed.
    let body = s
        .gql(
            Some(&admin),
            r#"mutation { createCompany(input: {name: "Sakura\u0000Bank"}) { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body:#}"
    );
    assert_eq!(
        body["errors"][0]["extensions"]["field"], "input.name",
        "{body:#}"
    );
    assert!(body.get("data").is_none_or(Value::is_null), "{body:#}");
    // Strings that are not free text: ids, cursors, decimals, tokens, passwords.
    let cases = [
        (
            "query($id: ID!) { project(id: $id) { id } }",
            json!({ "id": "UHJvamVjdDox\u{0}" }),
            "id",
        ),
        (
            "query($after: String) { projects(first: 5, after: $after) { edges { cursor } } }",
            json!({ "after": "MQ\u{0}" }),
            "after",
        ),
        (
            PUBLISH,
            {
                let mut v = project_input(&c.a.id, "50000", "JPY", "COMPANY_ALUMNI");
                v["input"]["budget"]["amount"] = json!("500\u{0}00");
                v
            },
            "input.budget.amount",
        ),
        (
            "mutation($input: ResetPasswordInput!) { resetPassword(input: $input) }",
            json!({ "input": { "token": "abc\u{0}", "newPassword": PASSWORD } }),
            "input.token",
        ),
        (
            "mutation($input: LogInInput!) { logIn(input: $input) { token } }",
            json!({ "input": { "email": c.a.admin.email, "password": format!("{PASSWORD}\u{0}") } }),
            "input.password",
        ),
    ];
    for (query, variables, field) in cases {
        let body = s.gql(Some(&admin), query, variables).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{query}: {body:#}"
        );
        assert_eq!(
            body["errors"][0]["extensions"]["field"], field,
            "{query}: {body:#}"
        );
    }
    assert_eq!(
        snapshot(&s).await,
        before,
        "a refused input changed the database"
    );
    s.finish().await;
}

#[tokio::test]
async fn an_error_quotes_only_a_short_prefix_of_a_huge_input() {
    let s = TestServer::start().await;
    let c = contracted(&s, "100000").await;
    let huge = "x".repeat(200_000);
    let mut budget = project_input(&c.a.id, "50000", "JPY", "COMPANY_ALUMNI");
    budget["input"]["budget"]["amount"] = json!(huge);
    // A Decimal that is not a string at all.
    let mut list_budget = project_input(&c.a.id, "50000", "JPY", "COMPANY_ALUMNI");
    list_budget["input"]["budget"]["amount"] = json!(vec!["xxxx"; 50_000]);
    let cases = [
        (
            None,
            "mutation($input: SignUpInput!) { signUp(input: $input) { token } }",
            json!({ "input": { "email": huge, "password": PASSWORD, "displayName": "X" } }),
        ),
        (
            c.a.admin.token(),
            "mutation($input: AddAlumniInput!) { addAlumni(input: $input) { id } }",
            json!({ "input": { "companyId": c.a.id, "emails": [format!("{huge}@example.jp")] } }),
        ),
        (c.a.admin.token(), PUBLISH, budget),
        // async-graphql's own coercion messages repeat the value; they are cut too.
        (
            c.a.admin.token(),
            "mutation($input: AddCompanyMemberInput!) { addCompanyMember(input: $input) { id } }",
            json!({ "input": { "companyId": c.a.id, "email": "a@b.jp", "role": huge } }),
        ),
        (c.a.admin.token(), PUBLISH, list_budget),
    ];
    for (token, query, variables) in cases {
        let body = s.gql(token, query, variables).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{query}"
        );
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.chars().count() <= 301,
            "{query}: a {} character message",
            message.chars().count()
        );
        assert!(message.contains("xxxx"), "{query}: {message}");
    }
    // The domain's own messages quote at most 32 characters.
    let body = s
        .gql(
            None,
            "mutation($input: SignUpInput!) { signUp(input: $input) { token } }",
            json!({ "input": { "email": huge, "password": PASSWORD, "displayName": "X" } }),
        )
        .await;
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.len() < 100, "{message}");
    s.finish().await;
}
