//! Tax reports, exports and the compliance report (issue 12 §4, §5, §7, §9), for the
//! company's FINANCE and ADMIN (the API decides; the pages only offer what it answers):
//!
//! - `/finance/withholding?company=&month=`: the withholding to remit for a month (源泉徴収).
//! - `/finance/payment-records?company=&year=`: the data for the payment records (支払調書).
//! - `/finance/exports?company=&from=&to=` and `/finance/exports/{invoices,payouts,withholding}.csv`:
//!   the period's CSVs (columns in `docs/exports.md`).
//! - `/finance/compliance?company=&from=&to=`: refusals per reason code and the contracts the
//!   company ended, with their notice.
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value, json};

use super::super::layout::{page, refusal};
use super::super::session::Visitor;
use super::super::{ApiError, error_page, not_found_page, run};
use super::{csv as csv_file, is_finance_of, text};
use crate::domain::invoices::today;
use crate::http::AppState;

pub const WITHHOLDING: &str = "query FinanceWithholding($company: ID!, $month: String!) { \
     withholdingReport(companyId: $company, month: $month) { month total { amount currencyCode } dueDate \
       entries { invoiceId payeeName paidOn subjectFee { amount currencyCode } withheld { amount currencyCode } \
         netPaid { amount currencyCode } dueDate } } }";

pub const RECORDS: &str = "query FinancePaymentRecords($company: ID!, $year: Int!) { \
     paymentRecords(companyId: $company, year: $year) { year threshold { amount currencyCode } \
       records { name address individualNumber totalPaid { amount currencyCode } \
         totalWithheld { amount currencyCode } payments } } }";

pub const EXPORT: &str = "query FinanceExport($company: ID!, $from: NaiveDate!, $to: NaiveDate!) { \
     financeExport(companyId: $company, from: $from, to: $to) { \
       invoices { invoiceId contractId submittedOn payeeName registrationNumber description \
         transactionDate paymentDueDate status taxShownSeparately amount { amount currencyCode } \
         consumptionTax { amount } total { amount } withholding { amount } } \
       payouts { payoutId invoiceId payeeName paidOn reference netPaid { amount currencyCode } \
         withheld { amount } subjectFee { amount } } \
       withholding { payoutId invoiceId payeeName paidOn subjectFee { amount } withheld { amount } dueDate } } }";

pub const COMPLIANCE: &str = "query FinanceCompliance($company: ID!, $from: NaiveDate!, $to: NaiveDate!) { \
     complianceReport(companyId: $company, from: $from, to: $to) { \
       changesRequested { code count } invoiceRejections { code count } \
       endedByCompany { id status endsOn endedAt endReason endReasonRequested \
         project { title } freelancer { displayName } } } }";

/// The reason codes, in the order the API lists them.
pub const REASON_CODES: [&str; 6] = [
    "DEFECT",
    "NOT_AS_AGREED",
    "LATE",
    "INCOMPLETE",
    "BILLING_ERROR",
    "OTHER",
];

#[derive(Deserialize, Default, Clone)]
pub struct ReportQuery {
    company: Option<String>,
    month: Option<String>,
    year: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// The visitor's finance companies and the chosen one; the page to answer instead otherwise.
async fn chosen(
    state: &AppState,
    v: &Visitor,
    q: &ReportQuery,
) -> Result<(Vec<(String, String)>, String), Response> {
    if v.access.is_none() {
        return Err(crate::console::log_in_first(v));
    }
    let companies = super::queue::finance_companies(state, v).await?;
    let company = match q.company.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => companies
            .iter()
            .find(|(id, _)| id == c)
            .map(|(id, _)| id.clone()),
        None => companies.first().map(|(id, _)| id.clone()),
    };
    match company {
        Some(company) if is_finance_of(v, &company) => Ok((companies, company)),
        _ => Err(not_found_page(v)),
    }
}

fn company_select(v: &Visitor, companies: &[(String, String)], company: &str) -> Markup {
    html! {
        label {
            (v.t("finance-filter-company"))
            select name="company" {
                @for (id, name) in companies {
                    option value=(id) selected[*id == company] { (name) }
                }
            }
        }
    }
}

