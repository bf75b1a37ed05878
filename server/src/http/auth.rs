//! `/api/auth`: register, login, logout, who am I, and password changes.

use app::{
    dto::{Credentials, PasswordChange, Registration, UserSummary},
    services::{
        auth::{self, SESSION_HOURS},
        users,
    },
    state::AppState,
};
use axum::{
    Json, Router,
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};

use super::{
    error::ApiError,
    extract::{Acting, ApiJson, Authenticated, ClientIp},
    responses::{Done, ErrorBody, LoggedIn, Registered, UserAnswer},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/register", post(register))
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/me", get(me))
        .route("/password", post(change_password))
}

/// Creates a business and its owner.
#[utoipa::path(post, path = "/api/auth/register", tag = "auth", request_body = Registration, responses(
    (status = 201, body = Registered),
    (status = 409, description = "the email is taken", body = ErrorBody),
    (status = 422, body = ErrorBody),
    (status = 429, body = ErrorBody),
))]
pub async fn register(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<Registration>,
) -> Result<(StatusCode, Json<Registered>), ApiError> {
    let user = auth::register(&state.db, request).await?;
    Ok((
        StatusCode::CREATED,
        Json(Registered::new("User registered successfully".into(), user.id)),
    ))
}

/// Signs in: answers a bearer token and sets the dashboard's session cookie.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = Credentials, responses(
    (status = 200, body = LoggedIn),
    (status = 401, description = "wrong email or password", body = ErrorBody),
    (status = 429, body = ErrorBody),
))]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(credentials): ApiJson<Credentials>,
) -> Result<Response, ApiError> {
    let (token, user) = auth::login(&state.db, &state.tokens, &credentials.email, credentials.password, ip).await?;
    let cookie = session_cookie(&token, SESSION_HOURS * 3600, state.secure_cookies);
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(LoggedIn::new(token, UserSummary::from(&user))),
    )
        .into_response())
}

/// Ends the dashboard session (clears the cookie).
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", responses((status = 200, body = Done)))]
pub async fn logout(State(state): State<AppState>) -> Response {
    let cookie = session_cookie("", 0, state.secure_cookies);
    ([(header::SET_COOKIE, cookie)], Json(Done::new())).into_response()
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/auth/me", tag = "auth", security(("bearer" = [])), responses(
    (status = 200, body = UserAnswer),
    (status = 401, body = ErrorBody),
))]
pub async fn me(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<Json<UserAnswer>, ApiError> {
    Ok(Json(UserAnswer::new(users::current(&state.db, &caller).await?)))
}

/// Replaces the caller's password; invited users must do this first.
#[utoipa::path(post, path = "/api/auth/password", tag = "auth", security(("bearer" = [])), request_body = PasswordChange, responses(
    (status = 200, body = Done),
    (status = 401, body = ErrorBody),
    (status = 422, description = "the current password is wrong or the new one too short", body = ErrorBody),
))]
pub async fn change_password(
    State(state): State<AppState>,
    Acting(user): Acting,
    ApiJson(change): ApiJson<PasswordChange>,
) -> Result<Json<Done>, ApiError> {
    users::change_password(&state.db, &state.callers, &user, change).await?;
    Ok(Json(Done::new()))
}

fn session_cookie(token: &str, max_age: i64, secure: bool) -> HeaderValue {
    HeaderValue::from_str(&auth::session_cookie(token, max_age, secure))
        .expect("a JWT and the cookie attributes are valid header characters")
}
