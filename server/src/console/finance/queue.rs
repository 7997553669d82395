//! The invoice queue (`/finance`): invoices of one company where the visitor is FINANCE or
//! ADMIN, earliest due first, with the filter, the totals per currency of every page, and a
//! link to the same filter as CSV.
use crate::console::values::encode;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value, json};

use super::super::layout::page;
use super::super::session::Visitor;
use super::super::{error_page, run};
use super::{csv as csv_file, is_finance_of, status_badge, text};
use crate::domain::invoices::today;
use crate::http::AppState;

pub const COMPANIES: &str =
    "query FinanceCompanies { viewer { memberships { role company { id name } } } }";

pub const QUEUE: &str = "query FinanceQueue($filter: InvoiceFilter!, $after: String) { \
     invoices(filter: $filter, first: 20, after: $after) { \
       edges { node { id amount: total { amount currencyCode } status createdAt paymentDueDate overdue \
         submittedBy { displayName } contract { id project { title company { name } } } } } \
       pageInfo { hasNextPage endCursor } } \
     invoiceTotals(filter: $filter) { amount currencyCode } }";

pub const CSV_PAGE: &str = "query FinanceQueueCsv($filter: InvoiceFilter!, $after: String) { \
     invoices(filter: $filter, first: 100, after: $after) { \
       edges { node { id amount { amount currencyCode } status createdAt paymentDueDate overdue \
         description submittedBy { displayName } \
         contract { project { title company { name } } } } } \
       pageInfo { hasNextPage endCursor } } }";

/// The CSV holds at most this many invoices; a larger queue is cut, and says so in a last row.
pub const CSV_LIMIT: usize = 10_000;

/// Invoice statuses a filter may choose.
const STATUSES: [&str; 4] = ["SUBMITTED", "APPROVED", "PAID", "REJECTED"];

/// Days ahead within which an open invoice is flagged as due soon.
const DUE_SOON_DAYS: i64 = 7;

#[derive(Deserialize, Default, Clone)]
pub struct QueueQuery {
    company: Option<String>,
    status: Option<String>,
    overdue: Option<String>,
    after: Option<String>,
}

/// The finance companies of the visitor: (global id, name).
pub(super) async fn finance_companies(
    state: &AppState,
    v: &Visitor,
) -> Result<Vec<(String, String)>, Response> {
    companies(state, v).await
}

async fn companies(state: &AppState, v: &Visitor) -> Result<Vec<(String, String)>, Response> {
    let data = run(state, v, COMPANIES, json!({}))
        .await
        .map_err(|err| error_page(v, &err))?;
    Ok(data["viewer"]["memberships"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| is_finance_of(v, &text(&m["company"]["id"])))
        .map(|m| (text(&m["company"]["id"]), text(&m["company"]["name"])))
        .collect())
}

/// The chosen company (the first finance company without a choice, another id → none) and the
/// API filter.
fn filter(q: &QueueQuery, companies: &[(String, String)]) -> Option<(String, Value)> {
    let company = match q.company.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => companies.iter().find(|(id, _)| id == c)?.0.clone(),
        None => companies.first()?.0.clone(),
    };
    let mut filter = json!({ "companyId": company, "orderBy": "DUE_DATE" });
    if let Some(status) = q.status.as_deref().filter(|s| STATUSES.contains(s)) {
        filter["status"] = json!(status);
    }
    if q.overdue.as_deref() == Some("1") {
        filter["overdue"] = json!(true);
    }
    Some((company, filter))
}

