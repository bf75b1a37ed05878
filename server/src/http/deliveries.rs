//! `/api/deliveries`: today's delivery runs.

use app::{services::deliveries, state::AppState};
use axum::{Json, Router, extract::State, routing::get};

use super::{
    error::ApiError,
    extract::Authenticated,
    responses::{ErrorBody, RunsAnswer},
};

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(list))
}

/// Today's deliveries, those under way first: a driver's own, or the whole business's for
/// staff. Each is the order with its `delivery`.
#[utoipa::path(get, path = "/api/deliveries", tag = "orders", security(("bearer" = [])), responses(
    (status = 200, body = RunsAnswer),
    (status = 403, description = "a driver account not linked to an active driver", body = ErrorBody),
))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<Json<RunsAnswer>, ApiError> {
    Ok(Json(RunsAnswer::new(deliveries::runs(&state.db, &caller).await?)))
}
