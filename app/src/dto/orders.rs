//! Orders: the list and its filters, one order, creating and changing one, its chat.

use super::{DeliveryDto, OptionDto};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `GET /api/orders` filters, as query parameters.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
#[serde(default)]
pub struct OrderQuery {
    /// Only platform admins may choose; everyone else always sees their own business.
    pub business_id: Option<i64>,
    pub status: Option<String>,
    pub page: Option<u64>,
    pub limit: Option<u64>,
    /// `YYYY-MM-DD` (from the start of that UTC day) or an RFC 3339 instant.
    pub date_from: Option<String>,
    /// `YYYY-MM-DD` (to the end of that UTC day) or an RFC 3339 instant.
    pub date_to: Option<String>,
    /// Part of the customer's name or phone number.
    pub q: Option<String>,
    /// `created_at`, `total_amount`, `order_number` or `status`; a leading `-` sorts descending.
    pub sort: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderItemDto {
    pub id: i64,
    pub product_id: Option<i64>,
    pub name: String,
    pub variant: Option<String>,
    pub modifiers: Vec<OptionDto>,
    pub quantity: f64,
    pub unit: Option<String>,
    pub unit_price: f64,
    pub line_total: f64,
    pub notes: Option<String>,
}

/// An order as the API and the dashboard show it; amounts are decimals in `currency`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderDto {
    pub id: i64,
    pub business_id: i64,
    pub order_number: i64,
    pub status: entity::enums::OrderStatus,
    pub source: entity::enums::OrderSource,
    pub customer_name: Option<String>,
    pub customer_phone: Option<String>,
    pub delivery_address: Option<String>,
    /// `pickup` orders pay no delivery fee and get no driver.
    pub fulfilment: entity::enums::Fulfilment,
    pub payment_method: Option<entity::enums::PaymentMethod>,
    /// The note a cash payment needs change for, as a decimal in `currency`.
    pub cash_change_for: Option<f64>,
    pub notes: Option<String>,
    pub items: Vec<OrderItemDto>,
    pub subtotal: f64,
    pub delivery_fee: f64,
    pub total_amount: f64,
    pub currency: String,
    pub confidence: Option<f64>,
    /// When each step happened: `received`, `parsed`, `confirmed`, … → instant.
    pub response_times: std::collections::BTreeMap<String, DateTime<Utc>>,
    /// What staff should look at: the customer changed the order in the chat after it was
    /// confirmed, or wrote something the pipeline could not apply.
    pub attention: Option<String>,
    /// The driver taking it, once one was assigned.
    pub delivery: Option<DeliveryDto>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl OrderDto {
    /// When the order should reach the customer: the delivery's estimate counts from the
    /// pick-up once the driver has the order, and from the confirmation before.
    pub fn expected_arrival(&self) -> Option<DateTime<Utc>> {
        let delivery = self.delivery.as_ref()?;
        let minutes = delivery.eta_minutes?;
        let from = delivery
            .picked_up_at
            .or_else(|| self.response_times.get("confirmed").copied())
            .unwrap_or(delivery.assigned_at);
        Some(from + chrono::Duration::minutes(minutes.into()))
    }
}

/// The chat around an order, for the order page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    /// The customer's message the order came from (none for orders typed in by staff).
    pub message: Option<CustomerMessage>,
    /// What the customer wrote about the order afterwards (follow-ups, replies, "cancel"),
    /// oldest first.
    pub later: Vec<CustomerMessage>,
    pub replies: Vec<SentReply>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerMessage {
    pub body: String,
    /// The name their WhatsApp shows.
    pub sender: Option<String>,
    pub in_group: bool,
    pub sent_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentReply {
    pub body: String,
    pub template: Option<String>,
    pub status: entity::enums::OutboundStatus,
    pub queued_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Pagination {
    pub page: u64,
    pub limit: u64,
    pub total: u64,
    pub pages: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderPage {
    pub orders: Vec<OrderDto>,
    pub pagination: Pagination,
}

/// `POST /api/orders/:id/status`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StatusChange {
    pub status: entity::enums::OrderStatus,
}

/// One line of a new order. `price` is needed only for items the catalog does not know; for
/// one it knows, a `price` without a `variant` chooses the variant sold at that price.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewOrderItem {
    pub name: String,
    pub quantity: f64,
    #[serde(default)]
    pub price: Option<f64>,
    #[serde(default)]
    pub variant: Option<String>,
    #[serde(default)]
    pub modifiers: Vec<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// `POST /api/orders`: an order typed in by staff or sent by another system. A field it does
/// not know is refused rather than dropped.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewOrder {
    /// Ignored unless the caller is a platform admin.
    #[serde(default)]
    pub business_id: Option<i64>,
    pub customer_name: Option<String>,
    pub customer_phone: Option<String>,
    pub items: Vec<NewOrderItem>,
    /// What the client believes the order costs; it must match Novi's pricing.
    pub total_amount: Option<f64>,
    #[serde(default)]
    pub delivery_fee: Option<f64>,
    /// Also read as `customer_address`.
    #[serde(default, alias = "customer_address")]
    pub delivery_address: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    /// `delivery` when absent; a pickup pays no delivery fee.
    #[serde(default)]
    pub fulfilment: Option<entity::enums::Fulfilment>,
    #[serde(default)]
    pub payment_method: Option<entity::enums::PaymentMethod>,
    #[serde(default)]
    pub cash_change_for: Option<f64>,
}

/// `PATCH /api/orders/:id`: any of these; absent fields stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderChanges {
    #[serde(default)]
    pub items: Option<Vec<NewOrderItem>>,
    #[serde(default)]
    pub delivery_address: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub fulfilment: Option<entity::enums::Fulfilment>,
    #[serde(default)]
    pub payment_method: Option<entity::enums::PaymentMethod>,
    /// 0 clears it.
    #[serde(default)]
    pub cash_change_for: Option<f64>,
}
