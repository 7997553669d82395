//! Reviews after an engagement and the rating they add up to.
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::{User, load_one};
use crate::domain::reviews;
use crate::graphql::ids;
use crate::graphql::loaders::UserId;
use crate::graphql::scalars::ReviewSide;

/// One side's review of a finished contract, as the viewer may see it (see `Contract.reviews`).
pub struct Review(pub reviews::Visible);

#[Object]
impl Review {
    async fn id(&self) -> ID {
        ids::encode("Review", self.0.review.id)
    }

    /// COMPANY: the company reviewed the freelancer; FREELANCER: the freelancer reviewed the
    /// company.
    async fn side(&self) -> ReviewSide {
        self.0.review.side.into()
    }

    /// 1–5.
    async fn rating(&self) -> i32 {
        self.0.review.rating
    }

    async fn comment(&self) -> &str {
        &self.0.review.comment
    }

    /// Whether the company would hire the freelancer again. Shown only to that company's
    /// staff (null for everyone else, the freelancer included) and only on COMPANY reviews.
    async fn would_rehire(&self) -> Option<bool> {
        if self.0.shows_would_rehire {
            self.0.review.would_rehire
        } else {
            None
        }
    }

    async fn author(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        Ok(User::new(
            load_one(ctx, UserId(self.0.review.author_id), "user").await?,
        ))
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.review.created_at
    }
}

/// A freelancer's standing from the companies' published reviews of their contracts.
#[derive(SimpleObject)]
pub struct Rating {
    /// The mean rating (1–5) to one decimal place; null without reviews.
    pub average: Option<f64>,
    /// How many published reviews it is made of.
    pub count: i64,
}

impl From<reviews::Rating> for Rating {
    fn from(rating: reviews::Rating) -> Self {
        Self {
            average: rating.average(),
            count: rating.count,
        }
    }
}
