//! Statements of terms (取引条件の明示, Freelance Act art. 3). Accepting a bid issues version 1
//! in the same transaction; ending a contract early issues the next version with the cancelled
//! milestones and the end date. Versions are only ever inserted (a trigger refuses UPDATE and
//! DELETE); the latest is the one in force, the older ones stay as issued.
//!
//! `statement` is the pure rule: the facts in, the Japanese text out, or `BAD_USER_INPUT`
//! naming the first missing item. `issue` gathers the facts from the database and applies the
//! defaults, decided so that every real flow carries every item:
//! - place or manner of delivery: the project's `deliveryMethod`, else delivery through
//!   Boomerang's delivery form (that is how work is delivered here), stated as such;
//! - a milestone's delivery date: its own due date, else the commissioning date + the bid's
//!   `deliveryDays` — the date the freelancer promised the whole work by, so no milestone can
//!   be due later. `milestones::create_for_contract` writes that default onto the milestone,
//!   so the contract and its statement show the same date;
//! - the inspection period: the company's review window (after it a delivery is accepted
//!   automatically, so the inspection is complete by then at the latest);
//! - the payment due date: the company's payment terms, never more than the legal
//!   `invoices::PAYMENT_DAYS` after the acceptance day.
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Asia::Tokyo;
use entity::states::{MilestoneStatus, PaymentProvider};
use entity::{bid, company, contract, contract_terms, milestone, project, user};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

use super::audit::Subject;
use super::error::{DomainError, DomainResult};
use super::money::{Currency, Money};
use super::{audit, invoices, now};

/// Why a version was issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Version 1, when the bid was accepted.
    Accepted,
    /// The contract was ended early.
    Ended,
}

impl Reason {
    pub fn code(self) -> &'static str {
        match self {
            Reason::Accepted => "ACCEPTED",
            Reason::Ended => "ENDED",
        }
    }
}

/// One milestone as the statement lists it.
#[derive(Debug, Clone)]
pub struct MilestoneFacts {
    pub title: String,
    pub amount: Money,
    pub due_date: Option<NaiveDate>,
    /// Cancelled when the contract was ended early.
    pub cancelled: bool,
}

/// How the contract ended early, for the version that records it. The reason is not printed:
/// after a notice (art. 16) it is shown to the freelancer only once she asks for it, and the
/// statement is hers to read.
#[derive(Debug, Clone)]
pub struct EndFacts {
    pub ended_on: NaiveDate,
}

/// Everything a statement states. `None` or blank text is a missing item.
#[derive(Debug, Clone)]
pub struct Facts {
    pub version: i32,
    pub contract_id: i64,
    pub issued_on: NaiveDate,
    pub company_name: String,
    /// `users.legal_name` when set, else the display name.
    pub freelancer_name: String,
    /// The day the bid was accepted, in Asia/Tokyo.
    pub commissioned_on: Option<NaiveDate>,
    pub project_title: String,
    pub project_description: String,
    pub milestones: Vec<MilestoneFacts>,
    pub delivery_method: Option<String>,
    pub review_window_days: Option<i32>,
    pub total: Option<Money>,
    /// Days after the acceptance day the payment is due by (at most `PAYMENT_DAYS`).
    pub payment_terms_days: Option<i32>,
    pub payment_method: Option<PaymentProvider>,
    pub ended: Option<EndFacts>,
}

/// The place of delivery stated when the project names none.
pub const DEFAULT_DELIVERY: &str = "Boomerang の納品フォームからの提出（成果物又はその所在を示すリンクを納品フォームに登録する方法）";

fn missing(field: impl Into<String>, item: &str) -> DomainError {
    DomainError::bad_input(
        field,
        format!("the terms statement (Freelance Act art. 3) needs {item}"),
    )
}

fn present<'a>(value: &'a str, field: &str, item: &str) -> DomainResult<&'a str> {
    let value = value.trim();
    if value.is_empty() {
        Err(missing(field, item))
    } else {
        Ok(value)
    }
}

/// A date as a Japanese business document writes it: 2026年11月26日.
pub fn japanese_date(day: NaiveDate) -> String {
    format!("{}年{}月{}日", day.year(), day.month(), day.day())
}

