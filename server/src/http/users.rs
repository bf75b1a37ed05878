//! `/api/users`: owners invite staff and drivers, and switch access off and on.

use app::{dto::Invitation, services::users, state::AppState};
use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    routing::{get, patch},
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    error::ApiError,
    extract::{ApiJson, ApiPath, ApiQuery, Authenticated, ClientIp},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(list).post(invite))
        .route("/{id}", patch(set_active))
}

#[derive(Deserialize)]
struct UserQuery {
    business_id: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Activation {
    is_active: bool,
}

async fn list(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(query): ApiQuery<UserQuery>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "success": true, "users": users::list(&state.db, &caller, query.business_id).await? }),
    ))
}

async fn invite(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ClientIp(ip): ClientIp,
    ApiJson(invitation): ApiJson<Invitation>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let invited = users::invite(&state.db, &caller, invitation, ip).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "success": true, "user": invited.user, "one_time_password": invited.one_time_password })),
    ))
}

async fn set_active(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<i64>,
    ApiJson(activation): ApiJson<Activation>,
) -> Result<Json<Value>, ApiError> {
    let user = users::set_active(&state.db, &caller, id, activation.is_active, ip).await?;
    Ok(Json(json!({ "success": true, "user": user })))
}
