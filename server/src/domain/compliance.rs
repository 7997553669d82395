//! Prohibited acts (Freelance Act art. 5) and what a company shows it did not do: every
//! request for changes after a delivery and every invoice rejection is recorded with a reason
//! code (`refusals`, insert-only, written in the refusal's own transaction), and
//! [`report`] counts them per code for a period, with the contracts the company ended and the
//! notice it gave (art. 16).
//!
//! A bank transfer fee is never deducted from a freelancer's payout: the payout is the invoice
//! total less withholding only (`domain::payouts`). This module reports; it enforces nothing
//! about amounts.
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Tokyo;
use entity::contract;
use entity::refusal::{self, ReasonCode, RefusalKind};
use entity::states::CompanyRole;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};

use super::error::{DomainError, DomainResult};
use super::{Access, now};

/// Who reads the compliance report: the company's ADMIN, and FINANCE, who reject invoices.
pub const READERS: &[CompanyRole] = &[CompanyRole::Admin, CompanyRole::Finance];

/// The longest period one report covers.
pub const MAX_PERIOD_DAYS: i64 = 366 * 5;

/// Every reason code, in the order reports list them.
pub const CODES: [ReasonCode; 6] = [
    ReasonCode::Defect,
    ReasonCode::NotAsAgreed,
    ReasonCode::Late,
    ReasonCode::Incomplete,
    ReasonCode::BillingError,
    ReasonCode::Other,
];

/// One refusal as the domain records it, in the transaction of the change it explains.
pub struct Refusal<'a> {
    pub company_id: i64,
    pub contract_id: i64,
    pub kind: RefusalKind,
    pub subject_id: i64,
    pub code: ReasonCode,
    pub reason: &'a str,
    pub actor_id: i64,
}

pub async fn record(tx: &impl ConnectionTrait, r: Refusal<'_>) -> DomainResult<()> {
    refusal::Entity::insert(refusal::ActiveModel {
        company_id: Set(r.company_id),
        contract_id: Set(r.contract_id),
        kind: Set(r.kind),
        subject_id: Set(r.subject_id),
        reason_code: Set(r.code),
        reason: Set(r.reason.to_string()),
        actor_id: Set(r.actor_id),
        created_at: Set(now()),
        ..Default::default()
    })
    .exec(tx)
    .await?;
    Ok(())
}

/// The latest reason code recorded for a subject (a milestone sent back, an invoice rejected).
pub async fn latest_code(
    db: &impl ConnectionTrait,
    kind: RefusalKind,
    subject_id: i64,
) -> DomainResult<Option<ReasonCode>> {
    Ok(refusal::Entity::find()
        .filter(refusal::Column::Kind.eq(kind))
        .filter(refusal::Column::SubjectId.eq(subject_id))
        .order_by_desc(refusal::Column::Id)
        .one(db)
        .await?
        .map(|r| r.reason_code))
}

/// A period of days in Asia/Tokyo, both ends included, as UTC instants `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// `from` ≤ `to`, at most [`MAX_PERIOD_DAYS`]; errors name `input.from` / `input.to`.
    pub fn new(from: NaiveDate, to: NaiveDate, max_days: i64) -> DomainResult<Self> {
        if to < from {
            return Err(DomainError::bad_input("to", "must not be before from"));
        }
        if (to - from).num_days() >= max_days {
            return Err(DomainError::bad_input(
                "to",
                format!("a period covers at most {max_days} days"),
            ));
        }
        Ok(Self { from, to })
    }

    pub fn start(&self) -> DateTime<Utc> {
        tokyo_midnight(self.from)
    }

    pub fn end(&self) -> DateTime<Utc> {
        tokyo_midnight(self.to.succ_opt().unwrap_or(self.to))
    }
}

/// 00:00 in Asia/Tokyo on `day`, as UTC (Tokyo has no daylight saving time: never ambiguous).
pub fn tokyo_midnight(day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    Tokyo
        .from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| midnight.and_utc())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeCount {
    pub code: ReasonCode,
    pub count: i64,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub period: Period,
    /// Requests for changes after a delivery, per code (every code, zeros included).
    pub changes_requested: Vec<CodeCount>,
    /// Invoice rejections, per code.
    pub invoice_rejections: Vec<CodeCount>,
    /// Contracts whose end the company asked for in the period (its staff, not the
    /// freelancer), oldest first: with `ends_on` when notice was given.
    pub ended_by_company: Vec<contract::Model>,
}

/// The compliance report for a company over a period. ADMIN or FINANCE.
#[tracing::instrument(skip_all, fields(user = access.user_id(), company_id))]
pub async fn report(
    db: &DatabaseConnection,
    access: &Access,
    company_id: i64,
    period: Period,
) -> DomainResult<Report> {
    access.require_company_role(company_id, READERS, "reading the compliance report")?;
    let refusals = refusal::Entity::find()
        .filter(refusal::Column::CompanyId.eq(company_id))
        .filter(refusal::Column::CreatedAt.gte(period.start()))
        .filter(refusal::Column::CreatedAt.lt(period.end()))
        .all(db)
        .await?;
    let count = |kind: RefusalKind| {
        CODES
            .iter()
            .map(|code| CodeCount {
                code: *code,
                count: refusals
                    .iter()
                    .filter(|r| r.kind == kind && r.reason_code == *code)
                    .count() as i64,
            })
            .collect::<Vec<_>>()
    };
    let ended = contract::Entity::find()
        .filter(contract::Column::CompanyId.eq(company_id))
        .filter(contract::Column::EndRequestedAt.gte(period.start()))
        .filter(contract::Column::EndRequestedAt.lt(period.end()))
        .order_by_asc(contract::Column::EndRequestedAt)
        .order_by_asc(contract::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|c| c.end_requested_by.is_some_and(|by| by != c.freelancer_id))
        .collect();
    Ok(Report {
        period,
        changes_requested: count(RefusalKind::ChangesRequested),
        invoice_rejections: count(RefusalKind::InvoiceRejected),
        ended_by_company: ended,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_runs_from_tokyo_midnight_to_tokyo_midnight() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let p = Period::new(day("2026-01-01"), day("2026-01-31"), 400).unwrap();
        assert_eq!(p.start().to_rfc3339(), "2025-12-31T15:00:00+00:00");
        assert_eq!(p.end().to_rfc3339(), "2026-01-31T15:00:00+00:00");
        assert!(Period::new(day("2026-02-01"), day("2026-01-31"), 400).is_err());
        assert!(Period::new(day("2020-01-01"), day("2026-01-31"), 400).is_err());
    }
}
