//! The project page (`/projects/{id}`: the facts; for an alumna her own bid or the bid form;
//! for the company's staff edit / close / the bids) and the project form (publish, edit),
//! POST `/projects/{id}/close`.
use crate::console::values::Done;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, TimeZone};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value, json};

use super::bids::{BidForm, bid_form};
use super::{CATEGORIES, CURRENCIES, encode, hidden, list, refused, status_badge, text};
use crate::console::layout::{csrf_field, notice, page, refusal};
use crate::console::session::Visitor;
use crate::console::{ApiError, error_page, not_found_page, run};
use crate::http::AppState;

pub const PROJECT: &str = "query ConsoleProject($id: ID!) { \
     viewer { alumniOf { id } } \
     project(id: $id) { id title description deliveryMethod category skills deadline status visibility \
       createdAt bidCount budget { amount currencyCode } \
       company { id name viewerRole } contract { id } \
       bids(first: 20) { nodes { id status deliveryDays proposal rejectionReason createdAt \
         amount { amount currencyCode } \
         milestones { position title dueDate amount { amount currencyCode } } } } \
       auditTrail { action at fromStatus toStatus detail actor { displayName } } } }";
pub const COMPANY_FOR_NEW: &str =
    "query ConsoleProjectCompany($id: ID!) { company(id: $id) { id name viewerRole } }";
pub const PUBLISH: &str = "mutation ConsolePublishProject($input: PublishProjectInput!) { \
     publishProject(input: $input) { id } }";
pub const UPDATE: &str = "mutation ConsoleUpdateProject($input: UpdateProjectInput!) { \
     updateProject(input: $input) { id } }";
pub const CLOSE: &str = "mutation ConsoleCloseProject($id: ID!) { closeProject(id: $id) { id } }";

pub async fn show(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Query(q): Query<Done>,
) -> Response {
    let flash = q
        .done
        .as_deref()
        .filter(|d| ["published", "updated", "closed", "placed", "withdrawn"].contains(d))
        .map(|d| v.t(&format!("marketplace-done-{d}")));
    render(&state, &v, &id, &BidForm::default(), None, flash).await
}

/// The project page, with the bid form holding `form` and the refusal `error` next to it.
pub async fn render(
    state: &AppState,
    v: &Visitor,
    id: &str,
    form: &BidForm,
    error: Option<&ApiError>,
    flash: Option<String>,
) -> Response {
    if v.access.is_none() {
        return crate::console::log_in_first(v);
    }
    let data = match run(state, v, PROJECT, json!({ "id": id })).await {
        Ok(data) => data,
        Err(err) if hidden(&err) => return not_found_page(v),
        Err(err) => return error_page(v, &err),
    };
    let p = &data["project"];
    if p.is_null() {
        return not_found_page(v);
    }
    let role = text(&p["company"]["viewerRole"]);
    let staff = !role.is_empty();
    let manages = role == "ADMIN" || role == "MEMBER";
    let open = text(&p["status"]) == "OPEN";
    let alumna = !list(&data["viewer"]["alumniOf"]).is_empty();
    let own_bids = if staff {
        Vec::new()
    } else {
        list(&p["bids"]["nodes"])
    };
    let live_bid = own_bids
        .iter()
        .any(|b| matches!(b["status"].as_str(), Some("PENDING" | "ACCEPTED")));
    let may_bid = !staff && alumna && open && !live_bid;
    let currency = text(&p["budget"]["currencyCode"]);
    let content = html! {
        @if let Some(flash) = &flash { (notice(flash)) }
        p { (status_badge(v, "project", &text(&p["status"]))) }
        dl class="facts" {
            dt { (v.t("marketplace-field-company")) }
            dd { (text(&p["company"]["name"])) }
            dt { (v.t("marketplace-field-category")) }
            dd { (v.t(&format!("marketplace-category-{}", text(&p["category"])))) }
            dt { (v.t("marketplace-field-budget")) }
            dd { (v.money(&p["budget"])) }
            dt { (v.t("marketplace-field-deadline")) }
            dd { @if p["deadline"].is_null() { (v.t("marketplace-no-deadline")) } @else { (v.time(&p["deadline"])) } }
            dt { (v.t("marketplace-field-skills")) }
            dd { (list(&p["skills"]).iter().map(text).collect::<Vec<_>>().join(", ")) }
            dt { (v.t("marketplace-field-published")) }
            dd { (v.day(&p["createdAt"])) }
        }
        h2 { (v.t("marketplace-field-description")) }
        div class="prose" { @for line in text(&p["description"]).lines() { p { (line) } } }
        h2 { (v.t("marketplace-field-delivery-method")) }
        @if p["deliveryMethod"].is_null() {
            p { (v.t("marketplace-delivery-default")) }
        } @else {
            div class="prose" { @for line in text(&p["deliveryMethod"]).lines() { p { (line) } } }
        }
        @if staff {
            h2 { (v.t("marketplace-project-manage")) }
            div class="actions" {
                a href=(format!("/projects/{id}/bids")) {
                    (v.t1("marketplace-project-bids-link", "count", &p["bidCount"].as_i64().unwrap_or(0).to_string()))
                }
                @if manages && open {
                    a href=(format!("/projects/{id}/edit")) { (v.t("marketplace-project-edit")) }
                    form method="post" action=(format!("/projects/{id}/close")) {
                        (csrf_field(v))
                        button type="submit" class="danger" { (v.t("marketplace-project-close")) }
                    }
                }
                @if let Some(contract) = p["contract"]["id"].as_str() {
                    a href=(format!("/contracts/{contract}")) { (v.t("marketplace-contract-link")) }
                }
            }
            (audit_trail(v, &list(&p["auditTrail"])))
        }
        @if !own_bids.is_empty() {
            h2 { (v.t("marketplace-own-bid")) }
            @for b in &own_bids { (own_bid(v, b, p)) }
        }
        @if may_bid {
            h2 { (v.t("marketplace-bid-form-title")) }
            (refusal(v, error))
            (bid_form(v, id, &currency, form))
        } @else {
            // The bid was refused because bidding is over (closed, or her live bid exists).
            (refusal(v, error))
            @if !staff && !alumna {
                p class="muted" { (v.t("marketplace-bid-alumni-only")) }
            }
        }
    };
    let response = page(v, &text(&p["title"]), content);
    match error {
        Some(err) => refused(err, response),
        None => response.into_response(),
    }
}

