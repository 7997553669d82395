//! Events and speakers (issue 13 §6).
//!
//! A company's ADMIN/MEMBER staff create events; roster alumni with a live EVENTS consent
//! (`consents::has`, read on every request) see them and take a seat. `events.seats_taken`
//! counts live RSVPs: a seat is reserved with a conditional UPDATE (`seats_taken < capacity`)
//! and a CHECK keeps it within capacity whatever writes the row, so a race for the last seat
//! admits exactly one.
//!
//! Speakers: staff invite a consenting alumna to speak for an honorarium; she accepts or
//! declines. **How the honorarium is paid** — the decision: the invoice model hangs off a
//! contract (`invoices.contract_id` NOT NULL, reserved against accepted milestones), and that
//! path carries every invariant the ledger, the payout and the Freelance Act rely on. So
//! accepting an invitation writes, in the same transaction, a *speaking engagement*: a
//! project (category OTHER, already AWARDED, never OPEN, so nobody can bid on it), her
//! ACCEPTED bid for the honorarium, an ACTIVE contract with one milestone for the whole
//! amount, and its statement of terms (Freelance Act art. 3: the commission is a lecture for
//! a fee). After the event ends she invoices it (`invoice_honorarium`): the milestone is
//! accepted as of the event's end (the talk was the delivery; that day is the inspection date
//! the payment deadline counts from) and an invoice is submitted through `invoices::submit_in`
//! with every line subject to withholding — a lecture fee (講演料) is subject under Income Tax
//! Act art. 204 (1) i whatever the carrier project's category — so her payee type decides
//! (10.21 % for an individual, nothing for a corporation). From there it is an ordinary
//! invoice: finance approves it, the payout is paid, the ledger records it.
//!
//! The honorarium contract is paid manually (bank transfer), never through Stripe escrow: a
//! company does not fund a talk up front.
//!
//! Events may be recorded after they took place (a company paying a speaker for a seminar
//! held last week); RSVPs close when an event starts.
use chrono::{DateTime, Utc};
use entity::states::{
    BidStatus, CompanyRole, ConsentPurpose, EventKind, MilestoneStatus, ProjectCategory,
    ProjectStatus, ProjectVisibility, SpeakerInvitationStatus,
};
use entity::{
    bid, company, contract, event, event_rsvp, milestone, project, speaker_invitation, user,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use super::audit::Subject;
use super::error::{DomainError, DomainResult};
use super::invoice_tax::InvoiceTax;
use super::money::Money;
use super::notifications::{self, Kind, Notice};
use super::{Access, audit, consents, contracts, invoices, now, text, write_tx};

/// Who creates events and invites speakers.
pub const STAFF_WHO_MANAGE_EVENTS: &[CompanyRole] = &[CompanyRole::Admin, CompanyRole::Member];

/// The most seats one event offers.
pub const MAX_CAPACITY: i32 = 100_000;

/// The most events one list returns.
pub const MAX_LISTED: u64 = 200;

pub struct NewEvent<'a> {
    pub company_id: i64,
    pub title: &'a str,
    pub kind: EventKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub place: &'a str,
    pub online: bool,
    pub capacity: i32,
}

