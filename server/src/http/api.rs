//! The REST API under `/api`. Each resource adds its own router here.

use std::time::Duration;

use app::state::AppState;
use axum::{
    Router,
    extract::{DefaultBodyLimit, OriginalUri},
    http::Method,
    middleware,
};

use super::{
    auth, businesses, drivers,
    error::ApiError,
    groups, openapi, orders, products,
    rate_limit::{self, RateLimiter},
    users,
};

/// Sign-in attempts per client IP per minute: plenty for people, little for password guessing.
const AUTH_PER_MINUTE: u32 = 20;
/// JSON bodies are small; uploads have their own, larger limit (`MAX_FILE_SIZE`).
const MAX_JSON_BODY: usize = 1024 * 1024;
/// API calls per session per minute.
const API_PER_MINUTE: u32 = 600;

pub fn router(max_upload_bytes: usize) -> Router<AppState> {
    let auth_limit = RateLimiter::new(AUTH_PER_MINUTE, Duration::from_secs(60));
    let api_limit = RateLimiter::new(API_PER_MINUTE, Duration::from_secs(60));
    Router::new()
        .nest("/orders", orders::router())
        .nest("/businesses", businesses::router())
        .nest("/products", products::router(max_upload_bytes))
        .nest("/groups", groups::router())
        .nest("/drivers", drivers::router())
        .nest("/users", users::router())
        .route("/openapi.json", axum::routing::get(openapi::document))
        .route_layer(middleware::from_fn_with_state(api_limit, rate_limit::by_caller))
        .nest(
            "/auth",
            auth::router().route_layer(middleware::from_fn_with_state(auth_limit, rate_limit::by_ip)),
        )
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY))
}

async fn unknown_route(OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::RouteNotFound(uri.path().to_string())
}

async fn wrong_method(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::MethodNotAllowed {
        method: method.to_string(),
        path: uri.path().to_string(),
    }
}
