//! The payouts list (`/finance/payouts`): the payouts of the companies where the visitor is
//! FINANCE or ADMIN, newest first, with status, provider, failure reason, paid time and
//! reference; a FAILED Stripe payout can be sent again (`retryPayout`).
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use serde_json::json;

use super::super::layout::{csrf_field, notice, page, refusal};
use super::super::session::Visitor;
use super::super::{ApiError, error_page, not_found_page, run};
use super::{is_clerk_of, status_badge, text};
use crate::console::bank::{self, Kept};
use crate::http::AppState;

pub const PAYOUTS: &str = "query FinancePayouts($after: String) { \
     payouts(first: 20, after: $after) { edges { node { id amount { amount currencyCode } \
       status provider reference failureReason paidAt createdAt \
       invoice { id submittedBy { displayName } contract { project { title company { id } } } } } } \
     pageInfo { hasNextPage endCursor } } }";
pub const RETRY: &str =
    "mutation FinanceRetryPayout($id: ID!) { retryPayout(id: $id) { id status } }";

#[derive(Deserialize, Default)]
pub struct PayoutsQuery {
    after: Option<String>,
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    v: Visitor,
    Query(q): Query<PayoutsQuery>,
) -> Response {
    render(&state, &v, &q, None, &Kept::default()).await
}

/// The page with a refusal from another of its forms (the Zengin file, a batch paid).
pub async fn render_refused(
    state: &AppState,
    v: &Visitor,
    refused: Option<ApiError>,
    kept: &Kept,
) -> Response {
    render(state, v, &PayoutsQuery::default(), refused, kept).await
}

async fn render(
    state: &AppState,
    v: &Visitor,
    q: &PayoutsQuery,
    refused: Option<ApiError>,
    kept: &Kept,
) -> Response {
    if v.access.is_none() {
        return crate::console::log_in_first(v);
    }
    let finance = v
        .access
        .as_ref()
        .is_some_and(|a| a.staff.values().any(|r| super::FINANCE_ROLES.contains(r)));
    if !finance {
        return not_found_page(v);
    }
    let data = match run(state, v, PAYOUTS, json!({ "after": q.after })).await {
        Ok(data) => data,
        Err(err) => return error_page(v, &err),
    };
    // The payee's own payouts belong on their work page, not in finance's list.
    let rows: Vec<_> = data["payouts"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| {
            super::is_finance_of(
                v,
                &text(&e["node"]["invoice"]["contract"]["project"]["company"]["id"]),
            )
        })
        .cloned()
        .collect();
    let info = &data["payouts"]["pageInfo"];
    let zengin = bank::zengin::section(state, v, kept).await;
    let code = refused.as_ref().map_or(StatusCode::OK, ApiError::status);
    let markup = page(
        v,
        &v.t("finance-payouts-title"),
        html! {
            @if q.done.as_deref() == Some("retried") { (notice(&v.t("finance-done-retried"))) }
            @if q.done.as_deref() == Some("batch-paid") { (notice(&v.t("bank-done-batch-paid"))) }
            (refusal(v, refused.as_ref()))
            p { a href="/finance" { (v.t("finance-queue-link")) } }
            (zengin)
            @if rows.is_empty() {
                p { (v.t("finance-payouts-empty")) }
            } @else {
                div class="table-wrap" tabindex="0" role="region" aria-label=(v.t("finance-payouts-title")) {
                    table class="fin-table" {
                        thead { tr {
                            th scope="col" { (v.t("finance-col-freelancer")) }
                            th scope="col" { (v.t("finance-col-project")) }
                            th scope="col" class="fin-num" { (v.t("finance-col-amount")) }
                            th scope="col" { (v.t("finance-col-status")) }
                            th scope="col" { (v.t("finance-provider")) }
                            th scope="col" { (v.t("finance-failure")) }
                            th scope="col" { (v.t("finance-paid-at")) }
                            th scope="col" { (v.t("finance-reference")) }
                            th scope="col" { (v.t("finance-actions")) }
                        } }
                        tbody {
                            @for e in &rows {
                                @let n = &e["node"];
                                tr {
                                    td { a href=(format!("/invoices/{}", text(&n["invoice"]["id"]))) { (text(&n["invoice"]["submittedBy"]["displayName"])) } }
                                    td { (text(&n["invoice"]["contract"]["project"]["title"])) }
                                    td class="fin-num" { (v.money(&n["amount"])) }
                                    td { (status_badge(v, "payout", &text(&n["status"]))) }
                                    td { (v.t(&format!("finance-provider-{}", text(&n["provider"])))) }
                                    td { (text(&n["failureReason"])) }
                                    td { @if !n["paidAt"].is_null() { (v.time(&n["paidAt"])) } }
                                    td { (text(&n["reference"])) }
                                    td {
                                        @if n["status"] == "FAILED" && n["provider"] == "STRIPE"
                                            && is_clerk_of(v, &text(&n["invoice"]["contract"]["project"]["company"]["id"])) {
                                            form method="post" action=(format!("/finance/payouts/{}/retry", text(&n["id"]))) {
                                                (csrf_field(v))
                                                button type="submit" { (v.t("finance-retry")) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if info["hasNextPage"].as_bool() == Some(true) {
                @if let Some(cursor) = info["endCursor"].as_str() {
                    p { a rel="next" href=(format!("/finance/payouts?after={cursor}")) { (v.t("finance-next-page")) } }
                }
            }
        },
    );
    (code, markup).into_response()
}

pub async fn retry(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    match run(&state, &v, RETRY, json!({ "id": id })).await {
        Ok(_) => Redirect::to("/finance/payouts?done=retried").into_response(),
        Err(err) if err.code == "NOT_FOUND" => not_found_page(&v),
        Err(err) => {
            render(
                &state,
                &v,
                &PayoutsQuery::default(),
                Some(err),
                &Kept::default(),
            )
            .await
        }
    }
}
