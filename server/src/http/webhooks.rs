//! `/webhooks/whatsapp`: Meta's calls for the numbers on the WhatsApp Cloud API. `GET` is the
//! verification handshake; `POST` carries messages and receipts, checked against an app
//! secret before anything is read, and answered fast (Meta retries anything but a 200).

use app::{
    error::ServiceError,
    services::cloud::{self, webhook},
    state::AppState,
};
use axum::{
    Json, Router,
    body::Bytes,
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
};
use serde::Deserialize;

use super::{error::ApiError, responses::Done};

pub fn router() -> Router<AppState> {
    Router::new().route("/whatsapp", get(verify).post(receive))
}

#[derive(Deserialize)]
struct Handshake {
    #[serde(rename = "hub.mode")]
    mode: Option<String>,
    #[serde(rename = "hub.verify_token")]
    verify_token: Option<String>,
    #[serde(rename = "hub.challenge")]
    challenge: Option<String>,
}

/// Answers the challenge when the verify token is one a business set.
async fn verify(State(state): State<AppState>, Query(handshake): Query<Handshake>) -> Result<Response, ApiError> {
    let (Some("subscribe"), Some(token), Some(challenge)) = (
        handshake.mode.as_deref(),
        handshake.verify_token.as_deref(),
        handshake.challenge,
    ) else {
        return Ok((
            StatusCode::BAD_REQUEST,
            "expected hub.mode=subscribe, hub.verify_token and hub.challenge",
        )
            .into_response());
    };
    if cloud::knows_verify_token(&state.db, token).await? {
        Ok((StatusCode::OK, challenge).into_response())
    } else {
        tracing::warn!("a WhatsApp webhook verification with an unknown verify token");
        Ok((StatusCode::FORBIDDEN, "unknown verify token").into_response())
    }
}

async fn receive(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Json<Done>, ApiError> {
    let accounts = cloud::accounts(&state.db, &state.secrets).await?;
    let signature = headers.get("x-hub-signature-256").and_then(|value| value.to_str().ok());
    let signers = webhook::signed_by(&accounts, &body, signature);
    if signers.is_empty() {
        tracing::warn!(
            signed = signature.is_some(),
            "a WhatsApp webhook without a valid signature"
        );
        return Err(ServiceError::Unauthorized("the X-Hub-Signature-256 signature is missing or wrong").into());
    }
    let received = webhook::receive(&state.db, &signers, &body)
        .await
        .inspect_err(|error| {
            tracing::warn!(%error, "a WhatsApp webhook that cannot be read");
        })?;
    if received.messages > 0 {
        state.arrived.notify_one();
    }
    tracing::info!(
        messages = received.messages,
        duplicates = received.duplicates,
        statuses = received.statuses,
        "WhatsApp webhook"
    );
    Ok(Json(Done::new()))
}
