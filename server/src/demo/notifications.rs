//! The demo's notifications: the marketplace steps above already wrote them (bids, deliveries,
//! invoices, payouts) in their own transactions. Here the daily job runs once (due-soon
//! notices for finance), and the first alumna has read her oldest notification and takes the
//! news by daily digest, so the pages show read and unread rows and a chosen setting.
use entity::states::NotificationDelivery;
use sea_orm::DatabaseConnection;

use crate::domain::notifications::{self, Kind};
use crate::domain::page::Page;
use crate::domain::{Actor, notification_mail};

pub(super) async fn seed(db: &DatabaseConnection, alumna: &Actor) -> anyhow::Result<()> {
    notification_mail::run_daily(db, notification_mail::tokyo_today()).await?;
    let hers =
        notifications::of_user(db, alumna.user_id, false, Page::new(Some(100), None)?).await?;
    if let Some(oldest) = hers.rows.last() {
        notifications::mark_read(db, alumna, &[oldest.id], false).await?;
    }
    notifications::set_preference(
        db,
        alumna,
        Kind::NewsPosted,
        NotificationDelivery::DailyDigest,
    )
    .await?;
    Ok(())
}
