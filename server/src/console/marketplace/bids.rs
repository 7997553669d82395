//! Bids: the bid form and POST `/projects/{id}/bids` (with milestone rows), withdraw, the
//! staff's side-by-side comparison at `/projects/{id}/bids` with accept / reject, and the
//! alumna's own bids at `/bids`.
use crate::console::values::Done;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value, json};

use super::project;
use super::{encode, hidden, list, refused, status_badge, text};
use crate::console::layout::{csrf_field, notice, page, refusal};
use crate::console::session::Visitor;
use crate::console::{ApiError, error_page, not_found_page, run};
use crate::http::AppState;

pub const PLACE: &str =
    "mutation ConsolePlaceBid($input: PlaceBidInput!) { placeBid(input: $input) { id } }";
pub const WITHDRAW: &str =
    "mutation ConsoleWithdrawBid($id: ID!) { withdrawBid(id: $id) { id project { id } } }";
pub const ACCEPT: &str = "mutation ConsoleAcceptBid($id: ID!) { acceptBid(id: $id) { id } }";
pub const REJECT: &str = "mutation ConsoleRejectBid($input: RejectBidInput!) { \
     rejectBid(input: $input) { id } }";
pub const PROJECT_BIDS: &str = "query ConsoleProjectBids($id: ID!) { \
     project(id: $id) { id title status budget { amount currencyCode } \
       company { id name viewerRole } \
       bids(first: 100) { nodes { id status deliveryDays proposal rejectionReason createdAt \
         amount { amount currencyCode } milestones { position } \
         bidder { displayName rating { average count } } } } } }";
pub const MY_BIDS: &str = "query ConsoleMyBids($after: String, $status: BidStatus) { \
     viewer { bids(first: 20, after: $after, status: $status) { \
       nodes { id status deliveryDays rejectionReason createdAt amount { amount currencyCode } \
         project { id title company { name } } } \
       pageInfo { hasNextPage endCursor } } } }";

/// Rows of the milestone table a fresh bid form shows; blank rows are ignored.
const MILESTONE_ROWS: usize = 3;

/// The bid form's values: amount, delivery days, proposal and the milestone rows (title,
/// amount, due date), in order.
#[derive(Default, Clone)]
pub struct BidForm {
    amount: String,
    delivery_days: String,
    proposal: String,
    milestones: Vec<[String; 3]>,
}

impl BidForm {
    /// Reads the posted fields; the milestone fields repeat once per row.
    fn from_fields(fields: &[(String, String)]) -> Self {
        let mut form = Self::default();
        let (mut titles, mut amounts, mut dues) = (Vec::new(), Vec::new(), Vec::new());
        for (name, value) in fields {
            match name.as_str() {
                "amount" => form.amount = value.clone(),
                "delivery_days" => form.delivery_days = value.clone(),
                "proposal" => form.proposal = value.clone(),
                "milestone_title" => titles.push(value.clone()),
                "milestone_amount" => amounts.push(value.clone()),
                "milestone_due" => dues.push(value.clone()),
                _ => {}
            }
        }
        let rows = titles.len().max(amounts.len()).max(dues.len());
        let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        form.milestones = (0..rows)
            .map(|i| [at(&titles, i), at(&amounts, i), at(&dues, i)])
            .collect();
        form
    }

    /// The `PlaceBidInput`; no milestones when every row is blank.
    fn input(&self, project_id: &str, currency: &str) -> Value {
        let milestones: Vec<Value> = self
            .milestones
            .iter()
            .filter(|row| row.iter().any(|cell| !cell.trim().is_empty()))
            .map(|[title, amount, due]| {
                json!({
                    "title": title.trim(),
                    "amount": { "amount": amount.trim(), "currencyCode": currency },
                    "dueDate": (!due.trim().is_empty()).then(|| due.trim()),
                })
            })
            .collect();
        let days = self
            .delivery_days
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(self.delivery_days.clone()));
        json!({ "input": {
            "projectId": project_id,
            "amount": { "amount": self.amount.trim(), "currencyCode": currency },
            "deliveryDays": days,
            "proposal": self.proposal,
            "milestones": (!milestones.is_empty()).then_some(milestones),
        } })
    }
}

