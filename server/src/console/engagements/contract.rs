//! `/contracts/{id}`: the contract page both sides work on. The freelancer delivers milestones
//! and invoices accepted ones; the company's ADMIN/MEMBER accept deliveries, ask for changes
//! and may end the contract; either side reviews once the contract can be reviewed. Which
//! forms show follows the API's rules (the API refuses the rest anyway); a refused form is
//! re-rendered here with the API's reason and the input kept ([`Failed`]).
use crate::console::values::Done;
use std::cell::Cell;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde_json::{Value, json};

use super::{minor, nodes, status_badge, text};
use crate::console::layout::{csrf_field, notice, page, refusal};
use crate::console::session::Visitor;
use crate::console::{ApiError, error_page, not_found_page, run};
use crate::domain::money::Money;
use crate::http::AppState;

pub const CONTRACT: &str = "query ConsoleContract($id: ID!) { viewer { id } contract(id: $id) { \
     id status createdAt endedAt endReason endsOn endedByCompany endReasonRequested completedAt fundingStatus fundingFailure reviewsCloseAt \
     amount { amount currencyCode } acceptedAmount { amount currencyCode } \
     invoicedAmount { amount currencyCode } paidAmount { amount currencyCode } \
     refundedAmount { amount currencyCode } \
     termsStatements { version issuedAt reason text } \
     project { id title company { id name viewerRole } } freelancer { id displayName } \
     milestones { id position title status dueDate amount { amount currencyCode } \
       deliveryNote deliveryLinks submittedAt autoAcceptAt acceptedAt changesReason \
       auditTrail { action at fromStatus toStatus detail objectType actor { displayName } } } \
     invoices(first: 100) { nodes { id status createdAt paymentDueDate overdue description rejectionReason \
       amount { amount currencyCode } total { amount currencyCode } \
       withholdingTax { amount currencyCode } netPayable { amount currencyCode } \
       milestone { id position } payout { status paidAt } } } \
     reviews { id side rating comment wouldRehire createdAt author { displayName } } \
     auditTrail { action at fromStatus toStatus detail objectType actor { displayName } } } }";

/// A form the API refused: which one (`deliver-<milestone>`, `changes-<milestone>`,
/// `invoice-<milestone>`, `end`, `review`), why, and what was typed, to show again.
pub struct Failed {
    pub form: String,
    pub error: ApiError,
    pub values: Vec<(String, String)>,
}

impl Failed {
    fn value(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

pub async fn show(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Query(q): Query<Done>,
) -> Response {
    render(&state, &v, &id, q.done.as_deref(), None).await
}

/// The contract page; with `failed`, that form shows the refusal and the input (400).
pub async fn render(
    state: &AppState,
    v: &Visitor,
    id: &str,
    done: Option<&str>,
    failed: Option<&Failed>,
) -> Response {
    if v.access.is_none() {
        return crate::console::log_in_first(v);
    }
    let data = match run(state, v, CONTRACT, json!({ "id": id })).await {
        Ok(data) => data,
        Err(err) if err.code == "BAD_USER_INPUT" => return not_found_page(v),
        Err(err) => return error_page(v, &err),
    };
    let c = &data["contract"];
    if c.is_null() {
        return not_found_page(v);
    }
    let view = View {
        v,
        c,
        failed,
        freelancer: text(&c["freelancer"]["id"]) == text(&data["viewer"]["id"]),
        role: text(&c["project"]["company"]["viewerRole"]),
        active: c["status"] == "ACTIVE" && c["endedAt"].is_null(),
        shown: Cell::new(false),
    };
    let flash = done
        .filter(|d| DONE.contains(d))
        .map(|d| v.t(&format!("engagements-done-{d}")));
    let sections = html! {
        (view.summary())
        (view.notice())
        (view.terms())
        (view.milestones())
        (view.invoices())
        (view.reviews())
        (view.ending())
        (view.audit())
    };
    // A refused form this visitor is not offered (say, a freelancer posting an acceptance):
    // its refusal goes on top of the page.
    let unshown = failed.filter(|_| !view.shown.get()).map(|f| &f.error);
    let body = page(
        v,
        &v.t1(
            "engagements-contract-title",
            "project",
            &text(&c["project"]["title"]),
        ),
        html! {
            @if let Some(flash) = &flash { (notice(flash)) }
            (refusal(v, unshown))
            (sections)
        },
    );
    let status = failed.map_or(StatusCode::OK, |f| f.error.status());
    (status, body).into_response()
}

/// The notices a successful POST may ask for (`?done=`).
const DONE: &[&str] = &[
    "delivered",
    "accepted",
    "changes",
    "invoiced",
    "ended",
    "reviewed",
    "asked",
    "noticed",
];

struct View<'a> {
    v: &'a Visitor,
    c: &'a Value,
    failed: Option<&'a Failed>,
    freelancer: bool,
    /// The visitor's role at the contract's company ("" when not staff).
    role: String,
    /// ACTIVE and not ended early: work may still be delivered and the contract ended.
    active: bool,
    /// Whether the failed form's refusal has been placed next to its form.
    shown: Cell<bool>,
}

impl View<'_> {
    fn staff_reviewer(&self) -> bool {
        matches!(self.role.as_str(), "ADMIN" | "MEMBER")
    }

