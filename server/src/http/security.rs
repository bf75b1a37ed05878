//! Security headers on every response. Pages set their own, nonce-bearing CSP (see
//! `app::shell`); everything else gets one that allows nothing.

use axum::{
    Router,
    http::{
        HeaderName, HeaderValue,
        header::{CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS},
    },
};
use tower_http::set_header::SetResponseHeaderLayer;

pub fn with_headers(router: Router) -> Router {
    let header = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    router
        .layer(header(
            CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'none'",
        ))
        .layer(header(X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(X_FRAME_OPTIONS, "DENY"))
        .layer(header(REFERRER_POLICY, "strict-origin-when-cross-origin"))
}
