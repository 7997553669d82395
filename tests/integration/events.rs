//! Events and speakers (issue 13 §6): events seen by staff and consenting roster alumni, the
//! last-seat race admitting exactly one, withdrawn EVENTS consent hiding the events at once,
//! and a speaker's honorarium paid as a lecture fee (withholding by her payee type) through
//! the ordinary invoice → approve → payout → ledger path.
use boomerang::domain::ledger;
use boomerang_tests::flow::*;
use boomerang_tests::{TestServer, error_code};
use futures::future::join_all;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

pub const CREATE_EVENT: &str = "mutation($input: CreateEventInput!) { createEvent(input: $input) { id title kind capacity seatsTaken seatsLeft } }";
pub const GRANT_EVENTS: &str =
    "mutation($c: ID!) { grantConsent(input: { companyId: $c, purpose: EVENTS }) { id } }";
const WITHDRAW_EVENTS: &str =
    "mutation($c: ID!) { withdrawConsent(input: { companyId: $c, purpose: EVENTS }) { id } }";
const EVENTS: &str = "query($c: ID) { events(companyId: $c) { id title seatsLeft attending } }";
const EVENT: &str = "query($id: ID!) { event(id: $id) { id seatsTaken } }";
const RSVP: &str =
    "mutation($id: ID!) { rsvp(eventId: $id) { id seatsTaken seatsLeft attending } }";
const CANCEL: &str = "mutation($id: ID!) { cancelRsvp(eventId: $id) { id seatsTaken } }";
pub const INVITE: &str = "mutation($input: InviteSpeakerInput!) { inviteSpeaker(input: $input) { id status topic honorarium { amount currencyCode } } }";
pub const ACCEPT_INVITATION: &str = "mutation($id: ID!) { acceptSpeakerInvitation(id: $id) { id status contract { id payeeType } } }";
const DECLINE_INVITATION: &str =
    "mutation($id: ID!) { declineSpeakerInvitation(id: $id) { id status } }";
pub const INVOICE_HONORARIUM: &str = "mutation($id: ID!) { invoiceHonorarium(invitationId: $id) { id status amount { amount } withholdingTax { amount } netPayable { amount } lines { withholdingSubject } } }";
const PROFILE: &str =
    "mutation($input: PayeeProfileInput!) { updatePayeeProfile(input: $input) { id } }";

/// An event input; `days` from now (negative: in the past), two hours long.
pub fn event_input(company_id: &str, title: &str, capacity: i32, days: i64) -> Value {
    let starts = chrono::Utc::now() + chrono::Duration::days(days);
    let ends = starts + chrono::Duration::hours(2);
    json!({ "input": {
        "companyId": company_id, "title": title, "kind": "RECRUITING_SEMINAR",
        "startsAt": starts.to_rfc3339(), "endsAt": ends.to_rfc3339(),
        "place": "本社 20階 セミナールーム", "online": false, "capacity": capacity,
    } })
}

