//! Reviews after an engagement: who may write one and when, double-blind visibility, the
//! private rehire signal, and the rating they add up to.
use boomerang_tests::flow::*;
use boomerang_tests::{TestServer, error_code};
use serde_json::{Value, json};

use crate::endings::{end, engaged, engagement, key};

pub const REVIEW: &str = "mutation($input: SubmitReviewInput!) { submitReview(input: $input) { id side rating comment wouldRehire author { id } } }";
const REVIEWS: &str =
    "query($id: ID!) { contract(id: $id) { reviews { side rating comment wouldRehire } } }";
const RATING: &str =
    "query($id: ID!) { contract(id: $id) { freelancer { rating { average count } } } }";

pub fn review_input(
    contract_id: &str,
    rating: i32,
    comment: &str,
    would_rehire: Option<bool>,
) -> Value {
    json!({ "input": { "contractId": contract_id, "rating": rating, "comment": comment, "wouldRehire": would_rehire } })
}

async fn reviews(s: &TestServer, by: &Person, contract_id: &str) -> Vec<Value> {
    s.ok(by.token(), REVIEWS, json!({ "id": contract_id }))
        .await["contract"]["reviews"]
        .as_array()
        .unwrap()
        .clone()
}

async fn sides(s: &TestServer, by: &Person, contract_id: &str) -> Vec<String> {
    reviews(s, by, contract_id)
        .await
        .iter()
        .map(|r| r["side"].as_str().unwrap().to_string())
        .collect()
}

/// Pays a contract whose work is all accepted (`contracted`), so it is COMPLETED.
async fn completed(s: &TestServer, c: &Contracted, amount: &str) {
    let inv = invoice(s, &c.freelancer, &c.contract_id, amount, "JPY").await;
    let payout = approve(s, &c.a.finance, &inv).await;
    mark_paid(s, &c.a.finance, &payout, "BANK-1").await;
}

fn days_ago(days: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::days(days))
        .format("'%Y-%m-%d %H:%M:%S+00:00'")
        .to_string()
}

#[tokio::test]
async fn reviews_open_only_once_the_contract_is_completed_or_ended_after_accepted_work() {
    let s = TestServer::start().await;
    let c = engaged(&s, &["100000"], 0).await;
    let input = review_input(&c.contract_id, 5, "Great", None);
    assert_eq!(
        s.err(c.freelancer.token(), REVIEW, input.clone()).await,
        "CONFLICT",
        "running"
    );

    end(&s, &c.a.member, &c.contract_id, "Never started").await;
    assert_eq!(
        s.err(c.freelancer.token(), REVIEW, input).await,
        "CONFLICT",
        "cancelled with nothing accepted"
    );

    let d = engagement(&s, &c.a, &c.freelancer, &["10000", "90000"], 1).await;
    end(&s, &c.a.member, &d, "Ending early").await;
    let written = s
        .ok(
            c.freelancer.token(),
            REVIEW,
            review_input(&d, 4, "Fair\nand clear", None),
        )
        .await;
    assert_eq!(written["submitReview"]["side"], "FREELANCER");
    assert_eq!(written["submitReview"]["comment"], "Fair\nand clear");
    assert_eq!(
        written["submitReview"]["author"]["id"],
        json!(c.freelancer.id)
    );
    s.finish().await;
}

/// A second contract between the same company and freelancer, its work all accepted.
async fn contracted_again(s: &TestServer, c: &Contracted) -> String {
    let project = publish(s, &c.a.member, &c.a.id, "100000", "JPY", "COMPANY_ALUMNI").await;
    let bid_id = bid(s, &c.freelancer, &project, "100000", "JPY").await;
    accept_with_work_done(s, &c.a.member, &c.freelancer, &bid_id).await
}

