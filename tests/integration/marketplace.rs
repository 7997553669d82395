use boomerang_tests::TestServer;
use boomerang_tests::flow::*;
use serde_json::{Value, json};

const PROJECT: &str = "query($id: ID!) { project(id: $id) { id status } }";
const NODE: &str = "query($id: ID!) { node(id: $id) { id } }";
const LIST: &str = "query($first: Int, $after: String, $filter: ProjectFilter) { projects(first: $first, after: $after, filter: $filter) { edges { cursor node { id title skills } } pageInfo { hasNextPage endCursor } } }";
const BIDS: &str =
    "query($id: ID!) { project(id: $id) { bids { edges { node { id status bidder { id } } } } } }";
const CLOSE: &str = "mutation($id: ID!) { closeProject(id: $id) { id status } }";
const WITHDRAW: &str = "mutation($id: ID!) { withdrawBid(id: $id) { id status } }";

fn listed_ids(data: &Value) -> Vec<String> {
    data["projects"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn publishing_is_for_admins_and_members_of_the_company() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let b = company(&s, "bank").await;
    let alum = alumnus(&s, &a, "alum@alumni.example").await;
    let outsider = sign_up(&s, "stranger@example.jp").await;
    let input = project_input(&a.id, "300000", "JPY", "COMPANY_ALUMNI");

    for who in [&a.admin, &a.member] {
        let data = s.ok(who.token(), PUBLISH, input.clone()).await;
        assert_eq!(data["publishProject"]["status"], "OPEN");
        assert_eq!(
            data["publishProject"]["budget"],
            json!({ "amount": "300000", "currencyCode": "JPY" })
        );
    }
    for (who, code) in [
        (&a.finance, "FORBIDDEN"),
        (&alum, "FORBIDDEN"),
        (&outsider, "NOT_FOUND"),
        (&b.admin, "NOT_FOUND"),
    ] {
        assert_eq!(
            s.err(who.token(), PUBLISH, input.clone()).await,
            code,
            "{}",
            who.email
        );
    }
    let mut past = input.clone();
    past["input"]["deadline"] = json!("2020-01-01T00:00:00Z");
    assert_eq!(
        s.err(a.member.token(), PUBLISH, past).await,
        "BAD_USER_INPUT"
    );
    s.finish().await;
}

#[tokio::test]
async fn company_alumni_projects_are_seen_only_by_that_company_and_its_alumni() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let b = company(&s, "bank").await;
    let a_alum = alumnus(&s, &a, "a-alum@alumni.example").await;
    let b_alum = alumnus(&s, &b, "b-alum@alumni.example").await;
    let outsider = sign_up(&s, "stranger@example.jp").await;
    let private = publish(&s, &a.member, &a.id, "100000", "JPY", "COMPANY_ALUMNI").await;
    let open = publish(&s, &a.member, &a.id, "100000", "JPY", "ALL_ALUMNI").await;

    for who in [&a.admin, &a.finance, &a_alum] {
        assert_eq!(
            listed_ids(&s.ok(who.token(), LIST, json!({})).await),
            [open.clone(), private.clone()],
            "{}",
            who.email
        );
        assert_eq!(
            s.ok(who.token(), NODE, json!({ "id": private })).await["node"]["id"],
            private.as_str()
        );
    }
    // Another company's alumnus sees only the ALL_ALUMNI project.
    assert_eq!(
        listed_ids(&s.ok(b_alum.token(), LIST, json!({})).await),
        vec![open.clone()]
    );
    assert_eq!(
        s.err(b_alum.token(), PROJECT, json!({ "id": private }))
            .await,
        "NOT_FOUND"
    );
    assert_eq!(
        s.err(b_alum.token(), NODE, json!({ "id": private })).await,
        "NOT_FOUND"
    );
    // Neither an outsider nor another company's (non-alumni) staff see either.
    for who in [&outsider, &b.admin] {
        assert!(
            listed_ids(&s.ok(who.token(), LIST, json!({})).await).is_empty(),
            "{}",
            who.email
        );
        for id in [&private, &open] {
            assert_eq!(
                s.err(who.token(), PROJECT, json!({ "id": id })).await,
                "NOT_FOUND"
            );
        }
    }
    s.finish().await;
}

