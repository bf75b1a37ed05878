//! `/api/businesses`.

use app::{dto::BusinessChanges, services::businesses, state::AppState};
use axum::{Json, Router, extract::State, routing::get};

use super::{
    error::ApiError,
    extract::{Acting, ApiJson, ApiPath, Authenticated},
    responses::{BusinessAnswer, ErrorBody},
};

pub fn router() -> Router<AppState> {
    Router::new().route("/{id}", get(one).patch(update))
}

/// The business with its settings and headline numbers.
#[utoipa::path(get, path = "/api/businesses/{id}", tag = "business", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = BusinessAnswer),
    (status = 404, body = ErrorBody),
))]
pub async fn one(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<BusinessAnswer>, ApiError> {
    Ok(Json(BusinessAnswer::new(
        businesses::get(&state.db, &state.outlets.answers.stats, &caller, id).await?,
    )))
}

/// Changes profile and settings (owners).
#[utoipa::path(patch, path = "/api/businesses/{id}", tag = "business", security(("bearer" = [])), params(("id" = i64, Path)), request_body = BusinessChanges, responses(
    (status = 200, body = BusinessAnswer),
    (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody),
    (status = 422, body = ErrorBody),
))]
pub async fn update(
    State(state): State<AppState>,
    Acting(user): Acting,
    ApiPath(id): ApiPath<i64>,
    ApiJson(changes): ApiJson<BusinessChanges>,
) -> Result<Json<BusinessAnswer>, ApiError> {
    Ok(Json(BusinessAnswer::new(
        businesses::update(&state.db, &user, id, changes).await?,
    )))
}
