//! Security headers of every console response. The CSP allows only this server's own
//! scripts, styles and images, no framing, forms posting only here; pages are `no-store`
//! (they carry personal data once signed in, and CSRF tokens always), assets set their own
//! long cache. HSTS and `nosniff` for every route are added in `http::api_headers`.
//! A handler may set its own CSP (only the Stripe funding page does, see [`STRIPE_CSP`]);
//! every other response gets the strict one.
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; \
     connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; \
     object-src 'none'";

/// The funding page's CSP: the strict one plus Stripe.js, its frames and its API.
pub const STRIPE_CSP: &str = "default-src 'self'; script-src 'self' https://js.stripe.com; \
     style-src 'self'; img-src 'self'; connect-src 'self' https://api.stripe.com; \
     frame-src https://js.stripe.com https://hooks.stripe.com; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

pub async fn console(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
