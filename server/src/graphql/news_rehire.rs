//! Company news and boomerang rehire over GraphQL (issue 13 §4, §5): thin resolvers over
//! `domain::news` and `domain::rehire`, which check roles and consent.
use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{application, application_transition, news_post, opening};

use super::context::{access, db};
use super::errors::OrGql;
use super::ids;
use super::loaders::{CompanyId, UserId};
use super::types::{Company, PageArgs, User, connection, load_one};
use crate::domain::error::{DomainError, DomainResult};
use crate::domain::news::{self, NewsCursor};
use crate::domain::page::Page;
use crate::domain::rehire;

/// What a news post is about.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::news_post::NewsCategory")]
pub enum NewsCategory {
    Business,
    Event,
    Hiring,
    Other,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::opening::EmploymentType")]
pub enum EmploymentType {
    FullTime,
    Contract,
    PartTime,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::opening::OpeningStatus")]
pub enum OpeningStatus {
    /// Takes applications.
    Open,
    /// Takes no more applications.
    Closed,
}

/// APPLIED → SCREENING → INTERVIEW → OFFER → HIRED, or DECLINED (by staff) / WITHDRAWN (by her).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::application::ApplicationStatus")]
pub enum ApplicationStatus {
    Applied,
    Screening,
    Interview,
    Offer,
    Hired,
    Declined,
    Withdrawn,
}

fn company_key(id: &ID) -> async_graphql::Result<i64> {
    ids::decode(id, "Company", "company").gql()
}

/// A news cursor: the last post's pinned flag and id.
fn news_cursor(post: &news_post::Model) -> String {
    URL_SAFE_NO_PAD.encode(format!("news:{}:{}", u8::from(post.pinned), post.id))
}

fn decode_news_cursor(after: Option<&str>) -> DomainResult<Option<NewsCursor>> {
    after
        .map(|c| {
            URL_SAFE_NO_PAD
                .decode(c)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|s| {
                    let (pinned, id) = s.strip_prefix("news:")?.split_once(':')?;
                    Some(NewsCursor {
                        pinned: pinned == "1",
                        id: id.parse().ok()?,
                    })
                })
                .ok_or_else(|| DomainError::bad_input("after", "not a news cursor"))
        })
        .transpose()
}

/// A company's news post. `body` is the Markdown source; `bodyHtml` the same rendered inert
/// (no raw HTML, no script, only http/https/mailto links, with rel="noopener noreferrer nofollow").
pub struct NewsPost(pub news_post::Model);

#[Object]
impl NewsPost {
    async fn id(&self) -> ID {
        ids::encode("NewsPost", self.0.id)
    }