/// An amount as the statement writes it: 1,500,000円 for yen, else `1500.00 USD`.
pub fn amount(money: Money) -> String {
    if money.currency == Currency::Jpy {
        let digits = money.minor.unsigned_abs().to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let sign = if money.minor < 0 { "-" } else { "" };
        format!("{sign}{grouped}円")
    } else {
        format!("{} {}", money.to_decimal_string(), money.currency.code())
    }
}

/// The statement's text, or `BAD_USER_INPUT` naming the first missing item (`company.name`,
/// `freelancer.name`, `contract.commissionedOn`, `project.title`, `project.description`,
/// `bid.milestones`, `bid.milestones[N].title|amount|dueDate` with N the 1-based position,
/// `project.deliveryMethod`, `company.reviewWindowDays`, `contract.amount`,
/// `company.paymentTermsDays`, `company.paymentProvider`).
pub fn statement(facts: &Facts) -> DomainResult<String> {
    let company = present(
        &facts.company_name,
        "company.name",
        "the commissioning company's name",
    )?;
    let freelancer = present(
        &facts.freelancer_name,
        "freelancer.name",
        "the freelancer's name",
    )?;
    let commissioned = facts
        .commissioned_on
        .ok_or_else(|| missing("contract.commissionedOn", "the commissioning date"))?;
    let title = present(&facts.project_title, "project.title", "the work's title")?;
    let description = present(
        &facts.project_description,
        "project.description",
        "the work's description",
    )?;
    if facts.milestones.is_empty() {
        return Err(missing("bid.milestones", "at least one milestone"));
    }
    let mut lines = Vec::with_capacity(facts.milestones.len());
    for (index, m) in facts.milestones.iter().enumerate() {
        let n = index + 1;
        let m_title = present(
            &m.title,
            &format!("bid.milestones[{n}].title"),
            "each milestone's title",
        )?;
        if m.amount.minor <= 0 {
            return Err(missing(
                format!("bid.milestones[{n}].amount"),
                "each milestone's amount",
            ));
        }
        let due = m.due_date.ok_or_else(|| {
            missing(
                format!("bid.milestones[{n}].dueDate"),
                "each milestone's delivery date",
            )
        })?;
        let cancelled = if m.cancelled { "（取消）" } else { "" };
        lines.push(format!(
            "  ({n}) {m_title}{cancelled}\n      報酬の額: {}　給付を受領する期日: {}",
            amount(m.amount),
            japanese_date(due)
        ));
    }
    let delivery = facts
        .delivery_method
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .ok_or_else(|| missing("project.deliveryMethod", "the place or manner of delivery"))?;
    let review = facts
        .review_window_days
        .filter(|d| *d > 0)
        .ok_or_else(|| missing("company.reviewWindowDays", "the inspection period"))?;
    let total = facts
        .total
        .filter(|t| t.minor > 0)
        .ok_or_else(|| missing("contract.amount", "the amount"))?;
    let limit = i32::try_from(invoices::PAYMENT_DAYS).unwrap_or(59);
    let terms = facts
        .payment_terms_days
        .filter(|d| (0..=limit).contains(d))
        .ok_or_else(|| missing("company.paymentTermsDays", "the payment due date"))?;
    let method = match facts.payment_method {
        Some(PaymentProvider::Manual) => {
            "受託者が指定する銀行口座への振込（振込手数料は業務委託事業者が負担します）"
        }
        Some(PaymentProvider::Stripe) => "Stripe を通じた受託者の Stripe アカウントへの送金",
        None => return Err(missing("company.paymentProvider", "the payment method")),
    };
    let cancelled_total: i64 = facts
        .milestones
        .iter()
        .filter(|m| m.cancelled)
        .map(|m| m.amount.minor)
        .sum();
    let mut text = String::new();
    text.push_str(&format!("業務委託の取引条件（第{}版）\n\n", facts.version));
    text.push_str(
        "本書は、特定受託事業者に係る取引の適正化等に関する法律第3条に基づき、\
         下記の業務委託に係る取引条件を明示するものです。\n\n",
    );
    text.push_str(&format!("契約番号: {}\n", facts.contract_id));
    text.push_str(&format!("発行日: {}\n\n", japanese_date(facts.issued_on)));
    text.push_str(&format!("1. 業務委託事業者: {company}\n"));
    text.push_str(&format!("2. 受託者: {freelancer}\n"));
    text.push_str(&format!(
        "3. 業務委託をした日: {}\n",
        japanese_date(commissioned)
    ));
    text.push_str(&format!("4. 給付の内容: {title}\n"));
    for line in description.lines() {
        text.push_str(&format!("   {line}\n"));
    }
    text.push_str("5. 給付の内容の内訳、報酬の額及び給付を受領する期日:\n");
    for line in &lines {
        text.push_str(line);
        text.push('\n');
    }
    text.push_str(&format!("6. 給付を受領する場所（納品方法）: {delivery}\n"));
    text.push_str(&format!(
        "7. 検査を完了する期日: 給付を受領した日から{review}日以内\
         （この期間内に検査の結果の通知がない場合、給付は検査に合格したものとします）\n"
    ));
    if cancelled_total > 0 {
        let remaining = Money {
            minor: total.minor - cancelled_total,
            currency: total.currency,
        };
        let cancelled = Money {
            minor: cancelled_total,
            currency: total.currency,
        };
        text.push_str(&format!(
            "8. 報酬の額（合計）: {}（うち取消分 {}、取消後の報酬の額 {}）\n",
            amount(total),
            amount(cancelled),
            amount(remaining)
        ));
    } else {
        text.push_str(&format!("8. 報酬の額（合計）: {}\n", amount(total)));
    }
    text.push_str(&format!(
        "9. 報酬の支払期日: 給付を受領した日から起算して{}日目まで（受領した日を1日目とし、修正のうえ再度納品された場合はその受領日から起算します）\n",
        terms + 1
    ));
    text.push_str(&format!("10. 報酬の支払方法: {method}\n"));
    if let Some(ended) = &facts.ended {
        text.push_str(&format!(
            "\n契約の終了: 本契約は{}に終了しました。\
             上記のうち「（取消）」と記載した給付は委託を取り消し、\
             終了前に検収した給付の報酬は上記の支払期日までに支払います。\n",
            japanese_date(ended.ended_on)
        ));
    }
    Ok(text)
}