pub async fn create_event(s: &TestServer, by: &Person, input: Value) -> String {
    s.ok(by.token(), CREATE_EVENT, input).await["createEvent"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A roster alumna of `a` with a live EVENTS consent.
pub async fn consenting(s: &TestServer, a: &Company, email: &str) -> Person {
    let her = alumnus(s, a, email).await;
    s.ok(her.token(), GRANT_EVENTS, json!({ "c": a.id })).await;
    her
}

fn code(body: &Value) -> String {
    error_code(body).unwrap_or_else(|| "OK".to_string())
}

#[tokio::test]
async fn the_race_for_the_last_seat_admits_exactly_one() {
    let s = TestServer::start().await;
    let a = company(&s, "evrace").await;
    let first = consenting(&s, &a, "first@ev-alumni.example").await;
    let mut racers = Vec::new();
    for i in 0..6 {
        racers.push(consenting(&s, &a, &format!("racer{i}@ev-alumni.example")).await);
    }
    let event = create_event(&s, &a.member, event_input(&a.id, "Seminar", 2, 7)).await;
    let taken = s.ok(first.token(), RSVP, json!({ "id": event })).await;
    assert_eq!(taken["rsvp"]["seatsLeft"], 1);
    assert_eq!(taken["rsvp"]["attending"], true);
    // A second seat for the same person is refused.
    let again = s.gql(first.token(), RSVP, json!({ "id": event })).await;
    assert_eq!(code(&again), "CONFLICT");

    let bodies = join_all(
        racers
            .iter()
            .map(|p| s.gql(p.token(), RSVP, json!({ "id": event }))),
    )
    .await;
    let won = bodies.iter().filter(|b| error_code(b).is_none()).count();
    let full = bodies
        .iter()
        .filter(|b| code(b) == "CONFLICT" && b.to_string().contains("the event is full"))
        .count();
    assert_eq!((won, full), (1, 5), "{bodies:#?}");
    assert_eq!(
        s.sql_i64("SELECT CAST(seats_taken AS BIGINT) FROM events")
            .await,
        2
    );
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM event_rsvps WHERE cancelled_at IS NULL")
            .await,
        2
    );
    // The CHECK holds whatever writes the row.
    let over = s
        .conn
        .execute_unprepared("UPDATE events SET seats_taken = capacity + 1")
        .await;
    assert!(
        over.is_err(),
        "the CHECK must refuse more seats than capacity"
    );

    // A cancellation gives the seat back; a loser then gets it.
    let cancelled = s.ok(first.token(), CANCEL, json!({ "id": event })).await;
    assert_eq!(cancelled["cancelRsvp"]["seatsTaken"], 1);
    let loser = racers
        .iter()
        .zip(&bodies)
        .find(|(_, b)| error_code(b).is_some())
        .map(|(p, _)| p)
        .unwrap();
    s.ok(loser.token(), RSVP, json!({ "id": event })).await;
    let twice = s.gql(first.token(), CANCEL, json!({ "id": event })).await;
    assert_eq!(code(&twice), "CONFLICT");
    // Staff host; they take no seat.
    let staff = s.gql(a.member.token(), RSVP, json!({ "id": event })).await;
    assert_eq!(code(&staff), "FORBIDDEN");
    // A past event takes no more seats.
    let past = create_event(&s, &a.member, event_input(&a.id, "Past", 5, -3)).await;
    let late = s.gql(racers[5].token(), RSVP, json!({ "id": past })).await;
    assert_eq!(code(&late), "CONFLICT");
    s.finish().await;
}

#[tokio::test]
async fn withdrawn_events_consent_hides_the_events_at_once_and_nothing_else() {
    let s = TestServer::start().await;
    let a = company(&s, "evconsent").await;
    let her = consenting(&s, &a, "hanako@evc-alumni.example").await;
    let news_only = alumnus(&s, &a, "taro@evc-alumni.example").await;
    s.ok(
        news_only.token(),
        "mutation($c: ID!) { grantConsent(input: { companyId: $c, purpose: NEWS }) { id } }",
        json!({ "c": a.id }),
    )
    .await;
    let b = company(&s, "evother").await;
    let event = create_event(&s, &a.member, event_input(&a.id, "Meetup", 10, 5)).await;

    // Notified: only the alumna with an EVENTS consent.
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM notifications WHERE kind = 'event.created'")
            .await,
        1
    );
    let seen = s.ok(her.token(), EVENTS, json!({ "c": a.id })).await;
    assert_eq!(seen["events"].as_array().unwrap().len(), 1);
    let all = s.ok(her.token(), EVENTS, json!({})).await;
    assert_eq!(all["events"].as_array().unwrap().len(), 1);
    // A NEWS consent is not an EVENTS consent.
    let other = s.ok(news_only.token(), EVENTS, json!({ "c": a.id })).await;
    assert_eq!(other["events"], json!([]));
    let hidden = s
        .gql(news_only.token(), EVENT, json!({ "id": event }))
        .await;
    assert_eq!(code(&hidden), "NOT_FOUND");
    // Another company's staff cannot see the company at all.
    let outsider = s.gql(b.admin.token(), EVENTS, json!({ "c": a.id })).await;
    assert_eq!(code(&outsider), "NOT_FOUND");
    let staff = s.ok(a.finance.token(), EVENTS, json!({ "c": a.id })).await;
    assert_eq!(staff["events"].as_array().unwrap().len(), 1);

    s.ok(her.token(), RSVP, json!({ "id": event })).await;
    s.ok(her.token(), WITHDRAW_EVENTS, json!({ "c": a.id }))
        .await;
    // At once: the next request no longer shows the event.
    let gone = s.ok(her.token(), EVENTS, json!({ "c": a.id })).await;
    assert_eq!(gone["events"], json!([]));
    let gone = s.gql(her.token(), EVENT, json!({ "id": event })).await;
    assert_eq!(code(&gone), "NOT_FOUND");
    let rsvp = s.gql(her.token(), RSVP, json!({ "id": event })).await;
    assert_eq!(code(&rsvp), "NOT_FOUND");
    // Her seat is still hers to give back.
    s.ok(her.token(), CANCEL, json!({ "id": event })).await;
    // Nothing else is hidden: she still sees the company and her other consents.
    let still = s
        .ok(
            her.token(),
            "query($c: ID!) { company(id: $c) { id } }",
            json!({ "c": a.id }),
        )
        .await;
    assert_eq!(still["company"]["id"], json!(a.id));
    // Staff can no longer invite her to speak.
    let invite = s
        .gql(
            a.member.token(),
            INVITE,
            json!({ "input": { "eventId": event, "userId": her.id, "topic": "T", "honorarium": { "amount": "1000", "currencyCode": "JPY" } } }),
        )
        .await;
    assert_eq!(code(&invite), "BAD_USER_INPUT");
    // Refusals name the field.
    let mut bad = event_input(&a.id, "Bad", 0, 5);
    let refused = s.gql(a.member.token(), CREATE_EVENT, bad.clone()).await;
    assert!(refused.to_string().contains("input.capacity"), "{refused}");
    bad["input"]["capacity"] = json!(5);
    bad["input"]["endsAt"] = bad["input"]["startsAt"].clone();
    let refused = s.gql(a.member.token(), CREATE_EVENT, bad).await;
    assert!(refused.to_string().contains("input.endsAt"), "{refused}");
    let finance = s
        .gql(
            a.finance.token(),
            CREATE_EVENT,
            event_input(&a.id, "F", 5, 5),
        )
        .await;
    assert_eq!(code(&finance), "FORBIDDEN");
    s.finish().await;
}

