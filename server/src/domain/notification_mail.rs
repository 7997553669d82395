//! Notifications by mail (issue 13 §7). A notification its reader wants by mail is queued in
//! the outbox by `notifications::notify`, in the transaction of the change; the mail worker
//! composes it here when it sends, so a mail goes out once however many workers run (the
//! outbox's claim and lease). Once a day [`run_daily`] queues each person's digest of the
//! previous day (Japan time) — one per person and day, a unique key — and writes the
//! due-soon notices for finance — one per invoice and person, a unique key — so that any
//! number of replicas may run it.
//!
//! Boomerang keeps no language per person, so each mail is written in Japanese, then in
//! English.
use chrono::{Duration, NaiveDate, Utc};
use chrono_tz::Asia::Tokyo;
use entity::states::{CompanyRole, InvoiceStatus, MailPurpose, NotificationDelivery};
use entity::{company_member, invoice, notification, outbox_email, user};
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;

use super::audit::Subject;
use super::compliance::tokyo_midnight;
use super::email_ownership::Links;
use super::error::DomainResult;
use super::notifications::{self, Kind, Notice};
use super::{outbox, write_tx};
use crate::console::i18n::Locale;

/// An invoice due within this many days and not paid is announced to finance.
pub const DUE_SOON_DAYS: i64 = 7;
/// Most notifications listed in one digest; the rest are summed up by a count.
const DIGEST_MAX: u64 = 50;

/// Today in Japan.
pub fn tokyo_today() -> NaiveDate {
    Utc::now().with_timezone(&Tokyo).date_naive()
}

/// The Fluent message id of a kind, e.g. `notification-bid-accepted`.
pub fn message_id(kind: Kind) -> String {
    format!("notification-{}", kind.as_str().replace(['.', '_'], "-"))
}

/// One notification's message in `locale`, from its kind and params (`title` and anything
/// else the kind's writer put there).
pub fn message(locale: Locale, row: &notification::Model) -> String {
    let Some(kind) = Kind::parse(&row.kind) else {
        return locale.t("notification-unknown");
    };
    let params: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&row.params).unwrap_or_default();
    let mut values: Vec<(String, String)> = params
        .into_iter()
        .filter_map(|(k, v)| match v {
            serde_json::Value::String(s) => Some((k, s)),
            serde_json::Value::Number(n) => Some((k, n.to_string())),
            _ => None,
        })
        .collect();
    if !values.iter().any(|(k, _)| k == "title") {
        values.push(("title".into(), "—".into()));
    }
    let args: Vec<(&str, &str)> = values
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    locale.tn(&message_id(kind), &args)
}

