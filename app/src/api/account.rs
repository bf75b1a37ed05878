//! Signing in and out of the dashboard, and the account of the signed-in user.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::{
    api::AppError,
    dto::{Credentials, PasswordChange, Registration, UserDto, UserSummary},
};

/// Signs in and sets the session cookie.
#[server(prefix = "/rpc", endpoint = "account/login", input = Json)]
pub async fn login(credentials: Credentials) -> Result<UserSummary, AppError> {
    use crate::services::auth;
    let state = crate::state::AppState::from_context()?;
    let ip = crate::api::session::client_ip().await;
    let (token, user) = auth::login(&state.db, &state.tokens, &credentials.email, credentials.password, ip).await?;
    set_cookie(&auth::session_cookie(
        &token,
        auth::SESSION_HOURS * 3600,
        state.secure_cookies,
    ));
    Ok(UserSummary::from(&user))
}

/// Registers a business with its owner and signs the owner in.
#[server(prefix = "/rpc", endpoint = "account/register", input = Json)]
pub async fn register(registration: Registration) -> Result<UserSummary, AppError> {
    let state = crate::state::AppState::from_context()?;
    let credentials = Credentials {
        email: registration.email.clone(),
        password: registration.password.clone(),
    };
    crate::services::auth::register(&state.db, registration).await?;
    login(credentials).await
}

/// Ends the dashboard session.
#[server(prefix = "/rpc", endpoint = "account/logout", input = Json)]
pub async fn logout() -> Result<(), AppError> {
    let state = crate::state::AppState::from_context()?;
    set_cookie(&crate::services::auth::session_cookie("", 0, state.secure_cookies));
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "account/me", input = Json)]
pub async fn current_user() -> Result<UserDto, AppError> {
    let (state, caller) = crate::api::session::signed_in().await?;
    Ok(crate::services::users::current(&state.db, &caller).await?)
}

#[server(prefix = "/rpc", endpoint = "account/password", input = Json)]
pub async fn change_password(change: PasswordChange) -> Result<(), AppError> {
    let (state, user) = crate::api::session::acting().await?;
    Ok(crate::services::users::change_password(&state.db, &state.callers, &user, change).await?)
}

#[cfg(feature = "ssr")]
fn set_cookie(cookie: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        axum::http::HeaderValue::from_str(cookie),
    ) {
        response.insert_header(axum::http::header::SET_COOKIE, value);
    }
}
