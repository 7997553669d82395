//! Tax reports and exports for finance (issue 12 §5, §7, §9), read from what the payout and
//! invoice code wrote: `payouts.withholding_minor` (withheld), `payouts.amount_minor` (the net
//! paid), `payouts.paid_at`, the invoice's lines flagged `withholding_subject` (the subject fee,
//! stated before tax when the invoice shows the tax separately, with it otherwise — the `A` the
//! withholding was computed on), and `contracts.payee_type`.
//!
//! Days and months are Asia/Tokyo. Withholding is a yen matter: only JPY payouts are reported.
//!
//! - [`withholding`]: what to remit for a month (源泉徴収税額の納付). The due date is the 10th
//!   of the following month. The special semiannual schedule (納期の特例, for payers with fewer
//!   than ten employees who applied for it: January–June by July 10, July–December by
//!   January 20) is the company's and its tax adviser's matter; Boomerang reports the regular
//!   monthly due date only.
//! - [`payment_records`]: the data for the annual payment records (報酬、料金、契約金及び賞金の
//!   支払調書) per individual payee whose subject fees paid in the year exceed ¥50,000. The
//!   individual number (マイナンバー) is out of scope: Boomerang never asks for it, and the
//!   record leaves that column for the company to fill. Corporate payees are not listed (no
//!   withholding applies to them and the record is not required for them).
//! - [`export`]: invoices, payouts and withholding entries of a period, for the CSV downloads.
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Asia::Tokyo;
use entity::states::{CompanyRole, PayeeType, PayoutStatus};
use entity::{contract, invoice, invoice_line, payout, user};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::Access;
use super::compliance::{Period, tokyo_midnight};
use super::error::{DomainError, DomainResult};

/// Who reads the tax reports and exports: the company's FINANCE and ADMIN.
pub const READERS: &[CompanyRole] = &[CompanyRole::Finance, CompanyRole::Admin];

/// Payees whose subject fees in a year exceed this (yen) get a payment record.
pub const PAYMENT_RECORD_THRESHOLD: i64 = 50_000;

/// Rows one export may hold; a longer period is refused with a hint to shorten it.
pub const MAX_EXPORT_ROWS: usize = 20_000;

/// The longest export period (days).
pub const MAX_EXPORT_DAYS: i64 = 366;

/// A calendar month, parsed once from `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Month {
    pub first: NaiveDate,
}

impl Month {
    pub fn parse(text: &str, field: &str) -> DomainResult<Self> {
        let bad = || DomainError::bad_input(field, "must be a month as YYYY-MM, e.g. 2026-04");
        let (y, m) = text.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 || !(y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()))
        {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if !(2000..=2999).contains(&year) {
            return Err(DomainError::bad_input(
                field,
                "the year must be between 2000 and 2999",
            ));
        }
        let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(bad)?;
        Ok(Self { first })
    }

    pub fn next(&self) -> NaiveDate {
        self.first
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(self.first)
    }

    pub fn last(&self) -> NaiveDate {
        self.next().pred_opt().unwrap_or(self.first)
    }

    /// The 10th of the following month: when the month's withholding is due at the tax office.
    pub fn remittance_due(&self) -> NaiveDate {
        self.next().with_day(10).unwrap_or(self.next())
    }

    pub fn label(&self) -> String {
        self.first.format("%Y-%m").to_string()
    }
}

/// The day the withholding on a payment paid at `paid_at` is due: the 10th of the next month
/// (Asia/Tokyo; `withholding::remittance_due`).
pub fn remittance_due(paid_at: DateTime<Utc>) -> NaiveDate {
    super::withholding::remittance_due(paid_at.with_timezone(&Tokyo).date_naive())
}

/// One payment with withholding.
#[derive(Debug, Clone)]
pub struct WithholdingEntry {
    pub payout: payout::Model,
    pub invoice: invoice::Model,
    pub payee: user::Model,
    /// The Asia/Tokyo day the payout was paid.
    pub paid_on: NaiveDate,
    /// The fee the withholding was computed on (the subject lines of the invoice).
    pub subject_fee_minor: i64,
    pub due_on: NaiveDate,
}

#[derive(Debug, Clone)]
pub struct WithholdingReport {
    pub month: Month,
    pub entries: Vec<WithholdingEntry>,
    pub total_minor: i64,
    pub due_on: NaiveDate,
}

#[derive(Debug, Clone)]
pub struct PaymentRecord {
    pub payee: user::Model,
    pub payee_type: PayeeType,
    pub fees_minor: i64,
    pub withheld_minor: i64,
    pub payments: i64,
}

#[derive(Debug, Clone)]
pub struct PaymentRecords {
    pub year: i32,
    pub records: Vec<PaymentRecord>,
}