/// Invites `her` to speak at a past event of `a` for `honorarium` JPY and has her accept.
async fn accepted_invitation(
    s: &TestServer,
    a: &Company,
    her: &Person,
    honorarium: &str,
    days: i64,
) -> (String, Value) {
    let event = create_event(s, &a.member, event_input(&a.id, "新卒採用説明会", 50, days)).await;
    let invited = s
        .ok(
            a.member.token(),
            INVITE,
            json!({ "input": { "eventId": event, "userId": her.id, "topic": "監査の仕事", "honorarium": { "amount": honorarium, "currencyCode": "JPY" } } }),
        )
        .await;
    let id = invited["inviteSpeaker"]["id"].as_str().unwrap().to_string();
    assert_eq!(invited["inviteSpeaker"]["status"], "INVITED");
    let accepted = s
        .ok(her.token(), ACCEPT_INVITATION, json!({ "id": id }))
        .await;
    (id, accepted)
}

#[tokio::test]
async fn an_honorarium_is_paid_as_a_lecture_fee_with_withholding_by_payee_type() {
    let s = TestServer::start().await;
    let a = company(&s, "evspeak").await;
    let her = consenting(&s, &a, "hanako@evs-alumni.example").await;
    let corp = consenting(&s, &a, "kabushiki@evs-alumni.example").await;
    s.ok(
        corp.token(),
        PROFILE,
        json!({ "input": { "payeeType": "CORPORATION", "registrationNumber": "T7000012050002" } }),
    )
    .await;

    // Invited to a future event: accepted, but not invoiceable before it ends.
    let (early, accepted) = accepted_invitation(&s, &a, &her, "100000", 3).await;
    assert_eq!(accepted["acceptSpeakerInvitation"]["status"], "ACCEPTED");
    assert_eq!(
        accepted["acceptSpeakerInvitation"]["contract"]["payeeType"],
        "INDIVIDUAL"
    );
    let notified = s
        .sql_i64("SELECT COUNT(*) FROM notifications WHERE kind = 'invitation.speak'")
        .await;
    assert_eq!(notified, 1);
    let too_early = s
        .gql(her.token(), INVOICE_HONORARIUM, json!({ "id": early }))
        .await;
    assert_eq!(code(&too_early), "CONFLICT");
    assert!(too_early.to_string().contains("once the event has ended"));
    // Accepting twice is a conflict; staff cannot answer for her.
    let twice = s
        .gql(her.token(), ACCEPT_INVITATION, json!({ "id": early }))
        .await;
    assert_eq!(code(&twice), "CONFLICT");

    // A seminar held yesterday: the individual is withheld 10.21 %.
    let (id, _) = accepted_invitation(&s, &a, &her, "100000", -1).await;
    let staff = s
        .gql(a.member.token(), INVOICE_HONORARIUM, json!({ "id": id }))
        .await;
    assert_eq!(code(&staff), "FORBIDDEN");
    let invoiced = s
        .ok(her.token(), INVOICE_HONORARIUM, json!({ "id": id }))
        .await;
    let inv = &invoiced["invoiceHonorarium"];
    assert_eq!(inv["status"], "SUBMITTED");
    assert_eq!(inv["amount"]["amount"], "100000");
    assert_eq!(inv["withholdingTax"]["amount"], "10210");
    assert_eq!(inv["netPayable"]["amount"], "89790");
    assert_eq!(inv["lines"][0]["withholdingSubject"], true);
    let again = s
        .gql(her.token(), INVOICE_HONORARIUM, json!({ "id": id }))
        .await;
    assert_eq!(code(&again), "CONFLICT");
    let invoice_id = inv["id"].as_str().unwrap().to_string();
    let payout = approve(&s, &a.finance, &invoice_id).await;
    let paid = mark_paid(&s, &a.finance, &payout, "FURIKOMI-1").await;
    assert_eq!(paid["markPayoutPaid"]["status"], "PAID");
    let paid_amount = s
        .sql_i64("SELECT amount_minor FROM payouts WHERE status = 'PAID'")
        .await;
    assert_eq!(paid_amount, 89_790);

    // A corporation: nothing withheld.
    let (corp_id, _) = accepted_invitation(&s, &a, &corp, "100000", -2).await;
    let invoiced = s
        .ok(corp.token(), INVOICE_HONORARIUM, json!({ "id": corp_id }))
        .await;
    let inv = &invoiced["invoiceHonorarium"];
    assert_eq!(inv["withholdingTax"]["amount"], "0");
    assert_eq!(inv["netPayable"]["amount"], "100000");
    let payout = approve(&s, &a.finance, inv["id"].as_str().unwrap()).await;
    mark_paid(&s, &a.finance, &payout, "FURIKOMI-2").await;

    assert_eq!(ledger::check(&s.conn).await.unwrap(), Vec::<String>::new());
    let withheld = s
        .sql_i64("SELECT CAST(SUM(amount_minor) AS BIGINT) FROM ledger_entries WHERE account LIKE 'company:%:withholding:%'")
        .await;
    assert_eq!(withheld.abs(), 10_210);

    // Declining: another invitation, declined, cannot be accepted after.
    let event = create_event(&s, &a.member, event_input(&a.id, "Meetup", 5, 9)).await;
    let invited = s
        .ok(
            a.admin.token(),
            INVITE,
            json!({ "input": { "eventId": event, "userId": her.id, "topic": "T", "honorarium": { "amount": "5000", "currencyCode": "JPY" } } }),
        )
        .await;
    let inv_id = invited["inviteSpeaker"]["id"].as_str().unwrap().to_string();
    let by_staff = s
        .gql(a.admin.token(), DECLINE_INVITATION, json!({ "id": inv_id }))
        .await;
    assert_eq!(code(&by_staff), "FORBIDDEN");
    let declined = s
        .ok(her.token(), DECLINE_INVITATION, json!({ "id": inv_id }))
        .await;
    assert_eq!(declined["declineSpeakerInvitation"]["status"], "DECLINED");
    let late = s
        .gql(her.token(), ACCEPT_INVITATION, json!({ "id": inv_id }))
        .await;
    assert_eq!(code(&late), "CONFLICT");
    let other = s
        .gql(corp.token(), ACCEPT_INVITATION, json!({ "id": inv_id }))
        .await;
    assert_eq!(code(&other), "NOT_FOUND");
    s.finish().await;
}

