//! The events pages driven like a browser: staff create an event (a refusal shown with the
//! input kept) and invite a speaker; a consenting alumna reserves a seat, accepts, and after
//! the event invoices her honorarium as a lecture fee with the withholding shown; another
//! company's staff get 404; a form without its CSRF token is refused.
use boomerang_tests::TestServer;
use boomerang_tests::flow::*;
use serde_json::json;

use super::browser::Browser;
use crate::events::{consenting, create_event, event_input};

#[tokio::test]
async fn events_and_a_speakers_lecture_fee_through_the_pages() {
    let s = TestServer::start().await;
    let a = company(&s, "evpages").await;
    let b = company(&s, "evpagesb").await;
    let her = consenting(&s, &a, "hanako@evp-alumni.example").await;
    let base = format!("/companies/{}/events", a.id);

    let mut staff = Browser::new(&s, "ja");
    staff.use_session(&a.member.token);
    let page = staff.page(&base).await;
    assert!(page.body.contains("イベントを作成する"), "{}", page.body);
    let fields = [
        ("title", "新卒採用説明会 2027"),
        ("kind", "RECRUITING_SEMINAR"),
        ("starts_at", "2099-03-01T14:00"),
        ("ends_at", "2099-03-01T16:00"),
        ("place", "本社 20階"),
        ("capacity", "0"),
    ];
    let refused = staff.submit(&page, &base, &fields).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains(r#"role="alert""#));
    assert!(refused.body.contains("input.capacity"));
    assert!(refused.body.contains(r#"value="新卒採用説明会 2027""#));
    let mut ok = fields.to_vec();
    ok[5] = ("capacity", "30");
    let created = staff.submit(&page, &base, &ok).await;
    assert_eq!(created.status, 303, "{}", created.body);
    let listed = staff.get(created.location()).await;
    assert!(listed.body.contains("イベントを作成しました"));
    assert!(listed.body.contains("0 名 / 定員 30 名"), "{}", listed.body);
    // The speaker select offers her (she consented to events).
    assert!(listed.body.contains(&her.id), "{}", listed.body);

    // Another company's staff: not found. Without the CSRF token: refused.
    let mut other = Browser::new(&s, "ja");
    other.use_session(&b.admin.token);
    assert_eq!(other.get(&base).await.status, 404);
    let forged = staff.post_raw(&base, &ok).await;
    assert_eq!(forged.status, 403);

    // She reserves a seat.
    let mut alum = Browser::new(&s, "ja");
    alum.use_session(&her.token);
    let mine = alum.page("/events").await;
    assert!(mine.body.contains("新卒採用説明会 2027"));
    assert!(mine.body.contains("残り 30 席"));
    let event_id = s.ok(her.token(), "{ events { id } }", json!({})).await["events"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let reserved = alum
        .submit(&mine, &format!("/events/{event_id}/rsvp"), &[])
        .await;
    assert_eq!(reserved.status, 303, "{}", reserved.body);
    let mine = alum.get(reserved.location()).await;
    assert!(mine.body.contains("参加予定"), "{}", mine.body);
    let twice = alum
        .submit(&mine, &format!("/events/{event_id}/rsvp"), &[])
        .await;
    assert_eq!(twice.status, 400);
    assert!(twice.body.contains(r#"role="alert""#));

    // A seminar held yesterday: invited through the page, accepted, invoiced.
    let past = create_event(&s, &a.member, event_input(&a.id, "昨日の説明会", 10, -1)).await;
    let listed = staff.page(&base).await;
    let invited = staff
        .submit(
            &listed,
            &format!("{base}/invite"),
            &[
                ("event_id", &past),
                ("user_id", &her.id),
                ("topic", "監査法人でのキャリア"),
                ("amount", "100,000"),
            ],
        )
        .await;
    assert_eq!(invited.status, 303, "{}", invited.body);
    let mine = alum.page("/events").await;
    assert!(mine.body.contains("監査法人でのキャリア"));
    let invitation = s
        .ok(her.token(), "{ speakerInvitations { id } }", json!({}))
        .await["speakerInvitations"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let accepted = alum
        .submit(
            &mine,
            &format!("/events/invitations/{invitation}/accept"),
            &[],
        )
        .await;
    assert_eq!(accepted.status, 303, "{}", accepted.body);
    let mine = alum.get(accepted.location()).await;
    assert!(mine.body.contains("講演料を請求する"), "{}", mine.body);
    let invoiced = alum
        .submit(
            &mine,
            &format!("/events/invitations/{invitation}/invoice"),
            &[],
        )
        .await;
    assert_eq!(invoiced.status, 303, "{}", invoiced.body);
    let mine = alum.get(invoiced.location()).await;
    assert!(mine.body.contains("源泉徴収税額"));
    assert!(mine.body.contains("¥10,210"), "{}", mine.body);
    assert!(mine.body.contains("¥89,790"));
    let again = alum
        .submit(
            &mine,
            &format!("/events/invitations/{invitation}/invoice"),
            &[],
        )
        .await;
    assert_eq!(again.status, 400);

    // In English too.
    let mut en = Browser::new(&s, "en");
    en.use_session(&her.token);
    let page = en.page("/events").await;
    assert!(page.body.contains("Withholding tax"));
    assert!(page.body.contains("Invitations to speak"));
    // Another alumna's invitation: not found.
    let stranger = alumnus(&s, &a, "taro@evp-alumni.example").await;
    let mut st = Browser::new(&s, "ja");
    st.use_session(&stranger.token);
    let page = st.page("/events").await;
    let hidden = st
        .submit(
            &page,
            &format!("/events/invitations/{invitation}/accept"),
            &[],
        )
        .await;
    assert_eq!(hidden.status, 404);
    s.finish().await;
}
