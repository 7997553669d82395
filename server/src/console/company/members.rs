//! `/companies/{id}/members`: the staff and their roles. An ADMIN adds someone by the email
//! of their account, changes a role (the same `addCompanyMember`) or removes a member; the
//! API refuses to lose the last ADMIN, and the page shows why next to the form.
use crate::console::values::Done;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{company_data, tabs, text};
use crate::console::layout::{csrf_field, notice, page, refusal};
use crate::console::session::Visitor;
use crate::console::{ApiError, run};
use crate::http::AppState;

pub const MEMBERS: &str = "query ConsoleCompanyMembers($id: ID!) { company(id: $id) { \
     id name viewerRole members { id role email createdAt user { displayName } } } }";
pub const ADD_MEMBER: &str = "mutation ConsoleAddMember($input: AddCompanyMemberInput!) { \
     addCompanyMember(input: $input) { id role } }";
pub const REMOVE_MEMBER: &str = "mutation ConsoleRemoveMember($input: RemoveCompanyMemberInput!) { \
     removeCompanyMember(input: $input) { id } }";

const ROLES: [&str; 3] = ["ADMIN", "MEMBER", "FINANCE"];

#[derive(Deserialize)]
pub struct MemberForm {
    email: String,
    #[serde(default)]
    role: String,
}

/// Which form a refusal belongs to, so it is shown next to that form.
enum Failed<'a> {
    Add(&'a MemberForm),
    Row(&'a str),
}

fn members_page(
    v: &Visitor,
    company: &Value,
    flash: Option<&str>,
    failed: Option<(Failed<'_>, &ApiError)>,
) -> Markup {
    let id = text(&company["id"]);
    let admin = company["viewerRole"] == "ADMIN";
    let members = company["members"].as_array().cloned().unwrap_or_default();
    let (add_error, add_email, add_role, row_error) = match &failed {
        Some((Failed::Add(f), err)) => (Some(*err), f.email.as_str(), f.role.as_str(), None),
        Some((Failed::Row(email), err)) => (None, "", "MEMBER", Some((*email, *err))),
        None => (None, "", "MEMBER", None),
    };
    page(
        v,
        &v.t1("company-members-title", "company", text(&company["name"])),
        html! {
            (tabs(v, id, "/members"))
            @if let Some(flash) = flash {
                (notice(&v.t(&format!("company-members-done-{flash}"))))
            }
            // A refused role change or removal is explained above the list, naming the member.
            @if let Some((email, err)) = row_error {
                p { strong { (email) } }
                (refusal(v, Some(err)))
            }
            div class="table-wrap company-table" {
                table class="members" {
                    caption { (v.t("company-members-caption")) }
                    thead { tr {
                        th scope="col" { (v.t("company-col-name")) }
                        th scope="col" { (v.t("company-col-role")) }
                        @if admin { th scope="col" { (v.t("company-col-actions")) } }
                    } }
                    tbody {
                        @for (i, m) in members.iter().enumerate() {
                            @let email = text(&m["email"]);
                            @let role = text(&m["role"]);
                            tr {
                                th scope="row" {
                                    (text(&m["user"]["displayName"]))
                                    br;
                                    span class="muted email" { (email) }
                                    br;
                                    span class="muted" { (v.t1("company-member-since", "date", &v.day(&m["createdAt"]))) }
                                }
                                td { span class="badge" { (v.t(&format!("role-{role}"))) } }
                                @if admin {
                                    td {
                                        div class="actions" {
                                            form method="post" action=(format!("/companies/{id}/members")) class="inline" {
                                                (csrf_field(v))
                                                input type="hidden" name="email" value=(email);
                                                select name="role" id=(format!("role-{i}"))
                                                    aria-label=(v.t1("company-role-of", "name", text(&m["user"]["displayName"]))) {
                                                    @for r in ROLES {
                                                        option value=(r) selected[r == role] { (v.t(&format!("role-{r}"))) }
                                                    }
                                                }
                                                button type="submit" class="secondary" { (v.t("company-change-role")) }
                                            }
                                            form method="post" action=(format!("/companies/{id}/members/remove")) class="inline" {
                                                (csrf_field(v))
                                                input type="hidden" name="email" value=(email);
                                                button type="submit" class="danger"
                                                    aria-label=(v.t1("company-remove-member-named", "name", text(&m["user"]["displayName"]))) {
                                                    (v.t("company-remove-member"))
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
            @if admin {
                h2 { (v.t("company-add-member-title")) }
                p class="muted" { (v.t("company-add-member-intro")) }
                (refusal(v, add_error))
                form method="post" action=(format!("/companies/{id}/members")) class="stack" {
                    (csrf_field(v))
                    div class="row" {
                        label { (v.t("company-col-email"))
                            input type="email" name="email" value=(add_email) required autocomplete="off"; }
                        label { (v.t("company-col-role"))
                            select name="role" {
                                @for r in ROLES {
                                    option value=(r) selected[r == add_role] { (v.t(&format!("role-{r}"))) }
                                }
                            }
                        }
                    }
                    button type="submit" { (v.t("company-add-member-submit")) }
                }
            }
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Query(q): Query<Done>,
) -> Response {
    match company_data(&state, &v, MEMBERS, &id).await {
        Ok(company) => {
            let flash = match q.done.as_deref() {
                Some(d @ ("saved" | "removed")) => Some(d),
                _ => None,
            };
            members_page(&v, &company, flash, None).into_response()
        }
        Err(response) => response,
    }
}

/// Adds a member or changes a role: both are `addCompanyMember`. The refusal goes next to the
/// add form, or next to the row whose role was being changed.
pub async fn add(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(f): Form<MemberForm>,
) -> Response {
    let company = match company_data(&state, &v, MEMBERS, &id).await {
        Ok(company) => company,
        Err(response) => return response,
    };
    let company_id = text(&company["id"]);
    let input =
        json!({ "input": { "companyId": company_id, "email": f.email.trim(), "role": f.role } });
    match run(&state, &v, ADD_MEMBER, input).await {
        Ok(_) => {
            Redirect::to(&format!("/companies/{company_id}/members?done=saved")).into_response()
        }
        Err(err) => {
            let existing = company["members"]
                .as_array()
                .is_some_and(|ms| ms.iter().any(|m| m["email"] == f.email.trim()));
            let failed = if existing {
                Failed::Row(f.email.trim())
            } else {
                Failed::Add(&f)
            };
            (
                err.status(),
                members_page(&v, &company, None, Some((failed, &err))),
            )
                .into_response()
        }
    }
}

pub async fn remove(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(f): Form<MemberForm>,
) -> Response {
    let company = match company_data(&state, &v, MEMBERS, &id).await {
        Ok(company) => company,
        Err(response) => return response,
    };
    let company_id = text(&company["id"]);
    let input = json!({ "input": { "companyId": company_id, "email": f.email } });
    match run(&state, &v, REMOVE_MEMBER, input).await {
        Ok(_) => {
            Redirect::to(&format!("/companies/{company_id}/members?done=removed")).into_response()
        }
        Err(err) => (
            err.status(),
            members_page(&v, &company, None, Some((Failed::Row(&f.email), &err))),
        )
            .into_response(),
    }
}
