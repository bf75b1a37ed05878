//! `/api/users`: owners invite staff and drivers, and switch access off and on.

use app::{
    dto::{Invitation, UserChanges},
    error::ServiceError,
    services::users,
    state::AppState,
};
use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    routing::{get, patch},
};
use serde::Deserialize;

use super::{
    error::ApiError,
    extract::{Acting, ApiJson, ApiPath, ApiQuery, Authenticated},
    responses::{ErrorBody, InvitedAnswer, UserAnswer, UsersAnswer},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(list).post(invite))
        .route("/{id}", patch(update))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Platform admins only: whose users; all when absent.
    business_id: Option<i64>,
}

/// The business's users (owners).
#[utoipa::path(get, path = "/api/users", tag = "users", security(("bearer" = [])), params(UserQuery), responses(
    (status = 200, body = UsersAnswer),
    (status = 403, body = ErrorBody),
))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(query): ApiQuery<UserQuery>,
) -> Result<Json<UsersAnswer>, ApiError> {
    Ok(Json(UsersAnswer::new(
        users::list(&state.db, &caller, query.business_id).await?,
    )))
}

/// Invites staff or a driver; the one-time password is shown only in this answer.
#[utoipa::path(post, path = "/api/users", tag = "users", security(("bearer" = [])), request_body = Invitation, responses(
    (status = 201, body = InvitedAnswer),
    (status = 403, body = ErrorBody),
    (status = 409, description = "the email is taken", body = ErrorBody),
    (status = 422, body = ErrorBody),
))]
pub async fn invite(
    State(state): State<AppState>,
    Acting(user): Acting,
    ApiJson(invitation): ApiJson<Invitation>,
) -> Result<(StatusCode, Json<InvitedAnswer>), ApiError> {
    let invited = users::invite(&state.db, &user, invitation).await?;
    Ok((
        StatusCode::CREATED,
        Json(InvitedAnswer::new(invited.user, invited.one_time_password)),
    ))
}

/// Switches a user's access off or on (their sessions stop working at once), or changes their
/// role.
#[utoipa::path(patch, path = "/api/users/{id}", tag = "users", security(("bearer" = [])), params(("id" = i64, Path)), request_body = UserChanges, responses(
    (status = 200, body = UserAnswer),
    (status = 404, body = ErrorBody),
    (status = 409, description = "nobody deactivates themselves or changes their own role; a business keeps an owner", body = ErrorBody),
    (status = 422, body = ErrorBody),
))]
pub async fn update(
    State(state): State<AppState>,
    Acting(by): Acting,
    ApiPath(id): ApiPath<i64>,
    ApiJson(changes): ApiJson<UserChanges>,
) -> Result<Json<UserAnswer>, ApiError> {
    let mut user = match changes.role {
        Some(role) => Some(users::set_role(&state.db, &state.callers, &by, id, role).await?),
        None => None,
    };
    if let Some(active) = changes.is_active {
        user = Some(users::set_active(&state.db, &state.callers, &by, id, active).await?);
    }
    let user = user.ok_or_else(|| ServiceError::field("is_active", "send is_active, role or both"))?;
    Ok(Json(UserAnswer::new(user)))
}