fn own_bid(v: &Visitor, b: &Value, p: &Value) -> Markup {
    let status = text(&b["status"]);
    let milestones = list(&b["milestones"]);
    html! {
        section class="card own-bid" {
            p { (status_badge(v, "bid", &status)) " " (v.money(&b["amount"])) " · "
                (v.t1("marketplace-delivery-days-value", "days", &b["deliveryDays"].to_string())) }
            @if let Some(reason) = b["rejectionReason"].as_str() {
                p { strong { (v.t("marketplace-rejection-reason")) } " " (reason) }
            }
            p { (text(&b["proposal"])) }
            @if !milestones.is_empty() {
                div class="table-wrap" {
                    table {
                        caption { (v.t("marketplace-milestones")) }
                        thead { tr {
                            th scope="col" { (v.t("marketplace-milestone-title")) }
                            th scope="col" class="num" { (v.t("marketplace-milestone-amount")) }
                            th scope="col" { (v.t("marketplace-milestone-due")) }
                        } }
                        tbody { @for m in &milestones { tr {
                            td { (text(&m["title"])) }
                            td class="num" { (v.money(&m["amount"])) }
                            td { (v.date(&m["dueDate"])) }
                        } } }
                    }
                }
            }
            @if status == "PENDING" {
                form method="post" action=(format!("/bids/{}/withdraw", text(&b["id"]))) {
                    (csrf_field(v))
                    button type="submit" class="secondary" { (v.t("marketplace-bid-withdraw")) }
                }
            }
            @if status == "ACCEPTED" {
                @if let Some(contract) = p["contract"]["id"].as_str() {
                    p { a href=(format!("/contracts/{contract}")) { (v.t("marketplace-contract-link")) } }
                }
            }
        }
    }
}

fn audit_trail(v: &Visitor, events: &[Value]) -> Markup {
    if events.is_empty() {
        return html! {};
    }
    html! {
        details {
            summary { (v.t("marketplace-audit-trail")) }
            ul {
                @for e in events {
                    li {
                        (v.time(&e["at"])) " — " code { (text(&e["action"])) }
                        @if let Some(name) = e["actor"]["displayName"].as_str() { " (" (name) ")" }
                        @if let Some(detail) = e["detail"].as_str() { " " span class="muted" { (detail) } }
                    }
                }
            }
        }
    }
}

