//! The statement of terms on the contract page and its printable page (versions, other tenants
//! 404), the payment terms on the company settings (the art. 4 refusal shown, input kept), and
//! the overdue invoices page (ADMIN and FINANCE; MEMBER 403; other tenants 404).
use boomerang_tests::TestServer;
use boomerang_tests::flow::*;
use chrono::{Days, Utc};
use chrono_tz::Asia::Tokyo;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::browser::Browser;
use crate::endings::{end, key};

#[tokio::test]
async fn the_contract_page_shows_the_statement_and_the_printable_page_every_version() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let freelancer = alumnus(&s, &a, "hanako@alumni.example").await;
    let project = publish(&s, &a.member, &a.id, "100000", "JPY", "COMPANY_ALUMNI").await;
    let bid = bid_with_milestones(&s, &freelancer, &project, &["60000", "40000"]).await;
    let contract = accept(&s, &a.member, &bid).await;

    let mut b = Browser::new(&s, "ja");
    b.use_session(&freelancer.token);
    let page = b.page(&format!("/contracts/{contract}")).await;
    assert!(page.body.contains("取引条件の明示"), "{}", page.body);
    assert!(page.body.contains("業務委託の取引条件（第1版）"));
    assert!(page.body.contains(&format!("/contracts/{contract}/terms")));
    assert!(
        page.body.contains("取引条件を明示"),
        "the audit trail names the event"
    );
    let printable = b.page(&format!("/contracts/{contract}/terms")).await;
    assert!(printable.body.contains("class=\"terms-text\""));
    assert!(printable.body.contains("業務委託事業者: acme"));
    assert!(printable.body.contains("class=\"no-print\""));
    assert!(!printable.body.contains("これは以前の版です"));

    end(&s, &a.member, &contract, "事業計画の変更のため").await;
    let latest = b.page(&format!("/contracts/{contract}/terms")).await;
    assert!(latest.body.contains("業務委託の取引条件（第2版）"));
    assert!(latest.body.contains("(2) Part 2（取消）"));
    assert!(
        latest
            .body
            .contains(&format!("/contracts/{contract}/terms?version=1"))
    );
    let first = b
        .page(&format!("/contracts/{contract}/terms?version=1"))
        .await;
    assert!(first.body.contains("業務委託の取引条件（第1版）"));
    assert!(!first.body.contains("（取消）"));
    assert!(first.body.contains("これは以前の版です"));
    for missing in ["?version=9", "?version=x"] {
        let page = b
            .get(&format!("/contracts/{contract}/terms{missing}"))
            .await;
        assert_eq!(page.status, 404, "{missing}");
    }

    // English visitors read the page in English around the statement, which stays as issued.
    let mut en = Browser::new(&s, "en");
    en.use_session(&a.admin.token);
    let page = en.page(&format!("/contracts/{contract}/terms")).await;
    assert!(page.body.contains("Back to the contract"));
    assert!(page.body.contains("業務委託の取引条件（第2版）"));

    // Another company's staff, a garbage id and the anonymous do not read it.
    let other = company(&s, "bank").await;
    let mut stranger = Browser::new(&s, "en");
    stranger.use_session(&other.admin.token);
    for path in [
        format!("/contracts/{contract}/terms"),
        "/contracts/not-an-id/terms".to_string(),
    ] {
        assert_eq!(stranger.get(&path).await.status, 404, "{path}");
    }
    let mut anon = Browser::new(&s, "en");
    let page = anon.get(&format!("/contracts/{contract}/terms")).await;
    assert_eq!(page.status, 303);
    assert!(page.location().starts_with("/login"), "{}", page.location());
    s.finish().await;
}

