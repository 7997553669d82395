//! Keyset pagination, newest first: `after` is the id of the last row seen, so a page costs
//! the same however deep it is.
use super::error::{DomainError, DomainResult};

pub const DEFAULT_PAGE: u64 = 20;
pub const MAX_PAGE: u64 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Page {
    pub first: u64,
    /// Only rows with a smaller id.
    pub after: Option<i64>,
}

impl Page {
    pub fn new(first: Option<i32>, after: Option<i64>) -> DomainResult<Self> {
        let first = match first {
            None => DEFAULT_PAGE,
            Some(n) if (1..=MAX_PAGE as i32).contains(&n) => n as u64,
            Some(_) => {
                return Err(DomainError::bad_input(
                    "first",
                    format!("must be between 1 and {MAX_PAGE}"),
                ));
            }
        };
        Ok(Self { first, after })
    }

    /// Rows to fetch: one more than asked, to learn whether a next page exists.
    pub fn limit(self) -> u64 {
        self.first + 1
    }
}

/// One page of rows and whether more follow.
#[derive(Debug, Clone)]
pub struct Paged<T> {
    pub rows: Vec<T>,
    pub has_next: bool,
}

impl<T> Paged<T> {
    /// Cuts a `Page::limit()`-sized fetch down to the page.
    pub fn from_fetch(mut rows: Vec<T>, page: Page) -> Self {
        let has_next = rows.len() as u64 > page.first;
        rows.truncate(page.first as usize);
        Self { rows, has_next }
    }
}