    fn id(&self) -> String {
        text(&self.c["id"])
    }

    /// The refusal and kept input of form `form`, if that is the form that failed.
    fn failed(&self, form: &str) -> Option<&Failed> {
        let failed = self.failed.filter(|f| f.form == form);
        if failed.is_some() {
            self.shown.set(true);
        }
        failed
    }

    fn kept(&self, form: &str, name: &str) -> Option<String> {
        self.failed(form)
            .and_then(|f| f.value(name))
            .map(str::to_string)
    }

    fn summary(&self) -> Markup {
        let (v, c) = (self.v, self.c);
        html! {
            dl {
                dt { (v.t("engagements-col-project")) }
                dd { a href=(format!("/projects/{}", text(&c["project"]["id"]))) { (text(&c["project"]["title"])) } }
                dt { (v.t("engagements-col-company")) }
                dd { (text(&c["project"]["company"]["name"])) }
                dt { (v.t("engagements-col-freelancer")) }
                dd { (text(&c["freelancer"]["displayName"])) }
                dt { (v.t("engagements-col-status")) }
                dd { (status_badge(v, "contract", &text(&c["status"]))) }
                dt { (v.t("engagements-started")) }
                dd { (v.time(&c["createdAt"])) }
                @if !c["endedAt"].is_null() {
                    dt { (v.t("engagements-ended")) }
                    dd { (v.time(&c["endedAt"])) }
                    dt { (v.t("engagements-end-reason")) }
                    dd { (text(&c["endReason"])) }
                } @else if !c["endsOn"].is_null() && !c["endReason"].is_null() {
                    dt { (v.t("engagements-end-reason")) }
                    dd { (text(&c["endReason"])) }
                }
                @if !c["completedAt"].is_null() {
                    dt { (v.t("engagements-completed")) }
                    dd { (v.time(&c["completedAt"])) }
                }
            }
            h2 { (v.t("engagements-amounts")) }
            div class="table-wrap" tabindex="0" role="region" aria-label=(v.t("engagements-amounts")) {
                table {
                    tbody {
                        @for (id, field) in [("amount", "amount"), ("accepted", "acceptedAmount"),
                            ("invoiced", "invoicedAmount"), ("paid", "paidAmount"), ("refunded", "refundedAmount")] {
                            tr { th scope="row" { (v.t(&format!("engagements-col-{id}"))) } td class="num" { (v.money(&c[field])) } }
                        }
                    }
                }
            }
            @if let Some(funding) = c["fundingStatus"].as_str() {
                h2 { (v.t("engagements-funding")) }
                p { (status_badge(v, "funding", funding))
                    @if let Some(failure) = c["fundingFailure"].as_str() { " " span class="muted" { (failure) } } }
                @if funding == "UNFUNDED" && matches!(self.role.as_str(), "ADMIN" | "FINANCE") {
                    p { a href=(format!("/contracts/{}/fund", self.id())) { (v.t("engagements-fund-link")) } }
                }
            }
        }
    }

