//! `/api/products`: the catalog.

use app::{
    dto::ProductInput,
    services::{
        catalog_file::{self, Format},
        products,
    },
    state::AppState,
};
use axum::{
    Json, Router,
    body::Bytes,
    extract::{DefaultBodyLimit, State, rejection::BytesRejection},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    error::ApiError,
    extract::{ApiJson, ApiPath, ApiQuery, Authenticated, ClientIp},
};

pub fn router(max_upload_bytes: usize) -> Router<AppState> {
    Router::new()
        .route("/export", get(export))
        .route("/import", post(import).layer(DefaultBodyLimit::max(max_upload_bytes)))
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

#[derive(Deserialize)]
struct ExportQuery {
    format: Option<String>,
}

async fn export(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let (format, content_type, file) = match query.format.as_deref().unwrap_or("json") {
        "json" => (Format::Json, "application/json", "catalog.json"),
        "csv" => (Format::Csv, "text/csv; charset=utf-8", "catalog.csv"),
        other => {
            return Err(app::error::ServiceError::field("format", format!("`{other}` is not json or csv")).into());
        }
    };
    let body = catalog_file::export(&state.db, &caller, format).await?;
    let disposition = format!("attachment; filename=\"{file}\"");
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// Takes a JSON catalog file or a CSV, chosen by `Content-Type`, up to `MAX_FILE_SIZE`.
async fn import(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let format = match content_type.split(';').next().unwrap_or_default().trim() {
        "application/json" => Format::Json,
        "text/csv" => Format::Csv,
        _ => {
            return Err(ApiError::BadRequest {
                status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
                message: "send the catalog as application/json or text/csv".into(),
            });
        }
    };
    let body = body.map_err(|rejection| ApiError::BadRequest {
        status: rejection.status(),
        message: rejection.body_text(),
    })?;
    let report = catalog_file::import(&state.db, &caller, format, &body, ip).await?;
    Ok(Json(
        json!({ "success": true, "created": report.created, "updated": report.updated }),
    ))
}
