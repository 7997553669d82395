//! The invoice page (`/invoices/{id}`): amount, status, due date, the contract and its
//! milestones, the payout and the audit trail; for FINANCE the review (approve, reject with a
//! reason) and, on a PENDING manual payout, recording the bank transfer. Opened by the
//! company's FINANCE or ADMIN, or by the freelancer who submitted it; anyone else sees "not
//! found".
use crate::console::values::Done;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use serde_json::{Value, json};

use super::super::layout::{csrf_field, notice, page, refusal};
use super::super::session::Visitor;
use super::super::{ApiError, error_page, not_found_page, run};
use super::queue::due_flag;
use super::tax;
use super::{is_clerk_of, is_finance_of, status_badge, text};
use crate::console::engagements::reason_code_select;
use crate::domain::invoices::today;
use crate::http::AppState;

pub const INVOICE: &str = concat!(
    "query FinanceInvoice($id: ID!) { viewer { id } invoice(id: $id) { \
     id amount { amount currencyCode } status description rejectionReason createdAt ",
    super::tax::tax_fields!(),
    " \
     paymentDueDate overdue submittedBy { id displayName } milestone { id title } \
     contract { id status project { title company { id name } } \
       milestones { id position title amount { amount currencyCode } status acceptedAt } } \
     payout { id amount { amount currencyCode } status provider reference paidAt failureReason } \
     auditTrail { action at fromStatus toStatus actor { displayName } } } }"
);
pub const APPROVE: &str =
    "mutation FinanceApprove($id: ID!) { approveInvoice(id: $id) { id status } }";
pub const REJECT: &str = "mutation FinanceReject($id: ID!, $reason: String!, $code: ReasonCode) { \
     rejectInvoice(input: { id: $id, reason: $reason, reasonCode: $code }) { id status } }";
pub const MARK_PAID: &str = "mutation FinanceMarkPaid($payout: ID!, $reference: String!) { \
     markPayoutPaid(input: { payoutId: $payout, reference: $reference }) { id status } }";

#[derive(Deserialize, Default)]
pub struct RejectForm {
    #[serde(default)]
    reason: String,
    #[serde(default, rename = "reasonCode")]
    reason_code: String,
}

#[derive(Deserialize, Default)]
pub struct WithholdingForm {
    #[serde(default)]
    line: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    reason: String,
}

#[derive(Deserialize, Default)]
pub struct PaidForm {
    #[serde(default)]
    payout: String,
    #[serde(default)]
    reference: String,
}

/// What a re-rendered page keeps of a refused form.
#[derive(Default)]
struct Refused {
    reject: Option<(ApiError, String)>,
    /// The reason code chosen with a refused rejection.
    reject_code: Option<String>,
    paid: Option<(ApiError, String)>,
    approve: Option<ApiError>,
    withholding: Option<tax::Refused>,
}

pub async fn show(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Query(q): Query<Done>,
) -> Response {
    render(&state, &v, &id, q.done.as_deref(), Refused::default()).await
}