#[tokio::test]
async fn projects_filter_and_page_newest_first() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let alum = alumnus(&s, &a, "alum@alumni.example").await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(publish(&s, &a.member, &a.id, "100000", "JPY", "COMPANY_ALUMNI").await);
    }
    let mut design = project_input(&a.id, "5000", "JPY", "COMPANY_ALUMNI");
    design["input"]["category"] = json!("DESIGN");
    design["input"]["skills"] = json!(["Figma"]);
    let design_id = s.ok(a.member.token(), PUBLISH, design).await["publishProject"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    s.ok(a.member.token(), CLOSE, json!({ "id": ids[0] })).await;

    let first = s.ok(alum.token(), LIST, json!({ "first": 2 })).await;
    assert_eq!(listed_ids(&first), [design_id.clone(), ids[4].clone()]);
    assert_eq!(first["projects"]["pageInfo"]["hasNextPage"], true);
    let cursor = first["projects"]["pageInfo"]["endCursor"].clone();
    let second = s
        .ok(alum.token(), LIST, json!({ "first": 10, "after": cursor }))
        .await;
    assert_eq!(
        listed_ids(&second),
        [
            ids[3].clone(),
            ids[2].clone(),
            ids[1].clone(),
            ids[0].clone()
        ]
    );
    assert_eq!(second["projects"]["pageInfo"]["hasNextPage"], false);

    let by = |filter: Value| json!({ "filter": filter });
    assert_eq!(
        listed_ids(
            &s.ok(alum.token(), LIST, by(json!({ "category": "DESIGN" })))
                .await
        ),
        vec![design_id.clone()]
    );
    assert_eq!(
        listed_ids(
            &s.ok(alum.token(), LIST, by(json!({ "skill": "figma" })))
                .await
        ),
        vec![design_id.clone()]
    );
    assert_eq!(
        listed_ids(
            &s.ok(alum.token(), LIST, by(json!({ "status": "CLOSED" })))
                .await
        ),
        [ids[0].clone()]
    );
    assert_eq!(
        listed_ids(
            &s.ok(alum.token(), LIST, by(json!({ "companyId": a.id })))
                .await
        )
        .len(),
        6
    );

    for first in [0, 101, -1] {
        assert_eq!(
            s.err(alum.token(), LIST, json!({ "first": first })).await,
            "BAD_USER_INPUT",
            "first = {first}"
        );
    }
    assert_eq!(
        s.err(alum.token(), LIST, json!({ "after": "%%%" })).await,
        "BAD_USER_INPUT"
    );
    s.finish().await;
}

#[tokio::test]
async fn bidding_follows_the_rules_for_who_what_and_when() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let b = company(&s, "bank").await;
    let alum = alumnus(&s, &a, "alum@alumni.example").await;
    let b_alum = alumnus(&s, &b, "b-alum@alumni.example").await;
    let outsider = sign_up(&s, "stranger@example.jp").await;
    // A member who is also on the roster still may not bid on their own company's work.
    add_alumni(&s, &a, &[&a.member.email]).await;
    let project = publish(&s, &a.member, &a.id, "200000", "JPY", "COMPANY_ALUMNI").await;
    let input = bid_input(&project, "180000", "JPY");

    assert_eq!(
        s.err(a.member.token(), PLACE_BID, input.clone()).await,
        "FORBIDDEN"
    );
    assert_eq!(
        s.err(a.admin.token(), PLACE_BID, input.clone()).await,
        "FORBIDDEN"
    );
    assert_eq!(
        s.err(b_alum.token(), PLACE_BID, input.clone()).await,
        "NOT_FOUND"
    );
    assert_eq!(
        s.err(outsider.token(), PLACE_BID, input.clone()).await,
        "NOT_FOUND"
    );
    assert_eq!(
        s.err(None, PLACE_BID, input.clone()).await,
        "UNAUTHENTICATED"
    );
    assert_eq!(
        s.err(
            alum.token(),
            PLACE_BID,
            bid_input(&project, "1800.00", "USD")
        )
        .await,
        "BAD_USER_INPUT"
    );
    let mut zero_days = input.clone();
    zero_days["input"]["deliveryDays"] = json!(0);
    assert_eq!(
        s.err(alum.token(), PLACE_BID, zero_days).await,
        "BAD_USER_INPUT"
    );

    let placed = s.ok(alum.token(), PLACE_BID, input.clone()).await;
    assert_eq!(placed["placeBid"]["status"], "PENDING");
    assert_eq!(
        placed["placeBid"]["amount"],
        json!({ "amount": "180000", "currencyCode": "JPY" })
    );
    assert_eq!(
        s.err(alum.token(), PLACE_BID, input.clone()).await,
        "CONFLICT"
    );

    // An ALL_ALUMNI project takes bids from any company's alumni.
    let open = publish(&s, &a.member, &a.id, "50000", "JPY", "ALL_ALUMNI").await;
    bid(&s, &b_alum, &open, "40000", "JPY").await;
    assert_eq!(
        s.err(
            outsider.token(),
            PLACE_BID,
            bid_input(&open, "40000", "JPY")
        )
        .await,
        "NOT_FOUND"
    );
    s.finish().await;
}