/// What the project form holds: empty for a new project, the project's values for an edit,
/// the submitted values after a refusal.
#[derive(Deserialize, Default, Clone)]
pub struct ProjectForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    skills: String,
    #[serde(default)]
    budget: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    visibility: String,
    /// The place or manner of delivery; blank: Boomerang's delivery form.
    #[serde(default)]
    delivery_method: String,
}

impl ProjectForm {
    fn skills(&self) -> Vec<String> {
        self.skills
            .split([',', '、'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// The deadline: the end of the chosen day in the viewer's time zone; null when blank;
    /// the raw text when it is not a date (the API then refuses it with its reason).
    fn deadline(&self, v: &Visitor) -> Value {
        let raw = self.deadline.trim();
        if raw.is_empty() {
            return Value::Null;
        }
        NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(23, 59, 59))
            .and_then(|t| v.tz.from_local_datetime(&t).earliest())
            .map(|t| Value::String(t.with_timezone(&chrono::Utc).to_rfc3339()))
            .unwrap_or_else(|| Value::String(raw.to_string()))
    }
}

fn project_form(
    v: &Visitor,
    action: &str,
    company: Option<&str>,
    f: &ProjectForm,
    editing: bool,
) -> Markup {
    html! {
        form method="post" action=(action) class="stack" {
            (csrf_field(v))
            @if let Some(company) = company { input type="hidden" name="company" value=(company); }
            label { (v.t("marketplace-field-title"))
                input type="text" name="title" value=(f.title) required maxlength="200"; }
            label { (v.t("marketplace-field-description"))
                textarea name="description" required { (f.description) } }
            label { (v.t("marketplace-field-delivery-method"))
                span class="hint" id="delivery-hint" { (v.t("marketplace-delivery-hint")) }
                textarea name="delivery_method" rows="2" maxlength="2000" aria-describedby="delivery-hint" { (f.delivery_method) } }
            @if !editing {
                label { (v.t("marketplace-field-category"))
                    select name="category" {
                        @for c in CATEGORIES {
                            option value=(c) selected[f.category == *c] { (v.t(&format!("marketplace-category-{c}"))) }
                        }
                    }
                }
            }
            label { (v.t("marketplace-field-skills"))
                span class="hint" id="skills-hint" { (v.t("marketplace-skills-hint")) }
                input type="text" name="skills" value=(f.skills) aria-describedby="skills-hint"; }
            div class="row" {
                label { (v.t("marketplace-field-budget"))
                    input type="text" inputmode="decimal" name="budget" value=(f.budget) required; }
                label { (v.t("marketplace-field-currency"))
                    select name="currency" {
                        @for c in CURRENCIES { option value=(c) selected[f.currency == *c] { (c) } }
                    }
                }
            }
            label { (v.t("marketplace-field-deadline"))
                input type="date" name="deadline" value=(f.deadline); }
            @if !editing {
                fieldset {
                    legend { (v.t("marketplace-field-visibility")) }
                    @for vis in ["COMPANY_ALUMNI", "ALL_ALUMNI"] {
                        label class="inline" {
                            input type="radio" name="visibility" value=(vis)
                                checked[f.visibility == vis || (f.visibility.is_empty() && vis == "COMPANY_ALUMNI")];
                            (v.t(&format!("marketplace-visibility-{vis}")))
                        }
                    }
                }
            }
            button type="submit" {
                (if editing { v.t("marketplace-project-save") } else { v.t("marketplace-project-publish") })
            }
        }
    }
}

#[derive(Deserialize)]
pub struct NewQuery {
    company: Option<String>,
}

pub async fn new_form(
    State(state): State<AppState>,
    v: Visitor,
    Query(q): Query<NewQuery>,
) -> Response {
    let form = ProjectForm {
        currency: "JPY".into(),
        ..Default::default()
    };
    new_page(
        &state,
        &v,
        q.company.as_deref().unwrap_or_default(),
        &form,
        None,
    )
    .await
}

async fn new_page(
    state: &AppState,
    v: &Visitor,
    company: &str,
    form: &ProjectForm,
    error: Option<&ApiError>,
) -> Response {
    if v.access.is_none() {
        return crate::console::log_in_first(v);
    }
    let data = match run(state, v, COMPANY_FOR_NEW, json!({ "id": company })).await {
        Ok(data) => data,
        Err(err) if hidden(&err) => return not_found_page(v),
        Err(err) => return error_page(v, &err),
    };
    let c = &data["company"];
    // Only ADMIN and MEMBER may publish; FINANCE and strangers do not get the form.
    if !matches!(c["viewerRole"].as_str(), Some("ADMIN" | "MEMBER")) {
        return not_found_page(v);
    }
    let markup = page(
        v,
        &v.t("marketplace-new-title"),
        html! {
            p { (v.t1("marketplace-new-for", "company", &text(&c["name"]))) }
            (refusal(v, error))
            (project_form(v, "/projects/new", Some(company), form, false))
        },
    );
    match error {
        Some(err) => refused(err, markup),
        None => markup.into_response(),
    }
}

#[derive(Deserialize)]
pub struct PublishForm {
    company: String,
    #[serde(flatten)]
    form: ProjectForm,
}

pub async fn publish(
    State(state): State<AppState>,
    v: Visitor,
    Form(f): Form<PublishForm>,
) -> Response {
    let p = &f.form;
    let input = json!({ "input": {
        "companyId": f.company,
        "title": p.title,
        "description": p.description,
        "deliveryMethod": p.delivery_method,
        "category": CATEGORIES.iter().find(|c| **c == p.category).unwrap_or(&"OTHER"),
        "skills": p.skills(),
        "budget": { "amount": p.budget.trim(), "currencyCode": p.currency },
        "deadline": p.deadline(&v),
        "visibility": if p.visibility == "ALL_ALUMNI" { "ALL_ALUMNI" } else { "COMPANY_ALUMNI" },
    } });
    match run(&state, &v, PUBLISH, input).await {
        Ok(data) => Redirect::to(&format!(
            "/projects/{}?done=published",
            text(&data["publishProject"]["id"])
        ))
        .into_response(),
        Err(err) => new_page(&state, &v, &f.company, p, Some(&err)).await,
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
) -> Response {
    if v.access.is_none() {
        return crate::console::log_in_first(&v);
    }
    let data = match run(&state, &v, PROJECT, json!({ "id": id })).await {
        Ok(data) => data,
        Err(err) if hidden(&err) => return not_found_page(&v),
        Err(err) => return error_page(&v, &err),
    };
    let p = &data["project"];
    if !matches!(
        p["company"]["viewerRole"].as_str(),
        Some("ADMIN" | "MEMBER")
    ) {
        return not_found_page(&v);
    }
    let deadline = p["deadline"]
        .as_str()
        .and_then(|d| chrono::DateTime::parse_from_rfc3339(d).ok())
        .map(|d| d.with_timezone(&v.tz).format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let form = ProjectForm {
        title: text(&p["title"]),
        description: text(&p["description"]),
        category: text(&p["category"]),
        skills: list(&p["skills"])
            .iter()
            .map(text)
            .collect::<Vec<_>>()
            .join(", "),
        budget: text(&p["budget"]["amount"]),
        currency: text(&p["budget"]["currencyCode"]),
        deadline,
        visibility: text(&p["visibility"]),
        delivery_method: text(&p["deliveryMethod"]),
    };
    edit_page(&v, &id, &form, None)
}

fn edit_page(v: &Visitor, id: &str, form: &ProjectForm, error: Option<&ApiError>) -> Response {
    let markup = page(
        v,
        &v.t("marketplace-edit-title"),
        html! {
            (refusal(v, error))
            (project_form(v, &format!("/projects/{id}/edit"), None, form, true))
            p { a href=(format!("/projects/{id}")) { (v.t("marketplace-back-to-project")) } }
        },
    );
    match error {
        Some(err) => refused(err, markup),
        None => markup.into_response(),
    }
}

pub async fn update(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(f): Form<ProjectForm>,
) -> Response {
    let input = json!({ "input": {
        "id": id,
        "title": f.title,
        "description": f.description,
        "deliveryMethod": f.delivery_method,
        "skills": f.skills(),
        "budget": { "amount": f.budget.trim(), "currencyCode": f.currency },
        "deadline": f.deadline(&v),
    } });
    match run(&state, &v, UPDATE, input).await {
        Ok(_) => Redirect::to(&format!("/projects/{}?done=updated", encode(&id))).into_response(),
        Err(err) if err.code == "NOT_FOUND" => not_found_page(&v),
        Err(err) => edit_page(&v, &id, &f, Some(&err)),
    }
}

pub async fn close(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    match run(&state, &v, CLOSE, json!({ "id": id })).await {
        Ok(_) => Redirect::to(&format!("/projects/{}?done=closed", encode(&id))).into_response(),
        Err(err) if hidden(&err) => not_found_page(&v),
        Err(err) => error_page(&v, &err),
    }
}
