//! Data that crosses the wire between the server and the browser.

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
    pub templates: MessageTemplates,
}

impl Default for BusinessSettings {
    fn default() -> Self {
        Self {
            auto_confirm: false,
            delivery_fee: 0,
            confidence_threshold: 0.7,
            whatsapp_enabled: false,
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
}

impl Default for MessageTemplates {
    fn default() -> Self {
        Self {
            order_confirmation: "Hi {customer_name}! Your order #{order_number} is confirmed:\n{order_items}\nTotal: {total}\nEstimated delivery: {delivery_time}\nTrack it here: {tracking_link}".into(),
            order_received: "Hi {customer_name}, we got your order and are confirming it now.".into(),
            needs_review: "Hi {customer_name}, we received your message and will confirm shortly.".into(),
            delivery_update: "Your order #{order_number} is on its way! {driver_name} ({vehicle_info}) will be there in about {estimated_time}. Track it: {tracking_link}".into(),
            delivered: "Your order #{order_number} was delivered. Thank you for ordering from {business_name}!".into(),
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
}

/// `POST /api/auth/register`.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Registration {
    pub username: String,
    pub email: String,
    pub password: String,
    pub business_name: String,
}

/// `POST /api/auth/login`.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// The signed-in user, as the login answer and the dashboard show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserSummary {
    pub id: i64,
    pub email: String,
    pub role: entity::enums::Role,
    pub business_id: Option<i64>,
}

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

/// The chat around an order, for the order page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    /// The customer's message the order came from (none for orders typed in by staff).
    pub message: Option<CustomerMessage>,
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

/// `POST /api/orders/:id/status`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StatusChange {
    pub status: entity::enums::OrderStatus,
}

/// One line of a new order. `price` is needed only for items the catalog does not know.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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

/// `POST /api/orders`: an order typed in by staff or sent by another system.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
    #[serde(default)]
    pub delivery_address: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
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
}

/// A business's settings as the API shows them: amounts as decimals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SettingsDto {
    pub auto_confirm: bool,
    pub delivery_fee: f64,
    pub confidence_threshold: f64,
    pub whatsapp_enabled: bool,
    pub templates: MessageTemplates,
}

/// `PATCH /api/businesses/:id`: any of these; absent fields stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct BusinessChanges {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub currency: Option<String>,
    pub timezone: Option<String>,
    pub auto_confirm: Option<bool>,
    pub delivery_fee: Option<f64>,
    pub confidence_threshold: Option<f64>,
    pub whatsapp_enabled: Option<bool>,
    pub templates: Option<TemplateChanges>,
}

/// A product's variant or modifier with its price as a decimal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OptionDto {
    pub name: String,
    pub price: f64,
    /// Other ways customers write it ("big" for "Large").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProductDto {
    pub id: i64,
    pub name: String,
    pub category: Option<String>,
    pub description: Option<String>,
    pub price: f64,
    pub variants: Vec<OptionDto>,
    pub modifiers: Vec<OptionDto>,
    pub aliases: Vec<String>,
    pub is_available: bool,
    pub sort_order: i32,
}

/// `POST /api/products` (all required but `name` and `price` default) and `PATCH` (all optional).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ProductInput {
    pub name: Option<String>,
    pub category: Option<String>,
    pub description: Option<String>,
    pub price: Option<f64>,
    pub variants: Option<Vec<OptionDto>>,
    pub modifiers: Option<Vec<OptionDto>>,
    pub aliases: Option<Vec<String>>,
    pub is_available: Option<bool>,
    pub sort_order: Option<i32>,
}

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

/// `PUT /api/whatsapp/cloud`: the business's WhatsApp Cloud API number. The access token and
/// app secret are required the first time and kept when left out later.
#[derive(Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct CloudSettings {
    pub phone_number_id: String,
    pub access_token: Option<String>,
    pub app_secret: Option<String>,
    pub verify_token: String,
    /// An approved template with one body parameter (`{{1}}`), used outside the 24-hour window.
    pub template_name: Option<String>,
    pub template_language: Option<String>,
}

impl std::fmt::Debug for CloudSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CloudSettings")
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

/// A user as owners and admins see them in lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserDto {
    pub id: i64,
    pub business_id: Option<i64>,
    pub username: String,
    pub email: String,
    pub role: entity::enums::Role,
    pub is_active: bool,
    pub must_change_password: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// `POST /api/users`: an owner invites staff or a driver.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Invitation {
    pub email: String,
    pub username: String,
    pub role: entity::enums::Role,
}

/// `PATCH /api/users/{id}`: what changes about a user; at least one field.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserChanges {
    pub is_active: Option<bool>,
    /// `owner`, `staff` or `driver`.
    pub role: Option<entity::enums::Role>,
}

/// The answer to an invitation: the new user and the one-time password to hand over. It is
/// shown once and must be changed at the first sign-in.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Invited {
    pub user: UserDto,
    pub one_time_password: String,
}

/// `POST /api/auth/password`.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
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

/// A whole catalog as exported and imported (`format=json`), prices as decimals in `currency`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CatalogFile {
    pub currency: String,
    pub products: Vec<CatalogEntry>,
}

/// One product of a catalog file; `name` identifies it on import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CatalogEntry {
    pub name: String,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub price: f64,
    #[serde(default)]
    pub variants: Vec<OptionDto>,
    #[serde(default)]
    pub modifiers: Vec<OptionDto>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default = "available")]
    pub is_available: bool,
}

