//! `/profile`: her headline, bio, skills, languages, availability and links (`updateProfile`).
//! A refusal keeps what she typed.
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{joined, text};
use crate::console::layout::{csrf_field, notice, page, refusal};
use crate::console::session::Visitor;
use crate::console::{ApiError, error_page, log_in_first, run};
use crate::http::AppState;

pub const PROFILE: &str = "query ConsoleProfile { viewer { id displayName \
     profile { headline bio skills languages availability links } } }";
pub const UPDATE: &str = "mutation ConsoleUpdateProfile($input: UpdateProfileInput!) { \
     updateProfile(input: $input) { headline } }";

const AVAILABILITY: [&str; 3] = ["OPEN_TO_SIDE_JOBS", "OPEN_TO_REHIRE", "NOT_NOW"];

#[derive(Deserialize, Default, Clone)]
pub struct ProfileForm {
    #[serde(default)]
    headline: String,
    #[serde(default)]
    bio: String,
    #[serde(default)]
    skills: String,
    #[serde(default)]
    languages: String,
    #[serde(default)]
    availability: String,
    #[serde(default)]
    links: String,
}

#[derive(Deserialize, Default)]
pub struct Saved {
    saved: Option<u8>,
}

fn split(value: &str, seps: &[char]) -> Vec<String> {
    value
        .split(seps)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn form_page(
    v: &Visitor,
    f: &ProfileForm,
    flash: Option<String>,
    error: Option<&ApiError>,
) -> Markup {
    page(
        v,
        &v.t("directory-profile-title"),
        html! {
            @if let Some(flash) = &flash { (notice(flash)) }
            p { (v.t("directory-profile-intro")) }
            (refusal(v, error))
            form method="post" action="/profile" class="stack" {
                (csrf_field(v))
                label { (v.t("directory-profile-headline"))
                    input type="text" name="headline" maxlength="200" value=(f.headline); }
                label { (v.t("directory-profile-bio"))
                    textarea name="bio" rows="5" maxlength="4000" { (f.bio) } }
                label { (v.t("directory-profile-skills"))
                    input type="text" name="skills" value=(f.skills) aria-describedby="skills-hint"; }
                p class="muted" id="skills-hint" { (v.t("directory-profile-skills-hint")) }
                label { (v.t("directory-profile-languages"))
                    input type="text" name="languages" value=(f.languages); }
                label { (v.t("directory-profile-availability"))
                    select name="availability" {
                        @for a in AVAILABILITY {
                            option value=(a) selected[f.availability == a] { (v.t(&format!("directory-availability-{a}"))) }
                        }
                    }
                }
                label { (v.t("directory-profile-links"))
                    textarea name="links" rows="3" aria-describedby="links-hint" { (f.links) } }
                p class="muted" id="links-hint" { (v.t("directory-profile-links-hint")) }
                button type="submit" { (v.t("directory-profile-save")) }
            }
            p { a href="/consents" { (v.t("directory-profile-consents-link")) } }
        },
    )
}

pub async fn show(State(state): State<AppState>, v: Visitor, Query(q): Query<Saved>) -> Response {
    if v.access.is_none() {
        return log_in_first(&v);
    }
    let data = match run(&state, &v, PROFILE, json!({})).await {
        Ok(data) => data,
        Err(err) => return error_page(&v, &err),
    };
    let p: &Value = &data["viewer"]["profile"];
    let f = ProfileForm {
        headline: text(&p["headline"]).to_string(),
        bio: text(&p["bio"]).to_string(),
        skills: joined(&p["skills"], ", "),
        languages: joined(&p["languages"], ", "),
        availability: match text(&p["availability"]) {
            "" => "NOT_NOW".to_string(),
            a => a.to_string(),
        },
        links: joined(&p["links"], "\n"),
    };
    let flash = q.saved.map(|_| v.t("directory-profile-saved"));
    form_page(&v, &f, flash, None).into_response()
}

pub async fn save(
    State(state): State<AppState>,
    v: Visitor,
    Form(f): Form<ProfileForm>,
) -> Response {
    if v.access.is_none() {
        return log_in_first(&v);
    }
    let input = json!({ "input": {
        "headline": f.headline,
        "bio": f.bio,
        "skills": split(&f.skills, &[',', '、', '\n']),
        "languages": split(&f.languages, &[',', '、', '\n']),
        "availability": if AVAILABILITY.contains(&f.availability.as_str()) { f.availability.as_str() } else { "NOT_NOW" },
        "links": split(&f.links, &['\n', ' ']),
    } });
    match run(&state, &v, UPDATE, input).await {
        Ok(_) => Redirect::to("/profile?saved=1").into_response(),
        Err(err) => (err.status(), form_page(&v, &f, None, Some(&err))).into_response(),
    }
}
