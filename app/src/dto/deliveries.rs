//! Deliveries and the drivers who make them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Who delivers an order and how far the run got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeliveryDto {
    pub driver_id: Option<i64>,
    pub driver_name: Option<String>,
    pub driver_phone: Option<String>,
    pub vehicle_info: Option<String>,
    pub status: entity::enums::DeliveryStatus,
    pub eta_minutes: Option<i32>,
    pub assigned_at: DateTime<Utc>,
    pub picked_up_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// What a driver reports about a delivery (`PATCH /api/orders/:id/delivery`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStep {
    PickedUp,
    Delivered,
}

/// `PATCH /api/orders/:id/delivery`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeliveryReport {
    pub status: DeliveryStep,
}

/// `POST /api/orders/:id/delivery`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeliveryAssignment {
    pub driver_id: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DriverDto {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub vehicle_info: Option<String>,
    pub is_active: bool,
    pub user_id: Option<i64>,
}

/// `POST /api/drivers` and `PATCH /api/drivers/:id`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct DriverInput {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub vehicle_info: Option<String>,
    pub is_active: Option<bool>,
    /// The business's `driver` account this driver signs in with; `null` unlinks it.
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub user_id: Option<Option<i64>>,
}

/// Tells a field sent as `null` (`Some(None)`) from one left out (`None`).
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(input: D) -> Result<Option<T>, D::Error> {
    T::deserialize(input).map(Some)
}
