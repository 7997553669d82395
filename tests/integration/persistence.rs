use boomerang_tests::TestServer;
use boomerang_tests::flow::*;
use serde_json::json;

#[tokio::test]
async fn data_survives_a_restart() {
    let s = TestServer::start().await;
    let c = contracted(&s, "120000").await;
    let db = s.stop().await;

    let s = TestServer::start_with(db).await;
    let session = s
        .ok(
            None,
            "mutation($input: LogInInput!) { logIn(input: $input) { token } }",
            json!({ "input": { "email": c.freelancer.email, "password": PASSWORD } }),
        )
        .await;
    let token = session["logIn"]["token"].as_str().unwrap();
    let contract = s
        .ok(
            Some(token),
            "query($id: ID!) { contract(id: $id) { status amount { amount } project { id } } }",
            json!({ "id": c.contract_id }),
        )
        .await;
    assert_eq!(contract["contract"]["status"], "ACTIVE");
    assert_eq!(contract["contract"]["amount"]["amount"], "120000");
    assert_eq!(contract["contract"]["project"]["id"], c.project_id.as_str());
    // Sessions from before the restart still work.
    assert!(
        !s.ok(c.freelancer.token(), "{ viewer { id } }", json!({}))
            .await["viewer"]
            .is_null()
    );
    s.finish().await;
}
