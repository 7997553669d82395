//! Steps of the marketplace flow, as a client would send them.
use serde_json::{Value, json};

use crate::TestServer;

pub const PASSWORD: &str = "correct horse battery staple";

#[derive(Debug, Clone)]
pub struct Person {
    pub token: String,
    pub id: String,
    pub email: String,
}

impl Person {
    pub fn token(&self) -> Option<&str> {
        Some(&self.token)
    }
}

/// A company with one person in each staff role.
#[derive(Debug, Clone)]
pub struct Company {
    pub id: String,
    pub admin: Person,
    pub member: Person,
    pub finance: Person,
}

pub async fn sign_up(s: &TestServer, email: &str) -> Person {
    let data = s
        .ok(
            None,
            "mutation($input: SignUpInput!) { signUp(input: $input) { token user { id email } } }",
            json!({ "input": { "email": email, "password": PASSWORD, "displayName": email.split('@').next().unwrap_or(email) } }),
        )
        .await;
    Person {
        token: data["signUp"]["token"].as_str().unwrap().to_string(),
        id: data["signUp"]["user"]["id"].as_str().unwrap().to_string(),
        email: data["signUp"]["user"]["email"]
            .as_str()
            .unwrap()
            .to_string(),
    }
}

pub async fn add_member(
    s: &TestServer,
    admin: &Person,
    company_id: &str,
    email: &str,
    role: &str,
) -> Value {
    s.ok(
        admin.token(),
        "mutation($input: AddCompanyMemberInput!) { addCompanyMember(input: $input) { id role user { id } } }",
        json!({ "input": { "companyId": company_id, "email": email, "role": role } }),
    )
    .await
}

/// Signs up `<tag>-admin@…`, `<tag>-member@…`, `<tag>-finance@…` and creates the company.
pub async fn company(s: &TestServer, tag: &str) -> Company {
    let admin = sign_up(s, &format!("{tag}-admin@{tag}.example")).await;
    let data = s
        .ok(
            admin.token(),
            "mutation($name: String!) { createCompany(input: { name: $name }) { id } }",
            json!({ "name": tag }),
        )
        .await;
    let id = data["createCompany"]["id"].as_str().unwrap().to_string();
    let member = sign_up(s, &format!("{tag}-member@{tag}.example")).await;
    let finance = sign_up(s, &format!("{tag}-finance@{tag}.example")).await;
    add_member(s, &admin, &id, &member.email, "MEMBER").await;
    add_member(s, &admin, &id, &finance.email, "FINANCE").await;
    Company {
        id,
        admin,
        member,
        finance,
    }
}

pub async fn add_alumni(s: &TestServer, company: &Company, emails: &[&str]) {
    s.ok(
        company.admin.token(),
        "mutation($input: AddAlumniInput!) { addAlumni(input: $input) { id } }",
        json!({ "input": { "companyId": company.id, "emails": emails } }),
    )
    .await;
}

/// Signs up a person who is on `company`'s alumni roster.
pub async fn alumnus(s: &TestServer, company: &Company, email: &str) -> Person {
    add_alumni(s, company, &[email]).await;
    sign_up(s, email).await
}

pub const PUBLISH: &str = "mutation($input: PublishProjectInput!) { publishProject(input: $input) { id status budget { amount currencyCode } } }";

pub fn project_input(company_id: &str, amount: &str, currency: &str, visibility: &str) -> Value {
    json!({ "input": {
        "companyId": company_id,
        "title": "Churn analysis for the retail bank",
        "description": "Model churn drivers from two years of account data.",
        "category": "DATA_ANALYSIS",
        "skills": ["SQL", "Python"],
        "budget": { "amount": amount, "currencyCode": currency },
        "visibility": visibility,
    } })
}

pub async fn publish(
    s: &TestServer,
    by: &Person,
    company_id: &str,
    amount: &str,
    currency: &str,
    visibility: &str,
) -> String {
    let data = s
        .ok(
            by.token(),
            PUBLISH,
            project_input(company_id, amount, currency, visibility),
        )
        .await;
    data["publishProject"]["id"].as_str().unwrap().to_string()
}

pub const PLACE_BID: &str = "mutation($input: PlaceBidInput!) { placeBid(input: $input) { id status amount { amount currencyCode } } }";

pub fn bid_input(project_id: &str, amount: &str, currency: &str) -> Value {
    json!({ "input": {
        "projectId": project_id,
        "amount": { "amount": amount, "currencyCode": currency },
        "deliveryDays": 14,
        "proposal": "I built the bank's first churn model in 2019.",
    } })
}

pub async fn bid(
    s: &TestServer,
    by: &Person,
    project_id: &str,
    amount: &str,
    currency: &str,
) -> String {
    let data = s
        .ok(
            by.token(),
            PLACE_BID,
            bid_input(project_id, amount, currency),
        )
        .await;
    data["placeBid"]["id"].as_str().unwrap().to_string()
}

pub const ACCEPT_BID: &str =
    "mutation($id: ID!) { acceptBid(id: $id) { id status amount { amount currencyCode } } }";

pub async fn accept(s: &TestServer, by: &Person, bid_id: &str) -> String {
    let data = s.ok(by.token(), ACCEPT_BID, json!({ "id": bid_id })).await;
    data["acceptBid"]["id"].as_str().unwrap().to_string()
}

pub const SUBMIT_INVOICE: &str = "mutation($input: SubmitInvoiceInput!) { submitInvoice(input: $input) { id status amount { amount currencyCode } } }";

