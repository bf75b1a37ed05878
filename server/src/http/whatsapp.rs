//! `/api/whatsapp`: the business's WhatsApp connection as its worker last reported it, and the
//! QR code to link a phone.

use app::{
    error::ServiceError,
    services::whatsapp::{self, SessionView},
    state::AppState,
};
use axum::{
    Json, Router,
    extract::State,
    http::header,
    response::{IntoResponse, Response},
    routing::get,
};
use qrcode::{QrCode, render::svg};

use super::{error::ApiError, extract::Authenticated, responses::ErrorBody};

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(status)).route("/qr.svg", get(qr_svg))
}

/// The connection state (`starting`, `qr`, `connected`, `disconnected`, `reconnecting`,
/// `logged_out`, `failed`), the QR string while one is shown, and the linked number.
#[utoipa::path(get, path = "/api/whatsapp", tag = "whatsapp", security(("bearer" = [])), responses(
    (status = 200, body = SessionView),
    (status = 403, body = ErrorBody),
))]
pub async fn status(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<Json<SessionView>, ApiError> {
    Ok(Json(whatsapp::view(&state.db, &caller).await?))
}

/// The QR code to scan with the business's phone, as SVG; 404 while none is shown.
#[utoipa::path(get, path = "/api/whatsapp/qr.svg", tag = "whatsapp", security(("bearer" = [])), responses(
    (status = 200, content_type = "image/svg+xml", description = "the QR code"),
    (status = 404, body = ErrorBody),
))]
pub async fn qr_svg(State(state): State<AppState>, Authenticated(caller): Authenticated) -> Result<Response, ApiError> {
    let view = whatsapp::view(&state.db, &caller).await?;
    let qr = view.qr.ok_or(ServiceError::NotFound("QR code"))?;
    let code = QrCode::new(qr.as_bytes()).map_err(|error| ServiceError::Internal(error.to_string()))?;
    let image = code.render::<svg::Color<'_>>().min_dimensions(256, 256).build();
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        image,
    )
        .into_response())
}