pub fn bid_form(v: &Visitor, project_id: &str, currency: &str, f: &BidForm) -> Markup {
    let mut rows = f.milestones.clone();
    while rows.len() < MILESTONE_ROWS {
        rows.push(Default::default());
    }
    html! {
        form method="post" action=(format!("/projects/{project_id}/bids")) class="stack bid-form" {
            (csrf_field(v))
            input type="hidden" name="currency" value=(currency);
            div class="row" {
                label { (v.t1("marketplace-bid-amount", "currency", currency))
                    input type="text" inputmode="decimal" name="amount" value=(f.amount) required; }
                label { (v.t("marketplace-bid-delivery-days"))
                    input type="number" min="1" name="delivery_days" value=(f.delivery_days) required; }
            }
            label { (v.t("marketplace-bid-proposal"))
                textarea name="proposal" required { (f.proposal) } }
            fieldset {
                legend { (v.t("marketplace-milestones")) }
                p class="hint" { (v.t("marketplace-milestones-hint")) }
                @for (i, [title, amount, due]) in rows.iter().enumerate() {
                    div class="row milestone-row" {
                        label { (v.t1("marketplace-milestone-title-n", "n", &(i + 1).to_string()))
                            input type="text" name="milestone_title" value=(title); }
                        label { (v.t1("marketplace-milestone-amount-n", "n", &(i + 1).to_string()))
                            input type="text" inputmode="decimal" name="milestone_amount" value=(amount); }
                        label { (v.t1("marketplace-milestone-due-n", "n", &(i + 1).to_string()))
                            input type="date" name="milestone_due" value=(due); }
                    }
                }
            }
            button type="submit" { (v.t("marketplace-bid-submit")) }
        }
    }
}

pub async fn place(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let form = BidForm::from_fields(&fields);
    let currency = fields
        .iter()
        .find(|(k, _)| k == "currency")
        .map(|(_, c)| c.clone())
        .unwrap_or_default();
    match run(&state, &v, PLACE, form.input(&id, &currency)).await {
        Ok(_) => Redirect::to(&format!("/projects/{}?done=placed", encode(&id))).into_response(),
        Err(err) => project::render(&state, &v, &id, &form, Some(&err), None).await,
    }
}

pub async fn withdraw(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
) -> Response {
    match run(&state, &v, WITHDRAW, json!({ "id": id })).await {
        Ok(data) => Redirect::to(&format!(
            "/projects/{}?done=withdrawn",
            text(&data["withdrawBid"]["project"]["id"])
        ))
        .into_response(),
        Err(err) if hidden(&err) => not_found_page(&v),
        Err(err) => error_page(&v, &err),
    }
}

pub async fn compare(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Query(q): Query<Done>,
) -> Response {
    let flash = q
        .done
        .as_deref()
        .filter(|d| *d == "rejected")
        .map(|_| v.t("marketplace-done-rejected"));
    compare_page(&state, &v, &id, flash, None, None).await
}

