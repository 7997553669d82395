//! The contract page's form POSTs. Each runs one mutation as the visitor; success answers 303
//! to the contract page with a notice, a refusal re-renders the page with the API's reason
//! next to that form and the input kept (400), and an id the visitor may not see answers the
//! not-found page.
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::contract::{Failed, render};
use super::text;
use crate::console::session::Visitor;
use crate::console::{ApiError, not_found_page, run};
use crate::http::AppState;

pub const MILESTONE_CONTRACT: &str = "query ConsoleMilestoneContract($id: ID!) { \
     node(id: $id) { ... on Milestone { contract { id } } } }";
pub const SUBMIT_DELIVERY: &str = "mutation ConsoleSubmitDelivery($input: SubmitDeliveryInput!) { \
     submitDelivery(input: $input) { id contract { id } } }";
pub const ACCEPT_DELIVERY: &str = "mutation ConsoleAcceptDelivery($id: ID!) { \
     acceptDelivery(milestoneId: $id) { id contract { id } } }";
pub const REQUEST_CHANGES: &str = "mutation ConsoleRequestChanges($input: RequestChangesInput!) { \
     requestChanges(input: $input) { id contract { id } } }";
pub const SUBMIT_INVOICE: &str = "mutation ConsoleSubmitInvoice($input: SubmitInvoiceInput!) { \
     submitInvoice(input: $input) { id } }";
pub const END_CONTRACT: &str = "mutation ConsoleEndContract($input: EndContractInput!) { \
     endContract(input: $input) { id endsOn } }";
pub const REQUEST_END_REASON: &str = "mutation ConsoleRequestEndReason($id: ID!) { \
     requestEndReason(contractId: $id) { id } }";
pub const SUBMIT_REVIEW: &str = "mutation ConsoleSubmitReview($input: SubmitReviewInput!) { \
     submitReview(input: $input) { id } }";

fn back(contract: &str, done: &str) -> Response {
    Redirect::to(&format!("/contracts/{contract}?done={done}")).into_response()
}

/// After a refused contract-level form: the not-found page for an id the visitor may not
/// see, else the contract page with the refusal next to `form`.
async fn refused_on_contract(
    state: &AppState,
    v: &Visitor,
    contract: &str,
    form: &str,
    error: ApiError,
    values: &[(&str, &str)],
) -> Response {
    if error.code == "NOT_FOUND" {
        return not_found_page(v);
    }
    let failed = Failed {
        form: form.to_string(),
        error,
        values: values
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
    };
    render(state, v, contract, None, Some(&failed)).await
}

/// After a refused milestone form: the milestone's contract page with the refusal, or the
/// not-found page when the visitor may not see the milestone.
async fn refused_on_milestone(
    state: &AppState,
    v: &Visitor,
    milestone: &str,
    form: &str,
    error: ApiError,
    values: &[(&str, &str)],
) -> Response {
    if error.code == "NOT_FOUND" {
        return not_found_page(v);
    }
    let contract = match run(state, v, MILESTONE_CONTRACT, json!({ "id": milestone })).await {
        Ok(data) => text(&data["node"]["contract"]["id"]),
        Err(_) => String::new(),
    };
    if contract.is_empty() {
        return not_found_page(v);
    }
    let form = format!("{form}-{milestone}");
    refused_on_contract(state, v, &contract, &form, error, values).await
}

fn contract_of(data: &Value, mutation: &str) -> String {
    text(&data[mutation]["contract"]["id"])
}

#[derive(Deserialize)]
pub struct DeliveryForm {
    note: String,
    #[serde(default)]
    links: String,
}

