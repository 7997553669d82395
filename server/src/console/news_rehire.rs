//! Company news and boomerang rehire in the console (issue 13 §4, §5). For alumni: `/news`
//! (every post of her companies whose NEWS consent she holds) and `/openings` (open openings of
//! her companies with REHIRE consent, apply, withdraw). For staff: `/companies/{id}/news`
//! (post), `/companies/{id}/openings` (publish, close, the applications board with a button per
//! allowed move) and `/companies/{id}/rehire-metrics`. Each page runs its documents against the
//! API, which checks roles and consent; a company the visitor may not see is the not-found page.
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use serde_json::{Value, json};

use super::layout::{csrf_field, notice, page, refusal, status_badge};
use super::session::Visitor;
use super::{ApiError, error_page, log_in_first, not_found_page, run};
use crate::http::AppState;

pub const MY_COMPANIES: &str =
    "query ConsoleNetworkCompanies { viewer { id alumniOf { id name } } }";
pub const NEWS: &str = "query ConsoleNews($id: ID!) { company(id: $id) { id name viewerRole } \
     news(companyId: $id, first: 50) { edges { node { id title bodyHtml category pinned createdAt readerCount } } } }";
pub const POST_NEWS: &str =
    "mutation ConsolePostNews($input: PostNewsInput!) { postNews(input: $input) { id } }";
pub const OPENINGS: &str = "query ConsoleOpenings($id: ID!) { company(id: $id) { id name viewerRole } \
     openings(companyId: $id, first: 50) { edges { node { id title department employmentType location remote description status createdAt \
     myApplication { id status } applications { id status note createdAt applicant { displayName } } } } } }";
pub const PUBLISH: &str = "mutation ConsolePublishOpening($input: PublishOpeningInput!) { publishOpening(input: $input) { id } }";
pub const CLOSE: &str = "mutation ConsoleCloseOpening($id: ID!) { closeOpening(id: $id) { id } }";
pub const APPLY: &str =
    "mutation ConsoleApply($input: ApplyToOpeningInput!) { applyToOpening(input: $input) { id } }";
pub const MOVE: &str = "mutation ConsoleMoveApplication($input: MoveApplicationInput!) { moveApplication(input: $input) { id status } }";
pub const WITHDRAW: &str =
    "mutation ConsoleWithdrawApplication($id: ID!) { withdrawApplication(id: $id) { id } }";
pub const METRICS: &str = "query ConsoleRehireMetrics($id: ID!, $from: NaiveDate!, $to: NaiveDate!) { company(id: $id) { id name viewerRole } \
     rehireMetrics(companyId: $id, from: $from, to: $to) { applications hires medianDaysToHire medianDaysLeavingToRejoining \
     openings { applications hires opening { title } } } }";

pub const DOCUMENTS: &[&str] = &[
    MY_COMPANIES,
    NEWS,
    POST_NEWS,
    OPENINGS,
    PUBLISH,
    CLOSE,
    APPLY,
    MOVE,
    WITHDRAW,
    METRICS,
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/news", get(my_news))
        .route("/openings", get(my_openings))
        .route("/openings/apply", post(apply))
        .route("/openings/withdraw", post(withdraw))
        .route("/companies/{id}/news", get(company_news).post(post_news))
        .route(
            "/companies/{id}/openings",
            get(company_openings).post(publish),
        )
        .route("/companies/{id}/openings/close", post(close))
        .route("/companies/{id}/applications/move", post(move_application))
        .route("/companies/{id}/rehire-metrics", get(metrics))
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or_default()
}

fn edges(value: &Value) -> Vec<Value> {
    value["edges"]
        .as_array()
        .map(|e| e.iter().map(|e| e["node"].clone()).collect())
        .unwrap_or_default()
}

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

fn flash(v: &Visitor, done: &Done) -> Option<Markup> {
    done.done
        .as_deref()
        .filter(|d| {
            [
                "posted",
                "published",
                "closed",
                "applied",
                "withdrawn",
                "moved",
            ]
            .contains(d)
        })
        .map(|d| notice(&v.t(&format!("nr-done-{d}"))))
}