/// The bids of a project side by side, for its company's staff only (everyone else: not
/// found). `error` is a refused accept / reject, shown above the table; `kept` the refused
/// rejection's reason, kept in its bid's row.
async fn compare_page(
    state: &AppState,
    v: &Visitor,
    id: &str,
    flash: Option<String>,
    error: Option<&ApiError>,
    kept: Option<(&str, &str)>,
) -> Response {
    if v.access.is_none() {
        return crate::console::log_in_first(v);
    }
    let data = match run(state, v, PROJECT_BIDS, json!({ "id": id })).await {
        Ok(data) => data,
        Err(err) if hidden(&err) => return not_found_page(v),
        Err(err) => return error_page(v, &err),
    };
    let p = &data["project"];
    if p.is_null() || p["company"]["viewerRole"].is_null() {
        return not_found_page(v);
    }
    let role = text(&p["company"]["viewerRole"]);
    let decides = role == "ADMIN" || role == "MEMBER";
    let bids = list(&p["bids"]["nodes"]);
    let markup = page(
        v,
        &v.t1("marketplace-bids-title", "project", &text(&p["title"])),
        html! {
            @if let Some(flash) = &flash { (notice(flash)) }
            (refusal(v, error))
            p { (v.t("marketplace-field-budget")) ": " (v.money(&p["budget"])) " · "
                (status_badge(v, "project", &text(&p["status"]))) " · "
                a href=(format!("/projects/{id}")) { (v.t("marketplace-back-to-project")) } }
            @if bids.is_empty() {
                p { (v.t("marketplace-bids-none")) }
            } @else {
                div class="table-wrap" {
                    table class="compare" {
                        caption { (v.t1("marketplace-bids-count", "count", &bids.len().to_string())) }
                        thead { tr {
                            th scope="col" { (v.t("marketplace-bidder")) }
                            th scope="col" { (v.t("marketplace-rating")) }
                            th scope="col" class="num" { (v.t("marketplace-bid-amount-short")) }
                            th scope="col" class="num" { (v.t("marketplace-bid-delivery-days")) }
                            th scope="col" class="num" { (v.t("marketplace-milestones")) }
                            th scope="col" { (v.t("marketplace-bid-proposal")) }
                            th scope="col" { (v.t("marketplace-status")) }
                            @if decides { th scope="col" { (v.t("marketplace-decision")) } }
                        } }
                        tbody {
                            @for b in &bids { (bid_row(v, id, b, decides, kept)) }
                        }
                    }
                }
            }
        },
    );
    match error {
        Some(err) => refused(err, markup),
        None => markup.into_response(),
    }
}

