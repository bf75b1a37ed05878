//! `/api/drivers`: the business's delivery drivers.

use app::{dto::DriverInput, services::drivers, state::AppState};
use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    routing::{get, patch},
};

use super::{
    error::ApiError,
    extract::{ApiJson, ApiPath, Authenticated},
    responses::{Done, DriverAnswer, DriversAnswer, ErrorBody},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(list).post(create))
        .route("/{id}", patch(update).delete(remove))
}

#[utoipa::path(get, path = "/api/drivers", tag = "drivers", security(("bearer" = [])), responses((status = 200, body = DriversAnswer)))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<Json<DriversAnswer>, ApiError> {
    Ok(Json(DriversAnswer::new(drivers::list(&state.db, &caller).await?)))
}

/// Adds a driver (owners).
#[utoipa::path(post, path = "/api/drivers", tag = "drivers", security(("bearer" = [])), request_body = DriverInput, responses(
    (status = 201, body = DriverAnswer),
    (status = 403, body = ErrorBody),
    (status = 422, body = ErrorBody),
))]
pub async fn create(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiJson(input): ApiJson<DriverInput>,
) -> Result<(StatusCode, Json<DriverAnswer>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(DriverAnswer::new(drivers::create(&state.db, &caller, input).await?)),
    ))
}

#[utoipa::path(patch, path = "/api/drivers/{id}", tag = "drivers", security(("bearer" = [])), params(("id" = i64, Path)), request_body = DriverInput, responses(
    (status = 200, body = DriverAnswer),
    (status = 404, body = ErrorBody),
    (status = 422, body = ErrorBody),
))]
pub async fn update(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<DriverInput>,
) -> Result<Json<DriverAnswer>, ApiError> {
    Ok(Json(DriverAnswer::new(
        drivers::update(&state.db, &state.outlets.answers, &caller, id, input).await?,
    )))
}

#[utoipa::path(delete, path = "/api/drivers/{id}", tag = "drivers", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = Done),
    (status = 404, body = ErrorBody),
))]
pub async fn remove(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Done>, ApiError> {
    drivers::delete(&state.db, &state.outlets.answers, &caller, id).await?;
    Ok(Json(Done::new()))
}