fn nav(v: &Visitor) -> Markup {
    html! {
        nav class="row" aria-label=(v.t("reports-nav")) {
            a href="/finance" { (v.t("finance-queue-link")) }
            a href="/finance/withholding" { (v.t("reports-withholding-title")) }
            a href="/finance/payment-records" { (v.t("reports-records-title")) }
            a href="/finance/exports" { (v.t("reports-exports-title")) }
            a href="/finance/compliance" { (v.t("reports-compliance-title")) }
        }
    }
}

/// The period of a query: `from`–`to` as typed, defaulting to this month so far (Tokyo).
fn period(q: &ReportQuery) -> (String, String) {
    let today = today();
    let first = today.with_day(1).unwrap_or(today);
    (
        q.from
            .clone()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| first.to_string()),
        q.to.clone()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| today.to_string()),
    )
}

/// A typed day the API would refuse as a variable: reported as a refusal naming the field.
fn day_refusal(v: &Visitor, from: &str, to: &str) -> Option<ApiError> {
    for (field, value) in [("from", from), ("to", to)] {
        if value.parse::<NaiveDate>().is_err() {
            return Some(ApiError {
                code: "BAD_USER_INPUT".into(),
                message: v.t1("reports-bad-day", "field", field),
            });
        }
    }
    None
}

fn respond(refused: Option<&ApiError>, markup: Markup) -> Response {
    let code = refused.map_or(StatusCode::OK, ApiError::status);
    (code, markup).into_response()
}