/// The companies on whose roster she is, by name.
async fn my_companies(state: &AppState, v: &Visitor) -> Result<Vec<Value>, Response> {
    let data = run(state, v, MY_COMPANIES, json!({}))
        .await
        .map_err(|e| error_page(v, &e))?;
    Ok(data["viewer"]["alumniOf"]
        .as_array()
        .cloned()
        .unwrap_or_default())
}

fn news_item(v: &Visitor, post: &Value, staff: bool) -> Markup {
    html! {
        article class="card news-post" {
            h3 {
                (text(&post["title"]))
                " "
                @if post["pinned"] == true { span class="badge warn" { (v.t("nr-pinned")) } }
            }
            p class="muted" {
                (v.t(&format!("nr-category-{}", text(&post["category"]))))
                " · " (v.time(&post["createdAt"]))
                @if staff {
                    " · " (v.t1("nr-readers", "count", &post["readerCount"].as_u64().unwrap_or(0).to_string()))
                }
            }
            // Sanitized by the API (pulldown-cmark + ammonia): no raw HTML, no script.
            div class="news-body" { (PreEscaped(text(&post["bodyHtml"]))) }
        }
    }
}

pub async fn my_news(State(state): State<AppState>, v: Visitor) -> Response {
    if v.access.is_none() {
        return log_in_first(&v);
    }
    let companies = match my_companies(&state, &v).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut sections = Vec::new();
    for c in &companies {
        // A company whose NEWS consent she has not given answers NOT_FOUND: skip it.
        if let Ok(data) = run(&state, &v, NEWS, json!({ "id": c["id"] })).await {
            sections.push((text(&c["name"]).to_string(), edges(&data["news"])));
        }
    }
    page(
        &v,
        &v.t("nr-news-title"),
        html! {
            p class="muted" { (v.t("nr-news-intro")) }
            @if sections.is_empty() {
                p { (v.t("nr-news-none")) }
            }
            @for (name, posts) in &sections {
                section {
                    h2 { (name) }
                    @if posts.is_empty() { p class="muted" { (v.t("nr-news-empty")) } }
                    @for post in posts { (news_item(&v, post, false)) }
                }
            }
        },
    )
    .into_response()
}

/// A staff page's data (`query` with `{ id }` plus `extra`): the not-found page unless the
/// visitor is the company's staff.
async fn staff_data(
    state: &AppState,
    v: &Visitor,
    query: &str,
    id: &str,
    extra: Value,
) -> Result<Value, Response> {
    if v.access.is_none() {
        return Err(log_in_first(v));
    }
    let mut variables = json!({ "id": id });
    if let (Some(vars), Some(extra)) = (variables.as_object_mut(), extra.as_object()) {
        vars.extend(extra.clone());
    }
    let data = run(state, v, query, variables).await.map_err(|e| {
        if e.code == "FORBIDDEN" {
            not_found_page(v)
        } else {
            error_page(v, &e)
        }
    })?;
    if data["company"].is_null() || data["company"]["viewerRole"].is_null() {
        return Err(not_found_page(v));
    }
    Ok(data)
}

