//! The REST API under `/api`. Each resource adds its own router here.

use app::state::AppState;
use axum::{
    Router,
    extract::{DefaultBodyLimit, OriginalUri},
    http::Method,
};

use super::{
    analytics, auth, businesses, deliveries, drivers, error::ApiError, events, groups, openapi, orders, products,
    users, whatsapp,
};

/// JSON bodies are small; uploads have their own, larger limit (`MAX_FILE_SIZE`).
const MAX_JSON_BODY: usize = 1024 * 1024;

pub fn router(max_upload_bytes: usize) -> Router<AppState> {
    Router::new()
        .nest("/orders", orders::router())
        .nest("/analytics", analytics::router())
        .nest("/businesses", businesses::router())
        .nest("/products", products::router(max_upload_bytes))
        .nest("/groups", groups::router())
        .nest("/drivers", drivers::router())
        .nest("/deliveries", deliveries::router())
        .nest("/users", users::router())
        .nest("/whatsapp", whatsapp::router())
        .nest("/events", events::router())
        .route("/openapi.json", axum::routing::get(openapi::document))
        .nest("/auth", auth::router())
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
