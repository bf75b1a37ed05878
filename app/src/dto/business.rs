//! A business: its profile, settings, reply templates and headline numbers.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A business's adjustable behaviour, stored as JSON in `businesses.settings`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct BusinessSettings {
    /// Confirm parsed orders without waiting for staff.
    pub auto_confirm: bool,
    /// Added to every delivery order, in minor units of the business's currency.
    pub delivery_fee: i64,
    /// Orders parsed with less confidence than this go to the review queue.
    pub confidence_threshold: f64,
    pub whatsapp_enabled: bool,
    /// Minutes after a customer's last message in which their next one still belongs to the
    /// order they have open ("and a coke"); 0 reads every message on its own.
    pub merge_window_minutes: u32,
    pub templates: MessageTemplates,
}

impl Default for BusinessSettings {
    fn default() -> Self {
        Self {
            auto_confirm: false,
            delivery_fee: 0,
            confidence_threshold: 0.7,
            whatsapp_enabled: false,
            merge_window_minutes: 10,
            templates: MessageTemplates::default(),
        }
    }
}

/// The texts Novi answers customers with; `{placeholders}` are listed in `templates::PLACEHOLDERS`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct MessageTemplates {
    /// Sent when an order is confirmed.
    pub order_confirmation: String,
    /// Sent when staff still have to confirm a parsed order.
    pub order_received: String,
    /// Sent when a message needs a person to read it.
    pub needs_review: String,
    /// Sent when the order leaves with a driver.
    pub delivery_update: String,
    /// Sent when the order is delivered.
    pub delivered: String,
    /// Sent when the customer called off an order from the chat.
    pub order_cancelled: String,
    /// Sent when the customer asked to call off an order that a person must look at first.
    pub cancel_requested: String,
    /// Sent when the customer's follow-up or reply changed their order.
    pub order_updated: String,
    /// Sent when the customer asked to change an order that a person must look at first.
    pub change_requested: String,
}

impl Default for MessageTemplates {
    fn default() -> Self {
        Self {
            order_confirmation: "Hi {customer_name}! Your order #{order_number} is confirmed:\n{order_items}\nTotal: {total}\nEstimated delivery: {delivery_time}\nTrack it here: {tracking_link}".into(),
            order_received: "Got it, {customer_name}: {summary}. Reply to change anything; we are confirming it now.".into(),
            needs_review: "Thanks, {customer_name}! A person will check your order and confirm shortly.\nWe read: {summary}\n{unavailable}".into(),
            delivery_update: "Your order #{order_number} is on its way! {driver_name} ({vehicle_info}) will be there in about {estimated_time}. Track it: {tracking_link}".into(),
            delivered: "Your order #{order_number} was delivered. Thank you for ordering from {business_name}!".into(),
            order_cancelled: "Your order #{order_number} is cancelled. We hope to see you again, {customer_name}.".into(),
            cancel_requested: "We got your request to cancel order #{order_number}; it is already being prepared, so a person from {business_name} will confirm shortly.".into(),
            order_updated: "Updated, {customer_name}: {changes}.\nYour order now: {summary}.\n{unavailable}".into(),
            change_requested: "We got your message about order #{order_number}; it is already confirmed, so a person from {business_name} will look at it and get back to you shortly.".into(),
        }
    }
}

/// `PATCH /api/businesses/:id` `templates`: any of these; absent ones stay.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct TemplateChanges {
    pub order_confirmation: Option<String>,
    pub order_received: Option<String>,
    pub needs_review: Option<String>,
    pub delivery_update: Option<String>,
    pub delivered: Option<String>,
    pub order_cancelled: Option<String>,
    pub cancel_requested: Option<String>,
    pub order_updated: Option<String>,
    pub change_requested: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BusinessStats {
    pub total_orders: u64,
    /// Sum of every order that was not cancelled, as a decimal in the business's currency.
    pub total_revenue: f64,
    /// Distinct customers who ordered in the last 30 days.
    pub active_customers: u64,
    /// Median seconds from a message arriving to its order being confirmed, over the latest
    /// 500 orders; absent until one was confirmed.
    pub median_seconds_to_confirm: Option<i64>,
    /// Median minutes from confirmation to delivery over the latest 500 delivered orders.
    pub median_minutes_to_deliver: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BusinessDto {
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    pub short_code: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub currency: String,
    pub timezone: String,
    pub is_active: bool,
    pub settings: SettingsDto,
    pub stats: BusinessStats,
    pub created_at: DateTime<Utc>,
}

/// A business's settings as the API shows them: amounts as decimals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SettingsDto {
    pub auto_confirm: bool,
    pub delivery_fee: f64,
    pub confidence_threshold: f64,
    pub whatsapp_enabled: bool,
    pub merge_window_minutes: u32,
    pub templates: MessageTemplates,
}

/// `PATCH /api/businesses/:id`: any of these; absent fields stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct BusinessChanges {
    pub name: Option<String>,
    /// A line or two about the shop.
    pub description: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub currency: Option<String>,
    pub timezone: Option<String>,
    pub auto_confirm: Option<bool>,
    pub delivery_fee: Option<f64>,
    pub confidence_threshold: Option<f64>,
    pub whatsapp_enabled: Option<bool>,
    /// 0 to 120 minutes; 0 reads every message on its own.
    pub merge_window_minutes: Option<u32>,
    pub templates: Option<TemplateChanges>,
}

/// A business in the platform admin's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BusinessSummary {
    pub id: i64,
    pub name: String,
    pub short_code: String,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
}