#[tokio::test]
async fn reviews_are_double_blind_until_both_sides_have_written() {
    let s = TestServer::start().await;
    let c = contracted(&s, "100000").await;
    completed(&s, &c, "100000").await;

    let company_review = review_input(&c.contract_id, 4, "Thorough work", Some(true));
    let written = s.ok(c.a.member.token(), REVIEW, company_review).await;
    assert_eq!(written["submitReview"]["side"], "COMPANY");
    assert_eq!(written["submitReview"]["wouldRehire"], true);

    // The company's staff see their own side's review; the freelancer sees nothing yet.
    for staff in [&c.a.admin, &c.a.member, &c.a.finance] {
        assert_eq!(sides(&s, staff, &c.contract_id).await, ["COMPANY"]);
    }
    assert!(sides(&s, &c.freelancer, &c.contract_id).await.is_empty());
    let rating = s
        .ok(c.a.member.token(), RATING, json!({ "id": c.contract_id }))
        .await;
    assert_eq!(
        rating["contract"]["freelancer"]["rating"],
        json!({ "average": null, "count": 0 }),
        "unpublished reviews do not count"
    );

    let freelancer_review = review_input(&c.contract_id, 5, "Clear brief", None);
    s.ok(c.freelancer.token(), REVIEW, freelancer_review).await;

    // Both written: both sides see both; the rehire signal stays with the company's staff.
    let seen = reviews(&s, &c.freelancer, &c.contract_id).await;
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0]["side"], "COMPANY");
    assert_eq!(seen[0]["comment"], "Thorough work");
    assert_eq!(
        seen[0]["wouldRehire"],
        Value::Null,
        "private to the company"
    );
    for staff in [&c.a.admin, &c.a.finance] {
        let seen = reviews(&s, staff, &c.contract_id).await;
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[0]["wouldRehire"], true);
        assert_eq!(seen[1]["side"], "FREELANCER");
        assert_eq!(seen[1]["rating"], 5);
    }
    let rating = s
        .ok(c.freelancer.token(), RATING, json!({ "id": c.contract_id }))
        .await;
    assert_eq!(
        rating["contract"]["freelancer"]["rating"],
        json!({ "average": 4.0, "count": 1 })
    );
    s.finish().await;
}

#[tokio::test]
async fn each_side_reviews_once_and_only_admins_members_and_the_freelancer_review() {
    let s = TestServer::start().await;
    let c = contracted(&s, "100000").await;
    completed(&s, &c, "100000").await;
    let other = company(&s, "other").await;
    let input = review_input(&c.contract_id, 3, "OK", Some(false));

    assert_eq!(
        s.err(c.a.finance.token(), REVIEW, input.clone()).await,
        "FORBIDDEN"
    );
    assert_eq!(
        s.err(other.admin.token(), REVIEW, input.clone()).await,
        "NOT_FOUND"
    );
    assert_eq!(s.err(None, REVIEW, input.clone()).await, "UNAUTHENTICATED");
    s.ok(c.a.admin.token(), REVIEW, input.clone()).await;
    assert_eq!(
        s.err(c.a.member.token(), REVIEW, input).await,
        "CONFLICT",
        "one review per side"
    );
    let mine = review_input(&c.contract_id, 5, "Good", None);
    s.ok(c.freelancer.token(), REVIEW, mine.clone()).await;
    assert_eq!(s.err(c.freelancer.token(), REVIEW, mine).await, "CONFLICT");
    assert_eq!(
        s.sql_i64(&format!(
            "SELECT COUNT(*) FROM reviews WHERE contract_id = {}",
            key(&c.contract_id)
        ))
        .await,
        2
    );
    assert_eq!(
        s.sql_i64("SELECT COUNT(*) FROM audit_events WHERE action = 'review.submit'")
            .await,
        2
    );
    s.finish().await;
}

