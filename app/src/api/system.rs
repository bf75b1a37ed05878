use leptos::prelude::*;

use crate::api::AppError;
use crate::dto::SystemStatus;

#[server(prefix = "/rpc", endpoint = "system_status")]
pub async fn get_system_status() -> Result<SystemStatus, AppError> {
    let state = crate::state::AppState::from_context()?;
    Ok(crate::services::system::status(&state.db).await?)
}
