//! The tax on an invoice (issue 12 §5, §6): its lines per consumption tax rate, the tax floored
//! once per rate, the withholding on its subject lines, and finance's per-line override.
//!
//! Decisions: consumption tax and withholding are Japanese taxes on yen; an invoice in another
//! currency carries no tax lines and nothing is withheld. `amount` (what the invoice bills
//! against its milestone) is as the freelancer states it: before tax when the tax is shown
//! separately (the total is then amount + tax), with the tax inside it otherwise. A
//! Stripe-funded contract's escrow holds the agreed amount, so its invoices state the tax
//! inside the amount.
use entity::states::{CompanyRole, InvoiceStatus, PayeeType, ProjectCategory};
use entity::{contract, invoice, invoice_line};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use super::audit::Subject;
use super::consumption_tax::{self, RateTotal, TaxRate};
use super::error::{DomainError, DomainResult};
use super::money::Money;
use super::withholding::{self, Payment};
use super::{Access, audit, now, text, write_tx};

/// At most this many lines on one invoice.
pub const MAX_LINES: usize = 50;

/// A line as the freelancer submits it.
#[derive(Debug, Clone)]
pub struct LineInput {
    pub description: String,
    pub amount: Money,
    pub rate: TaxRate,
}

/// How an invoice states its tax, as submitted.
#[derive(Debug, Clone, Default)]
pub struct InvoiceTax {
    /// None: one line for the whole amount at the standard rate.
    pub lines: Option<Vec<LineInput>>,
    pub tax_shown_separately: bool,
}

/// A line ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub description: String,
    pub amount_minor: i64,
    /// None: no consumption tax (an invoice not in yen).
    pub rate: Option<TaxRate>,
    pub withholding_subject: bool,
}

/// What an invoice's lines come to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures {
    pub per_rate: Vec<RateTotal>,
    pub consumption_tax: i64,
    pub total: i64,
    pub withholding: i64,
}

/// Whether fees of a project's category are subject to withholding unless finance says
/// otherwise: design, writing, translation and lectures are (Income Tax Act art. 204 (1) i:
/// デザイン, 原稿, 翻訳, 講演); data analysis, engineering, marketing (copywriting billed under it
/// is for finance to mark), consulting and other work are not by default.
pub fn subject_by_default(category: ProjectCategory) -> bool {
    matches!(
        category,
        ProjectCategory::Design
            | ProjectCategory::Writing
            | ProjectCategory::Translation
            | ProjectCategory::Lecture
    )
}

/// Who is withheld from: individuals, with or without employees.
pub fn payee(payee_type: PayeeType) -> withholding::PayeeType {
    match payee_type {
        PayeeType::Individual | PayeeType::IndividualWithEmployees => {
            withholding::PayeeType::Individual
        }
        PayeeType::OnePersonCorporation | PayeeType::Corporation => {
            withholding::PayeeType::Corporation
        }
    }
}

/// The lines an invoice of `amount` stores: as submitted (each in the contract's currency,
/// summing to `amount`), or one line for the whole. `subject` is the category's default.
pub fn lines(
    tax: &InvoiceTax,
    amount: Money,
    description: &str,
    subject: bool,
) -> DomainResult<Vec<Line>> {
    let yen = amount.currency.code() == "JPY";
    if tax.tax_shown_separately && !yen {
        return Err(DomainError::bad_input(
            "input.taxShownSeparately",
            "consumption tax is stated on invoices in JPY only",
        ));
    }
    let rate = |r: TaxRate| yen.then_some(r);
    let Some(inputs) = &tax.lines else {
        return Ok(vec![Line {
            description: description.to_string(),
            amount_minor: amount.minor,
            rate: rate(TaxRate::Standard10),
            withholding_subject: yen && subject,
        }]);
    };
    if inputs.is_empty() || inputs.len() > MAX_LINES {
        return Err(DomainError::bad_input(
            "input.lines",
            format!("an invoice has 1 to {MAX_LINES} lines"),
        ));
    }
    let mut sum: i64 = 0;
    let mut lines = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        if input.amount.currency != amount.currency {
            return Err(DomainError::bad_input(
                format!("input.lines[{i}].amount.currencyCode"),
                format!("the invoice is in {}", amount.currency.code()),
            ));
        }
        sum = sum
            .checked_add(input.amount.minor)
            .ok_or_else(|| DomainError::bad_input("input.lines", "the total is too large"))?;
        lines.push(Line {
            description: text::single_line(
                &input.description,
                &format!("input.lines[{i}].description"),
                500,
            )?,
            amount_minor: input.amount.minor,
            rate: rate(input.rate),
            withholding_subject: yen && subject,
        });
    }
    if sum != amount.minor {
        return Err(DomainError::bad_input(
            "input.lines",
            format!(
                "the lines add up to {}, not the invoice's amount {}",
                Money::from_stored(sum, amount.currency.code())?.to_decimal_string(),
                amount.to_decimal_string()
            ),
        ));
    }
    Ok(lines)
}

