//! The server's own state, for the admin.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Health of this installation as a visitor of the landing page sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SystemStatus {
    pub version: String,
    pub database_engine: String,
    pub database_latency_ms: f64,
    pub pending_migrations: usize,
    pub checked_at: DateTime<Utc>,
}
