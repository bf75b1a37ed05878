//! What a server function knows about its request: the app state, the signed-in caller (from
//! the same session as the REST API) and the client's address.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;

use crate::{
    api::AppError,
    services::auth::{self, Caller},
    state::AppState,
};

pub async fn caller(state: &AppState) -> Result<Caller, AppError> {
    let headers: axum::http::HeaderMap = leptos_axum::extract()
        .await
        .map_err(|error| AppError::new("bad_request", error.to_string()))?;
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

pub async fn client_ip() -> Option<String> {
    leptos_axum::extract::<ConnectInfo<SocketAddr>>()
        .await
        .ok()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
}