/// Creates an event (ADMIN/MEMBER), audited, and notifies every consenting roster alumna.
#[tracing::instrument(skip_all, fields(user = access.user_id(), company_id = input.company_id))]
pub async fn create(
    db: &DatabaseConnection,
    access: &Access,
    input: NewEvent<'_>,
) -> DomainResult<event::Model> {
    access.require_company_role(
        input.company_id,
        STAFF_WHO_MANAGE_EVENTS,
        "creating an event",
    )?;
    let title = text::single_line(input.title, "input.title", 200)?;
    let place = text::single_line(input.place, "input.place", 500)?;
    if input.ends_at <= input.starts_at {
        return Err(DomainError::bad_input(
            "input.endsAt",
            "the event must end after it starts",
        ));
    }
    if !(1..=MAX_CAPACITY).contains(&input.capacity) {
        return Err(DomainError::bad_input(
            "input.capacity",
            format!("must be between 1 and {MAX_CAPACITY}"),
        ));
    }
    let tx = write_tx(db).await?;
    let at = now();
    let created = event::ActiveModel {
        company_id: Set(input.company_id),
        created_by: Set(access.user_id()),
        title: Set(title),
        kind: Set(input.kind),
        starts_at: Set(input.starts_at),
        ends_at: Set(input.ends_at),
        place: Set(place),
        online: Set(input.online),
        capacity: Set(input.capacity),
        seats_taken: Set(0),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("event.create", Subject::Event, created.id)
            .detail(created.kind.to_value()),
    )
    .await?;
    for user_id in consents::consenting(&tx, created.company_id, ConsentPurpose::Events).await? {
        notifications::notify(
            &tx,
            Notice {
                user_id,
                kind: Kind::EventCreated,
                company_id: Some(created.company_id),
                subject: Some((Subject::Event, created.id)),
                params: json!({ "title": created.title, "startsAt": created.starts_at }),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(created)
}

/// Whether the caller may see the company's events: its staff, or a roster alumna with a live
/// EVENTS consent (asked of the database now).
async fn sees_events(
    db: &impl ConnectionTrait,
    access: &Access,
    company_id: i64,
) -> DomainResult<bool> {
    if access.is_staff(company_id) {
        return Ok(true);
    }
    Ok(access.alumni_of.contains(&company_id)
        && consents::has(db, access.user_id(), company_id, ConsentPurpose::Events).await?)
}

/// An event the caller may see, or NOT_FOUND.
pub async fn get(
    db: &impl ConnectionTrait,
    access: &Access,
    event_id: i64,
) -> DomainResult<event::Model> {
    let found = event::Entity::find_by_id(event_id).one(db).await?;
    match found {
        Some(e) if sees_events(db, access, e.company_id).await? => Ok(e),
        _ => Err(DomainError::NotFound("event")),
    }
}

/// The events the caller may see, soonest first: of one company (NOT_FOUND when the caller
/// is neither its staff nor on its roster; empty for an alumna without a live EVENTS consent),
/// or of every company they staff or consented to. `upcoming_only`: those not ended yet.
pub async fn list(
    db: &impl ConnectionTrait,
    access: &Access,
    company_id: Option<i64>,
    upcoming_only: bool,
) -> DomainResult<Vec<event::Model>> {
    let companies: Vec<i64> = match company_id {
        Some(id) => {
            if !access.can_see_company(id) {
                return Err(DomainError::NotFound("company"));
            }
            if sees_events(db, access, id).await? {
                vec![id]
            } else {
                Vec::new()
            }
        }
        None => {
            let mut ids: Vec<i64> = access.staff.keys().copied().collect();
            for &id in &access.alumni_of {
                if !access.is_staff(id)
                    && consents::has(db, access.user_id(), id, ConsentPurpose::Events).await?
                {
                    ids.push(id);
                }
            }
            ids
        }
    };
    if companies.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = event::Entity::find().filter(event::Column::CompanyId.is_in(companies));
    if upcoming_only {
        query = query.filter(event::Column::EndsAt.gt(now()));
    }
    Ok(query
        .order_by_asc(event::Column::StartsAt)
        .order_by_asc(event::Column::Id)
        .limit(MAX_LISTED)
        .all(db)
        .await?)
}

/// The caller's live RSVP to an event, if any.
pub async fn my_rsvp(
    db: &impl ConnectionTrait,
    user_id: i64,
    event_id: i64,
) -> DomainResult<Option<event_rsvp::Model>> {
    Ok(event_rsvp::Entity::find()
        .filter(event_rsvp::Column::EventId.eq(event_id))
        .filter(event_rsvp::Column::UserId.eq(user_id))
        .filter(event_rsvp::Column::CancelledAt.is_null())
        .one(db)
        .await?)
}

/// Takes a seat for a consenting alumna. The conditional UPDATE reserves it only while
/// `seats_taken < capacity`: of two racing for the last seat exactly one wins, the other is a
/// CONFLICT ("the event is full").
#[tracing::instrument(skip_all, fields(user = access.user_id(), event_id))]
pub async fn rsvp(
    db: &DatabaseConnection,
    access: &Access,
    event_id: i64,
) -> DomainResult<event_rsvp::Model> {
    let tx = write_tx(db).await?;
    let e = get(&tx, access, event_id).await?;
    if access.is_staff(e.company_id) {
        return Err(DomainError::forbidden(
            "staff host their company's events; seats are for its alumni",
        ));
    }
    let at = now();
    if e.starts_at <= at {
        return Err(DomainError::conflict(
            "the event has started; seats are no longer taken",
        ));
    }
    if my_rsvp(&tx, access.user_id(), e.id).await?.is_some() {
        return Err(DomainError::conflict(
            "you already have a seat at this event",
        ));
    }
    let reserved = event::Entity::update_many()
        .col_expr(
            event::Column::SeatsTaken,
            Expr::col(event::Column::SeatsTaken).add(1),
        )
        .col_expr(event::Column::UpdatedAt, Expr::value(at))
        .filter(event::Column::Id.eq(e.id))
        .filter(Expr::col(event::Column::SeatsTaken).lt(Expr::col(event::Column::Capacity)))
        .exec(&tx)
        .await?;
    if reserved.rows_affected != 1 {
        return Err(DomainError::conflict("the event is full"));
    }
    let seat = event_rsvp::ActiveModel {
        event_id: Set(e.id),
        user_id: Set(access.user_id()),
        created_at: Set(at),
        cancelled_at: Set(None),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("event.rsvp", Subject::Event, e.id),
    )
    .await?;
    tx.commit().await?;
    Ok(seat)
}

/// Gives her seat back. She may cancel after withdrawing her EVENTS consent (the seat is
/// hers); without a seat it is NOT_FOUND when she cannot see the event, CONFLICT otherwise.
#[tracing::instrument(skip_all, fields(user = access.user_id(), event_id))]
pub async fn cancel_rsvp(
    db: &DatabaseConnection,
    access: &Access,
    event_id: i64,
) -> DomainResult<event::Model> {
    let tx = write_tx(db).await?;
    let Some(seat) = my_rsvp(&tx, access.user_id(), event_id).await? else {
        get(&tx, access, event_id).await?;
        return Err(DomainError::conflict("you have no seat at this event"));
    };
    let at = now();
    let cancelled = event_rsvp::Entity::update_many()
        .col_expr(event_rsvp::Column::CancelledAt, Expr::value(at))
        .filter(event_rsvp::Column::Id.eq(seat.id))
        .filter(event_rsvp::Column::CancelledAt.is_null())
        .exec(&tx)
        .await?;
    if cancelled.rows_affected != 1 {
        return Err(DomainError::conflict("the seat changed meanwhile; reload"));
    }
    event::Entity::update_many()
        .col_expr(
            event::Column::SeatsTaken,
            Expr::col(event::Column::SeatsTaken).sub(1),
        )
        .col_expr(event::Column::UpdatedAt, Expr::value(at))
        .filter(event::Column::Id.eq(event_id))
        .exec(&tx)
        .await?;
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("event.cancel_rsvp", Subject::Event, event_id),
    )
    .await?;
    let e = event::Entity::find_by_id(event_id)
        .one(&tx)
        .await?
        .ok_or(DomainError::NotFound("event"))?;
    tx.commit().await?;
    Ok(e)
}

pub struct NewInvitation<'a> {
    pub event_id: i64,
    pub user_id: i64,
    pub topic: &'a str,
    pub honorarium: Money,
}

/// Staff (ADMIN/MEMBER) invite a roster alumna with a live EVENTS consent to speak; she is
/// notified in the same transaction.
#[tracing::instrument(skip_all, fields(user = access.user_id(), event_id = input.event_id))]
pub async fn invite_speaker(
    db: &DatabaseConnection,
    access: &Access,
    input: NewInvitation<'_>,
) -> DomainResult<speaker_invitation::Model> {
    let topic = text::single_line(input.topic, "input.topic", 500)?;
    let tx = write_tx(db).await?;
    let e = get(&tx, access, input.event_id).await?;
    access.require_role(e.company_id, STAFF_WHO_MANAGE_EVENTS, "inviting a speaker")?;
    if !consents::has(&tx, input.user_id, e.company_id, ConsentPurpose::Events).await? {
        return Err(DomainError::bad_input(
            "input.userId",
            "not an alumna of this company who agreed to be invited to its events",
        ));
    }
    let live = speaker_invitation::Entity::find()
        .filter(speaker_invitation::Column::EventId.eq(e.id))
        .filter(speaker_invitation::Column::UserId.eq(input.user_id))
        .filter(speaker_invitation::Column::Status.ne(SpeakerInvitationStatus::Declined))
        .one(&tx)
        .await?;
    if live.is_some() {
        return Err(DomainError::conflict(
            "she is already invited to speak at this event",
        ));
    }
    let at = now();
    let invitation = speaker_invitation::ActiveModel {
        event_id: Set(e.id),
        company_id: Set(e.company_id),
        user_id: Set(input.user_id),
        invited_by: Set(access.user_id()),
        topic: Set(topic),
        honorarium_minor: Set(input.honorarium.minor),
        currency: Set(input.honorarium.currency.code().to_string()),
        status: Set(SpeakerInvitationStatus::Invited),
        contract_id: Set(None),
        invoice_id: Set(None),
        responded_at: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("speaker.invite", Subject::SpeakerInvitation, invitation.id)
            .to(SpeakerInvitationStatus::Invited),
    )
    .await?;
    notifications::notify(
        &tx,
        Notice {
            user_id: invitation.user_id,
            kind: Kind::InvitedToSpeak,
            company_id: Some(e.company_id),
            subject: Some((Subject::SpeakerInvitation, invitation.id)),
            params: json!({
                "title": e.title,
                "topic": invitation.topic,
                "amount": input.honorarium.to_decimal_string(),
                "currencyCode": invitation.currency,
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(invitation)
}

/// An invitation the caller may see: the speaker's own, or any of a company they staff.
pub async fn get_invitation(
    db: &impl ConnectionTrait,
    access: &Access,
    id: i64,
) -> DomainResult<speaker_invitation::Model> {
    speaker_invitation::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|i| i.user_id == access.user_id() || access.is_staff(i.company_id))
        .ok_or(DomainError::NotFound("speaker invitation"))
}

/// The invitations the caller received, newest first.
pub async fn my_invitations(
    db: &impl ConnectionTrait,
    access: &Access,
) -> DomainResult<Vec<speaker_invitation::Model>> {
    Ok(speaker_invitation::Entity::find()
        .filter(speaker_invitation::Column::UserId.eq(access.user_id()))
        .order_by_desc(speaker_invitation::Column::Id)
        .limit(MAX_LISTED)
        .all(db)
        .await?)
}

/// An event's invitations, for its company's staff (empty for anyone else).
pub async fn invitations_of_event(
    db: &impl ConnectionTrait,
    access: &Access,
    e: &event::Model,
) -> DomainResult<Vec<speaker_invitation::Model>> {
    let mut query =
        speaker_invitation::Entity::find().filter(speaker_invitation::Column::EventId.eq(e.id));
    if !access.is_staff(e.company_id) {
        query = query.filter(speaker_invitation::Column::UserId.eq(access.user_id()));
    }
    Ok(query
        .order_by_asc(speaker_invitation::Column::Id)
        .all(db)
        .await?)
}

/// Whom the event's company staff may invite to speak: its roster alumni with a live EVENTS
/// consent (read now), by name; empty for anyone but the company's staff.
pub async fn invitable_speakers(
    db: &impl ConnectionTrait,
    access: &Access,
    e: &event::Model,
) -> DomainResult<Vec<user::Model>> {
    if !access.is_staff(e.company_id) {
        return Ok(Vec::new());
    }
    let ids = consents::consenting(db, e.company_id, ConsentPurpose::Events).await?;
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .order_by_asc(user::Column::DisplayName)
        .order_by_asc(user::Column::Id)
        .limit(MAX_LISTED)
        .all(db)
        .await?)
}

/// Her own invitation (NOT_FOUND when hidden, FORBIDDEN for the company's staff); the
/// conditional updates that follow catch a concurrent answer.
async fn own_invitation(
    tx: &impl ConnectionTrait,
    access: &Access,
    id: i64,
    action: &str,
) -> DomainResult<speaker_invitation::Model> {
    let invitation = get_invitation(tx, access, id).await?;
    if invitation.user_id != access.user_id() {
        return Err(DomainError::forbidden(format!(
            "only the invited speaker can {action} the invitation"
        )));
    }
    Ok(invitation)
}

async fn respond(
    tx: &impl ConnectionTrait,
    invitation: &speaker_invitation::Model,
    to: SpeakerInvitationStatus,
    contract_id: Option<i64>,
) -> DomainResult<DateTime<Utc>> {
    if invitation.status != SpeakerInvitationStatus::Invited {
        return Err(DomainError::conflict(format!(
            "the invitation is {}; only an INVITED one can be answered",
            invitation.status.to_value()
        )));
    }
    let at = now();
    let moved = speaker_invitation::Entity::update_many()
        .col_expr(
            speaker_invitation::Column::Status,
            Expr::value(to.to_value()),
        )
        .col_expr(
            speaker_invitation::Column::ContractId,
            Expr::value(contract_id),
        )
        .col_expr(speaker_invitation::Column::RespondedAt, Expr::value(at))
        .col_expr(speaker_invitation::Column::UpdatedAt, Expr::value(at))
        .filter(speaker_invitation::Column::Id.eq(invitation.id))
        .filter(speaker_invitation::Column::Status.eq(SpeakerInvitationStatus::Invited))
        .exec(tx)
        .await?;
    if moved.rows_affected != 1 {
        return Err(DomainError::conflict(
            "the invitation changed meanwhile; reload it",
        ));
    }
    Ok(at)
}

/// INVITED → DECLINED, by her.
#[tracing::instrument(skip_all, fields(user = access.user_id(), invitation_id))]
pub async fn decline(
    db: &DatabaseConnection,
    access: &Access,
    invitation_id: i64,
) -> DomainResult<speaker_invitation::Model> {
    let tx = write_tx(db).await?;
    let invitation = own_invitation(&tx, access, invitation_id, "decline").await?;
    let at = respond(&tx, &invitation, SpeakerInvitationStatus::Declined, None).await?;
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("speaker.decline", Subject::SpeakerInvitation, invitation.id)
            .from(SpeakerInvitationStatus::Invited)
            .to(SpeakerInvitationStatus::Declined),
    )
    .await?;
    tx.commit().await?;
    Ok(speaker_invitation::Model {
        status: SpeakerInvitationStatus::Declined,
        responded_at: Some(at),
        updated_at: at,
        ..invitation
    })
}

/// INVITED → ACCEPTED, by her, writing the speaking engagement that carries the honorarium
/// (see the module comment): project, accepted bid, contract, milestone and terms statement.
#[tracing::instrument(skip_all, fields(user = access.user_id(), invitation_id))]
pub async fn accept(
    db: &DatabaseConnection,
    access: &Access,
    invitation_id: i64,
) -> DomainResult<speaker_invitation::Model> {
    let tx = write_tx(db).await?;
    let invitation = own_invitation(&tx, access, invitation_id, "accept").await?;
    let e = event::Entity::find_by_id(invitation.event_id)
        .one(&tx)
        .await?
        .ok_or(DomainError::NotFound("event"))?;
    let actor = Some(access.user_id());
    let at = now();
    let title = format!("登壇: {} / Speaking: {}", e.title, invitation.topic);
    let title: String = title.chars().take(200).collect();
    let project = project::ActiveModel {
        company_id: Set(invitation.company_id),
        created_by: Set(invitation.invited_by),
        title: Set(title.clone()),
        description: Set(format!(
            "講演（{}）: {}\nLecture at the event \"{}\": {}",
            e.place, invitation.topic, e.title, invitation.topic
        )),
        category: Set(ProjectCategory::Other),
        budget_minor: Set(invitation.honorarium_minor),
        currency: Set(invitation.currency.clone()),
        deadline: Set(Some(e.ends_at)),
        visibility: Set(ProjectVisibility::CompanyAlumni),
        status: Set(ProjectStatus::Awarded),
        created_at: Set(at),
        updated_at: Set(at),
        delivery_method: Set(Some(format!(
            "イベント「{}」での講演（{}） / A talk at the event ({})",
            e.title, e.place, e.place
        ))),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        actor,
        audit::Change::new("project.create", Subject::Project, project.id)
            .to(ProjectStatus::Awarded)
            .detail("speaking engagement"),
    )
    .await?;
    let days_to_end = (e.ends_at - at).num_days() + 1;
    let bid = bid::ActiveModel {
        project_id: Set(project.id),
        bidder_id: Set(access.user_id()),
        amount_minor: Set(invitation.honorarium_minor),
        currency: Set(invitation.currency.clone()),
        delivery_days: Set(i32::try_from(days_to_end.clamp(1, 3650)).unwrap_or(1)),
        proposal: Set(invitation.topic.clone()),
        status: Set(BidStatus::Accepted),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        actor,
        audit::Change::new("bid.accept", Subject::Bid, bid.id)
            .to(BidStatus::Accepted)
            .detail("speaking engagement"),
    )
    .await?;
    let company = company::Entity::find_by_id(invitation.company_id)
        .one(&tx)
        .await?
        .ok_or(DomainError::NotFound("company"))?;
    // Paid by bank transfer, never from a Stripe escrow.
    let contract = contracts::create_for_bid(
        &tx,
        actor,
        &bid,
        &company,
        None,
        &title,
        Some("speaking engagement"),
    )
    .await?;
    let responded = respond(
        &tx,
        &invitation,
        SpeakerInvitationStatus::Accepted,
        Some(contract.id),
    )
    .await?;
    audit::record(
        &tx,
        actor,
        audit::Change::new("speaker.accept", Subject::SpeakerInvitation, invitation.id)
            .from(SpeakerInvitationStatus::Invited)
            .to(SpeakerInvitationStatus::Accepted),
    )
    .await?;
    tx.commit().await?;
    Ok(speaker_invitation::Model {
        status: SpeakerInvitationStatus::Accepted,
        contract_id: Some(contract.id),
        responded_at: Some(responded),
        updated_at: responded,
        ..invitation
    })
}

/// After the event has ended, she invoices her honorarium: the milestone is accepted as of the
/// event's end and an invoice for the whole honorarium is submitted with every line subject to
/// withholding (a lecture fee), in one transaction. Invoicing twice is a CONFLICT.
#[tracing::instrument(skip_all, fields(user = access.user_id(), invitation_id))]
pub async fn invoice_honorarium(
    db: &DatabaseConnection,
    access: &Access,
    invitation_id: i64,
) -> DomainResult<entity::invoice::Model> {
    let tx = write_tx(db).await?;
    let invitation = own_invitation(&tx, access, invitation_id, "invoice").await?;
    let Some(contract_id) = invitation
        .contract_id
        .filter(|_| invitation.status == SpeakerInvitationStatus::Accepted)
    else {
        return Err(DomainError::conflict(format!(
            "the invitation is {}; only an accepted invitation's honorarium can be invoiced",
            invitation.status.to_value()
        )));
    };
    if invitation.invoice_id.is_some() {
        return Err(DomainError::conflict("the honorarium is already invoiced"));
    }
    let e = event::Entity::find_by_id(invitation.event_id)
        .one(&tx)
        .await?
        .ok_or(DomainError::NotFound("event"))?;
    if e.ends_at > now() {
        return Err(DomainError::conflict(format!(
            "the honorarium can be invoiced once the event has ended ({})",
            e.ends_at.to_rfc3339()
        )));
    }
    let m = milestone::Entity::find()
        .filter(milestone::Column::ContractId.eq(contract_id))
        .order_by_asc(milestone::Column::Position)
        .one(&tx)
        .await?
        .ok_or_else(|| {
            DomainError::Internal(anyhow::anyhow!("contract {contract_id} has no milestone"))
        })?;
    if m.status == MilestoneStatus::Active {
        accept_talk(&tx, access, &m, e.ends_at).await?;
    }
    let amount = Money::from_stored(invitation.honorarium_minor, &invitation.currency)?;
    let description = format!("講演料（{}: {}）", e.title, invitation.topic);
    let description: String = description.chars().take(1000).collect();
    let invoice = invoices::submit_in(
        &tx,
        access,
        contract_id,
        Some(m.id),
        amount,
        &description,
        InvoiceTax::default(),
        Some(true),
    )
    .await?;
    let recorded = speaker_invitation::Entity::update_many()
        .col_expr(
            speaker_invitation::Column::InvoiceId,
            Expr::value(invoice.id),
        )
        .col_expr(speaker_invitation::Column::UpdatedAt, Expr::value(now()))
        .filter(speaker_invitation::Column::Id.eq(invitation.id))
        .filter(speaker_invitation::Column::InvoiceId.is_null())
        .exec(&tx)
        .await?;
    if recorded.rows_affected != 1 {
        return Err(DomainError::conflict("the honorarium is already invoiced"));
    }
    tx.commit().await?;
    Ok(invoice)
}

/// The talk was the delivery: ACTIVE → ACCEPTED as of the event's end (the inspection date)
/// and `accepted_minor += amount`, conditionally, audited.
async fn accept_talk(
    tx: &impl ConnectionTrait,
    access: &Access,
    m: &milestone::Model,
    ended: DateTime<Utc>,
) -> DomainResult<()> {
    let at = now();
    let moved = milestone::Entity::update_many()
        .col_expr(
            milestone::Column::Status,
            Expr::value(MilestoneStatus::Accepted.to_value()),
        )
        .col_expr(milestone::Column::SubmittedAt, Expr::value(ended))
        .col_expr(milestone::Column::AcceptedAt, Expr::value(ended))
        .col_expr(milestone::Column::UpdatedAt, Expr::value(at))
        .filter(milestone::Column::Id.eq(m.id))
        .filter(milestone::Column::Status.eq(MilestoneStatus::Active))
        .exec(tx)
        .await?;
    let grown = contract::Entity::update_many()
        .col_expr(
            contract::Column::AcceptedMinor,
            Expr::col(contract::Column::AcceptedMinor).add(m.amount_minor),
        )
        .col_expr(contract::Column::UpdatedAt, Expr::value(at))
        .filter(contract::Column::Id.eq(m.contract_id))
        .filter(
            Expr::col(contract::Column::AcceptedMinor)
                .add(m.amount_minor)
                .lte(Expr::col(contract::Column::AmountMinor)),
        )
        .exec(tx)
        .await?;
    if moved.rows_affected != 1 || grown.rows_affected != 1 {
        return Err(DomainError::conflict(
            "the honorarium's milestone changed meanwhile; reload",
        ));
    }
    audit::record(
        tx,
        Some(access.user_id()),
        audit::Change::new("milestone.accept", Subject::Milestone, m.id)
            .from(MilestoneStatus::Active)
            .to(MilestoneStatus::Accepted)
            .detail("speaking engagement: the event ended"),
    )
    .await?;
    Ok(())
}
