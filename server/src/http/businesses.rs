//! `/api/businesses`.

use app::{dto::BusinessChanges, services::businesses, state::AppState};
use axum::{Json, Router, extract::State, routing::get};
use serde_json::{Value, json};

use super::{
    error::ApiError,
    extract::{ApiJson, ApiPath, Authenticated, ClientIp},
};

pub fn router() -> Router<AppState> {
    Router::new().route("/{id}", get(one).patch(update))
}

async fn one(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    let business = businesses::get(&state.db, &caller, id).await?;
    Ok(Json(json!({ "success": true, "business": business })))
}

async fn update(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<i64>,
    ApiJson(changes): ApiJson<BusinessChanges>,
) -> Result<Json<Value>, ApiError> {
    let business = businesses::update(&state.db, &caller, id, changes, ip).await?;
    Ok(Json(json!({ "success": true, "business": business })))
}
