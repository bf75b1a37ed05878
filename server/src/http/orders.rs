//! `/api/orders`.

use app::{
    dto::{DeliveryAssignment, DeliveryReport, NewOrder, OrderChanges, OrderQuery, StatusChange},
    services::{deliveries, orders},
    state::AppState,
};
use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    routing::{get, post},
};
use entity::enums::OrderSource;

use super::{
    error::ApiError,
    extract::{Acting, ApiJson, ApiPath, ApiQuery, Authenticated},
    responses::{ErrorBody, OrderAnswer, OrdersAnswer},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(list).post(create))
        .route("/{id}", get(one).patch(update))
        .route("/{id}/status", post(change_status))
        .route("/{id}/delivery", post(assign_driver).patch(report_delivery))
}

/// Orders of the caller's business, newest first unless `sort` says otherwise.
#[utoipa::path(get, path = "/api/orders", tag = "orders", security(("bearer" = [])), params(OrderQuery), responses(
    (status = 200, body = OrdersAnswer),
    (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody),
    (status = 422, description = "a filter is invalid", body = ErrorBody),
))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(query): ApiQuery<OrderQuery>,
) -> Result<Json<OrdersAnswer>, ApiError> {
    let page = orders::list(&state.db, &state.outlets.answers.order_lists, &caller, query).await?;
    Ok(Json(OrdersAnswer::new(page.orders, page.pagination)))
}

#[utoipa::path(get, path = "/api/orders/{id}", tag = "orders", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = OrderAnswer),
    (status = 404, body = ErrorBody),
))]
pub async fn one(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<OrderAnswer>, ApiError> {
    Ok(Json(OrderAnswer::new(orders::get(&state.db, &caller, id).await?)))
}

/// Creates an order priced from the catalog; a `total_amount` that disagrees is refused.
#[utoipa::path(post, path = "/api/orders", tag = "orders", security(("bearer" = [])), request_body = NewOrder, responses(
    (status = 201, body = OrderAnswer),
    (status = 403, body = ErrorBody),
    (status = 422, description = "invalid items, or a total that does not match", body = ErrorBody),
))]
pub async fn create(
    State(state): State<AppState>,
    Acting(user): Acting,
    ApiJson(order): ApiJson<NewOrder>,
) -> Result<(StatusCode, Json<OrderAnswer>), ApiError> {
    let order = orders::create(&state.db, &state.outlets, &user, order, OrderSource::Api).await?;
    Ok((StatusCode::CREATED, Json(OrderAnswer::new(order))))
}

/// Replaces items, address or notes of an order not yet out for delivery.
#[utoipa::path(patch, path = "/api/orders/{id}", tag = "orders", security(("bearer" = [])), params(("id" = i64, Path)), request_body = OrderChanges, responses(
    (status = 200, body = OrderAnswer),
    (status = 404, body = ErrorBody),
    (status = 409, description = "the order can no longer be edited", body = ErrorBody),
    (status = 422, body = ErrorBody),
))]
pub async fn update(
    State(state): State<AppState>,
    Acting(user): Acting,
    ApiPath(id): ApiPath<i64>,
    ApiJson(changes): ApiJson<OrderChanges>,
) -> Result<Json<OrderAnswer>, ApiError> {
    Ok(Json(OrderAnswer::new(
        orders::update(&state.db, &state.outlets, &user, id, changes).await?,
    )))
}

/// Moves the order one step of its life cycle.
#[utoipa::path(post, path = "/api/orders/{id}/status", tag = "orders", security(("bearer" = [])), params(("id" = i64, Path)), request_body = StatusChange, responses(
    (status = 200, body = OrderAnswer),
    (status = 404, body = ErrorBody),
    (status = 409, description = "the step is not allowed from the current status", body = ErrorBody),
    (status = 422, description = "no such status", body = ErrorBody),
))]
pub async fn change_status(
    State(state): State<AppState>,
    Acting(user): Acting,
    ApiPath(id): ApiPath<i64>,
    ApiJson(change): ApiJson<StatusChange>,
) -> Result<Json<OrderAnswer>, ApiError> {
    Ok(Json(OrderAnswer::new(
        orders::change_status(&state.db, &state.outlets, &user, id, change.status).await?,
    )))
}

/// Hands a confirmed or preparing order to one of the business's active drivers.
#[utoipa::path(post, path = "/api/orders/{id}/delivery", tag = "orders", security(("bearer" = [])), params(("id" = i64, Path)), request_body = DeliveryAssignment, responses(
    (status = 200, body = OrderAnswer),
    (status = 404, body = ErrorBody),
    (status = 409, description = "the order is not confirmed or preparing", body = ErrorBody),
    (status = 422, description = "not an active driver of this business", body = ErrorBody),
))]
pub async fn assign_driver(
    State(state): State<AppState>,
    Acting(user): Acting,
    ApiPath(id): ApiPath<i64>,
    ApiJson(assignment): ApiJson<DeliveryAssignment>,
) -> Result<Json<OrderAnswer>, ApiError> {
    Ok(Json(OrderAnswer::new(
        deliveries::assign(&state.db, &state.outlets, &user, id, assignment.driver_id).await?,
    )))
}

/// The order's driver reports the run: `picked_up` (the order goes out for delivery and the
/// customer is sent the delivery update) or `delivered`.
#[utoipa::path(patch, path = "/api/orders/{id}/delivery", tag = "orders", security(("bearer" = [])), params(("id" = i64, Path)), request_body = DeliveryReport, responses(
    (status = 200, body = OrderAnswer),
    (status = 403, description = "not signed in as one of the business's active drivers", body = ErrorBody),
    (status = 404, description = "no such order among the caller's deliveries", body = ErrorBody),
    (status = 409, description = "the order is not at that step", body = ErrorBody),
    (status = 422, description = "no such step", body = ErrorBody),
))]
pub async fn report_delivery(
    State(state): State<AppState>,
    Acting(user): Acting,
    ApiPath(id): ApiPath<i64>,
    ApiJson(report): ApiJson<DeliveryReport>,
) -> Result<Json<OrderAnswer>, ApiError> {
    Ok(Json(OrderAnswer::new(
        deliveries::report(&state.db, &state.outlets, &user, id, report.status).await?,
    )))
}
