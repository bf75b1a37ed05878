//! Analytics: the report and its charts.

use serde::{Deserialize, Serialize};

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
