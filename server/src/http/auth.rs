//! `/api/auth`: register, login, logout, and who am I.

use app::{
    dto::{Credentials, PasswordChange, Registration, UserSummary},
    services::{
        auth::{self, SESSION_COOKIE, SESSION_HOURS},
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
use serde_json::json;

use super::{
    error::ApiError,
    extract::{ApiJson, Authenticated, ClientIp},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/register", post(register))
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/me", get(me))
        .route("/password", post(change_password))
}

async fn register(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<Registration>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let user = auth::register(&state.db, request).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "success": true, "message": "User registered successfully", "user_id": user.id })),
    ))
}

async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(credentials): ApiJson<Credentials>,
) -> Result<Response, ApiError> {
    let (token, user) = auth::login(&state.db, &state.tokens, &credentials.email, credentials.password, ip).await?;
    let cookie = session_cookie(&token, SESSION_HOURS * 3600, state.secure_cookies);
    let body = Json(json!({ "success": true, "token": token, "user": UserSummary::from(&user) }));
    Ok(([(header::SET_COOKIE, cookie)], body).into_response())
}

async fn logout(State(state): State<AppState>) -> Response {
    let cookie = session_cookie("", 0, state.secure_cookies);
    ([(header::SET_COOKIE, cookie)], Json(json!({ "success": true }))).into_response()
}

async fn me(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<Json<serde_json::Value>, ApiError> {
    let user = users::current(&state.db, &caller).await?;
    Ok(Json(json!({ "success": true, "user": user })))
}

/// The dashboard's session: HttpOnly so scripts cannot read it, SameSite=Lax against CSRF.
fn session_cookie(token: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .expect("a JWT and these attributes are valid header characters")
}

async fn change_password(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ClientIp(ip): ClientIp,
    ApiJson(change): ApiJson<PasswordChange>,
) -> Result<Json<serde_json::Value>, ApiError> {
    users::change_password(&state.db, &caller, change, ip).await?;
    Ok(Json(json!({ "success": true })))
}
