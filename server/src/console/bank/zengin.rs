//! The Zengin part of `/finance/payouts`: choose the approved manual payouts of a company,
//! download the 総合振込 file for a transfer date, then record the batch as paid.
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use entity::states::CompanyRole;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::console::finance::render_payouts;
use crate::console::layout::{csrf_field, status_badge};
use crate::console::session::Visitor;
use crate::console::values::text;
use crate::console::{error_page, log_in_first, not_found_page, run};
use crate::domain::invoices::today;
use crate::graphql::ids;
use crate::http::AppState;

pub const SECTION: &str = "query ConsoleZengin($id: ID!) { company(id: $id) { id name \
     bankAccount { consignorCode } \
     transferCandidates { blocked batchId payout { id amount { amount currencyCode } \
       invoice { id submittedBy { displayName } contract { project { title } } } } } \
     transferBatches(status: OPEN) { id transferDate payoutCount total { amount currencyCode } createdAt } } }";
pub const CREATE: &str = "mutation ConsoleCreateTransferBatch($input: CreateTransferBatchInput!) { \
     createTransferBatch(input: $input) { batch { id fileName fileBase64 } blocked { payout { id } blocked } } }";
pub const BATCHES: &str = "query ConsoleTransferBatches($id: ID!) { company(id: $id) { \
     transferBatches { id status fileName fileBase64 } } }";
pub const PAID: &str = "mutation ConsoleMarkTransferBatchPaid($input: MarkTransferBatchPaidInput!) { \
     markTransferBatchPaid(input: $input) { id status } }";

/// What a refused form sent, kept for the page that shows the refusal.
#[derive(Default, Clone)]
pub struct Kept {
    pub date: Option<String>,
    pub batch: Option<String>,
    pub reference: Option<String>,
}

/// The companies where the visitor is FINANCE, as global ids.
fn clerk_companies(v: &Visitor) -> Vec<String> {
    let mut keys: Vec<i64> = v
        .access
        .as_ref()
        .map(|a| {
            a.staff
                .iter()
                .filter(|(_, r)| **r == CompanyRole::Finance)
                .map(|(id, _)| *id)
                .collect()
        })
        .unwrap_or_default();
    keys.sort_unstable();
    keys.into_iter()
        .map(|k| ids::encode("Company", k).to_string())
        .collect()
}

