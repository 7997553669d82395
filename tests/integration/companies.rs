use boomerang_tests::TestServer;
use boomerang_tests::flow::{Person, add_alumni, company, sign_up};
use serde_json::json;

const ADD_MEMBER: &str =
    "mutation($input: AddCompanyMemberInput!) { addCompanyMember(input: $input) { id role } }";
const ADD_ALUMNI: &str =
    "mutation($input: AddAlumniInput!) { addAlumni(input: $input) { id email } }";
const ME: &str =
    "{ viewer { memberships { role company { id name viewerRole } } alumniOf { id } } }";

#[tokio::test]
async fn the_creator_of_a_company_becomes_its_admin() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let me = s.ok(a.admin.token(), ME, json!({})).await;
    let membership = &me["viewer"]["memberships"][0];
    assert_eq!(membership["role"], "ADMIN");
    assert_eq!(membership["company"]["id"], a.id.as_str());
    assert_eq!(membership["company"]["viewerRole"], "ADMIN");

    let members = s
        .ok(
            a.admin.token(),
            "query($id: ID!) { company(id: $id) { members { role user { id } } } }",
            json!({ "id": a.id }),
        )
        .await;
    let roles: Vec<_> = members["company"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["ADMIN", "MEMBER", "FINANCE"]);
    s.finish().await;
}

#[tokio::test]
async fn only_an_admin_adds_members_and_others_cannot_probe_the_company() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let b = company(&s, "bank").await;
    let alum = sign_up(&s, "old-hand@alumni.example").await;
    add_alumni(&s, &a, &[&alum.email]).await;
    let outsider = sign_up(&s, "stranger@example.jp").await;
    let newcomer = sign_up(&s, "newcomer@example.jp").await;
    let input =
        json!({ "input": { "companyId": a.id, "email": newcomer.email, "role": "MEMBER" } });

    let cases: [(&Person, &str); 5] = [
        (&a.member, "FORBIDDEN"),
        (&a.finance, "FORBIDDEN"),
        (&alum, "FORBIDDEN"),
        (&outsider, "NOT_FOUND"),
        (&b.admin, "NOT_FOUND"),
    ];
    for (who, code) in cases {
        assert_eq!(
            s.err(who.token(), ADD_MEMBER, input.clone()).await,
            code,
            "{}",
            who.email
        );
    }
    assert_eq!(
        s.err(None, ADD_MEMBER, input.clone()).await,
        "UNAUTHENTICATED"
    );

    let added = s.ok(a.admin.token(), ADD_MEMBER, input).await;
    assert_eq!(added["addCompanyMember"]["role"], "MEMBER");
    let unknown =
        json!({ "input": { "companyId": a.id, "email": "ghost@example.jp", "role": "MEMBER" } });
    assert_eq!(
        s.err(a.admin.token(), ADD_MEMBER, unknown).await,
        "BAD_USER_INPUT"
    );
    s.finish().await;
}

#[tokio::test]
async fn a_roster_email_makes_an_alumnus_whether_they_sign_up_before_or_after() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let early = sign_up(&s, "early@alumni.example").await;
    let before = s.ok(early.token(), ME, json!({})).await;
    assert_eq!(before["viewer"]["alumniOf"], json!([]));

    add_alumni(&s, &a, &["Early@Alumni.example", "late@alumni.example"]).await;
    let late = sign_up(&s, "LATE@alumni.example").await;
    for person in [&early, &late] {
        let me = s.ok(person.token(), ME, json!({})).await;
        assert_eq!(
            me["viewer"]["alumniOf"],
            json!([{ "id": a.id }]),
            "{}",
            person.email
        );
    }
    // Uploading the same email again is harmless and returns the existing record.
    let again = s
        .ok(
            a.admin.token(),
            ADD_ALUMNI,
            json!({ "input": { "companyId": a.id, "emails": ["early@alumni.example"] } }),
        )
        .await;
    assert_eq!(again["addAlumni"][0]["email"], "early@alumni.example");
    let roster = s
        .ok(
            a.admin.token(),
            "query($id: ID!) { company(id: $id) { alumni { email } } }",
            json!({ "id": a.id }),
        )
        .await;
    assert_eq!(roster["company"]["alumni"].as_array().unwrap().len(), 2);
    s.finish().await;
}

#[tokio::test]
async fn a_roster_upload_with_one_bad_email_stores_nothing() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let body = s
        .gql(a.admin.token(), ADD_ALUMNI, json!({ "input": { "companyId": a.id, "emails": ["fine@alumni.example", "not an email"] } }))
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "input.emails[1]");
    let roster = s
        .ok(
            a.admin.token(),
            "query($id: ID!) { company(id: $id) { alumni { email } } }",
            json!({ "id": a.id }),
        )
        .await;
    assert_eq!(roster["company"]["alumni"], json!([]));

    let input = json!({ "input": { "companyId": a.id, "emails": ["x@alumni.example"] } });
    assert_eq!(
        s.err(a.member.token(), ADD_ALUMNI, input.clone()).await,
        "FORBIDDEN"
    );
    assert_eq!(
        s.err(a.finance.token(), ADD_ALUMNI, input).await,
        "FORBIDDEN"
    );
    s.finish().await;
}