pub async fn withholding(
    State(state): State<AppState>,
    v: Visitor,
    Query(q): Query<ReportQuery>,
) -> Response {
    let (companies, company) = match chosen(&state, &v, &q).await {
        Ok(c) => c,
        Err(page) => return page,
    };
    let month = q
        .month
        .clone()
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| today().format("%Y-%m").to_string());
    let (data, refused) = match run(
        &state,
        &v,
        WITHHOLDING,
        json!({ "company": company, "month": month }),
    )
    .await
    {
        Ok(data) => (data, None),
        Err(err) if err.code == "BAD_USER_INPUT" => (Value::Null, Some(err)),
        Err(err) => return error_page(&v, &err),
    };
    let report = &data["withholdingReport"];
    let entries = report["entries"].as_array().cloned().unwrap_or_default();
    let markup = page(
        &v,
        &v.t("reports-withholding-title"),
        html! {
            (nav(&v))
            (refusal(&v, refused.as_ref()))
            form method="get" action="/finance/withholding" class="row fin-filters" {
                (company_select(&v, &companies, &company))
                label {
                    (v.t("reports-month"))
                    input type="month" name="month" value=(month) required;
                }
                button type="submit" { (v.t("finance-filter-apply")) }
            }
            @if !report.is_null() {
                dl class="fin-summary" {
                    dt { (v.t("reports-withholding-total")) }
                    dd { (v.money(&report["total"])) }
                    dt { (v.t("reports-withholding-due")) }
                    dd { (v.date(&report["dueDate"])) }
                }
                p class="hint" { (v.t("reports-withholding-special")) }
                @if entries.is_empty() {
                    p { (v.t("reports-withholding-empty")) }
                } @else {
                    div class="table-wrap" tabindex="0" role="region" aria-label=(v.t("reports-withholding-title")) {
                        table class="fin-table" {
                            thead { tr {
                                th scope="col" { (v.t("reports-col-payee")) }
                                th scope="col" { (v.t("reports-col-paid-on")) }
                                th scope="col" class="fin-num" { (v.t("reports-col-subject-fee")) }
                                th scope="col" class="fin-num" { (v.t("reports-col-withheld")) }
                                th scope="col" class="fin-num" { (v.t("reports-col-net-paid")) }
                            } }
                            tbody {
                                @for e in &entries {
                                    tr {
                                        td { a href=(format!("/invoices/{}", text(&e["invoiceId"]))) { (text(&e["payeeName"])) } }
                                        td { (v.date(&e["paidOn"])) }
                                        td class="fin-num" { (v.money(&e["subjectFee"])) }
                                        td class="fin-num" { (v.money(&e["withheld"])) }
                                        td class="fin-num" { (v.money(&e["netPaid"])) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    );
    respond(refused.as_ref(), markup)
}

pub async fn payment_records(
    State(state): State<AppState>,
    v: Visitor,
    Query(q): Query<ReportQuery>,
) -> Response {
    let (companies, company) = match chosen(&state, &v, &q).await {
        Ok(c) => c,
        Err(page) => return page,
    };
    let typed = q
        .year
        .clone()
        .filter(|y| !y.is_empty())
        .unwrap_or_else(|| today().year().to_string());
    let (data, refused) = match typed.trim().parse::<i32>() {
        Ok(year) => match run(
            &state,
            &v,
            RECORDS,
            json!({ "company": company, "year": year }),
        )
        .await
        {
            Ok(data) => (data, None),
            Err(err) if err.code == "BAD_USER_INPUT" => (Value::Null, Some(err)),
            Err(err) => return error_page(&v, &err),
        },
        Err(_) => (
            Value::Null,
            Some(ApiError {
                code: "BAD_USER_INPUT".into(),
                message: v.t("reports-bad-year"),
            }),
        ),
    };
    let report = &data["paymentRecords"];
    let records = report["records"].as_array().cloned().unwrap_or_default();
    let markup = page(
        &v,
        &v.t("reports-records-title"),
        html! {
            (nav(&v))
            (refusal(&v, refused.as_ref()))
            form method="get" action="/finance/payment-records" class="row fin-filters" {
                (company_select(&v, &companies, &company))
                label {
                    (v.t("reports-year"))
                    input type="number" name="year" value=(typed) min="2000" max="2999" required inputmode="numeric";
                }
                button type="submit" { (v.t("finance-filter-apply")) }
            }
            p class="hint" { (v.t("reports-records-threshold")) }
            p class="hint" { (v.t("reports-records-my-number")) }
            @if !report.is_null() {
                @if records.is_empty() {
                    p { (v.t("reports-records-empty")) }
                } @else {
                    div class="table-wrap" tabindex="0" role="region" aria-label=(v.t("reports-records-title")) {
                        table class="fin-table" {
                            thead { tr {
                                th scope="col" { (v.t("reports-col-name")) }
                                th scope="col" { (v.t("reports-col-address")) }
                                th scope="col" { (v.t("reports-col-my-number")) }
                                th scope="col" class="fin-num" { (v.t("reports-col-total-paid")) }
                                th scope="col" class="fin-num" { (v.t("reports-col-total-withheld")) }
                            } }
                            tbody {
                                @for r in &records {
                                    tr {
                                        td { (text(&r["name"])) }
                                        td { (text(&r["address"])) }
                                        td { (v.t("reports-my-number-blank")) }
                                        td class="fin-num" { (v.money(&r["totalPaid"])) }
                                        td class="fin-num" { (v.money(&r["totalWithheld"])) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    );
    respond(refused.as_ref(), markup)
}

/// The three exports a period offers.
const EXPORTS: [&str; 3] = ["invoices", "payouts", "withholding"];

pub async fn exports(
    State(state): State<AppState>,
    v: Visitor,
    Query(q): Query<ReportQuery>,
) -> Response {
    let (companies, company) = match chosen(&state, &v, &q).await {
        Ok(c) => c,
        Err(page) => return page,
    };
    let (from, to) = period(&q);
    let refused = day_refusal(&v, &from, &to);
    let query = format!(
        "company={}&from={}&to={}",
        crate::console::values::encode(&company),
        crate::console::values::encode(&from),
        crate::console::values::encode(&to)
    );
    let markup = page(
        &v,
        &v.t("reports-exports-title"),
        html! {
            (nav(&v))
            (refusal(&v, refused.as_ref()))
            form method="get" action="/finance/exports" class="row fin-filters" {
                (company_select(&v, &companies, &company))
                label { (v.t("reports-from")) input type="date" name="from" value=(from) required; }
                label { (v.t("reports-to")) input type="date" name="to" value=(to) required; }
                button type="submit" { (v.t("finance-filter-apply")) }
            }
            p class="hint" { (v.t("reports-exports-hint")) }
            @if refused.is_none() {
                ul {
                    @for kind in EXPORTS {
                        li { a href=(format!("/finance/exports/{kind}.csv?{query}")) download { (v.t(&format!("reports-export-{kind}"))) } }
                    }
                }
            }
        },
    );
    respond(refused.as_ref(), markup)
}

/// One export as CSV (UTF-8 with BOM, CRLF, RFC 4180, formulas guarded); headers in the
/// visitor's language, columns as `docs/exports.md` lists them.
pub async fn export_csv(
    State(state): State<AppState>,
    v: Visitor,
    Path(file): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Response {
    let Some(kind) = file.strip_suffix(".csv").filter(|k| EXPORTS.contains(k)) else {
        return not_found_page(&v);
    };
    let (_, company) = match chosen(&state, &v, &q).await {
        Ok(c) => c,
        Err(page) => return page,
    };
    let (from, to) = period(&q);
    if let Some(refused) = day_refusal(&v, &from, &to) {
        return error_page(&v, &refused);
    }
    let data = match run(
        &state,
        &v,
        EXPORT,
        json!({ "company": company, "from": from, "to": to }),
    )
    .await
    {
        Ok(data) => data,
        Err(err) => return error_page(&v, &err),
    };
    let export = &data["financeExport"];
    let rows = export[kind].as_array().cloned().unwrap_or_default();
    let mut out = csv_file::Writer::new();
    let yes_no = |b: &Value| {
        if b.as_bool() == Some(true) {
            v.t("finance-csv-yes")
        } else {
            v.t("reports-csv-no")
        }
    };
    match kind {
        "invoices" => {
            let header = [
                "finance-csv-invoice",
                "reports-csv-contract",
                "finance-col-submitted",
                "reports-col-payee",
                "reports-csv-registration",
                "finance-csv-description",
                "reports-csv-transaction-date",
                "finance-col-due",
                "finance-col-status",
                "finance-csv-currency",
                "finance-csv-amount",
                "reports-csv-tax-separate",
                "reports-csv-tax",
                "reports-csv-total",
                "reports-col-withheld",
            ]
            .map(|id| v.t(id));
            out.row(header.iter().map(String::as_str));
            for r in &rows {
                let status = text(&r["status"]);
                out.row([
                    text(&r["invoiceId"]).as_str(),
                    &text(&r["contractId"]),
                    &text(&r["submittedOn"]),
                    &text(&r["payeeName"]),
                    &text(&r["registrationNumber"]),
                    &text(&r["description"]),
                    &text(&r["transactionDate"]),
                    &text(&r["paymentDueDate"]),
                    &v.t(&format!("finance-invoice-status-{status}")),
                    &text(&r["amount"]["currencyCode"]),
                    &text(&r["amount"]["amount"]),
                    &yes_no(&r["taxShownSeparately"]),
                    &text(&r["consumptionTax"]["amount"]),
                    &text(&r["total"]["amount"]),
                    &text(&r["withholding"]["amount"]),
                ]);
            }
        }
        "payouts" => {
            let header = [
                "reports-csv-payout",
                "finance-csv-invoice",
                "reports-col-payee",
                "reports-col-paid-on",
                "finance-reference",
                "finance-csv-currency",
                "reports-col-net-paid",
                "reports-col-withheld",
                "reports-col-subject-fee",
            ]
            .map(|id| v.t(id));
            out.row(header.iter().map(String::as_str));
            for r in &rows {
                out.row([
                    text(&r["payoutId"]).as_str(),
                    &text(&r["invoiceId"]),
                    &text(&r["payeeName"]),
                    &text(&r["paidOn"]),
                    &text(&r["reference"]),
                    &text(&r["netPaid"]["currencyCode"]),
                    &text(&r["netPaid"]["amount"]),
                    &text(&r["withheld"]["amount"]),
                    &text(&r["subjectFee"]["amount"]),
                ]);
            }
        }
        _ => {
            let header = [
                "reports-csv-payout",
                "finance-csv-invoice",
                "reports-col-payee",
                "reports-col-paid-on",
                "reports-col-subject-fee",
                "reports-col-withheld",
                "reports-withholding-due",
            ]
            .map(|id| v.t(id));
            out.row(header.iter().map(String::as_str));
            for r in &rows {
                out.row([
                    text(&r["payoutId"]).as_str(),
                    &text(&r["invoiceId"]),
                    &text(&r["payeeName"]),
                    &text(&r["paidOn"]),
                    &text(&r["subjectFee"]["amount"]),
                    &text(&r["withheld"]["amount"]),
                    &text(&r["dueDate"]),
                ]);
            }
        }
    }
    let name = format!(
        "{kind}-{}-{}.csv",
        from.replace('-', ""),
        to.replace('-', "")
    );
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        out.finish(),
    )
        .into_response()
}

pub async fn compliance(
    State(state): State<AppState>,
    v: Visitor,
    Query(q): Query<ReportQuery>,
) -> Response {
    let (companies, company) = match chosen(&state, &v, &q).await {
        Ok(c) => c,
        Err(page) => return page,
    };
    let (from, to) = period(&q);
    let mut refused = day_refusal(&v, &from, &to);
    let mut data = Value::Null;
    if refused.is_none() {
        match run(
            &state,
            &v,
            COMPLIANCE,
            json!({ "company": company, "from": from, "to": to }),
        )
        .await
        {
            Ok(d) => data = d,
            Err(err) if matches!(err.code.as_str(), "BAD_USER_INPUT" | "FORBIDDEN") => {
                refused = Some(err)
            }
            Err(err) => return error_page(&v, &err),
        }
    }
    let report = &data["complianceReport"];
    let count = |list: &str, code: &str| {
        report[list]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["code"] == code)
            .map(|c| c["count"].to_string())
            .unwrap_or_default()
    };
    let ended = report["endedByCompany"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let markup = page(
        &v,
        &v.t("reports-compliance-title"),
        html! {
            (nav(&v))
            (refusal(&v, refused.as_ref()))
            form method="get" action="/finance/compliance" class="row fin-filters" {
                (company_select(&v, &companies, &company))
                label { (v.t("reports-from")) input type="date" name="from" value=(from) required; }
                label { (v.t("reports-to")) input type="date" name="to" value=(to) required; }
                button type="submit" { (v.t("finance-filter-apply")) }
            }
            p class="hint" { (v.t("reports-compliance-intro")) }
            p class="hint" { (v.t("reports-compliance-fees")) }
            @if !report.is_null() {
                h2 { (v.t("reports-compliance-refusals")) }
                div class="table-wrap" tabindex="0" role="region" aria-label=(v.t("reports-compliance-refusals")) {
                    table class="fin-table" {
                        thead { tr {
                            th scope="col" { (v.t("reports-col-reason")) }
                            th scope="col" class="fin-num" { (v.t("reports-col-changes")) }
                            th scope="col" class="fin-num" { (v.t("reports-col-rejections")) }
                        } }
                        tbody {
                            @for code in REASON_CODES {
                                tr {
                                    th scope="row" { (v.t(&format!("reason-code-{code}"))) }
                                    td class="fin-num" { (count("changesRequested", code)) }
                                    td class="fin-num" { (count("invoiceRejections", code)) }
                                }
                            }
                        }
                    }
                }
                h2 { (v.t("reports-compliance-ended")) }
                @if ended.is_empty() {
                    p { (v.t("reports-compliance-none-ended")) }
                } @else {
                    div class="table-wrap" tabindex="0" role="region" aria-label=(v.t("reports-compliance-ended")) {
                        table class="fin-table" {
                            thead { tr {
                                th scope="col" { (v.t("finance-col-project")) }
                                th scope="col" { (v.t("finance-col-freelancer")) }
                                th scope="col" { (v.t("reports-col-ends-on")) }
                                th scope="col" { (v.t("reports-col-reason-text")) }
                                th scope="col" { (v.t("reports-col-reason-asked")) }
                            } }
                            tbody {
                                @for c in &ended {
                                    tr {
                                        td { a href=(format!("/contracts/{}", text(&c["id"]))) { (text(&c["project"]["title"])) } }
                                        td { (text(&c["freelancer"]["displayName"])) }
                                        td {
                                            @if !c["endsOn"].is_null() { (v.date(&c["endsOn"])) }
                                            @else if !c["endedAt"].is_null() { (v.day(&c["endedAt"])) (" ") (v.t("reports-ended-at-once")) }
                                        }
                                        td { (text(&c["endReason"])) }
                                        td { @if !c["endReasonRequested"].is_null() { (v.time(&c["endReasonRequested"])) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    );
    respond(refused.as_ref(), markup)
}
