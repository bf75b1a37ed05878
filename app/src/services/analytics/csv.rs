//! The numbers behind each chart as CSV: one header row, then one row per point, amounts with
//! the currency's decimals and durations in seconds.

use crate::{
    dto::{AnalyticsReport, DurationPoint, ProductSales, RevenuePoint},
    error::ServiceError,
    money,
};

use super::Chart;

pub fn write(chart: Chart, report: &AnalyticsReport) -> Result<String, ServiceError> {
    let digits = money::minor_digits(&report.currency) as usize;
    let money = |amount: f64| format!("{amount:.digits$}");
    let seconds = |value: Option<f64>| value.map(|seconds| seconds.to_string()).unwrap_or_default();
    let revenue = |points: &[RevenuePoint]| -> Vec<Vec<String>> {
        points
            .iter()
            .map(|point| vec![point.date.to_string(), point.orders.to_string(), money(point.revenue)])
            .collect()
    };
    let products = |products: &[ProductSales]| -> Vec<Vec<String>> {
        products
            .iter()
            .enumerate()
            .map(|(index, product)| {
                vec![
                    (index + 1).to_string(),
                    text(&product.name),
                    product.quantity.to_string(),
                    money(product.revenue),
                ]
            })
            .collect()
    };
    let durations = |points: &[DurationPoint]| -> Vec<Vec<String>> {
        points
            .iter()
            .map(|point| {
                vec![
                    point.date.to_string(),
                    point.count.to_string(),
                    seconds(point.median_seconds),
                    seconds(point.p90_seconds),
                ]
            })
            .collect()
    };
    const REVENUE: [&str; 3] = ["date", "orders", "revenue"];
    const PRODUCTS: [&str; 4] = ["rank", "product", "quantity", "revenue"];
    const DURATIONS: [&str; 4] = ["date", "orders", "median_seconds", "p90_seconds"];
    let (header, rows): (&[&str], Vec<Vec<String>>) = match chart {
        Chart::RevenueByDay => (&REVENUE, revenue(&report.revenue_by_day)),
        Chart::RevenueByWeek => (&["week_start", "orders", "revenue"], revenue(&report.revenue_by_week)),
        Chart::OrdersByStatus => (
            &["status", "orders"],
            report
                .orders_by_status
                .iter()
                .map(|count| vec![count.status.as_str().to_string(), count.orders.to_string()])
                .collect(),
        ),
        Chart::TopProductsByQuantity => (&PRODUCTS, products(&report.top_products_by_quantity)),
        Chart::TopProductsByRevenue => (&PRODUCTS, products(&report.top_products_by_revenue)),
        Chart::OrdersByHour => (
            &["hour", "orders"],
            report
                .orders_by_hour
                .iter()
                .map(|count| vec![count.hour.to_string(), count.orders.to_string()])
                .collect(),
        ),
        Chart::OrdersByWeekday => (
            &["weekday", "orders"],
            report
                .orders_by_weekday
                .iter()
                .map(|count| vec![count.weekday.clone(), count.orders.to_string()])
                .collect(),
        ),
        Chart::ResponseTimes => (&DURATIONS, durations(&report.response_times)),
        Chart::DeliveryTimes => (&DURATIONS, durations(&report.delivery_times)),
        Chart::Customers => (
            &["date", "new", "returning"],
            report
                .customers
                .iter()
                .map(|point| {
                    vec![
                        point.date.to_string(),
                        point.new.to_string(),
                        point.returning.to_string(),
                    ]
                })
                .collect(),
        ),
        Chart::DeliveriesByDriver => (
            &["driver_id", "driver", "deliveries", "delivered"],
            report
                .deliveries_by_driver
                .iter()
                .map(|driver| {
                    vec![
                        driver.driver_id.map(|id| id.to_string()).unwrap_or_default(),
                        text(&driver.driver),
                        driver.deliveries.to_string(),
                        driver.delivered.to_string(),
                    ]
                })
                .collect(),
        ),
    };
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    let failed = |error: ::csv::Error| ServiceError::Internal(format!("writing CSV: {error}"));
    writer.write_record(header).map_err(failed)?;
    for row in rows {
        writer.write_record(&row).map_err(failed)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|error| ServiceError::Internal(format!("writing CSV: {error}")))?;
    String::from_utf8(bytes).map_err(|error| ServiceError::Internal(format!("writing CSV: {error}")))
}

/// Names typed by customers and staff: a spreadsheet must not read one as a formula.
fn text(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_stay_text() {
        assert_eq!(text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(text("Margherita"), "Margherita");
    }
}