#[tokio::test]
async fn review_input_is_checked_field_by_field() {
    let s = TestServer::start().await;
    let c = contracted(&s, "100000").await;
    completed(&s, &c, "100000").await;
    let cases = [
        (
            &c.a.member,
            review_input(&c.contract_id, 0, "Fine", None),
            "input.rating",
        ),
        (
            &c.a.member,
            review_input(&c.contract_id, 6, "Fine", None),
            "input.rating",
        ),
        (
            &c.a.member,
            review_input(&c.contract_id, 3, "  ", None),
            "input.comment",
        ),
        (
            &c.a.member,
            review_input(&c.contract_id, 3, &"x".repeat(2_001), None),
            "input.comment",
        ),
        (
            &c.a.member,
            review_input(&c.contract_id, 3, "bell\u{7}", None),
            "input.comment",
        ),
        (
            &c.freelancer,
            review_input(&c.contract_id, 3, "Fine", Some(true)),
            "input.wouldRehire",
        ),
    ];
    for (by, input, field) in cases {
        let body = s.gql(by.token(), REVIEW, input).await;
        assert_eq!(
            error_code(&body).as_deref(),
            Some("BAD_USER_INPUT"),
            "{body}"
        );
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
    let longest = review_input(&c.contract_id, 1, &"x".repeat(2_000), None);
    s.ok(c.a.member.token(), REVIEW, longest).await;
    s.finish().await;
}

#[tokio::test]
async fn a_closed_window_refuses_reviews_and_publishes_what_was_written() {
    let s = TestServer::start().await;
    let c = contracted(&s, "100000").await;
    completed(&s, &c, "100000").await;
    s.ok(
        c.a.member.token(),
        REVIEW,
        review_input(&c.contract_id, 2, "Late", Some(false)),
    )
    .await;
    assert!(sides(&s, &c.freelancer, &c.contract_id).await.is_empty());

    // Thirteen days on, the window is open still; fifteen days on, it has closed.
    let id = key(&c.contract_id);
    s.sql(&format!(
        "UPDATE contracts SET completed_at = {} WHERE id = {id}",
        days_ago(13)
    ))
    .await;
    assert!(sides(&s, &c.freelancer, &c.contract_id).await.is_empty());
    s.sql(&format!(
        "UPDATE contracts SET completed_at = {} WHERE id = {id}",
        days_ago(15)
    ))
    .await;
    assert_eq!(
        s.err(
            c.freelancer.token(),
            REVIEW,
            review_input(&c.contract_id, 5, "Too late", None)
        )
        .await,
        "CONFLICT"
    );
    let seen = reviews(&s, &c.freelancer, &c.contract_id).await;
    assert_eq!(seen.len(), 1, "published when the window closed");
    assert_eq!(seen[0]["comment"], "Late");
    assert_eq!(seen[0]["wouldRehire"], Value::Null);
    let rating = s
        .ok(c.a.finance.token(), RATING, json!({ "id": c.contract_id }))
        .await;
    assert_eq!(
        rating["contract"]["freelancer"]["rating"],
        json!({ "average": 2.0, "count": 1 })
    );
    s.finish().await;
}

#[tokio::test]
async fn a_rating_averages_the_published_company_reviews_to_one_decimal() {
    let s = TestServer::start().await;
    let c = contracted(&s, "100000").await;
    completed(&s, &c, "100000").await;
    let mut contracts = vec![c.contract_id.clone()];
    for _ in 0..2 {
        let d = contracted_again(&s, &c).await;
        let again = Contracted {
            a: c.a.clone(),
            freelancer: c.freelancer.clone(),
            project_id: c.project_id.clone(),
            contract_id: d.clone(),
        };
        completed(&s, &again, "100000").await;
        contracts.push(d);
    }
    for (contract_id, rating) in contracts.iter().zip([5, 4, 4]) {
        s.ok(
            c.a.member.token(),
            REVIEW,
            review_input(contract_id, rating, "Review", Some(true)),
        )
        .await;
        // The freelancer's own reviews of the company do not rate the freelancer.
        s.ok(
            c.freelancer.token(),
            REVIEW,
            review_input(contract_id, 1, "Meh", None),
        )
        .await;
    }
    let seen = s
        .ok(c.a.admin.token(), RATING, json!({ "id": c.contract_id }))
        .await;
    assert_eq!(
        seen["contract"]["freelancer"]["rating"],
        json!({ "average": 4.3, "count": 3 })
    );
    let own = s
        .ok(
            c.freelancer.token(),
            "{ viewer { rating { average count } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        own["viewer"]["rating"],
        json!({ "average": 4.3, "count": 3 })
    );
    s.finish().await;
}
