//! `/api/products`: the catalog, one product at a time or as a whole file.

use app::{
    dto::{CatalogFile, ProductInput},
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

use super::{
    error::ApiError,
    extract::{Acting, ApiJson, ApiPath, ApiQuery, Authenticated},
    responses::{Done, ErrorBody, ImportAnswer, ProductAnswer, ProductsAnswer},
};

pub fn router(max_upload_bytes: usize) -> Router<AppState> {
    Router::new()
        .route("/export", get(export))
        .route("/import", post(import).layer(DefaultBodyLimit::max(max_upload_bytes)))
        .route("/", get(list).post(create))
        .route("/{id}", get(one).patch(update).delete(remove))
}

#[utoipa::path(get, path = "/api/products", tag = "catalog", security(("bearer" = [])), responses(
    (status = 200, body = ProductsAnswer),
    (status = 401, body = ErrorBody),
))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<Json<ProductsAnswer>, ApiError> {
    Ok(Json(ProductsAnswer::new(products::list(&state.db, &caller).await?)))
}

#[utoipa::path(get, path = "/api/products/{id}", tag = "catalog", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = ProductAnswer),
    (status = 404, body = ErrorBody),
))]
pub async fn one(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ProductAnswer>, ApiError> {
    Ok(Json(ProductAnswer::new(products::get(&state.db, &caller, id).await?)))
}

/// Adds a product (owners); `name` and `price` are required.
#[utoipa::path(post, path = "/api/products", tag = "catalog", security(("bearer" = [])), request_body = ProductInput, responses(
    (status = 201, body = ProductAnswer),
    (status = 403, body = ErrorBody),
    (status = 409, description = "the name is taken", body = ErrorBody),
    (status = 422, body = ErrorBody),
))]
pub async fn create(
    State(state): State<AppState>,
    Acting(user): Acting,
    ApiJson(input): ApiJson<ProductInput>,
) -> Result<(StatusCode, Json<ProductAnswer>), ApiError> {
    let product = products::create(&state.db, &user, input).await?;
    Ok((StatusCode::CREATED, Json(ProductAnswer::new(product))))
}

#[utoipa::path(patch, path = "/api/products/{id}", tag = "catalog", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ProductInput, responses(
    (status = 200, body = ProductAnswer),
    (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody),
    (status = 422, body = ErrorBody),
))]
pub async fn update(
    State(state): State<AppState>,
    Acting(user): Acting,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ProductInput>,
) -> Result<Json<ProductAnswer>, ApiError> {
    Ok(Json(ProductAnswer::new(
        products::update(&state.db, &user, id, input).await?,
    )))
}

#[utoipa::path(delete, path = "/api/products/{id}", tag = "catalog", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = Done),
    (status = 404, body = ErrorBody),
))]
pub async fn remove(
    State(state): State<AppState>,
    Acting(user): Acting,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Done>, ApiError> {
    products::delete(&state.db, &user, id).await?;
    Ok(Json(Done::new()))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `json` (default) or `csv`.
    format: Option<String>,
}

/// The whole catalog as a file.
#[utoipa::path(get, path = "/api/products/export", tag = "catalog", security(("bearer" = [])), params(ExportQuery), responses(
    (status = 200, description = "a catalog file (JSON) or CSV with the columns name, category, description, price, variants, modifiers, aliases, is_available", body = CatalogFile),
    (status = 422, body = ErrorBody),
))]
pub async fn export(
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

/// Takes a JSON catalog file or a CSV, chosen by `Content-Type`, up to `MAX_FILE_SIZE`;
/// products are matched by name, all or nothing.
#[utoipa::path(post, path = "/api/products/import", tag = "catalog", security(("bearer" = [])),
    request_body(content = CatalogFile, content_type = "application/json"),
    responses(
        (status = 200, body = ImportAnswer),
        (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "the file or one of its rows is invalid", body = ErrorBody),
))]
pub async fn import(
    State(state): State<AppState>,
    Acting(user): Acting,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ImportAnswer>, ApiError> {
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
    let report = catalog_file::import(&state.db, &user, format, &body).await?;
    Ok(Json(ImportAnswer::new(report.created, report.updated)))
}
