//! `/companies/{id}/overdue`: the company's invoices past their payment due date and not yet
//! paid or rejected, earliest due first (`overdueInvoices`). For its ADMIN and FINANCE staff:
//! under the Freelance Act (art. 4) the company owes payment within 60 days counting the
//! acceptance day, so the ADMIN sees what is late too. Other staff read why (403).
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;
use serde_json::json;

use super::{company_data, tabs, text};
use crate::console::layout::{message_page, page, status_badge};
use crate::console::session::Visitor;
use crate::console::{error_page, run};
use crate::http::AppState;

pub const COMPANY: &str =
    "query ConsoleOverdueCompany($id: ID!) { company(id: $id) { id name viewerRole } }";
pub const OVERDUE: &str = "query ConsoleOverdueInvoices($id: ID!) { overdueInvoices(companyId: $id) { \
     id status paymentDueDate amount { amount currencyCode } \
     contract { id project { title } freelancer { displayName } } } }";

pub async fn show(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    let company = match company_data(&state, &v, COMPANY, &id).await {
        Ok(company) => company,
        Err(response) => return response,
    };
    if !matches!(text(&company["viewerRole"]), "ADMIN" | "FINANCE") {
        return (
            StatusCode::FORBIDDEN,
            message_page(
                &v,
                &v.t("company-overdue-forbidden-title"),
                &v.t("company-overdue-forbidden"),
            ),
        )
            .into_response();
    }
    let company_id = text(&company["id"]);
    let data = match run(&state, &v, OVERDUE, json!({ "id": company_id })).await {
        Ok(data) => data,
        Err(err) => return error_page(&v, &err),
    };
    let invoices = data["overdueInvoices"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    page(
        &v,
        &v.t1("company-overdue-title", "company", text(&company["name"])),
        html! {
            (tabs(&v, company_id, "/overdue"))
            p { (v.t("company-overdue-intro")) }
            @if invoices.is_empty() {
                p class="notice" { (v.t("company-overdue-none")) }
            } @else {
                div class="table-wrap" tabindex="0" role="region" aria-label=(v.t("company-overdue-list")) {
                    table {
                        thead { tr {
                            th scope="col" { (v.t("company-overdue-col-due")) }
                            th scope="col" { (v.t("company-overdue-col-invoice")) }
                            th scope="col" { (v.t("company-overdue-col-freelancer")) }
                            th scope="col" class="num" { (v.t("company-overdue-col-amount")) }
                            th scope="col" { (v.t("company-overdue-col-status")) }
                        } }
                        tbody {
                            @for i in &invoices {
                                tr {
                                    th scope="row" { (v.date(&i["paymentDueDate"])) }
                                    td { a href=(format!("/invoices/{}", text(&i["id"]))) { (text(&i["contract"]["project"]["title"])) } }
                                    td { (text(&i["contract"]["freelancer"]["displayName"])) }
                                    td class="num" { (v.money(&i["amount"])) }
                                    td { (status_badge(&v, &format!("finance-invoice-status-{}", text(&i["status"])), text(&i["status"]))) }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response()
}