pub fn invoice_input(contract_id: &str, amount: &str, currency: &str) -> Value {
    json!({ "input": { "contractId": contract_id, "amount": { "amount": amount, "currencyCode": currency }, "description": "Milestone 1" } })
}

pub async fn invoice(
    s: &TestServer,
    by: &Person,
    contract_id: &str,
    amount: &str,
    currency: &str,
) -> String {
    let data = s
        .ok(
            by.token(),
            SUBMIT_INVOICE,
            invoice_input(contract_id, amount, currency),
        )
        .await;
    data["submitInvoice"]["id"].as_str().unwrap().to_string()
}

pub const APPROVE: &str = "mutation($id: ID!) { approveInvoice(id: $id) { id status payout { id status amount { amount } } } }";

/// Approves and returns the payout id.
pub async fn approve(s: &TestServer, by: &Person, invoice_id: &str) -> String {
    let data = s.ok(by.token(), APPROVE, json!({ "id": invoice_id })).await;
    data["approveInvoice"]["payout"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

pub const MARK_PAID: &str = "mutation($input: MarkPayoutPaidInput!) { markPayoutPaid(input: $input) { id status reference invoice { id status } } }";

pub async fn mark_paid(s: &TestServer, by: &Person, payout_id: &str, reference: &str) -> Value {
    s.ok(
        by.token(),
        MARK_PAID,
        json!({ "input": { "payoutId": payout_id, "reference": reference } }),
    )
    .await
}

/// A company A with one alumnus who has an ACTIVE contract for `amount` JPY, its one milestone
/// delivered and accepted (so the whole amount may be invoiced).
pub struct Contracted {
    pub a: Company,
    pub freelancer: Person,
    pub project_id: String,
    pub contract_id: String,
}

pub async fn contracted(s: &TestServer, amount: &str) -> Contracted {
    let a = company(s, "acme").await;
    let freelancer = alumnus(s, &a, "hanako@alumni.example").await;
    let project_id = publish(s, &a.member, &a.id, amount, "JPY", "COMPANY_ALUMNI").await;
    let bid_id = bid(s, &freelancer, &project_id, amount, "JPY").await;
    let contract_id = accept_with_work_done(s, &a.member, &freelancer, &bid_id).await;
    Contracted {
        a,
        freelancer,
        project_id,
        contract_id,
    }
}

pub const MILESTONES: &str = "query($id: ID!) { contract(id: $id) { milestones { id position title status amount { amount currencyCode } } } }";

/// The ids of a contract's milestones, in position order.
pub async fn milestone_ids(s: &TestServer, by: &Person, contract_id: &str) -> Vec<String> {
    let data = s
        .ok(by.token(), MILESTONES, json!({ "id": contract_id }))
        .await;
    data["contract"]["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect()
}

pub const SUBMIT_DELIVERY: &str = "mutation($input: SubmitDeliveryInput!) { submitDelivery(input: $input) { id status submittedAt autoAcceptAt deliveryNote deliveryLinks } }";

pub async fn deliver(s: &TestServer, freelancer: &Person, milestone_id: &str) -> Value {
    s.ok(
        freelancer.token(),
        SUBMIT_DELIVERY,
        json!({ "input": { "milestoneId": milestone_id, "note": "Report and notebook attached.", "links": ["https://drive.example.jp/churn"] } }),
    )
    .await
}

pub const ACCEPT_DELIVERY: &str =
    "mutation($id: ID!) { acceptDelivery(milestoneId: $id) { id status acceptedAt } }";

pub async fn accept_delivery(s: &TestServer, staff: &Person, milestone_id: &str) -> Value {
    s.ok(
        staff.token(),
        ACCEPT_DELIVERY,
        json!({ "id": milestone_id }),
    )
    .await
}

pub const REQUEST_CHANGES: &str = "mutation($id: ID!, $reason: String!) { requestChanges(input: { milestoneId: $id, reason: $reason }) { id status changesReason } }";

/// Delivers every milestone of the contract and has `staff` accept each, so the whole
/// contract amount may be invoiced.
pub async fn deliver_and_accept(
    s: &TestServer,
    freelancer: &Person,
    staff: &Person,
    contract_id: &str,
) {
    for id in milestone_ids(s, freelancer, contract_id).await {
        deliver(s, freelancer, &id).await;
        accept_delivery(s, staff, &id).await;
    }
}

/// `accept`, then every milestone delivered and accepted: the contract may be invoiced in full.
pub async fn accept_with_work_done(
    s: &TestServer,
    staff: &Person,
    freelancer: &Person,
    bid_id: &str,
) -> String {
    let contract_id = accept(s, staff, bid_id).await;
    deliver_and_accept(s, freelancer, staff, &contract_id).await;
    contract_id
}

/// Bids the sum of `amounts` JPY, proposing one milestone per amount ("Part 1", …).
pub async fn bid_with_milestones(
    s: &TestServer,
    by: &Person,
    project_id: &str,
    amounts: &[&str],
) -> String {
    let total: i64 = amounts.iter().map(|a| a.parse::<i64>().unwrap()).sum();
    let mut input = bid_input(project_id, &total.to_string(), "JPY");
    input["input"]["milestones"] = amounts
        .iter()
        .enumerate()
        .map(|(i, a)| json!({ "title": format!("Part {}", i + 1), "amount": { "amount": a, "currencyCode": "JPY" } }))
        .collect();
    let data = s.ok(by.token(), PLACE_BID, input).await;
    data["placeBid"]["id"].as_str().unwrap().to_string()
}
