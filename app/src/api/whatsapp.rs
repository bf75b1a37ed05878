//! The business's WhatsApp connection, for the dashboard's WhatsApp page.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::{
    api::AppError,
    dto::{CloudAccountInput, CloudAccountView, SessionView},
};

#[server(prefix = "/rpc", endpoint = "whatsapp/status", input = Json)]
pub async fn whatsapp_status() -> Result<SessionView, AppError> {
    let (state, caller) = crate::api::session::signed_in().await?;
    Ok(crate::services::whatsapp::view(&state.db, &caller).await?)
}

/// Starts the connection again (after a failure, or to reconnect now).
#[server(prefix = "/rpc", endpoint = "whatsapp/connect", input = Json)]
pub async fn reconnect_whatsapp() -> Result<SessionView, AppError> {
    ask(crate::services::whatsapp::Request::Connect).await
}

/// Unlinks the phone; a new QR code follows.
#[server(prefix = "/rpc", endpoint = "whatsapp/logout", input = Json)]
pub async fn log_out_whatsapp() -> Result<SessionView, AppError> {
    ask(crate::services::whatsapp::Request::Logout).await
}

#[cfg(feature = "ssr")]
async fn ask(request: crate::services::whatsapp::Request) -> Result<SessionView, AppError> {
    let (state, user) = crate::api::session::acting().await?;
    Ok(crate::services::whatsapp::ask(&state.db, &state.whatsapp, &user, request).await?)
}

/// The business's Cloud API number, without its secrets; none while it uses WhatsApp Web.
#[server(prefix = "/rpc", endpoint = "whatsapp/cloud", input = Json)]
pub async fn cloud_account() -> Result<Option<CloudAccountView>, AppError> {
    let (state, caller) = crate::api::session::signed_in().await?;
    Ok(crate::services::cloud::view(&state.db, &caller).await?)
}

#[server(prefix = "/rpc", endpoint = "whatsapp/cloud_save", input = Json)]
pub async fn save_cloud_account(settings: CloudAccountInput) -> Result<CloudAccountView, AppError> {
    let (state, user) = crate::api::session::acting().await?;
    Ok(crate::services::cloud::configure(&state.db, &state.secrets, &user, settings).await?)
}

#[server(prefix = "/rpc", endpoint = "whatsapp/cloud_remove", input = Json)]
pub async fn remove_cloud_account() -> Result<(), AppError> {
    let (state, user) = crate::api::session::acting().await?;
    Ok(crate::services::cloud::remove(&state.db, &user).await?)
}
