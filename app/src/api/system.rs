use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::api::AppError;
use crate::dto::{BackupOverview, SystemStatus};

#[server(prefix = "/rpc", endpoint = "system_status")]
pub async fn get_system_status() -> Result<SystemStatus, AppError> {
    let state = crate::state::AppState::from_context()?;
    Ok(crate::services::system::status(&state.db).await?)
}

#[server(prefix = "/rpc", endpoint = "system/backups", input = Json)]
pub async fn get_backups() -> Result<BackupOverview, AppError> {
    let (state, caller) = crate::api::session::signed_in().await?;
    Ok(crate::services::backups::overview(&state.db, &caller, state.backups).await?)
}
