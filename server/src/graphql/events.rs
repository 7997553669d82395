//! Events and speakers (issue 13 §6): `events`, `event`, `speakerInvitations` and their
//! mutations. Thin: `domain::events` checks roles and consent and owns every change.
use async_graphql::{Context, Enum, ID, InputObject, Object};
use chrono::{DateTime, Utc};
use entity::states;
use entity::{event, speaker_invitation};

use super::context::{access, db};
use super::errors::OrGql;
use super::ids;
use super::loaders::{CompanyId, ContractId, InvoiceId, UserId};
use super::scalars::{Money, MoneyInput};
use super::types::{Company, Contract, Invoice, User, load_one};
use crate::domain::events::{self, NewEvent, NewInvitation};
use crate::domain::now;

/// What kind of event a company holds.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "states::EventKind")]
pub enum EventKind {
    /// A graduate recruiting seminar (alumni speak to students).
    RecruitingSeminar,
    AlumniMeetup,
    Other,
}

/// Where a speaker invitation stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "states::SpeakerInvitationStatus")]
pub enum SpeakerInvitationStatus {
    Invited,
    Accepted,
    Declined,
}

/// A company's event, seen by its staff and by roster alumni with a live EVENTS consent.
pub struct Event(pub event::Model);

#[Object]
impl Event {
    async fn id(&self) -> ID {
        ids::encode("Event", self.0.id)
    }

