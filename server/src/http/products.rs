//! `/api/products`: the catalog.

use app::{dto::ProductInput, services::products, state::AppState};
use axum::{Json, Router, extract::State, http::StatusCode, routing::get};
use serde_json::{Value, json};

use super::{
    error::ApiError,
    extract::{ApiJson, ApiPath, Authenticated, ClientIp},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(list).post(create))
        .route("/{id}", get(one).patch(update).delete(remove))
}

async fn list(State(state): State<AppState>, Authenticated(caller): Authenticated) -> Result<Json<Value>, ApiError> {
    let products = products::list(&state.db, &caller).await?;
    Ok(Json(json!({ "success": true, "products": products })))
}

async fn one(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    let product = products::get(&state.db, &caller, id).await?;
    Ok(Json(json!({ "success": true, "product": product })))
}

async fn create(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ClientIp(ip): ClientIp,
    ApiJson(input): ApiJson<ProductInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let product = products::create(&state.db, &caller, input, ip).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "success": true, "product": product })),
    ))
}

async fn update(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ProductInput>,
) -> Result<Json<Value>, ApiError> {
    let product = products::update(&state.db, &caller, id, input, ip).await?;
    Ok(Json(json!({ "success": true, "product": product })))
}

async fn remove(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, ApiError> {
    products::delete(&state.db, &caller, id, ip).await?;
    Ok(Json(json!({ "success": true })))
}
