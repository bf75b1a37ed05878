//! `/m/{short_code}`: a business's menu, open to anyone, linked from the menu message.

use app::{error::ServiceError, menu_page, services::menu, state::AppState};
use axum::{
    Router,
    extract::{Path, State},
    http::{
        StatusCode,
        header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE},
    },
    response::{IntoResponse, Response},
    routing::get,
};

use super::error::ApiError;

/// Its own stylesheet and nothing else: the page runs no script.
const POLICY: &str =
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

pub fn router() -> Router<AppState> {
    Router::new().route("/{short_code}", get(page))
}

async fn page(State(state): State<AppState>, Path(short_code): Path<String>) -> Response {
    let (status, html) = match menu::by_short_code(&state.db, &short_code).await {
        Ok(menu) => (StatusCode::OK, menu_page::page(&menu)),
        Err(ServiceError::NotFound(_)) => (StatusCode::NOT_FOUND, menu_page::missing()),
        Err(error) => return ApiError::from(error).into_response(),
    };
    (
        status,
        [
            (CONTENT_TYPE, "text/html; charset=utf-8"),
            (CONTENT_SECURITY_POLICY, POLICY),
            // Prices change; a minute old is fresh enough for a customer deciding.
            (CACHE_CONTROL, "public, max-age=60"),
        ],
        html,
    )
        .into_response()
}
