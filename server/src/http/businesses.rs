//! `/api/businesses`.

use app::{services::businesses, state::AppState};
use axum::{Json, Router, extract::State, routing::get};
use serde_json::{Value, json};

use super::{
    error::ApiError,
    extract::{ApiPath, Authenticated},
};

pub fn router() -> Router<AppState> {
    Router::new().route("/{id}", get(one))
}

async fn one(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    let business = businesses::get(&state.db, &caller, id).await?;
    Ok(Json(json!({ "success": true, "business": business })))
}
