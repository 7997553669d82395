//! htmx (vendored from the `htmx.org` npm package, 0BSD licence beside it) and the console's
//! CSS, embedded in the binary and served under versioned paths with a year-long cache: a new
//! htmx has a new file name, a changed CSS a new hash.
use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

pub const HTMX_PATH: &str = "/assets/htmx-2.0.11.min.js";
/// Our own script for the funding page (confirms the payment with Stripe.js).
pub const STRIPE_FUND_PATH: &str = "/assets/stripe-fund-1.js";
const STRIPE_FUND: &[u8] = include_bytes!("../../assets/stripe-fund-1.js");
const HTMX: &[u8] = include_bytes!("../../assets/htmx-2.0.11.min.js");
const CSS: &[u8] = include_bytes!("../../assets/console.css");

static CSS_NAME: LazyLock<String> = LazyLock::new(|| {
    let digest = Sha256::digest(CSS);
    let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    format!("console-{hex}.css")
});

pub fn css_path() -> String {
    format!("/assets/{}", *CSS_NAME)
}

pub async fn serve(Path(name): Path<String>) -> Response {
    let (body, content_type) = if HTMX_PATH.strip_prefix("/assets/") == Some(name.as_str()) {
        (HTMX, "text/javascript; charset=utf-8")
    } else if STRIPE_FUND_PATH.strip_prefix("/assets/") == Some(name.as_str()) {
        (STRIPE_FUND, "text/javascript; charset=utf-8")
    } else if name == *CSS_NAME {
        (CSS, "text/css; charset=utf-8")
    } else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        body,
    )
        .into_response()
}