/// The section for each company where the visitor is FINANCE (nothing for others).
pub async fn section(state: &AppState, v: &Visitor, kept: &Kept) -> Markup {
    let mut companies = Vec::new();
    for id in clerk_companies(v) {
        if let Ok(data) = run(state, v, SECTION, json!({ "id": id })).await {
            companies.push(data["company"].clone());
        }
    }
    let tomorrow = (today() + chrono::Days::new(1))
        .format("%Y-%m-%d")
        .to_string();
    html! {
        @for c in &companies {
            @let id = text(&c["id"]);
            @let candidates = c["transferCandidates"].as_array().cloned().unwrap_or_default();
            @let batches = c["transferBatches"].as_array().cloned().unwrap_or_default();
            section aria-labelledby=(format!("zengin-{id}")) {
                h2 id=(format!("zengin-{id}")) { (v.t1("bank-zengin-title", "company", &text(&c["name"]))) }
                p class="muted" { (v.t("bank-zengin-intro")) }
                @if c["bankAccount"].is_null() {
                    p { (v.t("bank-zengin-no-requester")) " "
                        a href=(format!("/companies/{id}/bank-account")) { (v.t("bank-zengin-set-requester")) } }
                } @else {
                    p { a href=(format!("/companies/{id}/bank-account")) { (v.t("bank-zengin-requester-link")) } }
                }
                @if candidates.is_empty() {
                    p { (v.t("bank-zengin-none")) }
                } @else {
                    form method="post" action="/finance/payouts/zengin" class="stack" {
                        (csrf_field(v))
                        input type="hidden" name="company" value=(id);
                        div class="table-wrap" tabindex="0" role="region" aria-label=(v.t("bank-zengin-choose")) {
                            table class="fin-table" {
                                thead { tr {
                                    th scope="col" { (v.t("bank-col-include")) }
                                    th scope="col" { (v.t("finance-col-freelancer")) }
                                    th scope="col" { (v.t("finance-col-project")) }
                                    th scope="col" class="fin-num" { (v.t("finance-col-amount")) }
                                } }
                                tbody {
                                    @for cand in &candidates {
                                        @let p = &cand["payout"];
                                        @let pid = text(&p["id"]);
                                        @let who = text(&p["invoice"]["submittedBy"]["displayName"]);
                                        tr {
                                            td {
                                                @if cand["blocked"].is_null() {
                                                    input type="checkbox" name="payout" value=(pid)
                                                        checked[cand["batchId"].is_null()]
                                                        aria-label=(v.t1("bank-include", "name", &who));
                                                    @if !cand["batchId"].is_null() {
                                                        " " span class="badge warn" { (v.t("bank-in-open-batch")) }
                                                    }
                                                } @else {
                                                    (status_badge(v, &format!("bank-blocked-{}", text(&cand["blocked"])), "FAILED"))
                                                }
                                            }
                                            td { a href=(format!("/invoices/{}", text(&p["invoice"]["id"]))) { (who) } }
                                            td { (text(&p["invoice"]["contract"]["project"]["title"])) }
                                            td class="fin-num" { (v.money(&p["amount"])) }
                                        }
                                    }
                                }
                            }
                        }
                        label { (v.t("bank-transfer-date"))
                            input type="date" name="date" required
                                value=(kept.date.clone().unwrap_or_else(|| tomorrow.clone()));
                        }
                        p class="hint muted" { (v.t("bank-fee-note")) }
                        button type="submit" { (v.t("bank-download")) }
                    }
                }
                @if !batches.is_empty() {
                    h3 { (v.t("bank-open-batches")) }
                    ul class="stack" {
                        @for b in &batches {
                            @let bid = text(&b["id"]);
                            li {
                                p {
                                    (v.tn("bank-batch-line", &[
                                        ("date", &text(&b["transferDate"])),
                                        ("count", &b["payoutCount"].to_string()),
                                        ("total", &v.money(&b["total"])),
                                    ]))
                                    " "
                                    a href=(format!("/finance/payouts/batches/{bid}/file?company={id}")) { (v.t("bank-download-again")) }
                                }
                                form method="post" action=(format!("/finance/payouts/batches/{bid}/paid")) class="stack" {
                                    (csrf_field(v))
                                    label { (v.t("bank-reference"))
                                        input type="text" name="reference" required maxlength="200"
                                            value=[kept.batch.as_deref().filter(|k| *k == bid).and(kept.reference.clone())];
                                    }
                                    button type="submit" { (v.t("bank-record-paid")) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn file_response(name: &str, base64: &Value) -> Response {
    let Ok(bytes) = STANDARD.decode(text(base64)) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=Shift_JIS"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// POST: the file of the chosen payouts (form fields `company`, `date`, `payout` repeated).
pub async fn download(State(state): State<AppState>, v: Visitor, body: String) -> Response {
    if v.access.is_none() {
        return log_in_first(&v);
    }
    let fields: Vec<(String, String)> = serde_urlencoded::from_str(&body).unwrap_or_default();
    let one = |k: &str| {
        fields
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let chosen: Vec<&str> = fields
        .iter()
        .filter(|(k, _)| k == "payout")
        .map(|(_, v)| v.as_str())
        .collect();
    let date = one("date");
    let input = json!({ "companyId": one("company"), "transferDate": date, "payoutIds": chosen });
    match run(&state, &v, CREATE, json!({ "input": input })).await {
        Ok(data) => {
            let batch = &data["createTransferBatch"]["batch"];
            file_response(&text(&batch["fileName"]), &batch["fileBase64"])
        }
        Err(err) if err.code == "NOT_FOUND" => not_found_page(&v),
        Err(err) => {
            let kept = Kept {
                date: Some(date),
                ..Default::default()
            };
            render_payouts(&state, &v, Some(err), &kept).await
        }
    }
}

#[derive(Deserialize)]
pub struct CompanyQuery {
    company: String,
}

/// GET: an OPEN or PAID batch's file again, exactly as first downloaded (FINANCE; not a
/// superseded one).
pub async fn file_again(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Query(q): Query<CompanyQuery>,
) -> Response {
    if v.access.is_none() {
        return log_in_first(&v);
    }
    let data = match run(&state, &v, BATCHES, json!({ "id": q.company })).await {
        Ok(d) => d,
        Err(err) => return error_page(&v, &err),
    };
    let found = data["company"]["transferBatches"]
        .as_array()
        .and_then(|bs| bs.iter().find(|b| b["id"] == id.as_str()).cloned())
        // A superseded file is never sent: the bank would pay twice.
        .filter(|b| b["status"] != "SUPERSEDED" && !b["fileBase64"].is_null());
    match found {
        Some(b) => file_response(&text(&b["fileName"]), &b["fileBase64"]),
        None => not_found_page(&v),
    }
}

#[derive(Deserialize)]
pub struct PaidForm {
    reference: String,
}

pub async fn mark_paid(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<PaidForm>,
) -> Response {
    let input = json!({ "batchId": id, "reference": f.reference });
    match run(&state, &v, PAID, json!({ "input": input })).await {
        Ok(_) => Redirect::to("/finance/payouts?done=batch-paid").into_response(),
        Err(err) if err.code == "NOT_FOUND" => not_found_page(&v),
        Err(err) if err.code == "UNAUTHENTICATED" => error_page(&v, &err),
        Err(err) => {
            let kept = Kept {
                batch: Some(id),
                reference: Some(f.reference),
                ..Default::default()
            };
            render_payouts(&state, &v, Some(err), &kept).await
        }
    }
}
