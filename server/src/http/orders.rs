//! `/api/orders`.

use app::{dto::OrderQuery, services::orders, state::AppState};
use axum::{Json, Router, extract::State, routing::get};
use serde_json::{Value, json};

use super::{
    error::ApiError,
    extract::{ApiPath, ApiQuery, Authenticated},
};

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(list)).route("/{id}", get(one))
}

async fn list(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(query): ApiQuery<OrderQuery>,
) -> Result<Json<Value>, ApiError> {
    let page = orders::list(&state.db, &caller, query).await?;
    Ok(Json(
        json!({ "success": true, "orders": page.orders, "pagination": page.pagination }),
    ))
}

async fn one(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    let order = orders::get(&state.db, &caller, id).await?;
    Ok(Json(json!({ "success": true, "order": order })))
}
