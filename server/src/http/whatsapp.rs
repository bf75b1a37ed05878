//! `/api/whatsapp`: the business's WhatsApp connection as its worker last reported it, and the
//! QR code to link a phone.

use app::{
    dto::{CloudAccountInput, SessionView},
    error::ServiceError,
    services::{
        actor::User,
        cloud,
        whatsapp::{self, Request},
    },
    state::AppState,
};
use axum::{
    Json, Router,
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};

use super::{
    extract::ApiJson,
    responses::{CloudAnswer, Done},
};
use qrcode::{QrCode, render::svg};

use super::{
    error::ApiError,
    extract::{Acting, Authenticated},
    responses::ErrorBody,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(status))
        .route("/qr.svg", get(qr_svg))
        .route("/connect", post(connect))
        .route("/logout", post(logout))
        .route(
            "/cloud",
            get(cloud_account).put(set_cloud_account).delete(remove_cloud_account),
        )
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

/// Starts the connection again (after `failed`) or reconnects now (owners).
#[utoipa::path(post, path = "/api/whatsapp/connect", tag = "whatsapp", security(("bearer" = [])), responses(
    (status = 202, body = SessionView),
    (status = 403, body = ErrorBody),
    (status = 409, description = "WhatsApp is off on this server", body = ErrorBody),
))]
pub async fn connect(
    State(state): State<AppState>,
    Acting(user): Acting,
) -> Result<(StatusCode, Json<SessionView>), ApiError> {
    ask(&state, &user, Request::Connect).await
}

#[utoipa::path(post, path = "/api/whatsapp/logout", tag = "whatsapp", security(("bearer" = [])), responses(
    (status = 202, body = SessionView),
    (status = 403, body = ErrorBody),
    (status = 409, description = "WhatsApp is off on this server", body = ErrorBody),
))]
pub async fn logout(
    State(state): State<AppState>,
    Acting(user): Acting,
) -> Result<(StatusCode, Json<SessionView>), ApiError> {
    ask(&state, &user, Request::Logout).await
}

async fn ask(state: &AppState, user: &User, request: Request) -> Result<(StatusCode, Json<SessionView>), ApiError> {
    let view = whatsapp::ask(&state.db, &state.whatsapp, user, request).await?;
    Ok((StatusCode::ACCEPTED, Json(view)))
}

/// The business's WhatsApp Cloud API number (owners), without its secrets; `null` when the
/// business uses WhatsApp Web.
#[utoipa::path(get, path = "/api/whatsapp/cloud", tag = "whatsapp", security(("bearer" = [])), responses(
    (status = 200, body = CloudAnswer),
    (status = 403, body = ErrorBody),
))]
pub async fn cloud_account(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<Json<CloudAnswer>, ApiError> {
    Ok(Json(CloudAnswer::new(cloud::view(&state.db, &caller).await?)))
}

/// Puts the business on the WhatsApp Cloud API (owners): replies go out through the Graph API
/// and Meta's webhook brings messages in. The access token and app secret are stored sealed.
#[utoipa::path(put, path = "/api/whatsapp/cloud", tag = "whatsapp", security(("bearer" = [])), request_body = CloudAccountInput, responses(
    (status = 200, body = CloudAnswer),
    (status = 403, body = ErrorBody),
    (status = 409, description = "another business has this phone number id", body = ErrorBody),
    (status = 422, body = ErrorBody),
))]
pub async fn set_cloud_account(
    State(state): State<AppState>,
    Acting(user): Acting,
    ApiJson(settings): ApiJson<CloudAccountInput>,
) -> Result<Json<CloudAnswer>, ApiError> {
    let account = cloud::configure(&state.db, &state.secrets, &user, settings).await?;
    Ok(Json(CloudAnswer::new(Some(account))))
}

/// Takes the business off the Cloud API (owners); its credentials are deleted.
#[utoipa::path(delete, path = "/api/whatsapp/cloud", tag = "whatsapp", security(("bearer" = [])), responses(
    (status = 200, body = Done),
    (status = 404, body = ErrorBody),
))]
pub async fn remove_cloud_account(State(state): State<AppState>, Acting(user): Acting) -> Result<Json<Done>, ApiError> {
    cloud::remove(&state.db, &user).await?;
    Ok(Json(Done::new()))
}