pub async fn show(
    State(state): State<AppState>,
    v: Visitor,
    Query(q): Query<QueueQuery>,
) -> Response {
    if v.access.is_none() {
        return crate::console::log_in_first(&v);
    }
    let companies = match companies(&state, &v).await {
        Ok(c) => c,
        Err(page) => return page,
    };
    let Some((company, filter)) = filter(&q, &companies) else {
        return super::super::not_found_page(&v);
    };
    let data = match run(
        &state,
        &v,
        QUEUE,
        json!({ "filter": filter, "after": q.after }),
    )
    .await
    {
        Ok(data) => data,
        Err(err) => return error_page(&v, &err),
    };
    let rows = data["invoices"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let totals = data["invoiceTotals"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let info = &data["invoices"]["pageInfo"];
    let query = |after: Option<&str>| {
        let mut parts = vec![format!("company={}", encode(&company))];
        if let Some(status) = q.status.as_deref().filter(|s| STATUSES.contains(s)) {
            parts.push(format!("status={status}"));
        }
        if q.overdue.as_deref() == Some("1") {
            parts.push("overdue=1".into());
        }
        if let Some(after) = after {
            parts.push(format!("after={}", encode(after)));
        }
        parts.join("&")
    };
    let today = today();
    page(
        &v,
        &v.t("finance-queue-title"),
        html! {
            p { a href="/finance/payouts" { (v.t("finance-payouts-link")) } }
            form method="get" action="/finance" class="row fin-filters" {
                label {
                    (v.t("finance-filter-company"))
                    select name="company" {
                        @for (id, name) in &companies {
                            option value=(id) selected[*id == company] { (name) }
                        }
                    }
                }
                label {
                    (v.t("finance-filter-status"))
                    select name="status" {
                        option value="" { (v.t("finance-filter-any-status")) }
                        @for s in STATUSES {
                            option value=(s) selected[q.status.as_deref() == Some(s)] {
                                (v.t(&format!("finance-invoice-status-{s}")))
                            }
                        }
                    }
                }
                label class="check" {
                    input type="checkbox" name="overdue" value="1" checked[q.overdue.as_deref() == Some("1")];
                    (v.t("finance-filter-overdue"))
                }
                button type="submit" { (v.t("finance-filter-apply")) }
            }
            h2 { (v.t("finance-totals")) }
            @if totals.is_empty() {
                p { (v.t("finance-queue-empty")) }
            } @else {
                ul class="fin-totals" { @for t in &totals { li { (v.money(t)) } } }
            }
            p { a href=(format!("/finance/invoices.csv?{}", query(None))) download { (v.t("finance-csv-download")) } }
            @if !rows.is_empty() {
                h2 { (v.t("finance-queue-invoices")) }
                div class="table-wrap" tabindex="0" role="region" aria-label=(v.t("finance-queue-invoices")) {
                    table class="fin-table" {
                        thead { tr {
                            th scope="col" { (v.t("finance-col-freelancer")) }
                            th scope="col" { (v.t("finance-col-company")) }
                            th scope="col" { (v.t("finance-col-project")) }
                            th scope="col" class="fin-num" { (v.t("finance-col-amount")) }
                            th scope="col" { (v.t("finance-col-status")) }
                            th scope="col" { (v.t("finance-col-submitted")) }
                            th scope="col" { (v.t("finance-col-due")) }
                            th scope="col" { (v.t("finance-col-flag")) }
                        } }
                        tbody {
                            @for edge in &rows {
                                @let n = &edge["node"];
                                tr {
                                    td { a href=(format!("/invoices/{}", text(&n["id"]))) { (text(&n["submittedBy"]["displayName"])) } }
                                    td { (text(&n["contract"]["project"]["company"]["name"])) }
                                    td { (text(&n["contract"]["project"]["title"])) }
                                    td class="fin-num" { (v.money(&n["amount"])) }
                                    td { (status_badge(&v, "invoice", &text(&n["status"]))) }
                                    td { (v.day(&n["createdAt"])) }
                                    td { (v.date(&n["paymentDueDate"])) }
                                    td { (due_flag(&v, n, today)) }
                                }
                            }
                        }
                    }
                }
            }
            @if info["hasNextPage"].as_bool() == Some(true) {
                p { a href=(format!("/finance?{}", query(info["endCursor"].as_str()))) rel="next" { (v.t("finance-next-page")) } }
            }
        },
    )
    .into_response()
}

/// Overdue, or due within 7 days, for an invoice not yet settled: a word in a badge.
pub fn due_flag(v: &Visitor, invoice: &Value, today: NaiveDate) -> Markup {
    let open = !matches!(invoice["status"].as_str(), Some("PAID" | "REJECTED"));
    let due = invoice["paymentDueDate"]
        .as_str()
        .and_then(|d| d.parse::<NaiveDate>().ok());
    if invoice["overdue"].as_bool() == Some(true) {
        return html! { span class="badge bad" { (v.t("finance-flag-overdue")) } };
    }
    match due {
        Some(due) if open && (due - today).num_days() <= DUE_SOON_DAYS => {
            html! { span class="badge warn" { (v.t("finance-flag-due-soon")) } }
        }
        _ => html! {},
    }
}

/// The filtered queue as CSV: every page up to [`CSV_LIMIT`], headers in the visitor's language.
pub async fn csv(
    State(state): State<AppState>,
    v: Visitor,
    Query(q): Query<QueueQuery>,
) -> Response {
    if v.access.is_none() {
        return crate::console::log_in_first(&v);
    }
    let companies = match companies(&state, &v).await {
        Ok(c) => c,
        Err(page) => return page,
    };
    let Some((_, filter)) = filter(&q, &companies) else {
        return super::super::not_found_page(&v);
    };
    let mut rows = Vec::new();
    let mut after: Option<String> = None;
    let mut cut = false;
    loop {
        let data = match run(
            &state,
            &v,
            CSV_PAGE,
            json!({ "filter": filter, "after": after }),
        )
        .await
        {
            Ok(data) => data,
            Err(err) => return error_page(&v, &err),
        };
        rows.extend(
            data["invoices"]["edges"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
        );
        let info = &data["invoices"]["pageInfo"];
        if rows.len() >= CSV_LIMIT {
            cut = info["hasNextPage"].as_bool() == Some(true) || rows.len() > CSV_LIMIT;
            rows.truncate(CSV_LIMIT);
            break;
        }
        match (info["hasNextPage"].as_bool(), info["endCursor"].as_str()) {
            (Some(true), Some(cursor)) => after = Some(cursor.to_string()),
            _ => break,
        }
    }
    let header = [
        "finance-csv-invoice",
        "finance-col-freelancer",
        "finance-col-company",
        "finance-col-project",
        "finance-csv-description",
        "finance-csv-amount",
        "finance-csv-currency",
        "finance-col-status",
        "finance-col-submitted",
        "finance-col-due",
        "finance-flag-overdue",
    ]
    .map(|id| v.t(id));
    let mut out = csv_file::Writer::new();
    out.row(header.iter().map(String::as_str));
    for edge in &rows {
        let n = &edge["node"];
        let status = text(&n["status"]);
        let overdue = if n["overdue"].as_bool() == Some(true) {
            v.t("finance-csv-yes")
        } else {
            String::new()
        };
        out.row([
            text(&n["id"]).as_str(),
            &text(&n["submittedBy"]["displayName"]),
            &text(&n["contract"]["project"]["company"]["name"]),
            &text(&n["contract"]["project"]["title"]),
            &text(&n["description"]),
            &text(&n["amount"]["amount"]),
            &text(&n["amount"]["currencyCode"]),
            &v.t(&format!("finance-invoice-status-{status}")),
            &v.day(&n["createdAt"]),
            &text(&n["paymentDueDate"]),
            &overdue,
        ]);
    }
    if cut {
        out.row([v
            .t1("finance-csv-cut", "limit", &CSV_LIMIT.to_string())
            .as_str()]);
    }
    let name = format!("invoices-{}.csv", today().format("%Y%m%d"));
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
