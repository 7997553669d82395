//! Company news (issue 13 §4): staff (ADMIN or MEMBER) post; the company's staff and its
//! roster alumni with a live NEWS consent read, pinned posts first, then newest first. The body
//! is Markdown, stored as written and rendered by [`render_markdown`] into inert HTML. Readers
//! are counted once per post, and only the count is ever shown — to staff.
use std::collections::HashSet;

use entity::news_post::{self, NewsCategory};
use entity::news_read;
use entity::states::{CompanyRole, ConsentPurpose};
use pulldown_cmark::{Event, Options, Parser};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use super::audit::Subject;
use super::error::{DomainError, DomainResult};
use super::notifications::{Kind, Notice, notify};
use super::page::{Page, Paged};
use super::{Access, audit, consents, now, required_text, text, write_tx};

pub const TITLE_MAX: usize = 200;
pub const BODY_MAX: usize = 20_000;

/// Markdown to HTML that cannot run anything: raw HTML in the source is shown as text, the
/// result then goes through ammonia's allow-list (no script, style, iframe, event handlers or
/// `style` attributes), links keep only http, https and mailto URLs (a `javascript:` link
/// loses its target) and get `rel="noopener noreferrer nofollow"`. Images are dropped: a
/// remote image would tell its host who read the post.
pub fn render_markdown(source: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let events = Parser::new_ext(source, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    ammonia::Builder::default()
        .rm_tags(["img"])
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&html)
        .to_string()
}

#[derive(Debug, Clone)]
pub struct NewPost {
    pub company_id: i64,
    pub title: String,
    pub body: String,
    pub category: NewsCategory,
    pub pinned: bool,
}

const POSTERS: &[CompanyRole] = &[CompanyRole::Admin, CompanyRole::Member];

/// Posts news and notifies the company's alumni with a live NEWS consent, in one transaction.
#[tracing::instrument(skip_all, fields(user = access.user_id(), company_id = input.company_id))]
pub async fn post(
    db: &DatabaseConnection,
    access: &Access,
    input: NewPost,
) -> DomainResult<news_post::Model> {
    access.require_company_role(input.company_id, POSTERS, "posting news")?;
    let title = required_text(&input.title, "title", TITLE_MAX)?;
    let body = text::multi_line(&input.body, "body", BODY_MAX)?;
    let tx = write_tx(db).await?;
    let posted = news_post::ActiveModel {
        company_id: Set(input.company_id),
        author_id: Set(access.user_id()),
        title: Set(title),
        body: Set(body),
        category: Set(input.category),
        pinned: Set(input.pinned),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        Some(access.user_id()),
        audit::Change::new("news.post", Subject::NewsPost, posted.id)
            .detail(input.category.to_value()),
    )
    .await?;
    for user_id in consents::consenting(&tx, input.company_id, ConsentPurpose::News).await? {
        notify(
            &tx,
            Notice {
                user_id,
                kind: Kind::NewsPosted,
                company_id: Some(input.company_id),
                subject: Some((Subject::NewsPost, posted.id)),
                params: json!({ "title": posted.title }),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(posted)
}

/// Whether the caller may read the company's news: its staff, or a roster alumna with a live
/// NEWS consent (read afresh).
pub async fn can_read(
    db: &impl ConnectionTrait,
    access: &Access,
    company_id: i64,
) -> DomainResult<bool> {
    if access.is_staff(company_id) {
        return Ok(true);
    }
    if !access.alumni_of.contains(&company_id) {
        return Ok(false);
    }
    consents::has(db, access.user_id(), company_id, ConsentPurpose::News).await
}

/// Where a page of news continues: pinned posts come first, each group newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewsCursor {
    pub pinned: bool,
    pub id: i64,
}

/// A company's news, pinned first then newest first. NOT_FOUND for whoever may not read it.
pub async fn list(
    db: &DatabaseConnection,
    access: &Access,
    company_id: i64,
    first: Page,
    after: Option<NewsCursor>,
) -> DomainResult<Paged<news_post::Model>> {
    if !can_read(db, access, company_id).await? {
        return Err(DomainError::NotFound("company"));
    }
    let mut query = news_post::Entity::find().filter(news_post::Column::CompanyId.eq(company_id));
    if let Some(after) = after {
        let later_in_group = Condition::all()
            .add(news_post::Column::Pinned.eq(after.pinned))
            .add(news_post::Column::Id.lt(after.id));
        query = query.filter(if after.pinned {
            Condition::any()
                .add(news_post::Column::Pinned.eq(false))
                .add(later_in_group)
        } else {
            later_in_group
        });
    }
    let rows = query
        .order_by_desc(news_post::Column::Pinned)
        .order_by_desc(news_post::Column::Id)
        .limit(first.limit())
        .all(db)
        .await?;
    Ok(Paged::from_fetch(rows, first))
}

/// One post for a reader who may see it; a roster alumna's fetch counts her as a reader once
/// (the read is not audited: that would record who read).
pub async fn get(
    db: &DatabaseConnection,
    access: &Access,
    post_id: i64,
) -> DomainResult<news_post::Model> {
    let post = news_post::Entity::find_by_id(post_id)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("news post"))?;
    if !can_read(db, access, post.company_id).await? {
        return Err(DomainError::NotFound("news post"));
    }
    if !access.is_staff(post.company_id) {
        news_read::Entity::insert(news_read::ActiveModel {
            post_id: Set(post.id),
            user_id: Set(access.user_id()),
            read_at: Set(now()),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::columns([news_read::Column::PostId, news_read::Column::UserId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    }
    Ok(post)
}

/// How many distinct readers opened a post: for the company's staff only, otherwise `None`.
pub async fn reader_count(
    db: &impl ConnectionTrait,
    access: &Access,
    post: &news_post::Model,
) -> DomainResult<Option<u64>> {
    if !access.is_staff(post.company_id) {
        return Ok(None);
    }
    Ok(Some(
        news_read::Entity::find()
            .filter(news_read::Column::PostId.eq(post.id))
            .count(db)
            .await?,
    ))
}

#[cfg(test)]
mod tests {
    use super::render_markdown;

    #[test]
    fn markdown_renders_its_formatting() {
        let html = render_markdown("# 決算\n\n**太字** and *em*\n\n- a\n- b\n");
        assert!(html.contains("<h1>決算</h1>"), "{html}");
        assert!(html.contains("<strong>太字</strong>"), "{html}");
        assert!(html.contains("<li>a</li>"), "{html}");
    }

    #[test]
    fn script_and_raw_html_render_as_inert_text() {
        let html = render_markdown(
            "hi <script>alert(1)</script>\n\n<div onclick=\"x()\">raw</div>\n\n<iframe src=\"https://evil.example\"></iframe>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<div"), "{html}");
        assert!(!html.contains("<iframe"), "{html}");
        // The handler survives only as escaped text inside a paragraph.
        assert!(html.contains("&lt;div onclick="), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn javascript_links_lose_their_target_and_others_get_rel() {
        let html = render_markdown(
            "[bad](javascript:alert(1)) [worse](JavaScript:alert(2)) [ok](https://example.jp/a)",
        );
        assert!(!html.to_lowercase().contains("javascript:"), "{html}");
        assert!(
            html.contains(
                "<a href=\"https://example.jp/a\" rel=\"noopener noreferrer nofollow\">ok</a>"
            ),
            "{html}"
        );
    }

    #[test]
    fn images_and_data_urls_are_dropped() {
        let html = render_markdown("![x](https://t.example/p.gif) [d](data:text/html,<b>x</b>)");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("data:"), "{html}");
    }
}
