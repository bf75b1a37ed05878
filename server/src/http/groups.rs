//! `/api/groups`: WhatsApp groups linked to the business.

use app::{dto::GroupInput, services::groups, state::AppState};
use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    routing::{get, patch},
};

use super::{
    error::ApiError,
    extract::{ApiJson, ApiPath, Authenticated},
    responses::{Done, ErrorBody, GroupAnswer, GroupsAnswer},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(list).post(create))
        .route("/{id}", patch(update).delete(remove))
}

#[utoipa::path(get, path = "/api/groups", tag = "groups", security(("bearer" = [])), responses((status = 200, body = GroupsAnswer)))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<Json<GroupsAnswer>, ApiError> {
    Ok(Json(GroupsAnswer::new(groups::list(&state.db, &caller).await?)))
}

/// Links a WhatsApp group (owners).
#[utoipa::path(post, path = "/api/groups", tag = "groups", security(("bearer" = [])), request_body = GroupInput, responses(
    (status = 201, body = GroupAnswer),
    (status = 403, body = ErrorBody),
    (status = 409, description = "already linked", body = ErrorBody),
    (status = 422, body = ErrorBody),
))]
pub async fn create(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiJson(input): ApiJson<GroupInput>,
) -> Result<(StatusCode, Json<GroupAnswer>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(GroupAnswer::new(groups::create(&state.db, &caller, input).await?)),
    ))
}

#[utoipa::path(patch, path = "/api/groups/{id}", tag = "groups", security(("bearer" = [])), params(("id" = i64, Path)), request_body = GroupInput, responses(
    (status = 200, body = GroupAnswer),
    (status = 404, body = ErrorBody),
    (status = 422, body = ErrorBody),
))]
pub async fn update(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<GroupInput>,
) -> Result<Json<GroupAnswer>, ApiError> {
    Ok(Json(GroupAnswer::new(
        groups::update(&state.db, &caller, id, input).await?,
    )))
}

#[utoipa::path(delete, path = "/api/groups/{id}", tag = "groups", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = Done),
    (status = 404, body = ErrorBody),
))]
pub async fn remove(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Done>, ApiError> {
    groups::delete(&state.db, &caller, id).await?;
    Ok(Json(Done::new()))
}