/// One bid's row; `kept` is the (bid id, reason) of a refused rejection, kept in its row.
fn bid_row(
    v: &Visitor,
    project_id: &str,
    b: &Value,
    decides: bool,
    kept: Option<(&str, &str)>,
) -> Markup {
    let bid_id = text(&b["id"]);
    let status = text(&b["status"]);
    let rating = &b["bidder"]["rating"];
    let proposal = text(&b["proposal"]);
    let excerpt: String = proposal.chars().take(140).collect();
    let reason_id = format!("reason-{bid_id}");
    let reason = kept
        .filter(|(kept_id, _)| *kept_id == bid_id)
        .map(|(_, r)| r)
        .unwrap_or_default();
    html! {
        tr {
            th scope="row" { (text(&b["bidder"]["displayName"])) }
            td {
                @match rating["average"].as_f64() {
                    Some(avg) => (v.tn("marketplace-rating-value", &[("average", &format!("{avg:.1}")), ("count", &rating["count"].to_string())])),
                    None => span class="muted" { (v.t("marketplace-rating-none")) },
                }
            }
            td class="num" { (v.money(&b["amount"])) }
            td class="num" { (b["deliveryDays"]) }
            td class="num" { (list(&b["milestones"]).len()) }
            td { (excerpt) @if excerpt.len() < proposal.len() { "…" } }
            td {
                (status_badge(v, "bid", &status))
                @if let Some(r) = b["rejectionReason"].as_str() { br; span class="muted" { (r) } }
            }
            @if decides {
                td {
                    @if status == "PENDING" {
                        form method="post" action=(format!("/bids/{bid_id}/accept")) {
                            (csrf_field(v))
                            input type="hidden" name="project" value=(project_id);
                            button type="submit" { (v.t("marketplace-bid-accept")) }
                        }
                        form method="post" action=(format!("/bids/{bid_id}/reject")) class="reject" {
                            (csrf_field(v))
                            input type="hidden" name="project" value=(project_id);
                            label for=(reason_id) { (v.t("marketplace-reject-reason")) }
                            textarea id=(reason_id) name="reason" required { (reason) }
                            button type="submit" class="danger" { (v.t("marketplace-bid-reject")) }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    project: String,
    #[serde(default)]
    reason: String,
}

/// Accepts a bid; the new contract's page (the engagements area) is where staff go next.
pub async fn accept(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(f): Form<DecisionForm>,
) -> Response {
    match run(&state, &v, ACCEPT, json!({ "id": id })).await {
        Ok(data) => Redirect::to(&format!(
            "/contracts/{}?done=accepted",
            text(&data["acceptBid"]["id"])
        ))
        .into_response(),
        Err(err) if err.code == "NOT_FOUND" => not_found_page(&v),
        Err(err) => compare_page(&state, &v, &f.project, None, Some(&err), None).await,
    }
}

pub async fn reject(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(f): Form<DecisionForm>,
) -> Response {
    let input = json!({ "input": { "id": id, "reason": f.reason } });
    match run(&state, &v, REJECT, input).await {
        Ok(_) => Redirect::to(&format!(
            "/projects/{}/bids?done=rejected",
            encode(&f.project)
        ))
        .into_response(),
        Err(err) if err.code == "NOT_FOUND" => not_found_page(&v),
        Err(err) => {
            compare_page(
                &state,
                &v,
                &f.project,
                None,
                Some(&err),
                Some((&id, &f.reason)),
            )
            .await
        }
    }
}

#[derive(Deserialize, Default)]
pub struct MineQuery {
    status: Option<String>,
    after: Option<String>,
}

const BID_STATUSES: &[&str] = &["PENDING", "ACCEPTED", "REJECTED", "WITHDRAWN"];

/// `/bids`: the viewer's own bids across projects, newest first, by status.
pub async fn mine(
    State(state): State<AppState>,
    v: Visitor,
    Query(q): Query<MineQuery>,
) -> Response {
    if v.access.is_none() {
        return crate::console::log_in_first(&v);
    }
    let status = q
        .status
        .as_deref()
        .and_then(|s| BID_STATUSES.iter().find(|b| **b == s));
    let data = match run(
        &state,
        &v,
        MY_BIDS,
        json!({ "status": status, "after": q.after }),
    )
    .await
    {
        Ok(data) => data,
        Err(err) => return error_page(&v, &err),
    };
    let conn = &data["viewer"]["bids"];
    let bids = list(&conn["nodes"]);
    let next = conn["pageInfo"]["endCursor"]
        .as_str()
        .filter(|_| conn["pageInfo"]["hasNextPage"] == Value::Bool(true));
    page(
        &v,
        &v.t("marketplace-my-bids-title"),
        html! {
            form method="get" action="/bids" class="row filters" {
                label { (v.t("marketplace-status"))
                    select name="status" {
                        option value="" { (v.t("marketplace-filter-any")) }
                        @for s in BID_STATUSES {
                            option value=(s) selected[status == Some(s)] { (v.t(&format!("marketplace-bid-status-{s}"))) }
                        }
                    }
                }
                button type="submit" { (v.t("marketplace-filter-submit")) }
            }
            @if bids.is_empty() {
                p { (v.t("marketplace-my-bids-none")) " " a href="/projects" { (v.t("marketplace-browse-title")) } }
            } @else {
                div class="table-wrap" {
                    table {
                        thead { tr {
                            th scope="col" { (v.t("marketplace-project")) }
                            th scope="col" { (v.t("marketplace-field-company")) }
                            th scope="col" class="num" { (v.t("marketplace-bid-amount-short")) }
                            th scope="col" { (v.t("marketplace-status")) }
                            th scope="col" { (v.t("marketplace-bid-placed")) }
                        } }
                        tbody { @for b in &bids { tr {
                            th scope="row" { a href=(format!("/projects/{}", text(&b["project"]["id"]))) { (text(&b["project"]["title"])) } }
                            td { (text(&b["project"]["company"]["name"])) }
                            td class="num" { (v.money(&b["amount"])) }
                            td {
                                (status_badge(&v, "bid", &text(&b["status"])))
                                @if let Some(r) = b["rejectionReason"].as_str() {
                                    br; span class="muted" { (v.t("marketplace-rejection-reason")) " " (r) }
                                }
                            }
                            td { (v.day(&b["createdAt"])) }
                        } } }
                    }
                }
            }
            @if let Some(cursor) = next {
                p { a rel="next" href=(format!("/bids?status={}&after={}", status.copied().unwrap_or_default(), encode(cursor))) { (v.t("marketplace-next-page")) } }
            }
        },
    )
    .into_response()
}