    /// The statement of terms in force (Freelance Act art. 3), folded; the printable page and
    /// earlier versions are links.
    fn terms(&self) -> Markup {
        let v = self.v;
        let versions = self.c["termsStatements"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let id = self.id();
        html! {
            h2 id="terms" { (v.t("engagements-terms")) }
            @match versions.last() {
                None => p class="muted" { (v.t("engagements-terms-none")) },
                Some(latest) => {
                    details {
                        summary { (v.t1("engagements-terms-version", "version", &latest["version"].to_string())) }
                        (super::terms::statement(v, latest))
                    }
                    p { a href=(format!("/contracts/{id}/terms")) { (v.t("engagements-terms-printable")) } }
                    (super::terms::version_links(v, &id, &versions, latest["version"].as_i64()))
                }
            }
        }
    }

    fn milestones(&self) -> Markup {
        let v = self.v;
        let milestones = self.c["milestones"].as_array().cloned().unwrap_or_default();
        html! {
            h2 { (v.t("engagements-milestones")) }
            ol class="milestones" {
                @for m in &milestones {
                    li class="card" {
                        h3 { (m["position"]) ". " (text(&m["title"])) " " (status_badge(v, "milestone", &text(&m["status"]))) }
                        dl {
                            dt { (v.t("engagements-col-sum")) }
                            dd { (v.money(&m["amount"])) }
                            @if !m["dueDate"].is_null() {
                                dt { (v.t("engagements-due")) } dd { (v.date(&m["dueDate"])) }
                            }
                            @if !m["submittedAt"].is_null() {
                                dt { (v.t("engagements-delivered-at")) } dd { (v.time(&m["submittedAt"])) }
                            }
                            @if let Some(note) = m["deliveryNote"].as_str() {
                                dt { (v.t("engagements-delivery-note")) } dd class="note" { (note) }
                            }
                            @if let Some(links) = m["deliveryLinks"].as_array().filter(|l| !l.is_empty()) {
                                dt { (v.t("engagements-delivery-links")) }
                                dd { ul { @for l in links { li { a href=(text(l)) rel="noopener noreferrer" { (text(l)) } } } } }
                            }
                            @if m["status"] == "SUBMITTED" && !m["autoAcceptAt"].is_null() {
                                dt { (v.t("engagements-auto-accept")) } dd { (v.time(&m["autoAcceptAt"])) }
                            }
                            @if !m["acceptedAt"].is_null() {
                                dt { (v.t("engagements-accepted-at")) } dd { (v.time(&m["acceptedAt"])) }
                            }
                            @if let Some(reason) = m["changesReason"].as_str() {
                                dt { (v.t("engagements-changes-reason")) } dd class="note" { (reason) }
                            }
                        }
                        (self.milestone_actions(m))
                    }
                }
            }
        }
    }

    fn milestone_actions(&self, m: &Value) -> Markup {
        let v = self.v;
        let id = text(&m["id"]);
        let status = text(&m["status"]);
        let deliver = format!("deliver-{id}");
        let changes = format!("changes-{id}");
        let invoice = format!("invoice-{id}");
        html! {
            @if self.freelancer && self.active && matches!(status.as_str(), "ACTIVE" | "CHANGES_REQUESTED") {
                form method="post" action=(format!("/milestones/{id}/delivery")) class="stack" {
                    (csrf_field(v))
                    (refusal(v, self.failed(&deliver).map(|f| &f.error)))
                    label { (v.t("engagements-delivery-note"))
                        textarea name="note" required { (self.kept(&deliver, "note").unwrap_or_default()) } }
                    label { (v.t("engagements-delivery-links"))
                        span class="hint" { (v.t("engagements-delivery-links-hint")) }
                        textarea name="links" class="short" { (self.kept(&deliver, "links").unwrap_or_default()) } }
                    button type="submit" { (v.t("engagements-deliver-submit")) }
                }
            }
            @if self.staff_reviewer() && status == "SUBMITTED" {
                (refusal(v, self.failed(&format!("accept-{id}")).map(|f| &f.error)))
                div class="actions" {
                    form method="post" action=(format!("/milestones/{id}/accept")) {
                        (csrf_field(v))
                        button type="submit" { (v.t("engagements-accept-submit")) }
                    }
                }
                details class="changes" open[self.failed(&changes).is_some()] {
                    summary { (v.t("engagements-changes-open")) }
                    form method="post" action=(format!("/milestones/{id}/changes")) class="stack" {
                        (csrf_field(v))
                        (refusal(v, self.failed(&changes).map(|f| &f.error)))
                        label { (v.t("reason-code-label"))
                            (reason_code_select(v, self.kept(&changes, "reasonCode").as_deref(), &crate::console::finance::CHANGE_CODES)) }
                        label { (v.t("engagements-changes-reason"))
                            textarea name="reason" required { (self.kept(&changes, "reason").unwrap_or_default()) } }
                        button type="submit" class="secondary" { (v.t("engagements-changes-submit")) }
                    }
                }
            }
            @if self.freelancer && self.active && status == "ACCEPTED" {
                @if let Some(left) = self.left_to_invoice(m) {
                    form method="post" action=(format!("/contracts/{}/invoices", self.id())) class="stack" {
                        (csrf_field(v))
                        (refusal(v, self.failed(&invoice).map(|f| &f.error)))
                        input type="hidden" name="milestone" value=(id);
                        input type="hidden" name="currency" value=(left.currency.code());
                        label { (v.t1("engagements-invoice-amount", "currency", left.currency.code()))
                            input type="text" inputmode="decimal" name="amount" required
                                value=(self.kept(&invoice, "amount").unwrap_or_else(|| left.to_decimal_string())); }
                        label { (v.t("engagements-invoice-description"))
                            input type="text" name="description" required
                                value=(self.kept(&invoice, "description").unwrap_or_else(|| text(&m["title"]))); }
                        @if left.currency.code() == "JPY" {
                            (self.tax_choices(&invoice))
                        }
                        button type="submit" { (v.t("engagements-invoice-submit")) }
                    }
                }
            }
        }
    }

    /// How the invoice states consumption tax: within the amount, or added on top (bank
    /// transfer contracts only: a Stripe escrow holds the agreed amount), and at which rate.
    fn tax_choices(&self, form: &str) -> Markup {
        let v = self.v;
        let tax = self.kept(form, "tax").unwrap_or_else(|| "included".into());
        let rate = self.kept(form, "rate").unwrap_or_else(|| "STANDARD".into());
        let manual = self.c["fundingStatus"].is_null();
        html! {
            label { (v.t("engagements-invoice-tax"))
                select name="tax" {
                    option value="included" selected[tax == "included"] { (v.t("engagements-invoice-tax-included")) }
                    @if manual {
                        option value="separately" selected[tax == "separately"] { (v.t("engagements-invoice-tax-separately")) }
                    }
                }
            }
            label { (v.t("engagements-invoice-rate"))
                select name="rate" {
                    option value="STANDARD" selected[rate == "STANDARD"] { (v.t("engagements-invoice-rate-standard")) }
                    option value="REDUCED" selected[rate == "REDUCED"] { (v.t("engagements-invoice-rate-reduced")) }
                }
            }
        }
    }

    /// What of an accepted milestone its non-rejected invoices have not billed yet; None when
    /// nothing is left.
    fn left_to_invoice(&self, m: &Value) -> Option<Money> {
        let total = minor(&m["amount"])?;
        let billed: i64 = nodes(&self.c["invoices"])
            .iter()
            .filter(|i| i["status"] != "REJECTED" && i["milestone"]["id"] == m["id"])
            .filter_map(|i| minor(&i["amount"]))
            .map(|m| m.minor)
            .sum();
        let left = total.minor - billed;
        (left > 0).then_some(Money {
            minor: left,
            currency: total.currency,
        })
    }

    fn invoices(&self) -> Markup {
        let v = self.v;
        let invoices = nodes(&self.c["invoices"]);
        html! {
            h2 { (v.t("engagements-invoices")) }
            @if invoices.is_empty() {
                p { (v.t("engagements-work-no-invoices")) }
            } @else {
                div class="table-wrap" tabindex="0" role="region" aria-label=(v.t("engagements-invoices")) {
                    table class="wide" {
                        thead { tr {
                            th scope="col" { (v.t("engagements-col-invoice")) }
                            th scope="col" { (v.t("engagements-col-status")) }
                            th scope="col" class="num" { (v.t("engagements-col-sum")) }
                            th scope="col" { (v.t("engagements-col-submitted")) }
                            th scope="col" { (v.t("engagements-col-due")) }
                            th scope="col" { (v.t("engagements-col-payout")) }
                        } }
                        tbody {
                            @for i in &invoices {
                                tr {
                                    th scope="row" {
                                        // The invoice page opens for finance, ADMIN and the payee.
                                        @if !(self.freelancer || matches!(self.role.as_str(), "ADMIN" | "FINANCE")) { (text(&i["description"])) }
                                        @else { a href=(format!("/invoices/{}", text(&i["id"]))) { (text(&i["description"])) } }
                                    }
                                    td {
                                        (status_badge(v, "invoice", &text(&i["status"])))
                                        @if let Some(reason) = i["rejectionReason"].as_str() { br; span class="muted" { (reason) } }
                                    }
                                    td class="num" {
                                        (v.money(&i["total"]))
                                        @if i["withholdingTax"]["amount"].as_str().is_some_and(|a| a != "0") {
                                            br; span class="muted" { (v.t1("engagements-invoice-withheld", "amount", &v.money(&i["withholdingTax"]))) }
                                            br; span class="muted" { (v.t1("engagements-invoice-net", "amount", &v.money(&i["netPayable"]))) }
                                        }
                                    }
                                    td { (v.time(&i["createdAt"])) }
                                    td {
                                        (v.date(&i["paymentDueDate"]))
                                        @if i["overdue"].as_bool() == Some(true) {
                                            " " span class="badge bad" { (v.t("engagements-overdue")) }
                                        }
                                    }
                                    td {
                                        @if let Some(s) = i["payout"]["status"].as_str() {
                                            (status_badge(v, "payout", s))
                                            @if !i["payout"]["paidAt"].is_null() { " " (v.time(&i["payout"]["paidAt"])) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    fn reviews(&self) -> Markup {
        let v = self.v;
        let reviews = self.c["reviews"].as_array().cloned().unwrap_or_default();
        let my_side = if self.freelancer {
            "FREELANCER"
        } else {
            "COMPANY"
        };
        let may_review = !self.c["reviewsCloseAt"].is_null()
            && (self.freelancer || self.staff_reviewer())
            && !reviews.iter().any(|r| r["side"] == my_side);
        html! {
            @if !reviews.is_empty() || may_review {
                h2 id="review" { (v.t("engagements-reviews")) }
            }
            @for r in &reviews {
                div class="card review" {
                    p { strong { (v.t(&format!("engagements-review-side-{}", text(&r["side"])))) } " — "
                        (v.t1("engagements-review-rating", "rating", &r["rating"].to_string())) }
                    p class="note" { (text(&r["comment"])) }
                    @if let Some(rehire) = r["wouldRehire"].as_bool() {
                        p class="muted" { (v.t(if rehire { "engagements-rehire-yes" } else { "engagements-rehire-no" })) }
                    }
                    p class="muted" { (text(&r["author"]["displayName"])) " · " (v.time(&r["createdAt"])) }
                }
            }
            @if may_review {
                p { (v.t1("engagements-review-closes", "time", &v.time(&self.c["reviewsCloseAt"]))) }
                form method="post" action=(format!("/contracts/{}/reviews", self.id())) class="stack" {
                    (csrf_field(v))
                    (refusal(v, self.failed("review").map(|f| &f.error)))
                    @let rating = self.kept("review", "rating").unwrap_or_default();
                    label { (v.t("engagements-review-rating-label"))
                        select name="rating" required {
                            option value="" { (v.t("engagements-choose")) }
                            @for n in (1..=5).rev() {
                                option value=(n) selected[rating == n.to_string()] { (v.t1("engagements-review-rating", "rating", &n.to_string())) }
                            }
                        }
                    }
                    label { (v.t("engagements-review-comment"))
                        textarea name="comment" required { (self.kept("review", "comment").unwrap_or_default()) } }
                    @if !self.freelancer {
                        @let rehire = self.kept("review", "would_rehire").unwrap_or_default();
                        label { (v.t("engagements-review-rehire"))
                            span class="hint" { (v.t("engagements-review-rehire-hint")) }
                            select name="would_rehire" {
                                option value="" { (v.t("engagements-choose")) }
                                option value="yes" selected[rehire == "yes"] { (v.t("engagements-yes")) }
                                option value="no" selected[rehire == "no"] { (v.t("engagements-no")) }
                            }
                        }
                    }
                    button type="submit" { (v.t("engagements-review-submit")) }
                }
            }
        }
    }

    /// Ending early: ADMIN/MEMBER of the company or the freelancer (the API's rule), behind a
    /// warning and a confirmation box.
    fn ending(&self) -> Markup {
        let v = self.v;
        if !self.active || !(self.freelancer || self.staff_reviewer()) {
            return html! {};
        }
        let failed = self.failed("end");
        let noticed = !self.c["endsOn"].is_null();
        if noticed && !self.freelancer {
            return html! {};
        }
        html! {
            h2 { (v.t("engagements-end-title")) }
            @if self.staff_reviewer() { p class="hint" { (v.t("notice-explain")) } }
            details class="end" open[failed.is_some()] {
                summary { (v.t("engagements-end-open")) }
                p class="warning" { strong { (v.t("engagements-end-warning")) } }
                form method="post" action=(format!("/contracts/{}/end", self.id())) class="stack" {
                    (csrf_field(v))
                    (refusal(v, failed.map(|f| &f.error)))
                    label { (v.t("engagements-end-reason"))
                        textarea name="reason" required { (self.kept("end", "reason").unwrap_or_default()) } }
                    label class="check" {
                        input type="checkbox" name="confirm" value="yes" required;
                        (v.t("engagements-end-confirm"))
                    }
                    button type="submit" class="danger" { (v.t("engagements-end-submit")) }
                }
            }
        }
    }

    /// The contract's trail and its milestones' (each named), oldest first.
    fn audit(&self) -> Markup {
        let v = self.v;
        let mut events: Vec<(Value, String)> = self.c["auditTrail"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| (e.clone(), String::new()))
            .collect();
        for m in self.c["milestones"].as_array().into_iter().flatten() {
            let name = format!("{}. {}", m["position"], text(&m["title"]));
            for e in m["auditTrail"].as_array().into_iter().flatten() {
                events.push((e.clone(), name.clone()));
            }
        }
        // RFC 3339 times in UTC from one server: their text sorts as their time.
        events.sort_by(|a, b| text(&a.0["at"]).cmp(&text(&b.0["at"])));
        html! {
            h2 { (v.t("engagements-audit")) }
            details {
                summary { (v.t1("engagements-audit-show", "count", &events.len().to_string())) }
                div class="table-wrap" tabindex="0" role="region" aria-label=(v.t("engagements-audit")) {
                    table class="wide" {
                        thead { tr {
                            th scope="col" { (v.t("engagements-audit-at")) }
                            th scope="col" { (v.t("engagements-audit-actor")) }
                            th scope="col" { (v.t("engagements-audit-action")) }
                            th scope="col" { (v.t("engagements-audit-change")) }
                        } }
                        tbody {
                            @for (e, milestone) in &events {
                                tr {
                                    th scope="row" { (v.time(&e["at"])) }
                                    td { @if e["actor"].is_null() { (v.t("engagements-audit-system")) } @else { (text(&e["actor"]["displayName"])) } }
                                    td {
                                        (action_label(v, &text(&e["action"])))
                                        @if !milestone.is_empty() { br; span class="muted" { (milestone) } }
                                    }
                                    td {
                                        @if !e["toStatus"].is_null() {
                                            (status_label(v, e, "fromStatus")) " → " (status_label(v, e, "toStatus"))
                                        }
                                        @if let Some(d) = e["detail"].as_str() { br; span class="muted" { (d) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The audit actions a contract page shows in words; any other shows its code.
const ACTIONS: &[&str] = &[
    "contract.create",
    "contract.terms_issue",
    "contract.end",
    "contract.complete",
    "contract.fund",
    "contract.funding_requested",
    "contract.refund",
    "contract.refunded",
    "contract.refund_failed",
    "milestone.create",
    "milestone.submit",
    "milestone.accept",
    "milestone.auto_accept",
    "milestone.request_changes",
    "milestone.cancel",
    "milestone.pay",
];

fn action_label(v: &Visitor, action: &str) -> Markup {
    if ACTIONS.contains(&action) {
        let id = format!("engagements-action-{}", action.replace(['.', '_'], "-"));
        html! { (v.t(&id)) }
    } else {
        html! { code { (action) } }
    }
}

/// A contract's or milestone's status in words; other objects' as stored.
fn status_label(v: &Visitor, event: &Value, field: &str) -> String {
    let status = text(&event[field]);
    let (kind, known): (&str, &[&str]) = match event["objectType"].as_str() {
        Some("Contract") => ("contract", &["ACTIVE", "COMPLETED", "CANCELLED"]),
        Some("Milestone") => (
            "milestone",
            &[
                "ACTIVE",
                "SUBMITTED",
                "CHANGES_REQUESTED",
                "ACCEPTED",
                "PAID",
                "CANCELLED",
            ],
        ),
        _ => return status,
    };
    if known.contains(&status.as_str()) {
        v.t(&format!("engagements-{kind}-{status}"))
    } else {
        status
    }
}

/// A select of reason codes (Freelance Act art. 5), `chosen` kept after a refusal.
pub fn reason_code_select(v: &Visitor, chosen: Option<&str>, codes: &[&str]) -> Markup {
    html! {
        select name="reasonCode" required {
            @for code in codes {
                option value=(code) selected[chosen == Some(*code)] { (v.t(&format!("reason-code-{code}"))) }
            }
        }
    }
}

impl View<'_> {
    /// The 30 days' notice and the reason request (art. 16): the end day while notice runs, the
    /// freelancer's "ask for the reason" button, and the request as the company sees it.
    fn notice(&self) -> Markup {
        let v = self.v;
        let c = self.c;
        let failed = self.failed("ask");
        let can_ask =
            self.freelancer && c["endedByCompany"] == true && c["endReasonRequested"].is_null();
        html! {
            @if !c["endsOn"].is_null() && c["endedAt"].is_null() {
                p class="warning" role="status" { (v.t1("notice-ends-on", "date", &v.date(&c["endsOn"]))) }
            }
            @if !c["endReasonRequested"].is_null() {
                p class="notice" {
                    @if self.freelancer { (v.t("notice-asked")) } @else { (v.t("notice-reason-requested")) }
                    " " (v.time(&c["endReasonRequested"]))
                }
            }
            @if can_ask {
                form method="post" action=(format!("/contracts/{}/end-reason", self.id())) {
                    (csrf_field(v))
                    (refusal(v, failed.map(|f| &f.error)))
                    button type="submit" class="secondary" { (v.t("notice-ask-reason")) }
                }
            }
        }
    }
}
