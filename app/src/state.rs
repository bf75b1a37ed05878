//! What every request handler and server function can reach.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::*;
use sea_orm::DatabaseConnection;
use tokio::sync::Notify;

use crate::{
    error::ServiceError,
    outlets::Outlets,
    services::{auth::TokenKeys, backups::Schedule, callers::Callers, secrets::SecretBox, whatsapp::Control},
};

#[derive(Clone, Debug)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub leptos_options: LeptosOptions,
    pub tokens: TokenKeys,
    /// Accounts whose tokens were checked a moment ago.
    pub callers: Callers,
    /// Session cookies carry `Secure` when Novi is reached over HTTPS.
    pub secure_cookies: bool,
    /// The largest upload accepted (`MAX_FILE_SIZE`).
    pub max_upload_bytes: usize,
    /// Live events for `GET /api/events`, and the public address replies link to.
    pub outlets: Outlets,
    /// Connect and logout requests for this instance's WhatsApp workers.
    pub whatsapp: Control,
    /// Seals the credentials Novi keeps for businesses (the Cloud API's).
    pub secrets: SecretBox,
    /// Wakes the ingest pipeline when a webhook recorded new messages.
    pub arrived: Arc<Notify>,
    /// Scheduled backups, when `BACKUP_DIR` is set.
    pub backups: Option<Schedule>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    /// The state leptos_axum provides to server functions.
    pub fn from_context() -> Result<Self, ServiceError> {
        use_context::<Self>().ok_or_else(|| ServiceError::Internal("application state is missing".into()))
    }
}
