//! Consent per company and purpose (issue 13 §1): granted with its wording, withdrawn with its
//! time, effective on the next read; only a roster alumna grants; removal from the roster
//! hides her too. Consent is a dimension of its own: one purpose never stands for another.
use boomerang::domain::consents;
use boomerang_tests::TestServer;
use boomerang_tests::flow::*;
use entity::states::ConsentPurpose;
use serde_json::json;

const GRANT: &str = "mutation($c: ID!, $p: ConsentPurpose!) { grantConsent(input: { companyId: $c, purpose: $p }) { id purpose wording grantedAt withdrawnAt live company { id } } }";
const WITHDRAW: &str = "mutation($c: ID!, $p: ConsentPurpose!) { withdrawConsent(input: { companyId: $c, purpose: $p }) { id live withdrawnAt } }";
const MINE: &str = "{ viewer { consents { purpose live company { id } } } }";

/// The database key inside an opaque id (`base64url("Type:key")`).
fn key(id: &str) -> i64 {
    use base64::Engine;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(id)
        .unwrap();
    String::from_utf8(raw)
        .unwrap()
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn consent_is_granted_withdrawn_and_read_per_purpose() {
    let s = TestServer::start().await;
    let a = company(&s, "conacme").await;
    let her = alumnus(&s, &a, "hanako@con-alumni.example").await;
    let other = alumnus(&s, &a, "taro@con-alumni.example").await;
    let company = key(&a.id);

    let granted = s
        .ok(her.token(), GRANT, json!({ "c": a.id, "p": "DIRECTORY" }))
        .await;
    let g = &granted["grantConsent"];
    assert_eq!(g["purpose"], "DIRECTORY");
    assert_eq!(g["live"], true);
    assert!(g["wording"].as_str().unwrap().contains("卒業生名簿"));
    // Granting again keeps the one live grant.
    let again = s
        .ok(her.token(), GRANT, json!({ "c": a.id, "p": "DIRECTORY" }))
        .await;
    assert_eq!(again["grantConsent"]["id"], g["id"]);
    s.ok(her.token(), GRANT, json!({ "c": a.id, "p": "NEWS" }))
        .await;
    s.ok(other.token(), GRANT, json!({ "c": a.id, "p": "NEWS" }))
        .await;

    let her_id = key(&her.id);
    let dir = consents::consenting(&s.conn, company, ConsentPurpose::Directory)
        .await
        .unwrap();
    assert_eq!(dir, vec![her_id]);
    assert_eq!(
        consents::consenting(&s.conn, company, ConsentPurpose::News)
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(
        consents::consenting(&s.conn, company, ConsentPurpose::Events)
            .await
            .unwrap()
            .is_empty()
    );

    // Withdrawal: effective at once, and for that purpose only.
    let w = s
        .ok(
            her.token(),
            WITHDRAW,
            json!({ "c": a.id, "p": "DIRECTORY" }),
        )
        .await;
    assert_eq!(w["withdrawConsent"]["live"], false);
    assert!(w["withdrawConsent"]["withdrawnAt"].is_string());
    assert!(
        !consents::has(&s.conn, her_id, company, ConsentPurpose::Directory)
            .await
            .unwrap()
    );
    assert!(
        consents::has(&s.conn, her_id, company, ConsentPurpose::News)
            .await
            .unwrap()
    );
    assert_eq!(
        s.err(
            her.token(),
            WITHDRAW,
            json!({ "c": a.id, "p": "DIRECTORY" })
        )
        .await,
        "CONFLICT"
    );
    // Her record keeps the withdrawn grant beside the live ones.
    let mine = s.ok(her.token(), MINE, json!({})).await;
    let list = mine["viewer"]["consents"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert!(
        list.iter()
            .any(|c| c["purpose"] == "DIRECTORY" && c["live"] == false)
    );

    // Removed from the roster: hidden whatever she consented to; she may still withdraw.
    s.ok(
        a.admin.token(),
        "mutation($i: RemoveAlumniInput!) { removeAlumni(input: $i) { id } }",
        json!({ "i": { "companyId": a.id, "emails": [her.email] } }),
    )
    .await;
    assert!(
        !consents::has(&s.conn, her_id, company, ConsentPurpose::News)
            .await
            .unwrap()
    );
    s.ok(her.token(), WITHDRAW, json!({ "c": a.id, "p": "NEWS" }))
        .await;

    // Only a roster alumna grants; another company's id is not found.
    let stranger = sign_up(&s, "stranger@example.jp").await;
    assert_eq!(
        s.err(stranger.token(), GRANT, json!({ "c": a.id, "p": "NEWS" }))
            .await,
        "NOT_FOUND"
    );
    assert_eq!(
        s.err(a.admin.token(), GRANT, json!({ "c": a.id, "p": "NEWS" }))
            .await,
        "NOT_FOUND"
    );
    assert_eq!(
        s.err(None, GRANT, json!({ "c": a.id, "p": "NEWS" })).await,
        "UNAUTHENTICATED"
    );
    s.finish().await;
}