#[tokio::test]
async fn the_bidder_alone_withdraws_a_pending_bid_and_may_bid_again() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let alum = alumnus(&s, &a, "alum@alumni.example").await;
    let other = alumnus(&s, &a, "other@alumni.example").await;
    let project = publish(&s, &a.member, &a.id, "200000", "JPY", "COMPANY_ALUMNI").await;
    let bid_id = bid(&s, &alum, &project, "150000", "JPY").await;

    assert_eq!(
        s.err(other.token(), WITHDRAW, json!({ "id": bid_id }))
            .await,
        "NOT_FOUND"
    );
    assert_eq!(
        s.err(a.member.token(), WITHDRAW, json!({ "id": bid_id }))
            .await,
        "FORBIDDEN"
    );
    let withdrawn = s.ok(alum.token(), WITHDRAW, json!({ "id": bid_id })).await;
    assert_eq!(withdrawn["withdrawBid"]["status"], "WITHDRAWN");
    assert_eq!(
        s.err(alum.token(), WITHDRAW, json!({ "id": bid_id })).await,
        "CONFLICT"
    );
    bid(&s, &alum, &project, "140000", "JPY").await;
    s.finish().await;
}

#[tokio::test]
async fn staff_see_every_bid_and_a_bidder_only_their_own() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let one = alumnus(&s, &a, "one@alumni.example").await;
    let two = alumnus(&s, &a, "two@alumni.example").await;
    let watcher = alumnus(&s, &a, "watcher@alumni.example").await;
    let project = publish(&s, &a.member, &a.id, "200000", "JPY", "COMPANY_ALUMNI").await;
    let bid_one = bid(&s, &one, &project, "150000", "JPY").await;
    let bid_two = bid(&s, &two, &project, "160000", "JPY").await;

    let seen = |data: Value| -> Vec<String> {
        data["project"]["bids"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["id"].as_str().unwrap().to_string())
            .collect()
    };
    for staff in [&a.admin, &a.member, &a.finance] {
        assert_eq!(
            seen(s.ok(staff.token(), BIDS, json!({ "id": project })).await),
            [bid_two.clone(), bid_one.clone()]
        );
    }
    assert_eq!(
        seen(s.ok(one.token(), BIDS, json!({ "id": project })).await),
        vec![bid_one.clone()]
    );
    assert!(seen(s.ok(watcher.token(), BIDS, json!({ "id": project })).await).is_empty());
    assert_eq!(
        s.err(watcher.token(), NODE, json!({ "id": bid_one })).await,
        "NOT_FOUND"
    );
    assert_eq!(
        s.ok(one.token(), NODE, json!({ "id": bid_one })).await["node"]["id"],
        bid_one.as_str()
    );
    s.finish().await;
}