/// Composes the mail of an outbox row of purpose `notification` or `digest`; `None` when
/// there is nothing to send (the notification is gone, or the day had nothing for her).
pub(crate) async fn compose(
    tx: &impl ConnectionTrait,
    row: &outbox_email::Model,
    user: &user::Model,
    links: &Links,
) -> DomainResult<Option<(String, String, String)>> {
    let base = links.public_url.trim_end_matches('/');
    let link = format!("{base}/notifications");
    let name = &user.display_name;
    match row.purpose {
        MailPurpose::Notification => {
            let Some(id) = row.notification_id else {
                return Ok(None);
            };
            let Some(found) = notification::Entity::find_by_id(id)
                .filter(notification::Column::UserId.eq(user.id))
                .one(tx)
                .await?
            else {
                return Ok(None);
            };
            let (ja, en) = (message(Locale::Ja, &found), message(Locale::En, &found));
            let subject = format!("[Boomerang] {ja} / {en}");
            let body = [Locale::Ja, Locale::En]
                .into_iter()
                .zip([&ja, &en])
                .map(|(l, m)| {
                    format!(
                        "{}\n\n{m}\n\n{}\n{link}\n\n{}",
                        l.t1("notification-mail-greeting", "name", name),
                        l.t("notification-mail-open"),
                        l.t("notification-mail-settings")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n\n----------\n\n");
            Ok(Some((subject, body, link)))
        }
        MailPurpose::Digest => {
            let Some(day) = row.digest_on else {
                return Ok(None);
            };
            let rows = digest_rows(tx, user.id, day).await?;
            if rows.is_empty() {
                return Ok(None);
            }
            let date = day.format("%Y-%m-%d").to_string();
            let subject = format!(
                "[Boomerang] {} / {}",
                Locale::Ja.t1("notification-digest-subject", "date", &date),
                Locale::En.t1("notification-digest-subject", "date", &date)
            );
            let body = [Locale::Ja, Locale::En]
                .into_iter()
                .map(|l| {
                    let lines: Vec<String> = rows
                        .iter()
                        .map(|r| format!("・{}", message(l, r)))
                        .collect();
                    format!(
                        "{}\n\n{}\n\n{}\n\n{}\n{link}\n\n{}",
                        l.t1("notification-mail-greeting", "name", name),
                        l.tn(
                            "notification-digest-intro",
                            &[("date", &date), ("count", &rows.len().to_string())]
                        ),
                        lines.join("\n"),
                        l.t("notification-mail-open"),
                        l.t("notification-mail-settings")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n\n----------\n\n");
            Ok(Some((subject, body, link)))
        }
        MailPurpose::Verify | MailPurpose::Reset => Ok(None),
    }
}

/// Her digest-delivery notifications written on `day` (Japan time).
async fn digest_rows(
    db: &impl ConnectionTrait,
    user_id: i64,
    day: NaiveDate,
) -> DomainResult<Vec<notification::Model>> {
    let (from, to) = day_bounds(day);
    Ok(notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::Delivery.eq(NotificationDelivery::DailyDigest.to_value()))
        .filter(notification::Column::CreatedAt.gte(from))
        .filter(notification::Column::CreatedAt.lt(to))
        .order_by_asc(notification::Column::Id)
        .limit(DIGEST_MAX)
        .all(db)
        .await?)
}

fn day_bounds(day: NaiveDate) -> (chrono::DateTime<Utc>, chrono::DateTime<Utc>) {
    let next = day.succ_opt().unwrap_or(day);
    (tokyo_midnight(day), tokyo_midnight(next))
}

/// What one daily run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Daily {
    pub digests_queued: usize,
    pub due_soon_notices: usize,
}

/// The daily work for `today` (Japan time): the digests of the day before, and the due-soon
/// notices. Safe to run any number of times and on any number of replicas.
#[tracing::instrument(skip_all, fields(%today))]
pub async fn run_daily(db: &DatabaseConnection, today: NaiveDate) -> DomainResult<Daily> {
    let mut done = Daily::default();
    let Some(yesterday) = today.pred_opt() else {
        return Ok(done);
    };
    let (from, to) = day_bounds(yesterday);
    let readers: Vec<i64> = notification::Entity::find()
        .select_only()
        .column(notification::Column::UserId)
        .distinct()
        .filter(notification::Column::Delivery.eq(NotificationDelivery::DailyDigest.to_value()))
        .filter(notification::Column::CreatedAt.gte(from))
        .filter(notification::Column::CreatedAt.lt(to))
        .into_tuple()
        .all(db)
        .await?;
    for user_id in readers {
        if outbox::queue_digest(db, user_id, yesterday).await? {
            done.digests_queued += 1;
        }
    }
    let last_day = today + Duration::days(DUE_SOON_DAYS);
    let due: Vec<invoice::Model> = invoice::Entity::find()
        .filter(invoice::Column::Status.is_in([InvoiceStatus::Submitted, InvoiceStatus::Approved]))
        .filter(invoice::Column::PaymentDueDate.lte(last_day))
        .order_by_asc(invoice::Column::Id)
        .all(db)
        .await?;
    for inv in due {
        let tx = write_tx(db).await?;
        for member in finance_of(&tx, inv.company_id).await? {
            let notice = Notice {
                user_id: member,
                kind: Kind::InvoiceDueSoon,
                company_id: Some(inv.company_id),
                subject: Some((Subject::Invoice, inv.id)),
                params: json!({
                    "title": inv.description,
                    "dueDate": inv.payment_due_date.format("%Y-%m-%d").to_string(),
                }),
            };
            let key = format!("invoice.due_soon:{}:{member}", inv.id);
            if notifications::notify_once(&tx, notice, key)
                .await?
                .is_some()
            {
                done.due_soon_notices += 1;
            }
        }
        tx.commit().await?;
    }
    Ok(done)
}

/// The FINANCE members of a company.
pub async fn finance_of(db: &impl ConnectionTrait, company_id: i64) -> DomainResult<Vec<i64>> {
    Ok(company_member::Entity::find()
        .select_only()
        .column(company_member::Column::UserId)
        .filter(company_member::Column::CompanyId.eq(company_id))
        .filter(company_member::Column::Role.eq(CompanyRole::Finance))
        .order_by_asc(company_member::Column::UserId)
        .into_tuple()
        .all(db)
        .await?)
}