/// The payouts of a company paid within `[start, end)`, with their invoices, subject fees and
/// payees, oldest payment first.
async fn paid_between(
    db: &DatabaseConnection,
    company_id: i64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    yen_only: bool,
) -> DomainResult<Vec<(WithholdingEntry, PayeeType)>> {
    let mut payouts = payout::Entity::find()
        .filter(payout::Column::CompanyId.eq(company_id))
        .filter(payout::Column::Status.eq(PayoutStatus::Paid));
    if yen_only {
        payouts = payouts.filter(payout::Column::Currency.eq("JPY"));
    }
    let payouts = payouts
        .filter(payout::Column::PaidAt.gte(start))
        .filter(payout::Column::PaidAt.lt(end))
        .order_by_asc(payout::Column::PaidAt)
        .order_by_asc(payout::Column::Id)
        .all(db)
        .await?;
    if payouts.len() > MAX_EXPORT_ROWS {
        return Err(DomainError::bad_input(
            "to",
            format!("more than {MAX_EXPORT_ROWS} payments; choose a shorter period"),
        ));
    }
    let invoice_ids: Vec<i64> = payouts.iter().map(|p| p.invoice_id).collect();
    let invoices: HashMap<i64, invoice::Model> = invoice::Entity::find()
        .filter(invoice::Column::Id.is_in(invoice_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let mut subject: HashMap<i64, i64> = HashMap::new();
    for line in invoice_line::Entity::find()
        .filter(invoice_line::Column::InvoiceId.is_in(invoice_ids))
        .filter(invoice_line::Column::WithholdingSubject.eq(true))
        .all(db)
        .await?
    {
        *subject.entry(line.invoice_id).or_default() += line.amount_minor;
    }
    let contract_ids: HashSet<i64> = invoices.values().map(|i| i.contract_id).collect();
    let payee_types: HashMap<i64, PayeeType> = contract::Entity::find()
        .filter(contract::Column::Id.is_in(contract_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.payee_type))
        .collect();
    let user_ids: HashSet<i64> = invoices.values().map(|i| i.submitted_by).collect();
    let users: HashMap<i64, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut rows = Vec::with_capacity(payouts.len());
    for p in payouts {
        let (Some(invoice), Some(paid_at)) = (invoices.get(&p.invoice_id), p.paid_at) else {
            continue;
        };
        let Some(payee) = users.get(&invoice.submitted_by) else {
            continue;
        };
        let payee_type = payee_types
            .get(&invoice.contract_id)
            .copied()
            .unwrap_or(PayeeType::Individual);
        rows.push((
            WithholdingEntry {
                subject_fee_minor: subject.get(&invoice.id).copied().unwrap_or(0),
                paid_on: paid_at.with_timezone(&Tokyo).date_naive(),
                due_on: remittance_due(paid_at),
                invoice: invoice.clone(),
                payee: payee.clone(),
                payout: p,
            },
            payee_type,
        ));
    }
    Ok(rows)
}

/// The withholding to remit for the payments paid in `month` (Asia/Tokyo). FINANCE or ADMIN.
#[tracing::instrument(skip_all, fields(user = access.user_id(), company_id))]
pub async fn withholding(
    db: &DatabaseConnection,
    access: &Access,
    company_id: i64,
    month: Month,
) -> DomainResult<WithholdingReport> {
    access.require_company_role(company_id, READERS, "reading the withholding report")?;
    let entries: Vec<WithholdingEntry> = paid_between(
        db,
        company_id,
        tokyo_midnight(month.first),
        tokyo_midnight(month.next()),
        true,
    )
    .await?
    .into_iter()
    .map(|(e, _)| e)
    .filter(|e| e.payout.withholding_minor > 0)
    .collect();
    let total_minor = entries.iter().map(|e| e.payout.withholding_minor).sum();
    Ok(WithholdingReport {
        month,
        entries,
        total_minor,
        due_on: month.remittance_due(),
    })
}

/// The payment records for `year` (Asia/Tokyo calendar year): individual payees whose subject
/// fees paid in the year exceed ¥50,000 (exactly ¥50,000 is not listed), by name. FINANCE or
/// ADMIN.
#[tracing::instrument(skip_all, fields(user = access.user_id(), company_id, year))]
pub async fn payment_records(
    db: &DatabaseConnection,
    access: &Access,
    company_id: i64,
    year: i32,
) -> DomainResult<PaymentRecords> {
    access.require_company_role(company_id, READERS, "reading the payment records")?;
    let (Some(first), Some(next)) = (
        NaiveDate::from_ymd_opt(year, 1, 1).filter(|_| (2000..=2999).contains(&year)),
        year.checked_add(1)
            .and_then(|next| NaiveDate::from_ymd_opt(next, 1, 1)),
    ) else {
        return Err(DomainError::bad_input(
            "year",
            "must be a year between 2000 and 2999",
        ));
    };
    let rows = paid_between(
        db,
        company_id,
        tokyo_midnight(first),
        tokyo_midnight(next),
        true,
    )
    .await?;
    let mut per_payee: BTreeMap<i64, PaymentRecord> = BTreeMap::new();
    for (e, payee_type) in rows {
        if matches!(
            payee_type,
            PayeeType::OnePersonCorporation | PayeeType::Corporation
        ) || e.subject_fee_minor == 0
        {
            continue;
        }
        let record = per_payee.entry(e.payee.id).or_insert(PaymentRecord {
            payee: e.payee.clone(),
            payee_type,
            fees_minor: 0,
            withheld_minor: 0,
            payments: 0,
        });
        record.fees_minor += e.subject_fee_minor;
        record.withheld_minor += e.payout.withholding_minor;
        record.payments += 1;
    }
    let mut records: Vec<PaymentRecord> = per_payee
        .into_values()
        .filter(|r| r.fees_minor > PAYMENT_RECORD_THRESHOLD)
        .collect();
    records.sort_by(|a, b| payee_name(&a.payee).cmp(payee_name(&b.payee)));
    Ok(PaymentRecords { year, records })
}

/// The name a record carries: the legal name when given, else the display name.
pub fn payee_name(u: &user::Model) -> &str {
    u.legal_name
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or(&u.display_name)
}

/// A period's rows for the CSV exports.
#[derive(Debug, Clone)]
pub struct Export {
    /// Invoices submitted in the period, with their payees, oldest first.
    pub invoices: Vec<(invoice::Model, user::Model)>,
    /// Payouts paid in the period (any currency), oldest first.
    pub payouts: Vec<WithholdingEntry>,
    /// The JPY payouts paid in the period with withholding.
    pub withholding: Vec<WithholdingEntry>,
}

/// The export of a period (at most 366 days). FINANCE or ADMIN.
#[tracing::instrument(skip_all, fields(user = access.user_id(), company_id))]
pub async fn export(
    db: &DatabaseConnection,
    access: &Access,
    company_id: i64,
    period: Period,
) -> DomainResult<Export> {
    access.require_company_role(company_id, READERS, "exporting finance data")?;
    let invoices = invoice::Entity::find()
        .filter(invoice::Column::CompanyId.eq(company_id))
        .filter(invoice::Column::CreatedAt.gte(period.start()))
        .filter(invoice::Column::CreatedAt.lt(period.end()))
        .order_by_asc(invoice::Column::CreatedAt)
        .order_by_asc(invoice::Column::Id)
        .all(db)
        .await?;
    if invoices.len() > MAX_EXPORT_ROWS {
        return Err(DomainError::bad_input(
            "to",
            format!("more than {MAX_EXPORT_ROWS} invoices; choose a shorter period"),
        ));
    }
    let user_ids: HashSet<i64> = invoices.iter().map(|i| i.submitted_by).collect();
    let users: HashMap<i64, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let invoices = invoices
        .into_iter()
        .filter_map(|i| users.get(&i.submitted_by).cloned().map(|u| (i, u)))
        .collect();
    let payouts: Vec<WithholdingEntry> =
        paid_between(db, company_id, period.start(), period.end(), false)
            .await?
            .into_iter()
            .map(|(e, _)| e)
            .collect();
    let withholding = payouts
        .iter()
        .filter(|e| e.payout.currency == "JPY" && e.payout.withholding_minor > 0)
        .cloned()
        .collect();
    Ok(Export {
        invoices,
        payouts,
        withholding,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_and_fall_due_on_the_tenth_of_the_next() {
        let m = Month::parse("2026-12", "month").unwrap();
        assert_eq!(m.remittance_due().to_string(), "2027-01-10");
        assert_eq!(m.last().to_string(), "2026-12-31");
        assert_eq!(
            Month::parse("2026-02", "month").unwrap().last().to_string(),
            "2026-02-28"
        );
        for bad in [
            "2026-13", "2026-1", "26-01", "2026/01", "", "abcd-ef", "1999-12",
        ] {
            assert!(Month::parse(bad, "month").is_err(), "{bad}");
        }
        // 2026-01-31 20:00 in Tokyo is 11:00 UTC: January's payment, due on February 10.
        let paid = chrono::DateTime::parse_from_rfc3339("2026-01-31T15:30:00Z").unwrap();
        assert_eq!(remittance_due(paid.into()).to_string(), "2026-03-10");
        let paid = chrono::DateTime::parse_from_rfc3339("2026-01-31T14:59:59Z").unwrap();
        assert_eq!(remittance_due(paid.into()).to_string(), "2026-02-10");
    }
}
