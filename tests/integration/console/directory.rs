//! The directory pages driven like a browser: her profile (refusal keeps the input), her
//! consents with their wording (grant, withdraw), what a company holds and the deletion
//! request, the staff's search with filters and wouldRehire, the peers view; the roster CSV's
//! tenure columns; CSRF; another company's pages answering 404.
use boomerang_tests::TestServer;
use boomerang_tests::flow::*;
use serde_json::json;

use super::browser::Browser;

#[tokio::test]
async fn profile_consents_directory_peers_and_deletion_through_the_pages() {
    let s = TestServer::start().await;
    let a = company(&s, "pgacme").await;
    let b = company(&s, "pgbank").await;
    let hanako = alumnus(&s, &a, "hanako@pg-alumni.example").await;
    let taro = alumnus(&s, &a, "taro@pg-alumni.example").await;

    // The roster upload reads department and left_year where the header names them.
    let mut admin = Browser::new(&s, "en");
    admin.use_session(&a.admin.token);
    let roster = admin.page(&format!("/companies/{}/alumni", a.id)).await;
    let added = admin
        .submit(
            &roster,
            &format!("/companies/{}/alumni", a.id),
            &[(
                "emails",
                "email,name,department,left_year\nhanako@pg-alumni.example,Hanako,Risk,2020\n",
            )],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let record = s
        .ok(
            a.admin.token(),
            "query($id: ID!) { company(id: $id) { alumni { email department leftYear } } }",
            json!({ "id": a.id }),
        )
        .await;
    let hers = record["company"]["alumni"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["email"] == "hanako@pg-alumni.example")
        .unwrap()
        .clone();
    assert_eq!(hers["department"], "Risk");
    assert_eq!(hers["leftYear"], 2020);

    // Her profile, in Japanese: a bad link is refused next to the form, her input kept.
    let mut her = Browser::new(&s, "ja");
    her.use_session(&hanako.token);
    let form = her.page("/profile").await;
    assert!(form.body.contains("プロフィール"), "{}", form.body);
    let fields = [
        ("headline", "データ分析コンサルタント"),
        ("bio", "銀行で10年"),
        ("skills", "SQL, Python"),
        ("languages", "日本語, English"),
        ("availability", "OPEN_TO_SIDE_JOBS"),
        ("links", "javascript:alert(1)"),
    ];
    let refused = her.submit(&form, "/profile", &fields).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains(r#"role="alert""#));
    assert!(refused.body.contains("データ分析コンサルタント"));
    let mut fields = fields;
    fields[5] = ("links", "https://example.jp/hanako");
    let saved = her.submit(&form, "/profile", &fields).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let shown = her.get(saved.location()).await;
    assert!(shown.body.contains("プロフィールを保存しました"));
    assert!(shown.body.contains("sql, python"));

    // Without a CSRF token nothing happens.
    let forged = her
        .post_raw(
            "/consents",
            &[
                ("company", &a.id),
                ("purpose", "DIRECTORY"),
                ("action", "grant"),
            ],
        )
        .await;
    assert_eq!(forged.status, 403);

    // Consents: the wording shown, then granted and listed.
    let consents = her.page("/consents").await;
    assert!(
        consents.body.contains("卒業生名簿に、氏名"),
        "{}",
        consents.body
    );
    let granted = her
        .submit(
            &consents,
            "/consents",
            &[
                ("company", &a.id),
                ("purpose", "DIRECTORY"),
                ("action", "grant"),
            ],
        )
        .await;
    assert_eq!(granted.status, 303, "{}", granted.body);
    let consents = her.get(granted.location()).await;
    assert!(consents.body.contains("同意を記録しました"));
    assert!(consents.body.contains("同意済み"));

    // The staff's directory lists her with her tenure; the filter narrows it.
    let mut member = Browser::new(&s, "en");
    member.use_session(&a.member.token);
    let dir = member.page(&format!("/companies/{}/directory", a.id)).await;
    assert!(dir.body.contains("hanako"), "{}", dir.body);
    assert!(dir.body.contains("Risk"));
    assert!(!dir.body.contains("taro"));
    let none = member
        .page(&format!("/companies/{}/directory?skill=cobol", a.id))
        .await;
    assert!(none.body.contains("No alumni match"), "{}", none.body);
    let bad = member
        .get(&format!("/companies/{}/directory?left_year=abc", a.id))
        .await;
    assert_eq!(bad.status, 400);
    // Another company's staff: not found.
    let mut other = Browser::new(&s, "en");
    other.use_session(&b.member.token);
    assert_eq!(
        other
            .get(&format!("/companies/{}/directory", a.id))
            .await
            .status,
        404
    );

    // Taro has not consented: his peers page says how to opt in; after consenting he sees her.
    let mut him = Browser::new(&s, "en");
    him.use_session(&taro.token);
    let refused = him.get(&format!("/companies/{}/peers", a.id)).await;
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("/consents"));
    s.ok(
        taro.token(),
        "mutation($c: ID!) { grantConsent(input: { companyId: $c, purpose: DIRECTORY }) { id } }",
        json!({ "c": a.id }),
    )
    .await;
    let peers = him.page(&format!("/companies/{}/peers", a.id)).await;
    assert!(
        peers.body.contains("データ分析コンサルタント"),
        "{}",
        peers.body
    );
    assert!(peers.body.contains("https://example.jp/hanako"));
    assert!(!peers.body.contains("Risk"));

    // What A holds about her, then her deletion request: invoices would be kept; she leaves
    // A's directory.
    let held = her.page(&format!("/consents/{}", a.id)).await;
    assert!(held.body.contains("保有する私のデータ"), "{}", held.body);
    let done = her
        .submit(&held, &format!("/consents/{}/delete", a.id), &[])
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("削除のご依頼を処理しました"));
    assert!(done.body.contains("7年間保存"));
    let dir = member.page(&format!("/companies/{}/directory", a.id)).await;
    assert!(!dir.body.contains("hanako"));
    // A company that holds nothing about her: not found.
    assert_eq!(her.get(&format!("/consents/{}", b.id)).await.status, 404);
    s.finish().await;
}