/// The day `at` falls on in Asia/Tokyo.
pub fn tokyo_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Tokyo).date_naive()
}

/// The delivery date of a milestone the bid gave none: the commissioning date + the bid's
/// delivery days (see the module's doc comment).
pub fn default_due_date(commissioned_at: DateTime<Utc>, delivery_days: i32) -> NaiveDate {
    let day = tokyo_day(commissioned_at);
    day.checked_add_days(chrono::Days::new(u64::try_from(delivery_days).unwrap_or(0)))
        .unwrap_or(day)
}

/// Issues the contract's next version, with its audit event, inside the caller's transaction.
pub(crate) async fn issue(
    tx: &impl ConnectionTrait,
    actor: Option<i64>,
    contract: &contract::Model,
    reason: Reason,
) -> DomainResult<contract_terms::Model> {
    let internal = |what: &str| {
        DomainError::Internal(anyhow::anyhow!(
            "contract {}: {what} is missing",
            contract.id
        ))
    };
    let company = company::Entity::find_by_id(contract.company_id)
        .one(tx)
        .await?
        .ok_or_else(|| internal("company"))?;
    let project = project::Entity::find_by_id(contract.project_id)
        .one(tx)
        .await?
        .ok_or_else(|| internal("project"))?;
    let bid = bid::Entity::find_by_id(contract.bid_id)
        .one(tx)
        .await?
        .ok_or_else(|| internal("bid"))?;
    let freelancer = user::Entity::find_by_id(contract.freelancer_id)
        .one(tx)
        .await?
        .ok_or_else(|| internal("freelancer"))?;
    let rows = milestone::Entity::find()
        .filter(milestone::Column::ContractId.eq(contract.id))
        .order_by_asc(milestone::Column::Position)
        .all(tx)
        .await?;
    let fallback_due = default_due_date(contract.created_at, bid.delivery_days);
    let milestones = rows
        .iter()
        .map(|m| {
            Ok(MilestoneFacts {
                title: m.title.clone(),
                amount: Money::from_stored(m.amount_minor, &m.currency)?,
                due_date: m.due_date.or(Some(fallback_due)),
                cancelled: m.status == MilestoneStatus::Cancelled,
            })
        })
        .collect::<DomainResult<Vec<_>>>()?;
    let latest = latest_row(tx, contract.id).await?;
    let version = latest.as_ref().map_or(1, |l| l.version + 1);
    let at = now();
    let facts = Facts {
        version,
        contract_id: contract.id,
        issued_on: tokyo_day(at),
        company_name: company.name,
        freelancer_name: freelancer
            .legal_name
            .filter(|n| !n.trim().is_empty())
            .unwrap_or(freelancer.display_name),
        commissioned_on: Some(tokyo_day(contract.created_at)),
        project_title: project.title,
        project_description: project.description,
        milestones,
        delivery_method: Some(
            project
                .delivery_method
                .filter(|d| !d.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_DELIVERY.to_string()),
        ),
        review_window_days: Some(company.review_window_days),
        total: Some(Money::from_stored(
            contract.amount_minor,
            &contract.currency,
        )?),
        payment_terms_days: Some(terms_days(contract.payment_terms_days)),
        payment_method: Some(company.payment_provider),
        ended: match (reason, contract.ended_at) {
            (Reason::Ended, Some(ended_at)) => Some(EndFacts {
                ended_on: tokyo_day(ended_at),
            }),
            _ => None,
        },
    };
    let text = statement(&facts)?;
    let row = contract_terms::ActiveModel {
        contract_id: Set(contract.id),
        version: Set(version),
        issued_at: Set(at),
        text: Set(text),
        issued_by: Set(actor),
        reason: Set(reason.code().to_string()),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    audit::record(
        tx,
        actor,
        audit::Change::new("contract.terms_issue", Subject::Contract, contract.id)
            .detail(format!("version {version} ({})", reason.code())),
    )
    .await?;
    Ok(row)
}

/// The company's payment terms in days after the acceptance day: its setting, else the legal
/// maximum.
pub fn terms_days(setting: Option<i32>) -> i32 {
    let limit = i32::try_from(invoices::PAYMENT_DAYS).unwrap_or(59);
    setting.map_or(limit, |d| d.clamp(0, limit))
}

async fn latest_row(
    db: &impl ConnectionTrait,
    contract_id: i64,
) -> DomainResult<Option<contract_terms::Model>> {
    Ok(contract_terms::Entity::find()
        .filter(contract_terms::Column::ContractId.eq(contract_id))
        .order_by_desc(contract_terms::Column::Version)
        .one(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yen(minor: i64) -> Money {
        Money {
            minor,
            currency: Currency::Jpy,
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn facts() -> Facts {
        Facts {
            version: 1,
            contract_id: 7,
            issued_on: day(2026, 11, 26),
            company_name: "株式会社ブーメラン".into(),
            freelancer_name: "山田 花子".into(),
            commissioned_on: Some(day(2026, 11, 26)),
            project_title: "採用サイトのデザイン".into(),
            project_description: "トップページと求人一覧のデザイン\n2案を提出".into(),
            milestones: vec![
                MilestoneFacts {
                    title: "ラフ案".into(),
                    amount: yen(500_000),
                    due_date: Some(day(2026, 12, 10)),
                    cancelled: false,
                },
                MilestoneFacts {
                    title: "最終デザイン".into(),
                    amount: yen(1_000_000),
                    due_date: Some(day(2027, 1, 15)),
                    cancelled: false,
                },
            ],
            delivery_method: Some(DEFAULT_DELIVERY.into()),
            review_window_days: Some(14),
            total: Some(yen(1_500_000)),
            payment_terms_days: Some(59),
            payment_method: Some(PaymentProvider::Manual),
            ended: None,
        }
    }

    fn refused(f: &Facts) -> String {
        match statement(f) {
            Err(DomainError::BadInput { field, .. }) => field,
            other => panic!("expected BAD_USER_INPUT, got {other:?}"),
        }
    }

    #[test]
    fn states_every_item() {
        let text = statement(&facts()).unwrap();
        for item in [
            "業務委託の取引条件（第1版）",
            "業務委託事業者: 株式会社ブーメラン",
            "受託者: 山田 花子",
            "業務委託をした日: 2026年11月26日",
            "給付の内容: 採用サイトのデザイン",
            "   2案を提出",
            "(1) ラフ案",
            "報酬の額: 500,000円　給付を受領する期日: 2026年12月10日",
            "(2) 最終デザイン",
            "給付を受領する期日: 2027年1月15日",
            "給付を受領する場所（納品方法）: Boomerang の納品フォーム",
            "給付を受領した日から14日以内",
            "報酬の額（合計）: 1,500,000円",
            "給付を受領した日から起算して60日目まで",
            "銀行口座への振込（振込手数料は業務委託事業者が負担します）",
        ] {
            assert!(text.contains(item), "missing {item:?} in\n{text}");
        }
        assert!(!text.contains("契約の終了"));
    }

    #[test]
    fn payment_terms_shorten_the_due_date() {
        let mut f = facts();
        f.payment_terms_days = Some(29);
        assert!(statement(&f).unwrap().contains("起算して30日目まで"));
        f.payment_terms_days = Some(60);
        assert_eq!(refused(&f), "company.paymentTermsDays");
    }

    #[test]
    fn an_ended_version_names_the_cancelled_work() {
        let mut f = facts();
        f.version = 2;
        f.milestones[1].cancelled = true;
        f.ended = Some(EndFacts {
            ended_on: day(2026, 12, 20),
        });
        let text = statement(&f).unwrap();
        assert!(text.contains("（第2版）"));
        assert!(text.contains("(2) 最終デザイン（取消）"));
        assert!(text.contains("うち取消分 1,000,000円、取消後の報酬の額 500,000円"));
        assert!(text.contains("本契約は2026年12月20日に終了しました"));
        assert!(!text.contains("終了の理由"), "the reason is not printed");
    }

    #[test]
    fn stripe_is_stated_as_the_payment_method() {
        let mut f = facts();
        f.payment_method = Some(PaymentProvider::Stripe);
        assert!(statement(&f).unwrap().contains("Stripe を通じた"));
    }

    #[test]
    fn refuses_each_missing_item() {
        type Edit = fn(&mut Facts);
        let cases: &[(Edit, &str)] = &[
            (|f| f.company_name = " ".into(), "company.name"),
            (|f| f.freelancer_name = String::new(), "freelancer.name"),
            (|f| f.commissioned_on = None, "contract.commissionedOn"),
            (|f| f.project_title = String::new(), "project.title"),
            (
                |f| f.project_description = "\n".into(),
                "project.description",
            ),
            (|f| f.milestones.clear(), "bid.milestones"),
            (
                |f| f.milestones[0].title = String::new(),
                "bid.milestones[1].title",
            ),
            (
                |f| f.milestones[1].amount = yen(0),
                "bid.milestones[2].amount",
            ),
            (
                |f| f.milestones[1].due_date = None,
                "bid.milestones[2].dueDate",
            ),
            (|f| f.delivery_method = None, "project.deliveryMethod"),
            (
                |f| f.delivery_method = Some("  ".into()),
                "project.deliveryMethod",
            ),
            (|f| f.review_window_days = None, "company.reviewWindowDays"),
            (|f| f.total = None, "contract.amount"),
            (|f| f.payment_terms_days = None, "company.paymentTermsDays"),
            (|f| f.payment_method = None, "company.paymentProvider"),
        ];
        for (edit, field) in cases {
            let mut f = facts();
            edit(&mut f);
            assert_eq!(refused(&f), *field);
        }
    }

    #[test]
    fn amounts_and_dates_read_as_japanese_documents_write_them() {
        assert_eq!(amount(yen(0)), "0円");
        assert_eq!(amount(yen(999)), "999円");
        assert_eq!(amount(yen(1_000)), "1,000円");
        assert_eq!(amount(yen(1_234_567)), "1,234,567円");
        assert_eq!(japanese_date(day(2025, 5, 15)), "2025年5月15日");
    }

    #[test]
    fn a_milestone_without_a_date_is_due_when_the_whole_work_is() {
        let at = DateTime::parse_from_rfc3339("2026-11-26T16:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        // 16:00 UTC is 01:00 on the 27th in Tokyo.
        assert_eq!(default_due_date(at, 14), day(2026, 12, 11));
    }
}