/// Links one per line (blank lines ignored); the API checks each.
fn lines(value: &str) -> Vec<&str> {
    value
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

pub async fn submit_delivery(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(f): Form<DeliveryForm>,
) -> Response {
    let input = json!({ "input": { "milestoneId": id, "note": f.note, "links": lines(&f.links) } });
    match run(&state, &v, SUBMIT_DELIVERY, input).await {
        Ok(data) => back(&contract_of(&data, "submitDelivery"), "delivered"),
        Err(err) => {
            let values = [("note", f.note.as_str()), ("links", f.links.as_str())];
            refused_on_milestone(&state, &v, &id, "deliver", err, &values).await
        }
    }
}

pub async fn accept_delivery(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
) -> Response {
    match run(&state, &v, ACCEPT_DELIVERY, json!({ "id": id })).await {
        Ok(data) => back(&contract_of(&data, "acceptDelivery"), "accepted"),
        Err(err) => refused_on_milestone(&state, &v, &id, "accept", err, &[]).await,
    }
}

#[derive(Deserialize)]
pub struct ChangesForm {
    #[serde(default)]
    reason: String,
    #[serde(default, rename = "reasonCode")]
    reason_code: String,
}

pub async fn request_changes(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(f): Form<ChangesForm>,
) -> Response {
    // An unknown code goes as typed; the API refuses it naming the field.
    let code = Some(f.reason_code.trim()).filter(|c| !c.is_empty());
    let input = json!({ "input": { "milestoneId": id, "reason": f.reason, "reasonCode": code } });
    match run(&state, &v, REQUEST_CHANGES, input).await {
        Ok(data) => back(&contract_of(&data, "requestChanges"), "changes"),
        Err(err) => {
            let values = [
                ("reason", f.reason.as_str()),
                ("reasonCode", f.reason_code.as_str()),
            ];
            refused_on_milestone(&state, &v, &id, "changes", err, &values).await
        }
    }
}

#[derive(Deserialize)]
pub struct InvoiceForm {
    milestone: String,
    amount: String,
    currency: String,
    #[serde(default)]
    description: String,
    /// `separately`: the consumption tax is added on top; else it is within the amount.
    #[serde(default)]
    tax: String,
    /// `STANDARD` or `REDUCED`.
    #[serde(default)]
    rate: String,
}

pub async fn submit_invoice(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(f): Form<InvoiceForm>,
) -> Response {
    let amount = json!({ "amount": f.amount.trim(), "currencyCode": f.currency });
    let mut input = json!({
        "contractId": id,
        "milestoneId": f.milestone,
        "amount": amount,
        "description": f.description,
        "taxShownSeparately": f.tax == "separately",
    });
    if f.rate == "REDUCED" {
        input["lines"] =
            json!([{ "description": f.description, "amount": amount, "taxRate": "REDUCED" }]);
    }
    let input = json!({ "input": input });
    match run(&state, &v, SUBMIT_INVOICE, input).await {
        Ok(_) => back(&id, "invoiced"),
        Err(err) => {
            let form = format!("invoice-{}", f.milestone);
            let values = [
                ("amount", f.amount.as_str()),
                ("description", f.description.as_str()),
                ("tax", f.tax.as_str()),
                ("rate", f.rate.as_str()),
            ];
            refused_on_contract(&state, &v, &id, &form, err, &values).await
        }
    }
}

#[derive(Deserialize)]
pub struct EndForm {
    #[serde(default)]
    reason: String,
    confirm: Option<String>,
}

pub async fn end_contract(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(f): Form<EndForm>,
) -> Response {
    let values = [("reason", f.reason.as_str())];
    if f.confirm.as_deref() != Some("yes") {
        let err = ApiError {
            code: "BAD_USER_INPUT".into(),
            message: v.t("engagements-end-confirm-missing"),
        };
        return refused_on_contract(&state, &v, &id, "end", err, &values).await;
    }
    let input = json!({ "input": { "contractId": id, "reason": f.reason } });
    match run(&state, &v, END_CONTRACT, input).await {
        // A company's end of a contract of six months or more gives 30 days' notice instead.
        Ok(data) if !data["endContract"]["endsOn"].is_null() => back(&id, "noticed"),
        Ok(_) => back(&id, "ended"),
        Err(err) => refused_on_contract(&state, &v, &id, "end", err, &values).await,
    }
}

/// The freelancer asks why the company ended her contract (art. 16 para. 2).
pub async fn request_end_reason(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
) -> Response {
    match run(&state, &v, REQUEST_END_REASON, json!({ "id": id })).await {
        Ok(_) => back(&id, "asked"),
        Err(err) => refused_on_contract(&state, &v, &id, "ask", err, &[]).await,
    }
}

#[derive(Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
    would_rehire: Option<String>,
}

pub async fn submit_review(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(f): Form<ReviewForm>,
) -> Response {
    // A rating that is not a number goes as 0, which the API refuses with its 1–5 rule.
    let rating: i32 = f.rating.trim().parse().unwrap_or(0);
    let would_rehire = match f.would_rehire.as_deref() {
        Some("yes") => json!(true),
        Some("no") => json!(false),
        _ => Value::Null,
    };
    let input = json!({ "input": {
        "contractId": id, "rating": rating, "comment": f.comment, "wouldRehire": would_rehire } });
    match run(&state, &v, SUBMIT_REVIEW, input).await {
        Ok(_) => back(&id, "reviewed"),
        Err(err) => {
            let values = [
                ("rating", f.rating.as_str()),
                ("comment", f.comment.as_str()),
                (
                    "would_rehire",
                    f.would_rehire.as_deref().unwrap_or_default(),
                ),
            ];
            refused_on_contract(&state, &v, &id, "review", err, &values).await
        }
    }
}