fn tabs(v: &Visitor, id: &str, current: &str) -> Markup {
    let items = [
        ("/news", "nr-tab-news"),
        ("/openings", "nr-tab-openings"),
        ("/rehire-metrics", "nr-tab-metrics"),
    ];
    html! {
        nav aria-label=(v.t("nr-tabs")) {
            ul class="company-tabs" {
                @for (suffix, label) in items {
                    li {
                        @if suffix == current {
                            a href=(format!("/companies/{id}{suffix}")) aria-current="page" { (v.t(label)) }
                        } @else {
                            a href=(format!("/companies/{id}{suffix}")) { (v.t(label)) }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct NewsForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    category: String,
    pinned: Option<String>,
}

fn company_news_page(
    v: &Visitor,
    data: &Value,
    form: &NewsForm,
    error: Option<&ApiError>,
    done: Option<Markup>,
) -> Markup {
    let company = &data["company"];
    let id = text(&company["id"]);
    let posts = edges(&data["news"]);
    let can_post = matches!(text(&company["viewerRole"]), "ADMIN" | "MEMBER");
    page(
        v,
        &v.t1("nr-company-news-title", "company", text(&company["name"])),
        html! {
            (tabs(v, id, "/news"))
            @if let Some(done) = done { (done) }
            @if can_post {
                h2 { (v.t("nr-post-title")) }
                (refusal(v, error))
                form method="post" action=(format!("/companies/{id}/news")) class="stack" {
                    (csrf_field(v))
                    label { (v.t("nr-field-title")) input type="text" name="title" required value=(form.title); }
                    label { (v.t("nr-field-body"))
                        textarea name="body" rows="8" required aria-describedby="nr-body-hint" { (form.body) } }
                    p class="muted" id="nr-body-hint" { (v.t("nr-body-hint")) }
                    label { (v.t("nr-field-category"))
                        select name="category" {
                            @for c in ["BUSINESS", "EVENT", "HIRING", "OTHER"] {
                                option value=(c) selected[form.category == c] { (v.t(&format!("nr-category-{c}"))) }
                            }
                        }
                    }
                    label class="check" { input type="checkbox" name="pinned" value="on" checked[form.pinned.is_some()]; " " (v.t("nr-field-pinned")) }
                    button type="submit" { (v.t("nr-post-submit")) }
                }
            }
            h2 { (v.t("nr-news-list")) }
            @if posts.is_empty() { p class="muted" { (v.t("nr-news-empty")) } }
            @for post in &posts { (news_item(v, post, true)) }
        },
    )
}

pub async fn company_news(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Response {
    match staff_data(&state, &v, NEWS, &id, json!({})).await {
        Ok(data) => company_news_page(&v, &data, &NewsForm::default(), None, flash(&v, &done))
            .into_response(),
        Err(r) => r,
    }
}

pub async fn post_news(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(form): Form<NewsForm>,
) -> Response {
    let data = match staff_data(&state, &v, NEWS, &id, json!({})).await {
        Ok(data) => data,
        Err(r) => return r,
    };
    let category = if form.category.is_empty() {
        "OTHER"
    } else {
        form.category.as_str()
    };
    let input = json!({ "input": { "companyId": id, "title": form.title, "body": form.body,
        "category": category, "pinned": form.pinned.is_some() } });
    match run(&state, &v, POST_NEWS, input).await {
        Ok(_) => Redirect::to(&format!("/companies/{id}/news?done=posted")).into_response(),
        Err(err) => (
            err.status(),
            company_news_page(&v, &data, &form, Some(&err), None),
        )
            .into_response(),
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct OpeningForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    employment_type: String,
    #[serde(default)]
    location: String,
    remote: Option<String>,
    #[serde(default)]
    description: String,
}

/// The moves staff may offer from `status`: the next step and DECLINED while in progress.
fn moves(status: &str) -> &'static [&'static str] {
    match status {
        "APPLIED" => &["SCREENING", "DECLINED"],
        "SCREENING" => &["INTERVIEW", "DECLINED"],
        "INTERVIEW" => &["OFFER", "DECLINED"],
        "OFFER" => &["HIRED", "DECLINED"],
        _ => &[],
    }
}

fn company_openings_page(
    v: &Visitor,
    data: &Value,
    form: &OpeningForm,
    error: Option<&ApiError>,
    done: Option<Markup>,
) -> Markup {
    let company = &data["company"];
    let id = text(&company["id"]);
    let openings = edges(&data["openings"]);
    let can_edit = matches!(text(&company["viewerRole"]), "ADMIN" | "MEMBER");
    page(
        v,
        &v.t1(
            "nr-company-openings-title",
            "company",
            text(&company["name"]),
        ),
        html! {
            (tabs(v, id, "/openings"))
            @if let Some(done) = done { (done) }
            (refusal(v, error))
            @if can_edit {
                h2 { (v.t("nr-publish-title")) }
                form method="post" action=(format!("/companies/{id}/openings")) class="stack" {
                    (csrf_field(v))
                    label { (v.t("nr-field-title")) input type="text" name="title" required value=(form.title); }
                    label { (v.t("nr-field-department")) input type="text" name="department" required value=(form.department); }
                    label { (v.t("nr-field-employment-type"))
                        select name="employment_type" {
                            @for t in ["FULL_TIME", "CONTRACT", "PART_TIME"] {
                                option value=(t) selected[form.employment_type == t] { (v.t(&format!("nr-employment-{t}"))) }
                            }
                        }
                    }
                    label { (v.t("nr-field-location")) input type="text" name="location" required value=(form.location); }
                    label class="check" { input type="checkbox" name="remote" value="on" checked[form.remote.is_some()]; " " (v.t("nr-field-remote")) }
                    label { (v.t("nr-field-description")) textarea name="description" rows="6" required { (form.description) } }
                    button type="submit" { (v.t("nr-publish-submit")) }
                }
            }
            h2 { (v.t("nr-openings-list")) }
            @if openings.is_empty() { p class="muted" { (v.t("nr-openings-empty")) } }
            @for o in &openings {
                @let oid = text(&o["id"]);
                section class="card opening" {
                    h3 { (text(&o["title"])) " " (status_badge(v, &format!("nr-opening-{}", text(&o["status"])), text(&o["status"]))) }
                    p class="muted" { (text(&o["department"])) " · " (v.t(&format!("nr-employment-{}", text(&o["employmentType"])))) " · " (text(&o["location"]))
                        @if o["remote"] == true { " · " (v.t("nr-remote")) } }
                    @if can_edit && o["status"] == "OPEN" {
                        form method="post" action=(format!("/companies/{id}/openings/close")) {
                            (csrf_field(v))
                            input type="hidden" name="opening" value=(oid);
                            button type="submit" class="secondary" aria-label=(v.t1("nr-close-named", "title", text(&o["title"]))) { (v.t("nr-close")) }
                        }
                    }
                    @let apps = o["applications"].as_array().cloned().unwrap_or_default();
                    h4 { (v.t1("nr-applications", "count", &apps.len().to_string())) }
                    @if !apps.is_empty() {
                        div class="table-wrap" {
                            table {
                                caption class="visually-hidden" { (v.t1("nr-applications", "count", &apps.len().to_string())) }
                                thead { tr {
                                    th scope="col" { (v.t("nr-col-applicant")) }
                                    th scope="col" { (v.t("nr-col-status")) }
                                    th scope="col" { (v.t("nr-col-actions")) }
                                } }
                                tbody {
                                    @for a in &apps {
                                        @let name = text(&a["applicant"]["displayName"]);
                                        tr {
                                            th scope="row" { (name) br; span class="muted" { (text(&a["note"])) } }
                                            td { (status_badge(v, &format!("nr-status-{}", text(&a["status"])), text(&a["status"]))) }
                                            td {
                                                @for to in moves(text(&a["status"])) {
                                                    form method="post" action=(format!("/companies/{id}/applications/move")) class="inline" {
                                                        (csrf_field(v))
                                                        input type="hidden" name="application" value=(text(&a["id"]));
                                                        input type="hidden" name="to" value=(to);
                                                        button type="submit" class=(if *to == "DECLINED" { "danger" } else { "" })
                                                            aria-label=(v.tn("nr-move-named", &[("name", name), ("status", &v.t(&format!("nr-status-{to}")))])) {
                                                            (v.t(&format!("nr-move-{to}")))
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
                }
            }
        },
    )
}

pub async fn company_openings(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Response {
    match staff_data(&state, &v, OPENINGS, &id, json!({})).await {
        Ok(data) => {
            company_openings_page(&v, &data, &OpeningForm::default(), None, flash(&v, &done))
                .into_response()
        }
        Err(r) => r,
    }
}

pub async fn publish(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(form): Form<OpeningForm>,
) -> Response {
    let data = match staff_data(&state, &v, OPENINGS, &id, json!({})).await {
        Ok(data) => data,
        Err(r) => return r,
    };
    let kind = if form.employment_type.is_empty() {
        "FULL_TIME"
    } else {
        form.employment_type.as_str()
    };
    let input = json!({ "input": { "companyId": id, "title": form.title, "department": form.department,
        "employmentType": kind, "location": form.location, "remote": form.remote.is_some(),
        "description": form.description } });
    match run(&state, &v, PUBLISH, input).await {
        Ok(_) => Redirect::to(&format!("/companies/{id}/openings?done=published")).into_response(),
        Err(err) => (
            err.status(),
            company_openings_page(&v, &data, &form, Some(&err), None),
        )
            .into_response(),
    }
}

#[derive(Deserialize)]
pub struct CloseForm {
    opening: String,
}

pub async fn close(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(form): Form<CloseForm>,
) -> Response {
    let data = match staff_data(&state, &v, OPENINGS, &id, json!({})).await {
        Ok(data) => data,
        Err(r) => return r,
    };
    match run(&state, &v, CLOSE, json!({ "id": form.opening })).await {
        Ok(_) => Redirect::to(&format!("/companies/{id}/openings?done=closed")).into_response(),
        Err(err) => (
            err.status(),
            company_openings_page(&v, &data, &OpeningForm::default(), Some(&err), None),
        )
            .into_response(),
    }
}

#[derive(Deserialize)]
pub struct MoveForm {
    application: String,
    to: String,
}

pub async fn move_application(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(form): Form<MoveForm>,
) -> Response {
    let data = match staff_data(&state, &v, OPENINGS, &id, json!({})).await {
        Ok(data) => data,
        Err(r) => return r,
    };
    let input = json!({ "input": { "applicationId": form.application, "to": form.to } });
    match run(&state, &v, MOVE, input).await {
        Ok(_) => Redirect::to(&format!("/companies/{id}/openings?done=moved")).into_response(),
        Err(err) => (
            err.status(),
            company_openings_page(&v, &data, &OpeningForm::default(), Some(&err), None),
        )
            .into_response(),
    }
}

async fn my_openings_page(
    state: &AppState,
    v: &Visitor,
    error: Option<&ApiError>,
    done: Option<Markup>,
) -> Response {
    let companies = match my_companies(state, v).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut sections = Vec::new();
    for c in &companies {
        // A company whose REHIRE consent she has not given answers NOT_FOUND: skip it.
        if let Ok(data) = run(state, v, OPENINGS, json!({ "id": c["id"] })).await {
            sections.push((text(&c["name"]).to_string(), edges(&data["openings"])));
        }
    }
    let status = if error.is_some() {
        axum::http::StatusCode::BAD_REQUEST
    } else {
        axum::http::StatusCode::OK
    };
    (status, page(
        v,
        &v.t("nr-openings-title"),
        html! {
            @if let Some(done) = done { (done) }
            (refusal(v, error))
            p class="muted" { (v.t("nr-openings-intro")) }
            @if sections.is_empty() { p { (v.t("nr-openings-none")) } }
            @for (name, openings) in &sections {
                section {
                    h2 { (name) }
                    @if openings.is_empty() { p class="muted" { (v.t("nr-openings-empty")) } }
                    @for o in openings {
                        @let oid = text(&o["id"]);
                        @let title = text(&o["title"]);
                        article class="card opening" {
                            h3 { (title) }
                            p class="muted" { (text(&o["department"])) " · " (v.t(&format!("nr-employment-{}", text(&o["employmentType"])))) " · " (text(&o["location"]))
                                @if o["remote"] == true { " · " (v.t("nr-remote")) } }
                            p class="pre-wrap" { (text(&o["description"])) }
                            @if o["myApplication"].is_null() {
                                form method="post" action="/openings/apply" class="stack" {
                                    (csrf_field(v))
                                    input type="hidden" name="opening" value=(oid);
                                    label { (v.t("nr-field-note")) textarea name="note" rows="3" {} }
                                    button type="submit" aria-label=(v.t1("nr-apply-named", "title", title)) { (v.t("nr-apply")) }
                                }
                            } @else {
                                @let st = text(&o["myApplication"]["status"]);
                                p { (v.t("nr-my-application")) " " (status_badge(v, &format!("nr-status-{st}"), st)) }
                                @if !moves(st).is_empty() {
                                    form method="post" action="/openings/withdraw" {
                                        (csrf_field(v))
                                        input type="hidden" name="application" value=(text(&o["myApplication"]["id"]));
                                        button type="submit" class="danger" aria-label=(v.t1("nr-withdraw-named", "title", title)) { (v.t("nr-withdraw")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )).into_response()
}

pub async fn my_openings(
    State(state): State<AppState>,
    v: Visitor,
    Query(done): Query<Done>,
) -> Response {
    if v.access.is_none() {
        return log_in_first(&v);
    }
    let done = flash(&v, &done);
    my_openings_page(&state, &v, None, done).await
}

#[derive(Deserialize)]
pub struct ApplyForm {
    opening: String,
    #[serde(default)]
    note: String,
}

pub async fn apply(
    State(state): State<AppState>,
    v: Visitor,
    Form(form): Form<ApplyForm>,
) -> Response {
    if v.access.is_none() {
        return log_in_first(&v);
    }
    let input = json!({ "input": { "openingId": form.opening, "note": form.note } });
    match run(&state, &v, APPLY, input).await {
        Ok(_) => Redirect::to("/openings?done=applied").into_response(),
        Err(err) => my_openings_page(&state, &v, Some(&err), None).await,
    }
}

#[derive(Deserialize)]
pub struct WithdrawForm {
    application: String,
}

pub async fn withdraw(
    State(state): State<AppState>,
    v: Visitor,
    Form(form): Form<WithdrawForm>,
) -> Response {
    if v.access.is_none() {
        return log_in_first(&v);
    }
    match run(&state, &v, WITHDRAW, json!({ "id": form.application })).await {
        Ok(_) => Redirect::to("/openings?done=withdrawn").into_response(),
        Err(err) => my_openings_page(&state, &v, Some(&err), None).await,
    }
}

#[derive(Deserialize, Default)]
pub struct Period {
    from: Option<String>,
    to: Option<String>,
}

pub async fn metrics(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Query(q): Query<Period>,
) -> Response {
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Tokyo)
        .date_naive();
    let from = q
        .from
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| format!("{}-01-01", today.format("%Y")));
    let to =
        q.to.filter(|s| !s.is_empty())
            .unwrap_or_else(|| today.to_string());
    let data = match staff_data(&state, &v, METRICS, &id, json!({ "from": from, "to": to })).await {
        Ok(data) => data,
        Err(r) => return r,
    };
    let company = &data["company"];
    let m = &data["rehireMetrics"];
    let days = |value: &Value| match value.as_f64() {
        Some(d) => v.t1("nr-days", "days", &format!("{d}")),
        None => v.t("nr-no-data"),
    };
    page(
        &v,
        &v.t1("nr-metrics-title", "company", text(&company["name"])),
        html! {
            (tabs(&v, &id, "/rehire-metrics"))
            form method="get" action=(format!("/companies/{id}/rehire-metrics")) class="row fin-filters" {
                label { (v.t("nr-field-from")) input type="date" name="from" value=(from); }
                label { (v.t("nr-field-to")) input type="date" name="to" value=(to); }
                button type="submit" { (v.t("nr-metrics-show")) }
            }
            div class="table-wrap" {
                table {
                    caption { (v.t("nr-metrics-overall")) }
                    tbody {
                        tr { th scope="row" { (v.t("nr-metric-applications")) } td { (m["applications"].as_u64().unwrap_or(0)) } }
                        tr { th scope="row" { (v.t("nr-metric-hires")) } td { (m["hires"].as_u64().unwrap_or(0)) } }
                        tr { th scope="row" { (v.t("nr-metric-days-to-hire")) } td { (days(&m["medianDaysToHire"])) } }
                        tr { th scope="row" { (v.t("nr-metric-leaving-to-rejoining")) } td { (days(&m["medianDaysLeavingToRejoining"])) } }
                    }
                }
            }
            div class="table-wrap" {
                table {
                    caption { (v.t("nr-metrics-per-opening")) }
                    thead { tr {
                        th scope="col" { (v.t("nr-col-opening")) }
                        th scope="col" { (v.t("nr-metric-applications")) }
                        th scope="col" { (v.t("nr-metric-hires")) }
                    } }
                    tbody {
                        @for o in m["openings"].as_array().cloned().unwrap_or_default() {
                            tr {
                                th scope="row" { (text(&o["opening"]["title"])) }
                                td { (o["applications"].as_u64().unwrap_or(0)) }
                                td { (o["hires"].as_u64().unwrap_or(0)) }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response()
}