    async fn company(&self, ctx: &Context<'_>) -> async_graphql::Result<Company> {
        Ok(Company(
            load_one(ctx, CompanyId(self.0.company_id), "company").await?,
        ))
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    /// The Markdown as written.
    async fn body(&self) -> &str {
        &self.0.body
    }

    /// The Markdown rendered into sanitized HTML.
    async fn body_html(&self) -> String {
        news::render_markdown(&self.0.body)
    }

    async fn category(&self) -> NewsCategory {
        self.0.category.into()
    }

    async fn pinned(&self) -> bool {
        self.0.pinned
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// How many alumni opened the post: for the company's staff only (null for others). Who
    /// read is never shown.
    async fn reader_count(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<u64>> {
        news::reader_count(db(ctx), access(ctx).await?, &self.0)
            .await
            .gql()
    }
}

/// A boomerang rehire opening.
pub struct Opening(pub opening::Model);

#[Object]
impl Opening {
    async fn id(&self) -> ID {
        ids::encode("Opening", self.0.id)
    }

    async fn company(&self, ctx: &Context<'_>) -> async_graphql::Result<Company> {
        Ok(Company(
            load_one(ctx, CompanyId(self.0.company_id), "company").await?,
        ))
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    async fn department(&self) -> &str {
        &self.0.department
    }

    async fn employment_type(&self) -> EmploymentType {
        self.0.employment_type.into()
    }

    async fn location(&self) -> &str {
        &self.0.location
    }

    async fn remote(&self) -> bool {
        self.0.remote
    }

    async fn description(&self) -> &str {
        &self.0.description
    }

    async fn status(&self) -> OpeningStatus {
        self.0.status.into()
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Every application, oldest first: for the company's staff (empty for others).
    async fn applications(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Application>> {
        Ok(
            rehire::applications_of(db(ctx), access(ctx).await?, &self.0)
                .await
                .gql()?
                .into_iter()
                .map(Application)
                .collect(),
        )
    }

    /// The caller's own application, if she made one.
    async fn my_application(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Application>> {
        Ok(
            rehire::my_application(db(ctx), access(ctx).await?, self.0.id)
                .await
                .gql()?
                .map(Application),
        )
    }
}

/// An alumna's application to an opening, seen by her and the company's staff.
pub struct Application(pub application::Model);

#[Object]
impl Application {
    async fn id(&self) -> ID {
        ids::encode("Application", self.0.id)
    }

    async fn opening(&self, ctx: &Context<'_>) -> async_graphql::Result<Opening> {
        let (_, opening) = rehire::visible_application(db(ctx), access(ctx).await?, self.0.id)
            .await
            .gql()?;
        Ok(Opening(opening))
    }

    async fn applicant(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        Ok(User::new(
            load_one(ctx, UserId(self.0.user_id), "user").await?,
        ))
    }

    async fn note(&self) -> &str {
        &self.0.note
    }

    async fn status(&self) -> ApplicationStatus {
        self.0.status.into()
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// Every move with its time, oldest first (the first is the application itself).
    async fn history(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<ApplicationTransition>> {
        Ok(rehire::history(db(ctx), self.0.id)
            .await
            .gql()?
            .into_iter()
            .map(ApplicationTransition)
            .collect())
    }
}

pub struct ApplicationTransition(pub application_transition::Model);

#[Object]
impl ApplicationTransition {
    /// Null for the application itself.
    async fn from(&self) -> Option<ApplicationStatus> {
        self.0.from_status.map(Into::into)
    }

    async fn to(&self) -> ApplicationStatus {
        self.0.to_status.into()
    }

    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
}

/// One opening's applications in the period and how many of them are hired.
#[derive(SimpleObject)]
pub struct OpeningMetrics {
    pub opening: Opening,
    pub applications: u64,
    pub hires: u64,
}

/// Boomerang rehire, measured for the days `from`–`to` (Asia/Tokyo).
#[derive(SimpleObject)]
pub struct RehireMetrics {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub openings: Vec<OpeningMetrics>,
    pub applications: u64,
    pub hires: u64,
    /// Median calendar days from application to hire, over hires made in the period.
    pub median_days_to_hire: Option<f64>,
    /// Median days from leaving the company to rejoining it, over the period's hires whose
    /// roster entry records a leaving year (counted from 1 July of that year: the roster keeps
    /// the year only). Null without any.
    pub median_days_leaving_to_rejoining: Option<f64>,
}

#[derive(Default)]
pub struct NewsRehireQuery;

#[Object]
impl NewsRehireQuery {
    /// A company's news, pinned first then newest first: for its staff and its roster alumni
    /// with a live NEWS consent (NOT_FOUND for others).
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn news(
        &self,
        ctx: &Context<'_>,
        company_id: ID,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, NewsPost>> {
        let company_id = company_key(&company_id)?;
        let page = Page::new(first, None).gql()?;
        let cursor = decode_news_cursor(after.as_deref()).gql()?;
        let paged = news::list(db(ctx), access(ctx).await?, company_id, page, cursor)
            .await
            .gql()?;
        let mut conn = Connection::new(cursor.is_some(), paged.has_next);
        conn.edges.extend(
            paged
                .rows
                .into_iter()
                .map(|p| async_graphql::connection::Edge::new(news_cursor(&p), NewsPost(p))),
        );
        Ok(conn)
    }

    /// One news post; an alumna's fetch counts her as a reader (once).
    async fn news_post(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<NewsPost> {
        let key = ids::decode(&id, "NewsPost", "news post").gql()?;
        Ok(NewsPost(
            news::get(db(ctx), access(ctx).await?, key).await.gql()?,
        ))
    }

    /// A company's openings, newest first: every one for its staff, the open ones for its
    /// roster alumni with a live REHIRE consent (NOT_FOUND for others).
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn openings(
        &self,
        ctx: &Context<'_>,
        company_id: ID,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Opening>> {
        let company_id = company_key(&company_id)?;
        let page = PageArgs::page(first, after.as_deref()).gql()?;
        let paged = rehire::list(db(ctx), access(ctx).await?, company_id, page)
            .await
            .gql()?;
        Ok(connection(paged, page.after, |o| o.id, Opening))
    }

    async fn opening(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Opening> {
        let key = ids::decode(&id, "Opening", "opening").gql()?;
        Ok(Opening(
            rehire::visible_opening(db(ctx), access(ctx).await?, key)
                .await
                .gql()?,
        ))
    }

    /// The caller's own applications, newest first.
    async fn my_applications(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Application>> {
        Ok(rehire::mine_all(db(ctx), access(ctx).await?)
            .await
            .gql()?
            .into_iter()
            .map(Application)
            .collect())
    }

    /// Applications and hires per opening, and the medians, for the days `from`–`to`
    /// (Asia/Tokyo, both included). ADMIN or MEMBER of the company.
    async fn rehire_metrics(
        &self,
        ctx: &Context<'_>,
        company_id: ID,
        from: NaiveDate,
        to: NaiveDate,
    ) -> async_graphql::Result<RehireMetrics> {
        let company_id = company_key(&company_id)?;
        let m = rehire::metrics(db(ctx), access(ctx).await?, company_id, from, to)
            .await
            .gql()?;
        Ok(RehireMetrics {
            from: m.period.from,
            to: m.period.to,
            openings: m
                .per_opening
                .into_iter()
                .map(|o| OpeningMetrics {
                    opening: Opening(o.opening),
                    applications: o.applications,
                    hires: o.hires,
                })
                .collect(),
            applications: m.applications,
            hires: m.hires,
            median_days_to_hire: m.median_days_to_hire,
            median_days_leaving_to_rejoining: m.median_days_leaving_to_rejoining,
        })
    }
}

#[derive(InputObject)]
pub struct PostNewsInput {
    pub company_id: ID,
    pub title: String,
    /// Markdown.
    pub body: String,
    pub category: NewsCategory,
    #[graphql(default)]
    pub pinned: bool,
}

#[derive(InputObject)]
pub struct PublishOpeningInput {
    pub company_id: ID,
    pub title: String,
    pub department: String,
    pub employment_type: EmploymentType,
    pub location: String,
    #[graphql(default)]
    pub remote: bool,
    pub description: String,
}

#[derive(InputObject)]
pub struct ApplyToOpeningInput {
    pub opening_id: ID,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct MoveApplicationInput {
    pub application_id: ID,
    pub to: ApplicationStatus,
    pub note: Option<String>,
}

#[derive(Default)]
pub struct NewsRehireMutation;

fn application_key(id: &ID) -> async_graphql::Result<i64> {
    ids::decode(id, "Application", "application").gql()
}

#[Object]
impl NewsRehireMutation {
    /// Posts company news (ADMIN or MEMBER); alumni with a live NEWS consent are notified.
    async fn post_news(
        &self,
        ctx: &Context<'_>,
        input: PostNewsInput,
    ) -> async_graphql::Result<NewsPost> {
        let new = news::NewPost {
            company_id: company_key(&input.company_id)?,
            title: input.title,
            body: input.body,
            category: input.category.into(),
            pinned: input.pinned,
        };
        Ok(NewsPost(
            news::post(db(ctx), access(ctx).await?, new).await.gql()?,
        ))
    }

    /// Publishes a rehire opening (ADMIN or MEMBER); alumni with a live REHIRE consent are
    /// notified.
    async fn publish_opening(
        &self,
        ctx: &Context<'_>,
        input: PublishOpeningInput,
    ) -> async_graphql::Result<Opening> {
        let new = rehire::NewOpening {
            company_id: company_key(&input.company_id)?,
            title: input.title,
            department: input.department,
            employment_type: input.employment_type.into(),
            location: input.location,
            remote: input.remote,
            description: input.description,
        };
        Ok(Opening(
            rehire::publish(db(ctx), access(ctx).await?, new)
                .await
                .gql()?,
        ))
    }

    /// Closes an opening to new applications (ADMIN or MEMBER).
    async fn close_opening(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Opening> {
        let key = ids::decode(&id, "Opening", "opening").gql()?;
        Ok(Opening(
            rehire::close(db(ctx), access(ctx).await?, key)
                .await
                .gql()?,
        ))
    }

    /// Applies to an open opening: roster alumni with a live REHIRE consent, once per opening.
    async fn apply_to_opening(
        &self,
        ctx: &Context<'_>,
        input: ApplyToOpeningInput,
    ) -> async_graphql::Result<Application> {
        let key = ids::decode(&input.opening_id, "Opening", "opening").gql()?;
        Ok(Application(
            rehire::apply(db(ctx), access(ctx).await?, key, input.note.as_deref())
                .await
                .gql()?,
        ))
    }

    /// Staff (ADMIN or MEMBER) move an application one step forward or decline it; CONFLICT
    /// when it moved meanwhile.
    async fn move_application(
        &self,
        ctx: &Context<'_>,
        input: MoveApplicationInput,
    ) -> async_graphql::Result<Application> {
        let key = application_key(&input.application_id)?;
        Ok(Application(
            rehire::move_application(
                db(ctx),
                access(ctx).await?,
                key,
                input.to.into(),
                input.note.as_deref(),
            )
            .await
            .gql()?,
        ))
    }

    /// She withdraws her application while it is in progress.
    async fn withdraw_application(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Application> {
        let key = application_key(&id)?;
        Ok(Application(
            rehire::withdraw(db(ctx), access(ctx).await?, key)
                .await
                .gql()?,
        ))
    }
}