    async fn company(&self, ctx: &Context<'_>) -> async_graphql::Result<Company> {
        Ok(Company(
            load_one(ctx, CompanyId(self.0.company_id), "company").await?,
        ))
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    async fn kind(&self) -> EventKind {
        self.0.kind.into()
    }

    async fn starts_at(&self) -> DateTime<Utc> {
        self.0.starts_at
    }

    async fn ends_at(&self) -> DateTime<Utc> {
        self.0.ends_at
    }

    /// The venue, or the meeting link's description when online.
    async fn place(&self) -> &str {
        &self.0.place
    }

    async fn online(&self) -> bool {
        self.0.online
    }

    async fn capacity(&self) -> i32 {
        self.0.capacity
    }

    /// Seats taken by live RSVPs (the attendee count).
    async fn seats_taken(&self) -> i32 {
        self.0.seats_taken
    }

    async fn seats_left(&self) -> i32 {
        (self.0.capacity - self.0.seats_taken).max(0)
    }

    /// Whether the event has ended.
    async fn ended(&self) -> bool {
        self.0.ends_at <= now()
    }

    /// Whether the caller holds a seat.
    async fn attending(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let access = access(ctx).await?;
        Ok(events::my_rsvp(db(ctx), access.user_id(), self.0.id)
            .await
            .gql()?
            .is_some())
    }

    /// The event's speaker invitations: all of them for its company's staff, her own for an
    /// invited alumna, none for anyone else.
    async fn speaker_invitations(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<SpeakerInvitation>> {
        let access = access(ctx).await?;
        Ok(events::invitations_of_event(db(ctx), access, &self.0)
            .await
            .gql()?
            .into_iter()
            .map(SpeakerInvitation)
            .collect())
    }

    /// Whom its company's staff may invite to speak: roster alumni with a live EVENTS consent;
    /// empty for anyone else.
    async fn invitable_speakers(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<User>> {
        let access = access(ctx).await?;
        Ok(events::invitable_speakers(db(ctx), access, &self.0)
            .await
            .gql()?
            .into_iter()
            .map(User::new)
            .collect())
    }
}

/// An invitation to speak at an event for an honorarium (a lecture fee).
pub struct SpeakerInvitation(pub speaker_invitation::Model);

#[Object]
impl SpeakerInvitation {
    async fn id(&self) -> ID {
        ids::encode("SpeakerInvitation", self.0.id)
    }

    async fn event(&self, ctx: &Context<'_>) -> async_graphql::Result<Event> {
        // Read directly: the speaker keeps seeing the event she speaks at even after
        // withdrawing her EVENTS consent.
        use sea_orm::EntityTrait;
        let found = event::Entity::find_by_id(self.0.event_id)
            .one(db(ctx))
            .await
            .map_err(|e| super::errors::gql(e.into()))?;
        found
            .map(Event)
            .ok_or_else(|| super::errors::gql(crate::domain::DomainError::NotFound("event")))
    }

    async fn speaker(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        Ok(User::new(
            load_one(ctx, UserId(self.0.user_id), "speaker").await?,
        ))
    }

    async fn topic(&self) -> &str {
        &self.0.topic
    }

    async fn honorarium(&self) -> async_graphql::Result<Money> {
        Money::from_stored(self.0.honorarium_minor, &self.0.currency).gql()
    }

    async fn status(&self) -> SpeakerInvitationStatus {
        self.0.status.into()
    }

    async fn responded_at(&self) -> Option<DateTime<Utc>> {
        self.0.responded_at
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The speaking engagement's contract, once accepted.
    async fn contract(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Contract>> {
        let Some(id) = self.0.contract_id else {
            return Ok(None);
        };
        Ok(Some(Contract(
            load_one(ctx, ContractId(id), "contract").await?,
        )))
    }

    /// The honorarium's invoice, once she invoiced it.
    async fn invoice(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Invoice>> {
        let Some(id) = self.0.invoice_id else {
            return Ok(None);
        };
        Ok(Some(Invoice(
            load_one(ctx, InvoiceId(id), "invoice").await?,
        )))
    }
}

#[derive(Default)]
pub struct EventQuery;

#[Object]
impl EventQuery {
    /// Events the caller may see, soonest first: of one company (its staff, or its roster
    /// alumni with a live EVENTS consent — empty without one), or without `companyId` of every
    /// company they staff or consented to.
    async fn events(
        &self,
        ctx: &Context<'_>,
        company_id: Option<ID>,
        upcoming_only: Option<bool>,
    ) -> async_graphql::Result<Vec<Event>> {
        let company_id = company_id
            .map(|id| ids::decode(&id, "Company", "company"))
            .transpose()
            .gql()?;
        let access = access(ctx).await?;
        Ok(
            events::list(db(ctx), access, company_id, upcoming_only.unwrap_or(false))
                .await
                .gql()?
                .into_iter()
                .map(Event)
                .collect(),
        )
    }

    async fn event(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Event>> {
        let key = ids::decode(&id, "Event", "event").gql()?;
        let access = access(ctx).await?;
        Ok(Some(Event(events::get(db(ctx), access, key).await.gql()?)))
    }

    /// The invitations to speak the caller received, newest first.
    async fn speaker_invitations(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<SpeakerInvitation>> {
        let access = access(ctx).await?;
        Ok(events::my_invitations(db(ctx), access)
            .await
            .gql()?
            .into_iter()
            .map(SpeakerInvitation)
            .collect())
    }
}

#[derive(InputObject)]
pub struct CreateEventInput {
    pub company_id: ID,
    pub title: String,
    pub kind: EventKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub place: String,
    pub online: bool,
    pub capacity: i32,
}

#[derive(InputObject)]
pub struct InviteSpeakerInput {
    pub event_id: ID,
    pub user_id: ID,
    pub topic: String,
    pub honorarium: MoneyInput,
}

#[derive(Default)]
pub struct EventMutation;

#[Object]
impl EventMutation {
    /// Creates an event (ADMIN/MEMBER); consenting alumni are notified.
    async fn create_event(
        &self,
        ctx: &Context<'_>,
        input: CreateEventInput,
    ) -> async_graphql::Result<Event> {
        let access = access(ctx).await?;
        let company_id = ids::decode(&input.company_id, "Company", "company").gql()?;
        let created = events::create(
            db(ctx),
            access,
            NewEvent {
                company_id,
                title: &input.title,
                kind: input.kind.into(),
                starts_at: input.starts_at,
                ends_at: input.ends_at,
                place: &input.place,
                online: input.online,
                capacity: input.capacity,
            },
        )
        .await
        .gql()?;
        Ok(Event(created))
    }

    /// Takes a seat (a roster alumna with a live EVENTS consent); CONFLICT when full.
    async fn rsvp(&self, ctx: &Context<'_>, event_id: ID) -> async_graphql::Result<Event> {
        let key = ids::decode(&event_id, "Event", "event").gql()?;
        let access = access(ctx).await?;
        events::rsvp(db(ctx), access, key).await.gql()?;
        Ok(Event(events::get(db(ctx), access, key).await.gql()?))
    }

    /// Gives the caller's seat back.
    async fn cancel_rsvp(&self, ctx: &Context<'_>, event_id: ID) -> async_graphql::Result<Event> {
        let key = ids::decode(&event_id, "Event", "event").gql()?;
        let access = access(ctx).await?;
        Ok(Event(
            events::cancel_rsvp(db(ctx), access, key).await.gql()?,
        ))
    }

    /// Invites a consenting alumna to speak for an honorarium (ADMIN/MEMBER); she is notified.
    async fn invite_speaker(
        &self,
        ctx: &Context<'_>,
        input: InviteSpeakerInput,
    ) -> async_graphql::Result<SpeakerInvitation> {
        let event_id = ids::decode(&input.event_id, "Event", "event").gql()?;
        let user_id = ids::decode(&input.user_id, "User", "user").gql()?;
        let honorarium = input.honorarium.parse("input.honorarium").gql()?;
        let access = access(ctx).await?;
        Ok(SpeakerInvitation(
            events::invite_speaker(
                db(ctx),
                access,
                NewInvitation {
                    event_id,
                    user_id,
                    topic: &input.topic,
                    honorarium,
                },
            )
            .await
            .gql()?,
        ))
    }

    /// Accepts an invitation to speak: writes the speaking engagement's contract (its terms
    /// statement issued) that the honorarium is invoiced against after the event.
    async fn accept_speaker_invitation(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<SpeakerInvitation> {
        let key = ids::decode(&id, "SpeakerInvitation", "speaker invitation").gql()?;
        let access = access(ctx).await?;
        Ok(SpeakerInvitation(
            events::accept(db(ctx), access, key).await.gql()?,
        ))
    }

    async fn decline_speaker_invitation(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<SpeakerInvitation> {
        let key = ids::decode(&id, "SpeakerInvitation", "speaker invitation").gql()?;
        let access = access(ctx).await?;
        Ok(SpeakerInvitation(
            events::decline(db(ctx), access, key).await.gql()?,
        ))
    }

    /// After the event, invoices the honorarium as a lecture fee (withholding applies by her
    /// payee type); finance then approves and pays it like any invoice.
    async fn invoice_honorarium(
        &self,
        ctx: &Context<'_>,
        invitation_id: ID,
    ) -> async_graphql::Result<Invoice> {
        let key = ids::decode(&invitation_id, "SpeakerInvitation", "speaker invitation").gql()?;
        let access = access(ctx).await?;
        Ok(Invoice(
            events::invoice_honorarium(db(ctx), access, key)
                .await
                .gql()?,
        ))
    }
}
