//! The REST API under `/api`. Each resource adds its own router here.

use app::state::AppState;
use axum::{Router, extract::OriginalUri};

use super::{auth, businesses, error::ApiError, orders};

pub fn router() -> Router<AppState> {
    Router::new()
        .nest("/auth", auth::router())
        .nest("/orders", orders::router())
        .nest("/businesses", businesses::router())
        .fallback(unknown_route)
}

async fn unknown_route(OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::RouteNotFound(uri.path().to_string())
}
