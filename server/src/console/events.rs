//! Events and speakers (issue 13 §6).
//!
//! - `/companies/{id}/events` (the company's staff): its events with their attendee counts and
//!   speaker invitations; ADMIN/MEMBER create an event and invite a consenting alumna to speak
//!   for an honorarium.
//! - `/events` (everyone signed in): the events of the companies whose roster lists them and
//!   to which they consented (RSVP, seats left), and their invitations to speak: accept or
//!   decline, and after the event "invoice the honorarium" — a lecture fee, withholding shown.
//!   Finance then approves and pays it on the existing finance pages.
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{NaiveDateTime, TimeZone};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value, json};

use super::layout::{csrf_field, notice, page, refusal, status_badge};
use super::session::Visitor;
use super::values::{Done, text};
use super::{ApiError, error_page, log_in_first, not_found_page, run};
use crate::http::AppState;

pub const COMPANY_EVENTS: &str = "query ConsoleCompanyEvents($id: ID!) { \
     company(id: $id) { id name viewerRole } \
     events(companyId: $id) { id title kind startsAt endsAt place online capacity seatsTaken \
     seatsLeft ended invitableSpeakers { id displayName } \
     speakerInvitations { id topic status honorarium { amount currencyCode } \
     speaker { displayName } invoice { id status withholdingTax { amount currencyCode } } } } }";
pub const CREATE_EVENT: &str = "mutation ConsoleCreateEvent($input: CreateEventInput!) { \
     createEvent(input: $input) { id } }";
pub const INVITE_SPEAKER: &str = "mutation ConsoleInviteSpeaker($input: InviteSpeakerInput!) { \
     inviteSpeaker(input: $input) { id } }";
pub const MY_EVENTS: &str = "query ConsoleEvents { \
     events { id title kind startsAt endsAt place online capacity seatsLeft ended attending \
     company { id name viewerRole } } \
     speakerInvitations { id topic status honorarium { amount currencyCode } \
     event { id title startsAt endsAt ended company { name } } \
     invoice { id status amount { amount currencyCode } withholdingTax { amount currencyCode } \
     netPayable { amount currencyCode } } } }";
pub const RSVP: &str = "mutation ConsoleRsvp($id: ID!) { rsvp(eventId: $id) { id } }";
pub const CANCEL_RSVP: &str =
    "mutation ConsoleCancelRsvp($id: ID!) { cancelRsvp(eventId: $id) { id } }";
pub const ACCEPT: &str = "mutation ConsoleAcceptSpeaker($id: ID!) { \
     acceptSpeakerInvitation(id: $id) { id } }";
pub const DECLINE: &str = "mutation ConsoleDeclineSpeaker($id: ID!) { \
     declineSpeakerInvitation(id: $id) { id } }";
pub const INVOICE: &str = "mutation ConsoleInvoiceHonorarium($id: ID!) { \
     invoiceHonorarium(invitationId: $id) { id } }";

pub const DOCUMENTS: &[&str] = &[
    COMPANY_EVENTS,
    CREATE_EVENT,
    INVITE_SPEAKER,
    MY_EVENTS,
    RSVP,
    CANCEL_RSVP,
    ACCEPT,
    DECLINE,
    INVOICE,
];

const KINDS: [&str; 3] = ["RECRUITING_SEMINAR", "ALUMNI_MEETUP", "OTHER"];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/companies/{id}/events",
            get(company_show).post(company_create),
        )
        .route("/companies/{id}/events/invite", post(company_invite))
        .route("/events", get(mine_show))
        .route("/events/{id}/rsvp", post(rsvp))
        .route("/events/{id}/cancel", post(cancel))
        .route("/events/invitations/{id}/accept", post(accept))
        .route("/events/invitations/{id}/decline", post(decline))
        .route("/events/invitations/{id}/invoice", post(invoice))
}

// ---------------------------------------------------------------------------------------
// The company's events (staff).

#[derive(Deserialize, Default, Clone)]
pub struct EventForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    ends_at: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    online: Option<String>,
    #[serde(default)]
    capacity: String,
}

#[derive(Deserialize, Default, Clone)]
pub struct InviteForm {
    #[serde(default)]
    event_id: String,
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    amount: String,
}

