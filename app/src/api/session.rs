//! What a server function knows about its request: the app state, the signed-in caller (from
//! the same session as the REST API) and the client's address.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;

use crate::{
    api::{AppError, ErrorCode},
    services::{access::Caller, actor::User, auth},
    state::AppState,
};

pub async fn caller(state: &AppState) -> Result<Caller, AppError> {
    let headers: axum::http::HeaderMap = leptos_axum::extract()
        .await
        .map_err(|error| AppError::new(ErrorCode::BadRequest, error.to_string()))?;
    let token = auth::token_from_headers(&headers)
        .ok_or_else(|| AppError::from(crate::error::ServiceError::Unauthorized("sign in first")))?;
    Ok(auth::authenticate(&state.db, &state.tokens, &state.callers, &token).await?)
}

/// The state and the signed-in caller, which nearly every server function needs first.
pub async fn signed_in() -> Result<(AppState, Caller), AppError> {
    let state = AppState::from_context()?;
    let caller = caller(&state).await?;
    Ok((state, caller))
}

/// The state and the signed-in user with their address, for a server function that changes
/// something (the audit log records both).
pub async fn acting() -> Result<(AppState, User), AppError> {
    let (state, caller) = signed_in().await?;
    Ok((state, User::new(caller, client_ip().await)))
}

pub async fn client_ip() -> Option<String> {
    leptos_axum::extract::<ConnectInfo<SocketAddr>>()
        .await
        .ok()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
}
