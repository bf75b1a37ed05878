//! Data that crosses the wire between the server and the browser.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Health of this installation as a visitor of the landing page sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SystemStatus {
    pub version: String,
    pub database_engine: String,
    pub database_latency_ms: f64,
    pub pending_migrations: usize,
    pub checked_at: DateTime<Utc>,
}

/// A business's adjustable behaviour, stored as JSON in `businesses.settings`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BusinessSettings {
    /// Confirm parsed orders without waiting for staff.
    pub auto_confirm: bool,
    /// Added to every delivery order, in minor units of the business's currency.
    pub delivery_fee: i64,
    /// Orders parsed with less confidence than this go to the review queue.
    pub confidence_threshold: f64,
    pub whatsapp_enabled: bool,
}

impl Default for BusinessSettings {
    fn default() -> Self {
        Self {
            auto_confirm: false,
            delivery_fee: 0,
            confidence_threshold: 0.7,
            whatsapp_enabled: false,
        }
    }
}

/// `POST /api/auth/register`. No `Debug`, so the password cannot end up in a log line.
#[derive(Clone, Serialize, Deserialize)]
pub struct Registration {
    pub username: String,
    pub email: String,
    pub password: String,
    pub business_name: String,
}

/// `POST /api/auth/login`.
#[derive(Clone, Serialize, Deserialize)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// The signed-in user, as the login answer and the dashboard show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub email: String,
    pub role: entity::enums::Role,
    pub business_id: Option<i64>,
}
