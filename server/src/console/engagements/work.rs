//! `/work`: the alumna's overview — her contracts with their sums, her invoices, the payouts
//! written for them, her Stripe payout account with the button that starts onboarding, and
//! the contracts whose review window is open and still waits for her review.
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::html;
use serde_json::{Value, json};

use super::{nodes, status_badge, text};
use crate::console::layout::{csrf_field, page};
use crate::console::session::Visitor;
use crate::console::{error_page, run};
use crate::http::AppState;

pub const WORK: &str = "query ConsoleWork { viewer { id payoutAccount { detailsSubmitted payoutsEnabled } } \
     contracts(first: 100) { nodes { id status reviewsCloseAt freelancer { id } \
       project { title company { name } } \
       amount { amount currencyCode } acceptedAmount { amount currencyCode } \
       invoicedAmount { amount currencyCode } paidAmount { amount currencyCode } \
       reviews { side } } } \
     invoices(first: 100) { nodes { id status createdAt paymentDueDate overdue description submittedBy { id } \
       amount { amount currencyCode } rejectionReason \
       contract { id project { title } } \
       payout { id status failureReason paidAt amount { amount currencyCode } } } } }";

pub async fn show(State(state): State<AppState>, v: Visitor) -> Response {
    if v.access.is_none() {
        return crate::console::log_in_first(&v);
    }
    let data = match run(&state, &v, WORK, json!({})).await {
        Ok(data) => data,
        Err(err) => return error_page(&v, &err),
    };
    let me = text(&data["viewer"]["id"]);
    let contracts: Vec<Value> = nodes(&data["contracts"])
        .into_iter()
        .filter(|c| text(&c["freelancer"]["id"]) == me)
        .collect();
    let invoices: Vec<Value> = nodes(&data["invoices"])
        .into_iter()
        .filter(|i| text(&i["submittedBy"]["id"]) == me)
        .collect();
    let payouts: Vec<&Value> = invoices
        .iter()
        .filter(|i| i["payout"].is_object())
        .collect();
    let to_review: Vec<&Value> = contracts
        .iter()
        .filter(|c| {
            !c["reviewsCloseAt"].is_null()
                && !c["reviews"]
                    .as_array()
                    .is_some_and(|r| r.iter().any(|r| r["side"] == "FREELANCER"))
        })
        .collect();
    let account = &data["viewer"]["payoutAccount"];
    page(
        &v,
        &v.t("engagements-work-title"),
        html! {
            p { a href="/work/payee" { (v.t("engagements-work-payee-link")) } }
            h2 { (v.t("engagements-work-contracts")) }
            @if contracts.is_empty() {
                p { (v.t("engagements-work-no-contracts")) " "
                    a href="/projects" { (v.t("engagements-work-find-projects")) } }
            } @else {
                div class="table-wrap" tabindex="0" role="region" aria-label=(v.t("engagements-work-contracts")) {
                    table class="wide" {
                        thead { tr {
                            th scope="col" { (v.t("engagements-col-project")) }
                            th scope="col" { (v.t("engagements-col-company")) }
                            th scope="col" { (v.t("engagements-col-status")) }
                            th scope="col" class="num" { (v.t("engagements-col-amount")) }
                            th scope="col" class="num" { (v.t("engagements-col-accepted")) }
                            th scope="col" class="num" { (v.t("engagements-col-invoiced")) }
                            th scope="col" class="num" { (v.t("engagements-col-paid")) }
                        } }
                        tbody {
                            @for c in &contracts {
                                tr {
                                    th scope="row" { a href=(format!("/contracts/{}", text(&c["id"]))) { (text(&c["project"]["title"])) } }
                                    td { (text(&c["project"]["company"]["name"])) }
                                    td { (status_badge(&v, "contract", &text(&c["status"]))) }
                                    td class="num" { (v.money(&c["amount"])) }
                                    td class="num" { (v.money(&c["acceptedAmount"])) }
                                    td class="num" { (v.money(&c["invoicedAmount"])) }
                                    td class="num" { (v.money(&c["paidAmount"])) }
                                }
                            }
                        }
                    }
                }
            }
            @if !to_review.is_empty() {
                h2 { (v.t("engagements-work-reviews")) }
                ul {
                    @for c in &to_review {
                        li {
                            a href=(format!("/contracts/{}#review", text(&c["id"]))) { (text(&c["project"]["title"])) }
                            " — " (v.t1("engagements-review-closes", "time", &v.time(&c["reviewsCloseAt"])))
                        }
                    }
                }
            }
            h2 { (v.t("engagements-work-invoices")) }
            @if invoices.is_empty() {
                p { (v.t("engagements-work-no-invoices")) }
            } @else {
                div class="table-wrap" tabindex="0" role="region" aria-label=(v.t("engagements-work-invoices")) {
                    table class="wide" {
                        thead { tr {
                            th scope="col" { (v.t("engagements-col-invoice")) }
                            th scope="col" { (v.t("engagements-col-project")) }
                            th scope="col" { (v.t("engagements-col-status")) }
                            th scope="col" class="num" { (v.t("engagements-col-sum")) }
                            th scope="col" { (v.t("engagements-col-submitted")) }
                            th scope="col" { (v.t("engagements-col-due")) }
                        } }
                        tbody {
                            @for i in &invoices {
                                tr {
                                    th scope="row" { (text(&i["description"])) }
                                    td { a href=(format!("/contracts/{}", text(&i["contract"]["id"]))) { (text(&i["contract"]["project"]["title"])) } }
                                    td {
                                        (status_badge(&v, "invoice", &text(&i["status"])))
                                        @if let Some(reason) = i["rejectionReason"].as_str() {
                                            br; span class="muted" { (reason) }
                                        }
                                    }
                                    td class="num" { (v.money(&i["amount"])) }
                                    td { (v.time(&i["createdAt"])) }
                                    td {
                                        (v.date(&i["paymentDueDate"]))
                                        @if i["overdue"].as_bool() == Some(true) {
                                            " " span class="badge bad" { (v.t("engagements-overdue")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { (v.t("engagements-work-payouts")) }
            @if payouts.is_empty() {
                p { (v.t("engagements-work-no-payouts")) }
            } @else {
                div class="table-wrap" tabindex="0" role="region" aria-label=(v.t("engagements-work-payouts")) {
                    table class="wide" {
                        thead { tr {
                            th scope="col" { (v.t("engagements-col-invoice")) }
                            th scope="col" { (v.t("engagements-col-status")) }
                            th scope="col" class="num" { (v.t("engagements-col-sum")) }
                            th scope="col" { (v.t("engagements-col-paid-at")) }
                            th scope="col" { (v.t("engagements-col-failure")) }
                        } }
                        tbody {
                            @for i in &payouts {
                                tr {
                                    th scope="row" { (text(&i["description"])) }
                                    td { (status_badge(&v, "payout", &text(&i["payout"]["status"]))) }
                                    td class="num" { (v.money(&i["payout"]["amount"])) }
                                    td { (v.time(&i["payout"]["paidAt"])) }
                                    td { (text(&i["payout"]["failureReason"])) }
                                }
                            }
                        }
                    }
                }
            }
            p { a href="/account/bank" { (v.t("bank-own-title")) } }
            h2 { (v.t("engagements-work-onboarding")) }
            @if account.is_null() {
                p { (v.t("engagements-onboarding-none")) }
            } @else if account["payoutsEnabled"].as_bool() == Some(true) {
                p { span class="badge good" { (v.t("engagements-onboarding-enabled")) } }
            } @else if account["detailsSubmitted"].as_bool() == Some(true) {
                p { span class="badge warn" { (v.t("engagements-onboarding-checking")) } }
            } @else {
                p { span class="badge warn" { (v.t("engagements-onboarding-unfinished")) } }
            }
            @if account["payoutsEnabled"].as_bool() != Some(true) {
                form method="post" action="/payouts/onboarding" {
                    (csrf_field(&v))
                    button type="submit" { (v.t("engagements-onboarding-start")) }
                }
            }
        },
    )
    .into_response()
}