/// The tax per rate, the total owed and the withholding of `lines` paid to `payee_type`.
pub fn figures(
    lines: &[Line],
    tax_shown_separately: bool,
    payee_type: PayeeType,
) -> DomainResult<Figures> {
    let taxed: Vec<(TaxRate, i64)> = lines
        .iter()
        .filter_map(|l| l.rate.map(|r| (r, l.amount_minor)))
        .collect();
    let per_rate = if tax_shown_separately {
        consumption_tax::totals_per_rate(&taxed)?
    } else {
        consumption_tax::totals_per_rate_included(&taxed)?
    };
    let consumption_tax: i64 = per_rate.iter().map(|t| t.tax_yen).sum();
    let stated: i64 = lines.iter().map(|l| l.amount_minor).sum();
    let total = if tax_shown_separately {
        stated + consumption_tax
    } else {
        stated
    };
    // The base is the subject lines as stated: without the tax when it is shown separately,
    // with it otherwise (withholding.rs says why).
    let subject: Vec<(TaxRate, i64)> = lines
        .iter()
        .filter(|l| l.withholding_subject)
        .filter_map(|l| l.rate.map(|r| (r, l.amount_minor)))
        .collect();
    let payment = if tax_shown_separately {
        let tax = consumption_tax::totals_per_rate(&subject)?;
        Payment {
            fee_yen: tax.iter().map(|t| t.net_yen).sum(),
            consumption_tax_yen: tax.iter().map(|t| t.tax_yen).sum(),
            tax_shown_separately: true,
        }
    } else {
        let tax = consumption_tax::totals_per_rate_included(&subject)?;
        Payment {
            fee_yen: tax.iter().map(|t| t.net_yen).sum(),
            consumption_tax_yen: tax.iter().map(|t| t.tax_yen).sum(),
            tax_shown_separately: false,
        }
    };
    let withholding =
        withholding::withholding_yen(payee(payee_type), !subject.is_empty(), payment)?;
    Ok(Figures {
        per_rate,
        consumption_tax,
        total,
        withholding,
    })
}

/// Stores an invoice's lines.
pub async fn insert(
    tx: &impl ConnectionTrait,
    invoice_id: i64,
    lines: &[Line],
) -> DomainResult<()> {
    let at = now();
    invoice_line::Entity::insert_many(lines.iter().enumerate().map(|(i, line)| {
        invoice_line::ActiveModel {
            invoice_id: Set(invoice_id),
            position: Set(i32::try_from(i + 1).unwrap_or(i32::MAX)),
            description: Set(line.description.clone()),
            amount_minor: Set(line.amount_minor),
            tax_rate: Set(line.rate.map_or(0, |r| r.percent() as i32)),
            withholding_subject: Set(line.withholding_subject),
            created_at: Set(at),
            ..Default::default()
        }
    }))
    .exec(tx)
    .await?;
    Ok(())
}

/// A stored line as the rules see it.
pub fn line_of(row: &invoice_line::Model) -> Line {
    Line {
        description: row.description.clone(),
        amount_minor: row.amount_minor,
        rate: match row.tax_rate {
            8 => Some(TaxRate::Reduced8),
            10 => Some(TaxRate::Standard10),
            _ => None,
        },
        withholding_subject: row.withholding_subject,
    }
}

/// The lines of the given invoices, in position order.
pub async fn lines_of(
    db: &impl ConnectionTrait,
    invoice_ids: impl IntoIterator<Item = i64>,
) -> DomainResult<Vec<invoice_line::Model>> {
    Ok(invoice_line::Entity::find()
        .filter(invoice_line::Column::InvoiceId.is_in(invoice_ids))
        .order_by_asc(invoice_line::Column::InvoiceId)
        .order_by_asc(invoice_line::Column::Position)
        .all(db)
        .await?)
}