/// A `datetime-local` value read in the visitor's time zone, as RFC 3339; the raw text when it
/// is not one (the API then refuses it, naming the field).
fn local_time(v: &Visitor, raw: &str) -> Value {
    let raw = raw.trim();
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok())
        .and_then(|t| v.tz.from_local_datetime(&t).earliest())
        .map(|t| Value::String(t.with_timezone(&chrono::Utc).to_rfc3339()))
        .unwrap_or_else(|| Value::String(raw.to_string()))
}

enum Failed<'a> {
    Create(&'a EventForm),
    Invite(&'a InviteForm),
}

/// The staff page's data, or the page to show instead (log-in, not found for non-staff).
async fn company_events(state: &AppState, v: &Visitor, id: &str) -> Result<Value, Response> {
    if v.access.is_none() {
        return Err(log_in_first(v));
    }
    let data = run(state, v, COMPANY_EVENTS, json!({ "id": id }))
        .await
        .map_err(|err| error_page(v, &err))?;
    if data["company"].is_null() || data["company"]["viewerRole"].is_null() {
        return Err(not_found_page(v));
    }
    Ok(data)
}

fn manages(data: &Value) -> bool {
    matches!(
        data["company"]["viewerRole"].as_str(),
        Some("ADMIN" | "MEMBER")
    )
}

fn when(v: &Visitor, e: &Value) -> String {
    v.tn(
        "events-when",
        &[
            ("start", &v.time(&e["startsAt"])),
            ("end", &v.time(&e["endsAt"])),
        ],
    )
}

fn company_page(
    v: &Visitor,
    data: &Value,
    flash: Option<&str>,
    failed: Option<(Failed<'_>, &ApiError)>,
) -> Markup {
    let company = &data["company"];
    let id = text(&company["id"]);
    let events = data["events"].as_array().cloned().unwrap_or_default();
    let blank = EventForm {
        kind: "RECRUITING_SEMINAR".into(),
        capacity: "50".into(),
        ..Default::default()
    };
    let (create_error, form) = match &failed {
        Some((Failed::Create(f), err)) => (Some(*err), (*f).clone()),
        _ => (None, blank),
    };
    let (invite_error, invite) = match &failed {
        Some((Failed::Invite(f), err)) => (Some(*err), Some((*f).clone())),
        _ => (None, None),
    };
    page(
        v,
        &v.t1("events-company-title", "company", &text(&company["name"])),
        html! {
            p { a href=(format!("/companies/{id}")) { (v.t("events-back-to-company")) } }
            @if let Some(flash) = flash {
                (notice(&v.t(&format!("events-done-{flash}"))))
            }
            @if events.is_empty() {
                p class="muted" { (v.t("events-none")) }
            }
            @for e in &events {
                @let eid = text(&e["id"]);
                section class="card" aria-labelledby=(format!("ev-{eid}")) {
                    h2 id=(format!("ev-{eid}")) { (text(&e["title"])) }
                    p {
                        span class="badge" { (v.t(&format!("events-kind-{}", text(&e["kind"])))) }
                        " "
                        @if e["ended"] == true { span class="badge" { (v.t("events-ended")) } }
                    }
                    dl class="facts" {
                        dt { (v.t("events-when-label")) } dd { (when(v, e)) }
                        dt { (v.t("events-place")) } dd {
                            (text(&e["place"]))
                            @if e["online"] == true { " (" (v.t("events-online")) ")" }
                        }
                        dt { (v.t("events-attendees")) } dd {
                            (v.tn("events-attendees-count", &[
                                ("taken", &e["seatsTaken"].to_string()),
                                ("capacity", &e["capacity"].to_string()),
                            ]))
                        }
                    }
                    @let invitations = e["speakerInvitations"].as_array().cloned().unwrap_or_default();
                    h3 { (v.t("events-speakers")) }
                    @if invitations.is_empty() {
                        p class="muted" { (v.t("events-no-speakers")) }
                    } @else {
                        div class="table-wrap" tabindex="0" role="region"
                            aria-label=(v.t1("events-speakers-of", "event", &text(&e["title"]))) {
                            table {
                                caption { (v.t1("events-speakers-of", "event", &text(&e["title"]))) }
                                thead { tr {
                                    th scope="col" { (v.t("events-col-speaker")) }
                                    th scope="col" { (v.t("events-col-topic")) }
                                    th scope="col" { (v.t("events-col-honorarium")) }
                                    th scope="col" { (v.t("events-col-status")) }
                                } }
                                tbody {
                                    @for i in &invitations {
                                        tr {
                                            th scope="row" { (text(&i["speaker"]["displayName"])) }
                                            td { (text(&i["topic"])) }
                                            td { (v.money(&i["honorarium"])) }
                                            td {
                                                (status_badge(v, &format!("events-status-{}", text(&i["status"])), &text(&i["status"])))
                                                @if !i["invoice"].is_null() {
                                                    br;
                                                    a href=(format!("/invoices/{}", text(&i["invoice"]["id"]))) {
                                                        (v.t1("events-invoice-status", "status", &v.t(&format!("events-invoice-{}", text(&i["invoice"]["status"])))))
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    @if manages(data) {
                        @let speakers = e["invitableSpeakers"].as_array().cloned().unwrap_or_default();
                        @let kept = invite.as_ref().filter(|f| f.event_id == eid);
                        h3 id=(format!("invite-{eid}")) { (v.t("events-invite-title")) }
                        @if kept.is_some() { (refusal(v, invite_error)) }
                        @if speakers.is_empty() {
                            p class="muted" { (v.t("events-no-invitable")) }
                        } @else {
                            form method="post" action=(format!("/companies/{id}/events/invite")) class="stack"
                                aria-labelledby=(format!("invite-{eid}")) {
                                (csrf_field(v))
                                input type="hidden" name="event_id" value=(eid);
                                div class="row" {
                                    label { (v.t("events-col-speaker"))
                                        select name="user_id" required {
                                            @for s in &speakers {
                                                @let sid = text(&s["id"]);
                                                option value=(sid) selected[kept.is_some_and(|f| f.user_id == sid)] { (text(&s["displayName"])) }
                                            }
                                        }
                                    }
                                    label { (v.t("events-col-topic"))
                                        input type="text" name="topic" required maxlength="500"
                                            value=(kept.map(|f| f.topic.as_str()).unwrap_or_default()); }
                                    label { (v.t("events-honorarium-yen"))
                                        input type="text" name="amount" inputmode="numeric" required
                                            value=(kept.map(|f| f.amount.as_str()).unwrap_or_default()); }
                                }
                                p class="muted" { (v.t("events-honorarium-note")) }
                                button type="submit" { (v.t("events-invite-submit")) }
                            }
                        }
                    }
                }
            }
            @if manages(data) {
                h2 id="create-event" { (v.t("events-create-title")) }
                (refusal(v, create_error))
                form method="post" action=(format!("/companies/{id}/events")) class="stack" aria-labelledby="create-event" {
                    (csrf_field(v))
                    label { (v.t("events-field-title"))
                        input type="text" name="title" required maxlength="200" value=(form.title); }
                    label { (v.t("events-field-kind"))
                        select name="kind" {
                            @for k in KINDS {
                                option value=(k) selected[form.kind == k] { (v.t(&format!("events-kind-{k}"))) }
                            }
                        }
                    }
                    div class="row" {
                        label { (v.t("events-field-starts"))
                            input type="datetime-local" name="starts_at" required value=(form.starts_at); }
                        label { (v.t("events-field-ends"))
                            input type="datetime-local" name="ends_at" required value=(form.ends_at); }
                    }
                    label { (v.t("events-place"))
                        input type="text" name="place" required maxlength="500" value=(form.place); }
                    label class="check" {
                        input type="checkbox" name="online" value="on" checked[form.online.is_some()];
                        " " (v.t("events-online"))
                    }
                    label { (v.t("events-field-capacity"))
                        input type="number" name="capacity" min="1" required value=(form.capacity); }
                    button type="submit" { (v.t("events-create-submit")) }
                }
            }
        },
    )
}

pub async fn company_show(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Query(q): Query<Done>,
) -> Response {
    match company_events(&state, &v, &id).await {
        Ok(data) => {
            let flash = match q.done.as_deref() {
                Some(d @ ("created" | "invited")) => Some(d),
                _ => None,
            };
            company_page(&v, &data, flash, None).into_response()
        }
        Err(response) => response,
    }
}

pub async fn company_create(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(f): Form<EventForm>,
) -> Response {
    let data = match company_events(&state, &v, &id).await {
        Ok(data) => data,
        Err(response) => return response,
    };
    let company_id = text(&data["company"]["id"]);
    let capacity: Value = f
        .capacity
        .trim()
        .parse::<i32>()
        .map(Value::from)
        .unwrap_or(Value::from(0));
    let input = json!({ "input": {
        "companyId": company_id, "title": f.title, "kind": f.kind,
        "startsAt": local_time(&v, &f.starts_at), "endsAt": local_time(&v, &f.ends_at),
        "place": f.place, "online": f.online.is_some(), "capacity": capacity,
    } });
    match run(&state, &v, CREATE_EVENT, input).await {
        Ok(_) => {
            Redirect::to(&format!("/companies/{company_id}/events?done=created")).into_response()
        }
        Err(err) => (
            err.status(),
            company_page(&v, &data, None, Some((Failed::Create(&f), &err))),
        )
            .into_response(),
    }
}

pub async fn company_invite(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(f): Form<InviteForm>,
) -> Response {
    let data = match company_events(&state, &v, &id).await {
        Ok(data) => data,
        Err(response) => return response,
    };
    let company_id = text(&data["company"]["id"]);
    let input = json!({ "input": {
        "eventId": f.event_id, "userId": f.user_id, "topic": f.topic,
        "honorarium": { "amount": f.amount.trim().replace(',', ""), "currencyCode": "JPY" },
    } });
    match run(&state, &v, INVITE_SPEAKER, input).await {
        Ok(_) => {
            Redirect::to(&format!("/companies/{company_id}/events?done=invited")).into_response()
        }
        Err(err) => (
            err.status(),
            company_page(&v, &data, None, Some((Failed::Invite(&f), &err))),
        )
            .into_response(),
    }
}

// ---------------------------------------------------------------------------------------
// Her events and invitations.

fn mine_page(v: &Visitor, data: &Value, flash: Option<&str>, error: Option<&ApiError>) -> Markup {
    let events = data["events"].as_array().cloned().unwrap_or_default();
    let invitations = data["speakerInvitations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    page(
        v,
        &v.t("events-title"),
        html! {
            @if let Some(flash) = flash {
                (notice(&v.t(&format!("events-done-{flash}"))))
            }
            (refusal(v, error))
            @if !invitations.is_empty() {
                h2 { (v.t("events-invitations-title")) }
                @for i in &invitations {
                    @let iid = text(&i["id"]);
                    @let status = text(&i["status"]);
                    section class="card" aria-labelledby=(format!("inv-{iid}")) {
                        h3 id=(format!("inv-{iid}")) { (text(&i["event"]["title"])) }
                        p class="muted" { (text(&i["event"]["company"]["name"])) " · " (when(v, &i["event"])) }
                        dl class="facts" {
                            dt { (v.t("events-col-topic")) } dd { (text(&i["topic"])) }
                            dt { (v.t("events-col-honorarium")) } dd { (v.money(&i["honorarium"])) }
                            dt { (v.t("events-col-status")) } dd {
                                (status_badge(v, &format!("events-status-{status}"), &status))
                            }
                            @if !i["invoice"].is_null() {
                                @let inv = &i["invoice"];
                                dt { (v.t("events-invoice")) } dd {
                                    (status_badge(v, &format!("events-invoice-{}", text(&inv["status"])), &text(&inv["status"])))
                                    " "
                                    a href=(format!("/invoices/{}", text(&inv["id"]))) { (v.t("events-invoice-open")) }
                                }
                                dt { (v.t("events-invoice-amount")) } dd { (v.money(&inv["amount"])) }
                                dt { (v.t("events-withholding")) } dd { (v.money(&inv["withholdingTax"])) }
                                dt { (v.t("events-net")) } dd { (v.money(&inv["netPayable"])) }
                            }
                        }
                        @if status == "INVITED" {
                            div class="actions" {
                                form method="post" action=(format!("/events/invitations/{iid}/accept")) class="inline" {
                                    (csrf_field(v))
                                    button type="submit" { (v.t("events-accept")) }
                                }
                                form method="post" action=(format!("/events/invitations/{iid}/decline")) class="inline" {
                                    (csrf_field(v))
                                    button type="submit" class="secondary" { (v.t("events-decline")) }
                                }
                            }
                        } @else if status == "ACCEPTED" && i["invoice"].is_null() {
                            @if i["event"]["ended"] == true {
                                p class="muted" { (v.t("events-lecture-fee-note")) }
                                form method="post" action=(format!("/events/invitations/{iid}/invoice")) {
                                    (csrf_field(v))
                                    button type="submit" { (v.t("events-invoice-honorarium")) }
                                }
                            } @else {
                                p class="muted" { (v.t("events-invoice-after")) }
                            }
                        }
                    }
                }
            }
            h2 { (v.t("events-list-title")) }
            @if events.is_empty() {
                p class="muted" { (v.t("events-none-visible")) }
            }
            @for e in &events {
                @let eid = text(&e["id"]);
                @let staff = !e["company"]["viewerRole"].is_null();
                section class="card" aria-labelledby=(format!("ev-{eid}")) {
                    h3 id=(format!("ev-{eid}")) { (text(&e["title"])) }
                    p class="muted" {
                        (text(&e["company"]["name"])) " · "
                        (v.t(&format!("events-kind-{}", text(&e["kind"]))))
                    }
                    dl class="facts" {
                        dt { (v.t("events-when-label")) } dd { (when(v, e)) }
                        dt { (v.t("events-place")) } dd {
                            (text(&e["place"]))
                            @if e["online"] == true { " (" (v.t("events-online")) ")" }
                        }
                        dt { (v.t("events-seats-left")) } dd {
                            (v.tn("events-seats-left-count", &[
                                ("left", &e["seatsLeft"].to_string()),
                                ("capacity", &e["capacity"].to_string()),
                            ]))
                        }
                    }
                    @if staff {
                        p { a href=(format!("/companies/{}/events", text(&e["company"]["id"]))) { (v.t("events-manage")) } }
                    } @else if e["attending"] == true {
                        p { span class="badge good" { (v.t("events-attending")) } }
                        form method="post" action=(format!("/events/{eid}/cancel")) {
                            (csrf_field(v))
                            button type="submit" class="secondary" { (v.t("events-cancel")) }
                        }
                    } @else if e["ended"] == true {
                        p class="muted" { (v.t("events-ended")) }
                    } @else {
                        form method="post" action=(format!("/events/{eid}/rsvp")) {
                            (csrf_field(v))
                            button type="submit" { (v.t("events-rsvp")) }
                        }
                    }
                }
            }
            p class="muted" { (v.t("events-consent-note")) }
        },
    )
}

async fn mine_data(state: &AppState, v: &Visitor) -> Result<Value, Response> {
    if v.access.is_none() {
        return Err(log_in_first(v));
    }
    run(state, v, MY_EVENTS, json!({}))
        .await
        .map_err(|err| error_page(v, &err))
}

pub async fn mine_show(
    State(state): State<AppState>,
    v: Visitor,
    Query(q): Query<Done>,
) -> Response {
    match mine_data(&state, &v).await {
        Ok(data) => {
            let flash = match q.done.as_deref() {
                Some(d @ ("rsvp" | "cancelled" | "accepted" | "declined" | "invoiced")) => Some(d),
                _ => None,
            };
            mine_page(&v, &data, flash, None).into_response()
        }
        Err(response) => response,
    }
}

/// Runs one of her actions; back to `/events` with its notice, or the page with the refusal.
async fn act(state: &AppState, v: &Visitor, doc: &str, id: &str, done: &str) -> Response {
    if v.access.is_none() {
        return log_in_first(v);
    }
    match run(state, v, doc, json!({ "id": id })).await {
        Ok(_) => Redirect::to(&format!("/events?done={done}")).into_response(),
        Err(err) if err.code == "NOT_FOUND" => not_found_page(v),
        Err(err) => match mine_data(state, v).await {
            Ok(data) => (err.status(), mine_page(v, &data, None, Some(&err))).into_response(),
            Err(response) => response,
        },
    }
}

pub async fn rsvp(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    act(&state, &v, RSVP, &id, "rsvp").await
}

pub async fn cancel(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    act(&state, &v, CANCEL_RSVP, &id, "cancelled").await
}

pub async fn accept(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    act(&state, &v, ACCEPT, &id, "accepted").await
}

pub async fn decline(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
) -> Response {
    act(&state, &v, DECLINE, &id, "declined").await
}

pub async fn invoice(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
) -> Response {
    act(&state, &v, INVOICE, &id, "invoiced").await
}
