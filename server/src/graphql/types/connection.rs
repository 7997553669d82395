//! Relay connections over keyset pages.
use async_graphql::connection::{Connection, Edge};
use async_graphql::{InputObject, OutputType};

use crate::domain::error::DomainResult;
use crate::domain::page::{Page, Paged};
use crate::graphql::ids;

/// `first` (1–100, default 20) and `after` (a cursor from a previous page).
#[derive(InputObject, Debug, Clone, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
}

impl PageArgs {
    pub fn page(first: Option<i32>, after: Option<&str>) -> DomainResult<Page> {
        Page::new(first, ids::decode_cursor(after)?)
    }
}

/// Wraps a page of rows as a connection whose cursors are the rows' ids.
pub fn connection<M, T: OutputType>(
    paged: Paged<M>,
    after: Option<i64>,
    id_of: impl Fn(&M) -> i64,
    wrap: impl Fn(M) -> T,
) -> Connection<String, T> {
    let mut conn = Connection::new(after.is_some(), paged.has_next);
    conn.edges.extend(
        paged
            .rows
            .into_iter()
            .map(|row| Edge::new(ids::cursor(id_of(&row)), wrap(row))),
    );
    conn
}
