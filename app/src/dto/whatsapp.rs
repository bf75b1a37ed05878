//! WhatsApp: the linked groups, the Cloud API account, the connection.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GroupDto {
    pub id: i64,
    pub whatsapp_group_id: String,
    pub name: String,
    pub kind: entity::enums::GroupKind,
    pub is_active: bool,
}

/// `POST /api/groups` and `PATCH /api/groups/:id`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct GroupInput {
    pub whatsapp_group_id: Option<String>,
    pub name: Option<String>,
    pub kind: Option<entity::enums::GroupKind>,
    pub is_active: Option<bool>,
}

/// `PUT /api/whatsapp/cloud`: the business's WhatsApp Cloud API number. The access token and
/// app secret are required the first time and kept when left out later.
#[derive(Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct CloudAccountInput {
    pub phone_number_id: String,
    pub access_token: Option<String>,
    pub app_secret: Option<String>,
    pub verify_token: String,
    /// An approved template with one body parameter (`{{1}}`), used outside the 24-hour window.
    pub template_name: Option<String>,
    pub template_language: Option<String>,
}

impl std::fmt::Debug for CloudAccountInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CloudAccountInput")
            .field("phone_number_id", &self.phone_number_id)
            .field("template_name", &self.template_name)
            .finish_non_exhaustive()
    }
}

/// The business's Cloud API account, without its secrets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CloudAccountView {
    pub phone_number_id: String,
    pub verify_token: String,
    pub template_name: Option<String>,
    pub template_language: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// How a business's WhatsApp connection looks from the dashboard and `GET /api/whatsapp`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SessionView {
    pub state: entity::enums::ConnectionState,
    /// The QR string to scan, while waiting for one.
    pub qr: Option<String>,
    pub phone: Option<String>,
    pub since: DateTime<Utc>,
}
