//! The demo's events (issue 13 §6): at あおば生命保険 (the insurer that invites alumni to speak
//! to students), its roster alumni consent to event invitations; an upcoming graduate
//! recruiting seminar with a seat taken and a speaker invitation awaiting her reply, an alumni
//! meetup, and last week's seminar whose speaker accepted and invoiced her honorarium as a
//! lecture fee (withholding applies), awaiting finance.
use anyhow::Context;
use chrono::{Duration, Utc};
use entity::states::{ConsentPurpose, EventKind};
use sea_orm::DatabaseConnection;

use super::{access, data, yen};
use crate::domain::consents;
use crate::domain::events::{self, NewEvent, NewInvitation};

/// The company whose events are seeded (index into `data::COMPANIES`).
const COMPANY: usize = 2;

pub(super) async fn seed(
    db: &DatabaseConnection,
    staff_ids: &[Vec<i64>],
    alumni_ids: &[i64],
    company_ids: &[i64],
) -> anyhow::Result<()> {
    let company = &data::COMPANIES[COMPANY];
    let company_id = company_ids[COMPANY];
    let on_roster: Vec<i64> = data::ALUMNI
        .iter()
        .zip(alumni_ids)
        .filter(|(p, _)| company.roster.contains(&p.email))
        .map(|(_, id)| *id)
        .collect();
    let [speaker, rest @ ..] = on_roster.as_slice() else {
        anyhow::bail!("{} has no signed-up alumni", company.name);
    };
    for id in &on_roster {
        consents::grant(
            db,
            &access(db, *id).await?,
            company_id,
            ConsentPurpose::Events,
        )
        .await
        .context("an events consent")?;
    }
    let member = access(db, staff_ids[COMPANY][1]).await?;
    let at = |days: i64, hour: i64| {
        let day = Utc::now().date_naive() + Duration::days(days);
        // 14:00 Tokyo is 05:00 UTC.
        day.and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc() + Duration::hours(hour - 9))
            .unwrap_or_else(Utc::now)
    };
    let event = |title, kind, days, place, online, capacity| NewEvent {
        company_id,
        title,
        kind,
        starts_at: at(days, 14),
        ends_at: at(days, 16),
        place,
        online,
        capacity,
    };
    let held = events::create(
        db,
        &member,
        event(
            "2027年度 新卒採用説明会（第1回）",
            EventKind::RecruitingSeminar,
            -7,
            "あおば生命 本社 20階 大会議室",
            false,
            120,
        ),
    )
    .await?;
    let upcoming = events::create(
        db,
        &member,
        event(
            "2027年度 新卒採用説明会（第2回）",
            EventKind::RecruitingSeminar,
            21,
            "あおば生命 本社 20階 大会議室",
            false,
            120,
        ),
    )
    .await?;
    events::create(
        db,
        &member,
        event(
            "アルムナイ交流会 2026 冬",
            EventKind::AlumniMeetup,
            35,
            "オンライン（参加者に URL をお送りします）",
            true,
            80,
        ),
    )
    .await?;
    let her = access(db, *speaker).await?;
    let invitation = events::invite_speaker(
        db,
        &member,
        NewInvitation {
            event_id: held.id,
            user_id: *speaker,
            topic: "アクチュアリーとして働くということ",
            honorarium: yen(50_000)?,
        },
    )
    .await?;
    events::accept(db, &her, invitation.id).await?;
    events::invoice_honorarium(db, &her, invitation.id)
        .await
        .context("invoicing the demo honorarium")?;
    events::invite_speaker(
        db,
        &member,
        NewInvitation {
            event_id: upcoming.id,
            user_id: *speaker,
            topic: "入社 3 年目までに身につけたこと",
            honorarium: yen(50_000)?,
        },
    )
    .await?;
    if let Some(guest) = rest.first() {
        events::rsvp(db, &access(db, *guest).await?, upcoming.id).await?;
    }
    Ok(())
}
