//! The freelancer's bank account and the company's paying account: one form each.
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value, json};

use super::refused_field;
use crate::console::layout::{csrf_field, message_page, notice, page, refusal};
use crate::console::session::Visitor;
use crate::console::values::{Done, text};
use crate::console::{ApiError, error_page, log_in_first, not_found_page, run};
use crate::http::AppState;

pub const OWN: &str = "query ConsoleBankAccount { viewer { bankAccount { \
     bankCode bankName branchCode branchName accountType accountNumber holderKana } } }";
pub const SET_OWN: &str = "mutation ConsoleSetBankAccount($input: SetBankAccountInput!) { \
     setBankAccount(input: $input) { holderKana } }";
pub const COMPANY: &str = "query ConsoleCompanyBankAccount($id: ID!) { company(id: $id) { \
     id name viewerRole bankAccount { consignorCode consignorName bankCode bankName branchCode \
     branchName accountType accountNumber } } }";
pub const SET_COMPANY: &str = "mutation ConsoleSetCompanyBankAccount($input: SetCompanyBankAccountInput!) { \
     setCompanyBankAccount(input: $input) { consignorCode } }";

/// The form's fields, as typed (or as stored).
#[derive(Deserialize, Default, Clone)]
pub struct AccountForm {
    #[serde(default)]
    consignor_code: String,
    #[serde(default)]
    consignor_name: String,
    bank_code: String,
    bank_name: String,
    branch_code: String,
    branch_name: String,
    account_type: String,
    account_number: String,
    #[serde(default)]
    holder_kana: String,
}

impl AccountForm {
    fn from_stored(a: &Value) -> Self {
        Self {
            consignor_code: text(&a["consignorCode"]),
            consignor_name: text(&a["consignorName"]),
            bank_code: text(&a["bankCode"]),
            bank_name: text(&a["bankName"]),
            branch_code: text(&a["branchCode"]),
            branch_name: text(&a["branchName"]),
            account_type: text(&a["accountType"]),
            account_number: text(&a["accountNumber"]),
            holder_kana: text(&a["holderKana"]),
        }
    }

    fn input(&self) -> serde_json::Map<String, Value> {
        let account_type = if self.account_type == "CURRENT" {
            "CURRENT"
        } else {
            "ORDINARY"
        };
        let mut m = serde_json::Map::new();
        for (k, v) in [
            ("bankCode", &self.bank_code),
            ("bankName", &self.bank_name),
            ("branchCode", &self.branch_code),
            ("branchName", &self.branch_name),
            ("accountNumber", &self.account_number),
        ] {
            m.insert(k.into(), json!(v));
        }
        m.insert("accountType".into(), json!(account_type));
        m
    }
}

/// One labelled input with its hint; marked invalid when the refusal names it.
fn field(
    v: &Visitor,
    name: &str,
    api_name: &str,
    value: &str,
    bad: Option<&str>,
    extra: (&str, &str),
) -> Markup {
    let hint = format!("bank-{name}-hint");
    let hint_id = format!("{name}-hint");
    let (inputmode, maxlength) = extra;
    html! {
        label { (v.t(&format!("bank-field-{name}")))
            span class="hint" id=(hint_id) { (v.t(&hint)) }
            input type="text" name=(name.replace('-', "_")) value=(value) required
                inputmode=(inputmode) maxlength=(maxlength) autocomplete="off"
                aria-describedby=(hint_id) aria-invalid=[(bad == Some(api_name)).then_some("true")];
        }
    }
}

fn account_fields(v: &Visitor, f: &AccountForm, bad: Option<&str>) -> Markup {
    html! {
        (field(v, "bank-code", "bankCode", &f.bank_code, bad, ("numeric", "4")))
        (field(v, "bank-name", "bankName", &f.bank_name, bad, ("text", "30")))
        (field(v, "branch-code", "branchCode", &f.branch_code, bad, ("numeric", "3")))
        (field(v, "branch-name", "branchName", &f.branch_name, bad, ("text", "30")))
        fieldset {
            legend { (v.t("bank-field-account-type")) }
            @for t in ["ORDINARY", "CURRENT"] {
                label class="choice" {
                    input type="radio" name="account_type" value=(t)
                        checked[f.account_type == t || (t == "ORDINARY" && f.account_type != "CURRENT")];
                    (v.t(&format!("bank-account-type-{t}")))
                }
            }
        }
        (field(v, "account-number", "accountNumber", &f.account_number, bad, ("numeric", "7")))
    }
}