async fn render(
    state: &AppState,
    v: &Visitor,
    id: &str,
    done: Option<&str>,
    refused: Refused,
) -> Response {
    if v.access.is_none() {
        return crate::console::log_in_first(v);
    }
    let data = match run(state, v, INVOICE, json!({ "id": id })).await {
        Ok(data) => data,
        Err(err) => return error_page(v, &err),
    };
    let inv = &data["invoice"];
    if inv.is_null() {
        return not_found_page(v);
    }
    let company_id = text(&inv["contract"]["project"]["company"]["id"]);
    let finance = is_finance_of(v, &company_id);
    let clerk = is_clerk_of(v, &company_id);
    let payee = text(&inv["submittedBy"]["id"]) == text(&data["viewer"]["id"]);
    if !finance && !payee {
        return not_found_page(v);
    }
    let status = text(&inv["status"]);
    let payout = &inv["payout"];
    let contract_id = text(&inv["contract"]["id"]);
    let milestones = inv["contract"]["milestones"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let trail = inv["auditTrail"].as_array().cloned().unwrap_or_default();
    let first_error = refused
        .approve
        .as_ref()
        .or(refused.reject.as_ref().map(|(e, _)| e))
        .or(refused.paid.as_ref().map(|(e, _)| e))
        .or(refused.withholding.as_ref().map(|r| &r.error));
    let reviewable = clerk && status == "SUBMITTED";
    let payable = clerk && payout["status"] == "PENDING" && payout["provider"] == "MANUAL";
    // A refusal whose form is no longer offered (another clerk acted first) goes on top.
    let unshown = match (&refused.paid, first_error) {
        (Some((e, _)), _) if !payable => Some(e),
        (_, Some(e)) if !reviewable && refused.paid.is_none() => Some(e),
        (_, Some(e)) if refused.withholding.is_some() && !reviewable => Some(e),
        _ => None,
    };
    let done_text = match done {
        Some(d @ ("approved" | "rejected" | "paid" | "withholding")) => {
            Some(v.t(&format!("finance-done-{d}")))
        }
        _ => None,
    };
    let (reject_error, reason) = match &refused.reject {
        Some((e, r)) => (Some(e), r.as_str()),
        None => (None, ""),
    };
    let (paid_error, reference) = match &refused.paid {
        Some((e, r)) => (Some(e), r.as_str()),
        None => (None, ""),
    };
    let markup = page(
        v,
        &v.t1(
            "finance-invoice-title",
            "project",
            &text(&inv["contract"]["project"]["title"]),
        ),
        html! {
            @if let Some(t) = &done_text { (notice(t)) }
            (refusal(v, unshown))
            dl class="fin-facts" {
                dt { (v.t("finance-col-amount")) } dd { (v.money(&inv["amount"])) }
                dt { (v.t("finance-col-status")) } dd { (status_badge(v, "invoice", &status)) }
                dt { (v.t("finance-col-due")) }
                dd { (v.date(&inv["paymentDueDate"])) " " (due_flag(v, inv, today())) }
                dt { (v.t("finance-col-submitted")) } dd { (v.time(&inv["createdAt"])) }
                dt { (v.t("finance-submitted-by")) } dd { (text(&inv["submittedBy"]["displayName"])) }
                dt { (v.t("finance-col-company")) } dd { (text(&inv["contract"]["project"]["company"]["name"])) }
                dt { (v.t("finance-contract")) }
                dd { a href=(format!("/contracts/{contract_id}")) { (text(&inv["contract"]["project"]["title"])) } }
                @if !inv["milestone"].is_null() {
                    dt { (v.t("finance-milestone")) } dd { (text(&inv["milestone"]["title"])) }
                }
                @if let Some(reason) = inv["rejectionReason"].as_str() {
                    dt { (v.t("finance-rejection-reason")) } dd { (reason) }
                }
            }
            h2 { (v.t("finance-description")) }
            p class="fin-pre" { (text(&inv["description"])) }
            (tax::section(
                v,
                inv,
                &text(&inv["submittedBy"]["displayName"]),
                reviewable,
                refused.withholding.as_ref(),
            ))
            @if reviewable {
                h2 { (v.t("finance-review")) }
                form method="post" action=(format!("/invoices/{id}/approve")) class="stack" {
                    (csrf_field(v))
                    (refusal(v, refused.approve.as_ref()))
                    button type="submit" { (v.t("finance-approve")) }
                }
                form method="post" action=(format!("/invoices/{id}/reject")) class="stack" {
                    (csrf_field(v))
                    (refusal(v, reject_error))
                    label { (v.t("reason-code-label"))
                        (reason_code_select(v, refused.reject_code.as_deref(), &super::INVOICE_CODES)) }
                    label for="reason" { (v.t("finance-reject-reason")) }
                    textarea id="reason" name="reason" rows="3" { (reason) }
                    button type="submit" class="danger" { (v.t("finance-reject")) }
                }
            }
            h2 { (v.t("finance-payout")) }
            @if payout.is_null() {
                p { (v.t("finance-no-payout")) }
            } @else {
                dl class="fin-facts" {
                    dt { (v.t("finance-col-amount")) } dd { (v.money(&payout["amount"])) }
                    dt { (v.t("finance-col-status")) } dd { (status_badge(v, "payout", &text(&payout["status"]))) }
                    dt { (v.t("finance-provider")) } dd { (v.t(&format!("finance-provider-{}", text(&payout["provider"])))) }
                    @if let Some(r) = payout["reference"].as_str() { dt { (v.t("finance-reference")) } dd { (r) } }
                    @if !payout["paidAt"].is_null() { dt { (v.t("finance-paid-at")) } dd { (v.time(&payout["paidAt"])) } }
                    @if let Some(f) = payout["failureReason"].as_str() { dt { (v.t("finance-failure")) } dd { (f) } }
                }
                @if payable {
                    form method="post" action=(format!("/invoices/{id}/paid")) class="stack" {
                        (csrf_field(v))
                        (refusal(v, paid_error))
                        input type="hidden" name="payout" value=(text(&payout["id"]));
                        label for="reference" { (v.t("finance-reference")) }
                        input id="reference" name="reference" type="text" maxlength="200" value=(reference);
                        button type="submit" { (v.t("finance-mark-paid")) }
                    }
                }
            }
            h2 { (v.t("finance-milestones")) }
            div class="table-wrap" tabindex="0" role="region" aria-label=(v.t("finance-milestones")) {
                table class="fin-table" {
                    thead { tr {
                        th scope="col" { "#" }
                        th scope="col" { (v.t("finance-milestone")) }
                        th scope="col" class="fin-num" { (v.t("finance-col-amount")) }
                        th scope="col" { (v.t("finance-col-status")) }
                        th scope="col" { (v.t("finance-accepted-at")) }
                    } }
                    tbody {
                        @for m in &milestones {
                            tr {
                                td { (m["position"]) }
                                td { (text(&m["title"])) }
                                td class="fin-num" { (v.money(&m["amount"])) }
                                td { (v.t(&format!("finance-milestone-status-{}", text(&m["status"])))) }
                                td { @if !m["acceptedAt"].is_null() { (v.day(&m["acceptedAt"])) } }
                            }
                        }
                    }
                }
            }
            h2 { (v.t("finance-audit")) }
            div class="table-wrap" tabindex="0" role="region" aria-label=(v.t("finance-audit")) {
                table class="fin-table" {
                    thead { tr {
                        th scope="col" { (v.t("finance-audit-at")) }
                        th scope="col" { (v.t("finance-audit-who")) }
                        th scope="col" { (v.t("finance-audit-what")) }
                    } }
                    tbody {
                        @for e in &trail {
                            tr {
                                td { (v.time(&e["at"])) }
                                td { @match e["actor"]["displayName"].as_str() {
                                    Some(name) => (name),
                                    None => (v.t("finance-audit-system")),
                                } }
                                td { (action_text(v, e)) }
                            }
                        }
                    }
                }
            }
        },
    );
    let code = first_error.map_or(StatusCode::OK, ApiError::status);
    (code, markup).into_response()
}

/// Invoice audit actions with their own message.
const AUDIT_ACTIONS: &[&str] = &[
    "invoice.submit",
    "invoice.approve",
    "invoice.reject",
    "invoice.pay",
];

/// An audit event in words: the action's message when the catalogue has one, else its name
/// with the status change.
fn action_text(v: &Visitor, event: &Value) -> String {
    let action = text(&event["action"]);
    if AUDIT_ACTIONS.contains(&action.as_str()) {
        return v.t(&format!("finance-audit-{}", action.replace('.', "-")));
    }
    match (event["fromStatus"].as_str(), event["toStatus"].as_str()) {
        (Some(from), Some(to)) => format!("{action} ({from} → {to})"),
        (None, Some(to)) => format!("{action} (→ {to})"),
        _ => action,
    }
}

fn back(id: &str, done: &str) -> Response {
    Redirect::to(&format!("/invoices/{id}?done={done}")).into_response()
}

pub async fn approve(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
) -> Response {
    match run(&state, &v, APPROVE, json!({ "id": id })).await {
        Ok(_) => back(&id, "approved"),
        Err(err) if err.code == "NOT_FOUND" => not_found_page(&v),
        Err(err) => {
            render(
                &state,
                &v,
                &id,
                None,
                Refused {
                    approve: Some(err),
                    ..Default::default()
                },
            )
            .await
        }
    }
}

pub async fn reject(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(f): Form<RejectForm>,
) -> Response {
    let code = Some(f.reason_code.trim()).filter(|c| !c.is_empty());
    match run(
        &state,
        &v,
        REJECT,
        json!({ "id": id, "reason": f.reason, "code": code }),
    )
    .await
    {
        Ok(_) => back(&id, "rejected"),
        Err(err) if err.code == "NOT_FOUND" => not_found_page(&v),
        Err(err) => {
            let refused = Refused {
                reject: Some((err, f.reason)),
                reject_code: Some(f.reason_code),
                ..Default::default()
            };
            render(&state, &v, &id, None, refused).await
        }
    }
}

pub async fn withholding(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(f): Form<WithholdingForm>,
) -> Response {
    let vars = json!({ "line": f.line, "subject": f.subject == "true", "reason": f.reason });
    match run(&state, &v, tax::SET_WITHHOLDING, vars).await {
        Ok(_) => back(&id, "withholding"),
        Err(err) if err.code == "NOT_FOUND" => not_found_page(&v),
        Err(error) => {
            let refused = Refused {
                withholding: Some(tax::Refused {
                    error,
                    line: f.line,
                    reason: f.reason,
                }),
                ..Default::default()
            };
            render(&state, &v, &id, None, refused).await
        }
    }
}

pub async fn mark_paid(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(f): Form<PaidForm>,
) -> Response {
    match run(
        &state,
        &v,
        MARK_PAID,
        json!({ "payout": f.payout, "reference": f.reference }),
    )
    .await
    {
        Ok(_) => back(&id, "paid"),
        Err(err) if err.code == "NOT_FOUND" => not_found_page(&v),
        Err(err) => {
            let refused = Refused {
                paid: Some((err, f.reference)),
                ..Default::default()
            };
            render(&state, &v, &id, None, refused).await
        }
    }
}