#[tokio::test]
async fn accepting_a_bid_awards_the_project_and_rejects_the_rest() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let b = company(&s, "bank").await;
    let one = alumnus(&s, &a, "one@alumni.example").await;
    let two = alumnus(&s, &a, "two@alumni.example").await;
    let project = publish(&s, &a.member, &a.id, "200000", "JPY", "COMPANY_ALUMNI").await;
    let winner = bid(&s, &one, &project, "150000", "JPY").await;
    let loser = bid(&s, &two, &project, "160000", "JPY").await;

    for (who, code) in [
        (&a.finance, "FORBIDDEN"),
        (&one, "FORBIDDEN"),
        (&two, "NOT_FOUND"),
        (&b.admin, "NOT_FOUND"),
    ] {
        assert_eq!(
            s.err(who.token(), ACCEPT_BID, json!({ "id": winner }))
                .await,
            code,
            "{}",
            who.email
        );
    }
    let contract = s
        .ok(a.member.token(), ACCEPT_BID, json!({ "id": winner }))
        .await;
    assert_eq!(contract["acceptBid"]["status"], "ACTIVE");
    assert_eq!(
        contract["acceptBid"]["amount"],
        json!({ "amount": "150000", "currencyCode": "JPY" })
    );

    let after = s
        .ok(
            a.admin.token(),
            "query($id: ID!) { project(id: $id) { status contract { id freelancer { id } } bids { edges { node { id status } } } } }",
            json!({ "id": project }),
        )
        .await;
    assert_eq!(after["project"]["status"], "AWARDED");
    assert_eq!(
        after["project"]["contract"]["id"],
        contract["acceptBid"]["id"]
    );
    assert_eq!(
        after["project"]["contract"]["freelancer"]["id"],
        one.id.as_str()
    );
    let statuses: Vec<(String, String)> = after["project"]["bids"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["node"]["id"].as_str().unwrap().to_string(),
                e["node"]["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            (loser.clone(), "REJECTED".to_string()),
            (winner.clone(), "ACCEPTED".to_string())
        ]
    );

    assert_eq!(
        s.err(a.member.token(), ACCEPT_BID, json!({ "id": winner }))
            .await,
        "CONFLICT"
    );
    assert_eq!(
        s.err(a.member.token(), ACCEPT_BID, json!({ "id": loser }))
            .await,
        "CONFLICT"
    );
    assert_eq!(
        s.err(a.member.token(), CLOSE, json!({ "id": project }))
            .await,
        "CONFLICT"
    );
    let late = alumnus(&s, &a, "late@alumni.example").await;
    assert_eq!(
        s.err(late.token(), PLACE_BID, bid_input(&project, "1000", "JPY"))
            .await,
        "CONFLICT"
    );
    s.finish().await;
}

#[tokio::test]
async fn closing_a_project_rejects_its_pending_bids_and_stops_bidding() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let alum = alumnus(&s, &a, "alum@alumni.example").await;
    let project = publish(&s, &a.member, &a.id, "200000", "JPY", "COMPANY_ALUMNI").await;
    let bid_id = bid(&s, &alum, &project, "150000", "JPY").await;

    assert_eq!(
        s.err(a.finance.token(), CLOSE, json!({ "id": project }))
            .await,
        "FORBIDDEN"
    );
    assert_eq!(
        s.err(alum.token(), CLOSE, json!({ "id": project })).await,
        "FORBIDDEN"
    );
    let closed = s.ok(a.admin.token(), CLOSE, json!({ "id": project })).await;
    assert_eq!(closed["closeProject"]["status"], "CLOSED");
    let bid_now = s
        .ok(
            alum.token(),
            "query($id: ID!) { bid(id: $id) { status } }",
            json!({ "id": bid_id }),
        )
        .await;
    assert_eq!(bid_now["bid"]["status"], "REJECTED");
    assert_eq!(
        s.err(a.admin.token(), CLOSE, json!({ "id": project }))
            .await,
        "CONFLICT"
    );
    assert_eq!(
        s.err(alum.token(), PLACE_BID, bid_input(&project, "1000", "JPY"))
            .await,
        "CONFLICT"
    );
    assert_eq!(
        s.err(a.member.token(), ACCEPT_BID, json!({ "id": bid_id }))
            .await,
        "CONFLICT"
    );
    s.finish().await;
}