fn available() -> bool {
    true
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

/// What the browser needs to run the parser for a live preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParserCatalog {
    pub file: CatalogFile,
    pub delivery_fee: f64,
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
}

/// Passwords never reach a log line, even through `{:?}`.
macro_rules! redacted_debug {
    ($($name:ident { $($shown:ident),* }),+) => {$(
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name))
                    $(.field(stringify!($shown), &self.$shown))*
                    .finish_non_exhaustive()
            }
        }
    )+};
}

redacted_debug!(
    Registration {
        username,
        email,
        business_name
    },
    Credentials { email },
    PasswordChange {}
);

/// The days an analytics report covers, in the business's time zone, both included.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct AnalyticsQuery {
    /// The first day, `YYYY-MM-DD`; 29 days before `to` when absent.
    pub from: Option<String>,
    /// The last day, `YYYY-MM-DD`; today when absent. At most 366 days in all.
    pub to: Option<String>,
    /// Platform admins only: the business to report on.
    pub business_id: Option<i64>,
}

/// A business's numbers over a range of days. Days are the business's local days; amounts
/// are decimals in its currency; durations are seconds. Cancelled orders count in
/// `orders_by_status`, `orders_by_hour` and `orders_by_weekday` only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AnalyticsReport {
    pub business_id: i64,
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    /// The IANA zone the days are counted in.
    pub timezone: String,
    pub currency: String,
    pub summary: AnalyticsSummary,
    /// Every day of the range, in order, with zeros where nothing was sold.
    pub revenue_by_day: Vec<RevenuePoint>,
    /// Weeks from Monday; the first and last may be cut short by the range.
    pub revenue_by_week: Vec<RevenuePoint>,
    pub orders_by_status: Vec<StatusCount>,
    /// The ten best sellers by units sold.
    pub top_products_by_quantity: Vec<ProductSales>,
    /// The ten best sellers by money taken.
    pub top_products_by_revenue: Vec<ProductSales>,
    /// Hours 0 to 23 of the local clock.
    pub orders_by_hour: Vec<HourCount>,
    /// Monday first.
    pub orders_by_weekday: Vec<WeekdayCount>,
    /// From a message arriving (`received`) to its order being confirmed, by day.
    pub response_times: Vec<DurationPoint>,
    /// Customers who ordered each day: `new` ones placed their first order ever that day.
    pub customers: Vec<CustomerPoint>,
    /// Deliveries assigned in the range, by driver, busiest first.
    pub deliveries_by_driver: Vec<DriverDeliveries>,
    /// From confirmation to delivery (the span customers are quoted as an ETA), by day.
    pub delivery_times: Vec<DurationPoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AnalyticsSummary {
    /// Every order received in the range, cancelled ones too.
    pub orders: u64,
    pub cancelled: u64,
    /// Orders that were not cancelled.
    pub revenue: f64,
    pub average_order: Option<f64>,
    /// Over the whole range, to the buckets `DurationPoint` describes.
    pub median_response_seconds: Option<f64>,
    pub median_delivery_seconds: Option<f64>,
    pub new_customers: u64,
}

/// Orders that were not cancelled and what they came to, on a day or in the week starting then.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RevenuePoint {
    pub date: chrono::NaiveDate,
    pub orders: u64,
    pub revenue: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StatusCount {
    pub status: entity::enums::OrderStatus,
    pub orders: u64,
}

/// One product, by the name it was sold under, over the orders that were not cancelled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProductSales {
    pub name: String,
    pub quantity: f64,
    pub revenue: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HourCount {
    pub hour: u32,
    pub orders: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WeekdayCount {
    /// `Mon` … `Sun`.
    pub weekday: String,
    pub orders: u64,
}

/// How long a step took on one day: the median and the 90th percentile (nearest rank) over
/// the `count` orders that took it; absent on a day without any. Seconds are read to the
/// bucket the time fell in: whole seconds under a minute, 5 s under 10 minutes, 30 s under an
/// hour, 5 minutes under a day, hours beyond (each value is its bucket's lower end).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DurationPoint {
    pub date: chrono::NaiveDate,
    pub count: u64,
    pub median_seconds: Option<f64>,
    pub p90_seconds: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CustomerPoint {
    pub date: chrono::NaiveDate,
    pub new: u64,
    pub returning: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DriverDeliveries {
    /// Absent for deliveries whose driver was removed or never named.
    pub driver_id: Option<i64>,
    pub driver: String,
    pub deliveries: u64,
    pub delivered: u64,
}

/// The analytics page: the report and each chart drawn from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalyticsPage {
    pub report: AnalyticsReport,
    pub charts: Vec<ChartView>,
}

/// One chart of the analytics page. `key` names its CSV: `/api/analytics/{key}.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChartView {
    pub key: String,
    pub title: String,
    /// What the chart shows, in a sentence (also the SVG's text alternative).
    pub description: String,
    /// The chart as SVG, drawn on the server; absent when the range has nothing to show.
    pub svg: Option<String>,
}

/// One scheduled backup, as the settings page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupRunDto {
    pub status: entity::enums::BackupStatus,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// The archive's file name in the backup folder.
    pub archive: Option<String>,
    pub size_bytes: Option<i64>,
    /// Rows found again when the archive was restored into a scratch database.
    pub rows: Option<i64>,
    pub error: Option<String>,
}

/// The installation's backups: how often they run (none when `BACKUP_DIR` is not set) and the
/// latest runs, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupOverview {
    pub every_seconds: Option<u64>,
    pub keep: Option<usize>,
    pub runs: Vec<BackupRunDto>,
}
