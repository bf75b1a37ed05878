//! The analytics page.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::{
    api::AppError,
    dto::{AnalyticsPage, AnalyticsQuery},
};

/// The report over the asked days with its charts drawn.
#[server(prefix = "/rpc", endpoint = "analytics/page", input = Json)]
pub async fn load_analytics(query: AnalyticsQuery) -> Result<AnalyticsPage, AppError> {
    let (state, caller) = crate::api::session::signed_in().await?;
    Ok(crate::services::analytics::page(&state.db, &state.outlets.answers.reports, &caller, &query).await?)
}
