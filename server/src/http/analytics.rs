//! `/api/analytics`: the analytics report as JSON, and each chart's numbers as CSV.

use app::{dto::AnalyticsQuery, services::analytics, state::AppState};
use axum::{
    Json, Router,
    extract::State,
    http::header,
    response::{IntoResponse, Response},
    routing::get,
};

use super::{
    error::ApiError,
    extract::{ApiPath, ApiQuery, Authenticated},
    responses::{AnalyticsAnswer, ErrorBody},
};

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(report)).route("/{file}", get(csv))
}

/// Revenue, statuses, best sellers, busy hours, response and delivery times, customers and
/// drivers over a range of the business's local days (the last 30 unless asked).
#[utoipa::path(get, path = "/api/analytics", tag = "analytics", security(("bearer" = [])), params(AnalyticsQuery), responses(
    (status = 200, body = AnalyticsAnswer),
    (status = 401, body = ErrorBody),
    (status = 403, description = "drivers see no analytics", body = ErrorBody),
    (status = 422, description = "a date that cannot be read, `from` after `to`, or more than 366 days", body = ErrorBody),
))]
pub async fn report(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(query): ApiQuery<AnalyticsQuery>,
) -> Result<Json<AnalyticsAnswer>, ApiError> {
    Ok(Json(AnalyticsAnswer::new(
        analytics::report(&state.db, &state.outlets.answers.reports, &caller, &query).await?,
    )))
}

/// The numbers behind one chart of the report, as a CSV download.
#[utoipa::path(get, path = "/api/analytics/{chart}.csv", tag = "analytics", security(("bearer" = [])),
    params(
        ("chart" = String, Path, description = "a series of the report: revenue_by_day, revenue_by_week, orders_by_status, top_products_by_quantity, top_products_by_revenue, orders_by_hour, orders_by_weekday, response_times, customers, deliveries_by_driver or delivery_times"),
        AnalyticsQuery,
    ),
    responses(
        (status = 200, description = "CSV with a header row", content_type = "text/csv", body = String),
        (status = 404, description = "no such chart", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
)]
pub async fn csv(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(file): ApiPath<String>,
    ApiQuery(query): ApiQuery<AnalyticsQuery>,
) -> Result<Response, ApiError> {
    // The router cannot match a suffix after a parameter; the `.csv` is checked here.
    let Some(chart) = file.strip_suffix(".csv") else {
        return Err(app::error::ServiceError::NotFound("chart").into());
    };
    let file = analytics::csv(&state.db, &state.outlets.answers.reports, &caller, chart, &query).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", file.name),
            ),
        ],
        file.body,
    )
        .into_response())
}
