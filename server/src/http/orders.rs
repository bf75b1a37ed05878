//! `/api/orders`.

use app::{
    dto::{NewOrder, OrderChanges, OrderQuery, StatusChange},
    services::orders,
    state::AppState,
};
use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    routing::{get, post},
};
use entity::enums::OrderSource;
use serde_json::{Value, json};

use super::{
    error::ApiError,
    extract::{ApiJson, ApiPath, ApiQuery, Authenticated, ClientIp},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(list).post(create))
        .route("/{id}", get(one).patch(update))
        .route("/{id}/status", post(change_status))
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

async fn create(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ClientIp(ip): ClientIp,
    ApiJson(order): ApiJson<NewOrder>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let order = orders::create(&state.db, &caller, order, OrderSource::Api, ip).await?;
    Ok((StatusCode::CREATED, Json(json!({ "success": true, "order": order }))))
}

async fn update(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<i64>,
    ApiJson(changes): ApiJson<OrderChanges>,
) -> Result<Json<Value>, ApiError> {
    let order = orders::update(&state.db, &caller, id, changes, ip).await?;
    Ok(Json(json!({ "success": true, "order": order })))
}

async fn change_status(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<i64>,
    ApiJson(change): ApiJson<StatusChange>,
) -> Result<Json<Value>, ApiError> {
    let order = orders::change_status(&state.db, &caller, id, change.status, ip).await?;
    Ok(Json(json!({ "success": true, "order": order })))
}
