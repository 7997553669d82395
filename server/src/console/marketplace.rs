//! (issue 11) The marketplace pages; see the prompt in /work/notes.
use axum::Router;

use crate::http::AppState;

pub const DOCUMENTS: &[&str] = &[];

pub fn routes() -> Router<AppState> {
    Router::new()
}
