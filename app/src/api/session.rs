//! The signed-in caller of a server function, from the same session as the REST API.

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
    Ok(auth::authenticate(&state.db, &state.tokens, &token).await?)
}
