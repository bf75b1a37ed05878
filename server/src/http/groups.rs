//! `/api/groups`: WhatsApp groups linked to the business.

use app::{dto::GroupInput, services::groups, state::AppState};
use axum::{Json, Router, extract::State, http::StatusCode, routing::get};
use serde_json::{Value, json};

use super::{
    error::ApiError,
    extract::{ApiJson, ApiPath, Authenticated},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(list).post(create))
        .route("/{id}", axum::routing::patch(update).delete(remove))
}

async fn list(State(state): State<AppState>, Authenticated(caller): Authenticated) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "success": true, "groups": groups::list(&state.db, &caller).await? }),
    ))
}

async fn create(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiJson(input): ApiJson<GroupInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let group = groups::create(&state.db, &caller, input).await?;
    Ok((StatusCode::CREATED, Json(json!({ "success": true, "group": group }))))
}

async fn update(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<GroupInput>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "success": true, "group": groups::update(&state.db, &caller, id, input).await? }),
    ))
}

async fn remove(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    groups::delete(&state.db, &caller, id).await?;
    Ok(Json(json!({ "success": true })))
}