/// The authorization matrix's events: alumA consents to A's events; an upcoming event (seats
/// for the rsvp rows), her invitation to it, one to decline, and one for a seminar
/// held yesterday (to accept, then invoice). Gives (event, speakerInvite, declinable, honorarium).
pub async fn authorization_world(
    s: &TestServer,
    a: &Company,
    alum_a: &Person,
) -> (String, String, String, String) {
    s.ok(alum_a.token(), GRANT_EVENTS, json!({ "c": a.id }))
        .await;
    let event = create_event(s, &a.member, event_input(&a.id, "Matrix", 100, 10)).await;
    let invite = |event: String, topic: &'static str| {
        let event = event.clone();
        async move {
            s.ok(
                a.member.token(),
                INVITE,
                json!({ "input": { "eventId": event, "userId": alum_a.id, "topic": topic, "honorarium": { "amount": "30000", "currencyCode": "JPY" } } }),
            )
            .await["inviteSpeaker"]["id"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let speaker_invite = invite(event.clone(), "Matrix talk").await;
    let other = create_event(s, &a.member, event_input(&a.id, "Matrix 2", 10, 12)).await;
    let declinable = invite(other, "Declinable").await;
    let past = create_event(s, &a.member, event_input(&a.id, "Matrix past", 10, -1)).await;
    // Accepted by the matrix's own acceptSpeakerInvitation row (after the read rows), then
    // invoiced by its invoiceHonorarium row.
    let honorarium = invite(past, "Held yesterday").await;
    (event, speaker_invite, declinable, honorarium)
}