/// Finance overrides whether one line of a SUBMITTED invoice is subject to withholding (a
/// lecture billed under a data-analysis project, say); the invoice's withholding is computed
/// again, and the change is audited with its reason. FINANCE of the invoice's company.
#[tracing::instrument(skip_all, fields(user = access.user_id(), line_id))]
pub async fn set_withholding(
    db: &DatabaseConnection,
    access: &Access,
    line_id: i64,
    subject: bool,
    reason: &str,
) -> DomainResult<invoice::Model> {
    let reason = text::multi_line(reason, "input.reason", 2_000)?;
    if reason.is_empty() {
        return Err(DomainError::bad_input(
            "input.reason",
            "say why the line is (not) subject to withholding",
        ));
    }
    let tx = write_tx(db).await?;
    let line = invoice_line::Entity::find_by_id(line_id)
        .one(&tx)
        .await?
        .ok_or(DomainError::NotFound("invoice line"))?;
    let invoice = invoice::Entity::find_by_id(line.invoice_id)
        .lock_exclusive()
        .one(&tx)
        .await?
        .filter(|i| access.can_see_engagement(i.company_id, i.submitted_by))
        .ok_or(DomainError::NotFound("invoice line"))?;
    access.require_role(
        invoice.company_id,
        &[CompanyRole::Finance],
        "deciding withholding",
    )?;
    if invoice.submitted_by == access.user_id() {
        return Err(DomainError::forbidden(
            "nobody decides the withholding on an invoice they submitted",
        ));
    }
    if invoice.status != InvoiceStatus::Submitted {
        return Err(DomainError::conflict(format!(
            "the invoice is {}; withholding is decided before approval",
            invoice.status.to_value()
        )));
    }
    if invoice.currency != "JPY" && subject {
        return Err(DomainError::bad_input(
            "input.subject",
            "withholding applies to invoices in JPY only",
        ));
    }
    if line.withholding_subject == subject {
        return Ok(invoice);
    }
    invoice_line::Entity::update_many()
        .col_expr(
            invoice_line::Column::WithholdingSubject,
            Expr::value(subject),
        )
        .filter(invoice_line::Column::Id.eq(line.id))
        .exec(&tx)
        .await?;
    let contract = contract::Entity::find_by_id(invoice.contract_id)
        .one(&tx)
        .await?
        .ok_or_else(|| {
            DomainError::Internal(anyhow::anyhow!("invoice {} has no contract", invoice.id))
        })?;
    let stored: Vec<Line> = lines_of(&tx, [invoice.id])
        .await?
        .iter()
        .map(line_of)
        .collect();
    let figures = figures(&stored, invoice.tax_shown_separately, contract.payee_type)?;
    let updated = invoice::Entity::update_many()
        .col_expr(
            invoice::Column::WithholdingMinor,
            Expr::value(figures.withholding),
        )
        .col_expr(invoice::Column::UpdatedAt, Expr::value(now()))
        .filter(invoice::Column::Id.eq(invoice.id))
        .filter(invoice::Column::Status.eq(InvoiceStatus::Submitted))
        .exec(&tx)
        .await?;
    if updated.rows_affected != 1 {
        return Err(DomainError::conflict(
            "the invoice changed meanwhile; reload it",
        ));
    }
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("invoice.withholding", Subject::Invoice, invoice.id).detail(format!(
            "line {}: {} → {}; withholding {} → {}; {}",
            line.position,
            if line.withholding_subject {
                "subject"
            } else {
                "not subject"
            },
            if subject { "subject" } else { "not subject" },
            invoice.withholding_minor,
            figures.withholding,
            text::quote(&reason)
        )),
    )
    .await?;
    tx.commit().await?;
    Ok(invoice::Model {
        withholding_minor: figures.withholding,
        ..invoice
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

    fn yen(minor: i64) -> Money {
        Money::from_stored(minor, "JPY").unwrap()
    }

    fn line(amount: i64, subject: bool) -> Line {
        Line {
            description: "fee".into(),
            amount_minor: amount,
            rate: Some(TaxRate::Standard10),
            withholding_subject: subject,
        }
    }

    #[test]
    fn the_issues_worked_examples() {
        // ¥1,500,000 + ¥150,000 shown separately: withholds 204,200, pays 1,445,800.
        let f = figures(&[line(1_500_000, true)], true, PayeeType::Individual).unwrap();
        assert_eq!(
            (f.consumption_tax, f.total, f.withholding),
            (150_000, 1_650_000, 204_200)
        );
        assert_eq!(f.total - f.withholding, 1_445_800);
        // A ¥50,000 design fee plus ¥5,000 tax.
        let f = figures(&[line(50_000, true)], true, PayeeType::Individual).unwrap();
        assert_eq!((f.total, f.withholding), (55_000, 5_105));
        // ¥55,000 with the tax not shown separately.
        let f = figures(&[line(55_000, true)], false, PayeeType::Individual).unwrap();
        assert_eq!(
            (f.consumption_tax, f.total, f.withholding),
            (5_000, 55_000, 5_615)
        );
        // ¥33,333 + ¥16,667 at 10 %: ¥5,000 of tax, not ¥4,999.
        let f = figures(
            &[line(33_333, false), line(16_667, false)],
            true,
            PayeeType::Individual,
        )
        .unwrap();
        assert_eq!(
            (f.consumption_tax, f.total, f.withholding),
            (5_000, 55_000, 0)
        );
    }

    #[test]
    fn design_writing_translation_and_lectures_are_subject_by_default() {
        use sea_orm::Iterable;
        let subject: Vec<_> = ProjectCategory::iter()
            .filter(|c| subject_by_default(*c))
            .collect();
        assert_eq!(
            subject,
            [
                ProjectCategory::Design,
                ProjectCategory::Writing,
                ProjectCategory::Translation,
                ProjectCategory::Lecture
            ]
        );
    }

    #[test]
    fn only_subject_lines_of_individuals_are_withheld() {
        let lines = [line(100_000, true), line(200_000, false)];
        let f = figures(&lines, true, PayeeType::Individual).unwrap();
        assert_eq!(f.withholding, 10_210);
        assert_eq!(
            figures(&lines, true, PayeeType::IndividualWithEmployees)
                .unwrap()
                .withholding,
            10_210
        );
        for corporate in [PayeeType::OnePersonCorporation, PayeeType::Corporation] {
            assert_eq!(figures(&lines, true, corporate).unwrap().withholding, 0);
        }
        let none = [line(100_000, false)];
        assert_eq!(
            figures(&none, false, PayeeType::Individual)
                .unwrap()
                .withholding,
            0
        );
    }

    #[test]
    fn lines_must_add_up_to_the_amount_in_its_currency() {
        let tax = |lines: Vec<LineInput>| InvoiceTax {
            lines: Some(lines),
            tax_shown_separately: true,
        };
        let input = |amount: Money| LineInput {
            description: "fee".into(),
            amount,
            rate: TaxRate::Standard10,
        };
        let ok = lines(
            &tax(vec![input(yen(300)), input(yen(700))]),
            yen(1_000),
            "x",
            true,
        )
        .unwrap();
        assert_eq!(ok.len(), 2);
        assert!(ok.iter().all(|l| l.withholding_subject));
        let off = lines(&tax(vec![input(yen(300))]), yen(1_000), "x", true).unwrap_err();
        assert!(off.to_string().contains("input.lines"), "{off}");
        assert!(lines(&tax(vec![]), yen(1_000), "x", true).is_err());
        let usd = Money::parse("10", Currency::from_code("USD").unwrap(), "a").unwrap();
        assert!(lines(&tax(vec![input(usd)]), yen(1_000), "x", true).is_err());
        let many = (0..=MAX_LINES).map(|_| input(yen(1))).collect();
        assert!(lines(&tax(many), yen(51), "x", true).is_err());
    }

    #[test]
    fn an_invoice_not_in_yen_has_no_tax_and_no_withholding() {
        let usd = Money::parse("1200.50", Currency::from_code("USD").unwrap(), "a").unwrap();
        let one = lines(&InvoiceTax::default(), usd, "x", true).unwrap();
        assert_eq!(one[0].rate, None);
        assert!(!one[0].withholding_subject);
        let f = figures(&one, false, PayeeType::Individual).unwrap();
        assert_eq!((f.consumption_tax, f.total, f.withholding), (0, 120_050, 0));
        let separately = InvoiceTax {
            lines: None,
            tax_shown_separately: true,
        };
        assert!(lines(&separately, usd, "x", true).is_err());
    }

    /// Property: whatever the lines, withholding never exceeds what is owed, so the payout is
    /// never negative, and the total never falls below the stated amount.
    #[test]
    fn withholding_never_exceeds_the_total() {
        let mut x: u64 = 7;
        for _ in 0..5_000 {
            let mut lines = Vec::new();
            for _ in 0..(x % 5 + 1) {
                x = x
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                lines.push(Line {
                    description: String::new(),
                    amount_minor: ((x >> 24) % 5_000_000) as i64,
                    rate: Some(if x.is_multiple_of(4) {
                        TaxRate::Reduced8
                    } else {
                        TaxRate::Standard10
                    }),
                    withholding_subject: x.is_multiple_of(3) || x.is_multiple_of(2),
                });
            }
            for separately in [true, false] {
                let f = figures(&lines, separately, PayeeType::Individual).unwrap();
                let stated: i64 = lines.iter().map(|l| l.amount_minor).sum();
                assert!(f.withholding >= 0 && f.withholding <= f.total, "{lines:?}");
                assert!(f.total >= stated, "{lines:?}");
            }
        }
    }
}