#[tokio::test]
async fn the_settings_refuse_payment_terms_over_59_days_and_keep_the_input() {
    let s = TestServer::start().await;
    let a = company(&s, "acme").await;
    let mut b = Browser::new(&s, "ja");
    b.use_session(&a.admin.token);
    let base = format!("/companies/{}/settings", a.id);
    let settings = b.page(&base).await;
    assert!(settings.body.contains("支払サイト"), "{}", settings.body);
    let refused = b
        .submit(
            &settings,
            &base,
            &[
                ("provider", "MANUAL"),
                ("review_window_days", "14"),
                ("payment_terms_days", "60"),
            ],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains(r#"role="alert""#));
    assert!(refused.body.contains(r#"value="60""#));
    assert!(refused.body.contains("フリーランス法第4条"));
    assert!(refused.body.contains(r#"aria-invalid="true""#));
    // Nothing was saved: not even the review window sent with it.
    let saved = b
        .submit(
            &settings,
            &base,
            &[
                ("provider", "MANUAL"),
                ("review_window_days", "14"),
                ("payment_terms_days", "30"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let page = b.get(saved.location()).await;
    assert!(
        page.body
            .contains(r#"name="payment_terms_days" value="30""#),
        "{}",
        page.body
    );
    // A form without the field (an older page) leaves the terms alone.
    let kept = b
        .submit(
            &page,
            &base,
            &[("provider", "MANUAL"), ("review_window_days", "15")],
        )
        .await;
    assert_eq!(kept.status, 303);
    let page = b.get(kept.location()).await;
    assert!(
        page.body
            .contains(r#"name="payment_terms_days" value="30""#)
    );
    // Without a CSRF token nothing changes.
    let forged = b
        .post_raw(
            &base,
            &[
                ("provider", "MANUAL"),
                ("review_window_days", "14"),
                ("payment_terms_days", "1"),
            ],
        )
        .await;
    assert_ne!(forged.status, 303);
    s.finish().await;
}

#[tokio::test]
async fn the_overdue_page_lists_late_invoices_for_admin_and_finance_only() {
    let s = TestServer::start().await;
    let c = contracted(&s, "300000").await;
    let late = invoice(&s, &c.freelancer, &c.contract_id, "100000", "JPY").await;
    let _current = invoice(&s, &c.freelancer, &c.contract_id, "50000", "JPY").await;
    let due = Utc::now()
        .with_timezone(&Tokyo)
        .date_naive()
        .checked_sub_days(Days::new(5))
        .unwrap();
    entity::invoice::Entity::update_many()
        .col_expr(entity::invoice::Column::PaymentDueDate, Expr::value(due))
        .filter(entity::invoice::Column::Id.eq(key(&late)))
        .exec(&s.conn)
        .await
        .unwrap();
    let path = format!("/companies/{}/overdue", c.a.id);
    for (reader, lang) in [(&c.a.admin, "ja"), (&c.a.finance, "en")] {
        let mut b = Browser::new(&s, lang);
        b.use_session(&reader.token);
        let page = b.page(&path).await;
        assert!(
            page.body.contains(&format!("/invoices/{late}")),
            "{}",
            page.body
        );
        assert_eq!(
            page.body.matches("/invoices/").count(),
            1,
            "only the late one"
        );
        assert!(page.body.contains(&path), "the tab links the page");
    }
    let mut member = Browser::new(&s, "ja");
    member.use_session(&c.a.member.token);
    let page = member.get(&path).await;
    assert_eq!(page.status, 403);
    assert!(page.body.contains("経理担当（FINANCE）のみ"));
    let dashboard = member.page(&format!("/companies/{}/members", c.a.id)).await;
    assert!(!dashboard.body.contains(&path), "no tab for a MEMBER");
    let other = company(&s, "bank").await;
    let mut stranger = Browser::new(&s, "en");
    stranger.use_session(&other.admin.token);
    assert_eq!(stranger.get(&path).await.status, 404);
    let empty = stranger
        .page(&format!("/companies/{}/overdue", other.id))
        .await;
    assert!(empty.body.contains("No invoice is past its due date."));
    s.finish().await;
}
