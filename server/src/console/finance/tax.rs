//! The invoice page's tax section: the invoice as a qualified invoice states it (issuer and
//! registration number, recipient, transaction date, lines per rate, tax per rate), the
//! withholding and what is paid, and — for FINANCE while the invoice awaits review — the
//! per-line withholding decision with its reason.
use maud::{Markup, html};
use serde_json::Value;

use super::super::ApiError;
use super::super::layout::{csrf_field, refusal};
use super::super::session::Visitor;
use super::text;

/// The fields this section reads, spliced into the invoice page's document (a macro so that
/// `concat!` can build the document as one constant).
macro_rules! tax_fields {
    () => {
        "total { amount currencyCode } consumptionTax { amount currencyCode } \
         withholdingTax { amount currencyCode } netPayable { amount currencyCode } \
         taxShownSeparately issuerName registrationNumber transactionDate deductibleTaxPercent \
         deductibleTax { amount currencyCode } \
         lines { id position description amount { amount currencyCode } taxRate withholdingSubject } \
         taxByRate { rate net { amount currencyCode } tax { amount currencyCode } }"
    };
}
pub(crate) use tax_fields;

pub const SET_WITHHOLDING: &str = "mutation FinanceWithholding($line: ID!, $subject: Boolean!, $reason: String!) { \
     setInvoiceLineWithholding(input: { lineId: $line, subject: $subject, reason: $reason }) { id } }";

/// A refused withholding decision: the error, the line and the reason typed.
pub struct Refused {
    pub error: ApiError,
    pub line: String,
    pub reason: String,
}

/// The section. `decide`: the visitor may change withholding per line now.
pub fn section(
    v: &Visitor,
    inv: &Value,
    issuer: &str,
    decide: bool,
    refused: Option<&Refused>,
) -> Markup {
    let id = text(&inv["id"]);
    let lines = inv["lines"].as_array().cloned().unwrap_or_default();
    let rates = inv["taxByRate"].as_array().cloned().unwrap_or_default();
    let separately = inv["taxShownSeparately"].as_bool().unwrap_or(false);
    let percent = inv["deductibleTaxPercent"].as_i64().unwrap_or(100);
    html! {
        h2 { (v.t("finance-tax-title")) }
        dl class="fin-facts tax-facts" {
            dt { (v.t("finance-tax-issuer")) }
            dd { (inv["issuerName"].as_str().unwrap_or(issuer)) }
            dt { (v.t("finance-tax-registration")) }
            dd { @match inv["registrationNumber"].as_str() {
                Some(number) => span class="mono" { (number) },
                None => (v.t("finance-tax-unregistered")),
            } }
            dt { (v.t("finance-tax-recipient")) }
            dd { (text(&inv["contract"]["project"]["company"]["name"])) }
            dt { (v.t("finance-tax-transaction-date")) } dd { (v.date(&inv["transactionDate"])) }
        }
        div class="table-wrap" tabindex="0" role="region" aria-label=(v.t("finance-tax-lines")) {
            table class="fin-table" {
                caption { (v.t("finance-tax-lines")) }
                thead { tr {
                    th scope="col" { (v.t("finance-tax-line")) }
                    th scope="col" { (v.t("finance-tax-rate")) }
                    th scope="col" class="fin-num" {
                        (v.t(if separately { "finance-tax-amount-net" } else { "finance-tax-amount-gross" }))
                    }
                    th scope="col" { (v.t("finance-tax-withholding-subject")) }
                } }
                tbody {
                    @for line in &lines {
                        tr {
                            td { (text(&line["description"])) }
                            td { (rate_text(v, line["taxRate"].as_i64().unwrap_or(0))) }
                            td class="fin-num" { (v.money(&line["amount"])) }
                            td {
                                (v.t(if line["withholdingSubject"].as_bool().unwrap_or(false) {
                                    "finance-tax-subject-yes"
                                } else {
                                    "finance-tax-subject-no"
                                }))
                                @if decide { (decision(v, &id, line, refused)) }
                            }
                        }
                    }
                }
            }
        }
        dl class="fin-facts tax-facts" {
            @for rate in &rates {
                dt { (v.t1("finance-tax-rate-net", "rate", &rate["rate"].to_string())) }
                dd { (v.money(&rate["net"])) }
                dt { (v.t1("finance-tax-rate-tax", "rate", &rate["rate"].to_string())) }
                dd { (v.money(&rate["tax"])) }
            }
            dt { (v.t(if separately { "finance-tax-consumption-added" } else { "finance-tax-consumption-included" })) }
            dd { (v.money(&inv["consumptionTax"])) }
            dt { (v.t("finance-tax-total")) } dd { strong { (v.money(&inv["total"])) } }
            dt { (v.t("finance-tax-withholding")) } dd { (v.money(&inv["withholdingTax"])) }
            dt { (v.t("finance-tax-net-payable")) } dd { strong { (v.money(&inv["netPayable"])) } }
            dt { (v.t("finance-tax-deductible")) }
            dd {
                (v.money(&inv["deductibleTax"]))
                @if percent < 100 { " " (v.t1("finance-tax-deductible-share", "percent", &percent.to_string())) }
            }
        }
        p class="hint" { (v.t("finance-tax-no-fee-deducted")) }
    }
}

fn rate_text(v: &Visitor, rate: i64) -> String {
    match rate {
        8 => v.t("finance-tax-rate-reduced"),
        10 => v.t("finance-tax-rate-standard"),
        _ => v.t("finance-tax-rate-none"),
    }
}

/// The form that flips one line's withholding, with the reason finance must give.
fn decision(v: &Visitor, invoice_id: &str, line: &Value, refused: Option<&Refused>) -> Markup {
    let line_id = text(&line["id"]);
    let subject = line["withholdingSubject"].as_bool().unwrap_or(false);
    let mine = refused.filter(|r| r.line == line_id);
    let field = format!("reason-{}", line["position"]);
    html! {
        form method="post" action=(format!("/invoices/{invoice_id}/withholding")) class="stack" {
            (csrf_field(v))
            (refusal(v, mine.map(|r| &r.error)))
            input type="hidden" name="line" value=(line_id);
            input type="hidden" name="subject" value=(if subject { "false" } else { "true" });
            label for=(field) { (v.t("finance-tax-decision-reason")) }
            input id=(field) name="reason" type="text" maxlength="2000" required
                value=(mine.map_or("", |r| r.reason.as_str()));
            button type="submit" class="secondary" {
                (v.t(if subject { "finance-tax-make-not-subject" } else { "finance-tax-make-subject" }))
            }
        }
    }
}