fn own_page(v: &Visitor, f: &AccountForm, saved: bool, error: Option<&ApiError>) -> Markup {
    let bad = refused_field(error);
    let bad = bad.as_deref();
    page(
        v,
        &v.t("bank-own-title"),
        html! {
            @if saved { (notice(&v.t("bank-saved"))) }
            p { (v.t("bank-own-intro")) }
            (refusal(v, error))
            form method="post" action="/account/bank" class="stack" {
                (csrf_field(v))
                (account_fields(v, f, bad))
                (field(v, "holder-kana", "holderKana", &f.holder_kana, bad, ("text", "60")))
                button type="submit" { (v.t("bank-save")) }
            }
        },
    )
}

pub async fn show_own(
    State(state): State<AppState>,
    v: Visitor,
    Query(q): Query<Done>,
) -> Response {
    if v.access.is_none() {
        return log_in_first(&v);
    }
    let data = match run(&state, &v, OWN, json!({})).await {
        Ok(d) => d,
        Err(err) => return error_page(&v, &err),
    };
    let f = AccountForm::from_stored(&data["viewer"]["bankAccount"]);
    own_page(&v, &f, q.done.is_some(), None).into_response()
}

pub async fn save_own(
    State(state): State<AppState>,
    v: Visitor,
    Form(f): Form<AccountForm>,
) -> Response {
    if v.access.is_none() {
        return log_in_first(&v);
    }
    let mut input = f.input();
    input.insert("holderKana".into(), json!(f.holder_kana));
    match run(&state, &v, SET_OWN, json!({ "input": input })).await {
        Ok(_) => Redirect::to("/account/bank?done=saved").into_response(),
        Err(err) if err.code == "UNAUTHENTICATED" => error_page(&v, &err),
        Err(err) => (err.status(), own_page(&v, &f, false, Some(&err))).into_response(),
    }
}

fn company_page(
    v: &Visitor,
    company: &Value,
    f: &AccountForm,
    saved: bool,
    error: Option<&ApiError>,
) -> Markup {
    let bad = refused_field(error);
    let bad = bad.as_deref();
    let id = text(&company["id"]);
    page(
        v,
        &v.t1("bank-company-title", "company", &text(&company["name"])),
        html! {
            @if saved { (notice(&v.t("bank-saved"))) }
            p { (v.t("bank-company-intro")) }
            (refusal(v, error))
            form method="post" action=(format!("/companies/{id}/bank-account")) class="stack" {
                (csrf_field(v))
                (field(v, "consignor-code", "consignorCode", &f.consignor_code, bad, ("numeric", "10")))
                (field(v, "consignor-name", "consignorName", &f.consignor_name, bad, ("text", "80")))
                (account_fields(v, f, bad))
                button type="submit" { (v.t("bank-save")) }
            }
            p { a href="/finance/payouts" { (v.t("bank-to-payouts")) } }
        },
    )
}

/// The company, when the visitor is its ADMIN or FINANCE; otherwise the page to show.
async fn company_for_payer(state: &AppState, v: &Visitor, id: &str) -> Result<Value, Response> {
    if v.access.is_none() {
        return Err(log_in_first(v));
    }
    let data = run(state, v, COMPANY, json!({ "id": id }))
        .await
        .map_err(|err| error_page(v, &err))?;
    let company = data["company"].clone();
    if company.is_null() || company["viewerRole"].is_null() {
        return Err(not_found_page(v));
    }
    if !matches!(company["viewerRole"].as_str(), Some("ADMIN" | "FINANCE")) {
        return Err((
            StatusCode::FORBIDDEN,
            message_page(v, &v.t("bank-payers-only-title"), &v.t("bank-payers-only")),
        )
            .into_response());
    }
    Ok(company)
}

pub async fn show_company(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Query(q): Query<Done>,
) -> Response {
    match company_for_payer(&state, &v, &id).await {
        Ok(company) => {
            let f = AccountForm::from_stored(&company["bankAccount"]);
            company_page(&v, &company, &f, q.done.is_some(), None).into_response()
        }
        Err(response) => response,
    }
}

pub async fn save_company(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(f): Form<AccountForm>,
) -> Response {
    let company = match company_for_payer(&state, &v, &id).await {
        Ok(company) => company,
        Err(response) => return response,
    };
    let mut input = f.input();
    input.insert("companyId".into(), company["id"].clone());
    input.insert("consignorCode".into(), json!(f.consignor_code));
    input.insert("consignorName".into(), json!(f.consignor_name));
    match run(&state, &v, SET_COMPANY, json!({ "input": input })).await {
        Ok(_) => Redirect::to(&format!(
            "/companies/{}/bank-account?done=saved",
            text(&company["id"])
        ))
        .into_response(),
        Err(err) => (
            err.status(),
            company_page(&v, &company, &f, false, Some(&err)),
        )
            .into_response(),
    }
}
