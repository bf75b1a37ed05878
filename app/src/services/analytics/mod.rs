//! Analytics: a business's orders summed up over a range of its own days — revenue, statuses,
//! best sellers, busy hours, how fast it answers and delivers, new and returning customers,
//! drivers — as numbers (`report`), as charts drawn on the server (`page`) and as CSV files
//! (`csv`).

mod charts;
mod csv;
mod period;
mod queries;

use std::{collections::BTreeMap, sync::Arc};

use chrono::{Datelike, Days, NaiveDate, Utc};
use chrono_tz::Tz;
use entity::{businesses, enums::OrderStatus};
use sea_orm::{DatabaseConnection, EntityTrait};

pub use period::{DEFAULT_DAYS, MAX_DAYS};

use crate::{
    dto::{
        AnalyticsPage, AnalyticsQuery, AnalyticsReport, AnalyticsSummary, ChartView, CustomerPoint, DriverDeliveries,
        DurationPoint, HourCount, ProductSales, RevenuePoint, StatusCount, WeekdayCount,
    },
    error::ServiceError,
    money,
    services::{
        access::{Caller, Permission},
        recent::Recent,
    },
};
use period::Period;
use queries::{Percentiles, Scope, Spans};

/// Places in the best-seller lists.
const TOP_PRODUCTS: usize = 10;
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Each chart of the report, named as its series is in `AnalyticsReport` and its CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    RevenueByDay,
    RevenueByWeek,
    OrdersByStatus,
    TopProductsByQuantity,
    TopProductsByRevenue,
    OrdersByHour,
    OrdersByWeekday,
    ResponseTimes,
    Customers,
    DeliveriesByDriver,
    DeliveryTimes,
}

impl Chart {
    pub const ALL: [Chart; 11] = [
        Chart::RevenueByDay,
        Chart::RevenueByWeek,
        Chart::OrdersByStatus,
        Chart::TopProductsByQuantity,
        Chart::TopProductsByRevenue,
        Chart::OrdersByHour,
        Chart::OrdersByWeekday,
        Chart::ResponseTimes,
        Chart::Customers,
        Chart::DeliveriesByDriver,
        Chart::DeliveryTimes,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Chart::RevenueByDay => "revenue_by_day",
            Chart::RevenueByWeek => "revenue_by_week",
            Chart::OrdersByStatus => "orders_by_status",
            Chart::TopProductsByQuantity => "top_products_by_quantity",
            Chart::TopProductsByRevenue => "top_products_by_revenue",
            Chart::OrdersByHour => "orders_by_hour",
            Chart::OrdersByWeekday => "orders_by_weekday",
            Chart::ResponseTimes => "response_times",
            Chart::Customers => "customers",
            Chart::DeliveriesByDriver => "deliveries_by_driver",
            Chart::DeliveryTimes => "delivery_times",
        }
    }

    pub fn from_key(key: &str) -> Option<Chart> {
        Chart::ALL.into_iter().find(|chart| chart.key() == key)
    }

    pub fn title(self) -> &'static str {
        match self {
            Chart::RevenueByDay => "Revenue by day",
            Chart::RevenueByWeek => "Revenue by week",
            Chart::OrdersByStatus => "Orders by status",
            Chart::TopProductsByQuantity => "Top products by quantity",
            Chart::TopProductsByRevenue => "Top products by revenue",
            Chart::OrdersByHour => "Orders by hour of day",
            Chart::OrdersByWeekday => "Orders by weekday",
            Chart::ResponseTimes => "Time to confirm",
            Chart::Customers => "New and returning customers",
            Chart::DeliveriesByDriver => "Deliveries by driver",
            Chart::DeliveryTimes => "Time to deliver",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Chart::RevenueByDay => "Money taken each day from orders that were not cancelled.",
            Chart::RevenueByWeek => "Money taken each week, Monday to Sunday, from orders that were not cancelled.",
            Chart::OrdersByStatus => "Where the orders of the range stand now.",
            Chart::TopProductsByQuantity => "The ten products sold in the largest numbers.",
            Chart::TopProductsByRevenue => "The ten products that took the most money.",
            Chart::OrdersByHour => "Orders received in each hour of the day, on the business's clock.",
            Chart::OrdersByWeekday => "Orders received on each day of the week.",
            Chart::ResponseTimes => {
                "Median and 90th percentile time from a message arriving to its order being confirmed."
            }
            Chart::Customers => "Customers who ordered each day: first-time customers and those who came back.",
            Chart::DeliveriesByDriver => "Deliveries assigned to each driver, and how many were completed.",
            Chart::DeliveryTimes => {
                "Median and 90th percentile time from confirming an order to delivering it or handing it over."
            }
        }
    }
}

/// A CSV file of one chart's numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvFile {
    pub name: String,
    pub body: String,
}

static REPORTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// The report for the caller's business (a platform admin names one) over the asked days.
pub async fn report(
    db: &DatabaseConnection,
    reports: &Recent<AnalyticsReport>,
    caller: &Caller,
    query: &AnalyticsQuery,
) -> Result<AnalyticsReport, ServiceError> {
    caller.require(Permission::ViewBusiness)?;
    let business_id = caller
        .business_scope(query.business_id)
        .ok_or_else(|| ServiceError::field("business_id", "choose the business to report on"))?;
    let business = businesses::Entity::find_by_id(business_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("business"))?;
    // A name the tz database does not know (the settings check only its shape) counts in UTC,
    // and the report says so.
    let zone = business.timezone.parse::<Tz>().unwrap_or(Tz::UTC);
    let period = Period::parse(query, zone, Utc::now())?;
    let key = format!("{}..{} {} {}", period.from, period.to, zone.name(), business.currency);
    let report = reports
        .get_or_compute(business.id, key, || compute(db, &business, zone, &period))
        .await?;
    Ok(Arc::unwrap_or_clone(report))
}

async fn compute(
    db: &DatabaseConnection,
    business: &businesses::Model,
    zone: Tz,
    period: &Period,
) -> Result<AnalyticsReport, ServiceError> {
    let scope = Scope::new(db.get_database_backend(), business.id, period);
    // One report at a time per instance: each takes seven pooled connections for as long as
    // its slowest read, and several at once would leave none for the orders board.
    let _turn = REPORTS
        .acquire()
        .await
        .map_err(|_| ServiceError::Internal("the analytics queue is closed".into()))?;
    // Independent reads: side by side on the pool, the report takes as long as the slowest.
    let (statuses, hours, products, responses, deliveries, visitors, drivers) = tokio::try_join!(
        scope.by_day_and_status(db),
        scope.by_day_and_hour(db),
        scope.products(db),
        scope.spans(db, "confirm"),
        scope.spans(db, "deliver"),
        scope.visitors(db),
        scope.drivers(db),
    )?;

    let currency = business.currency.clone();
    let amount = |minor: i64| money::to_decimal(minor, &currency);
    let points = |rows: Vec<(NaiveDate, u64, i64)>| -> Vec<RevenuePoint> {
        rows.into_iter()
            .map(|(date, orders, minor)| RevenuePoint {
                date,
                orders,
                revenue: amount(minor),
            })
            .collect()
    };
    let revenue_by_day = revenue_by_day(period, &statuses);
    let customers = customers(period, visitors);
    let taken: i64 = statuses
        .iter()
        .filter(|row| row.status != OrderStatus::Cancelled)
        .map(|row| row.amount)
        .sum();
    let sold: u64 = revenue_by_day.iter().map(|(_, orders, _)| orders).sum();
    let summary = AnalyticsSummary {
        orders: statuses.iter().map(|row| row.orders).sum(),
        cancelled: statuses
            .iter()
            .filter(|row| row.status == OrderStatus::Cancelled)
            .map(|row| row.orders)
            .sum(),
        revenue: amount(taken),
        average_order: (sold > 0).then(|| amount(taken) / sold as f64),
        median_response_seconds: responses.overall.map(|overall| overall.median),
        median_delivery_seconds: deliveries.overall.map(|overall| overall.median),
        new_customers: customers.iter().map(|point| point.new).sum(),
    };
    Ok(AnalyticsReport {
        business_id: business.id,
        from: period.from,
        to: period.to,
        timezone: zone.name().to_string(),
        summary,
        revenue_by_week: points(by_week(&revenue_by_day)),
        revenue_by_day: points(revenue_by_day),
        orders_by_status: OrderStatus::ALL
            .iter()
            .map(|status| StatusCount {
                status: *status,
                orders: statuses
                    .iter()
                    .filter(|row| row.status == *status)
                    .map(|row| row.orders)
                    .sum(),
            })
            .collect(),
        top_products_by_quantity: top_products(&products, &currency, |a, b| {
            b.quantity.total_cmp(&a.quantity).then(b.amount.cmp(&a.amount))
        }),
        top_products_by_revenue: top_products(&products, &currency, |a, b| {
            b.amount.cmp(&a.amount).then(b.quantity.total_cmp(&a.quantity))
        }),
        orders_by_hour: (0..24)
            .map(|hour| HourCount {
                hour,
                orders: hours.iter().filter(|row| row.hour == hour).map(|row| row.orders).sum(),
            })
            .collect(),
        orders_by_weekday: WEEKDAYS
            .iter()
            .enumerate()
            .map(|(index, weekday)| WeekdayCount {
                weekday: weekday.to_string(),
                orders: hours
                    .iter()
                    .filter(|row| row.day.weekday().num_days_from_monday() as usize == index)
                    .map(|row| row.orders)
                    .sum(),
            })
            .collect(),
        response_times: durations(period, &responses),
        customers,
        deliveries_by_driver: drivers_ranked(drivers),
        delivery_times: durations(period, &deliveries),
        currency,
    })
}

/// The report with every chart drawn.
pub async fn page(
    db: &DatabaseConnection,
    reports: &Recent<AnalyticsReport>,
    caller: &Caller,
    query: &AnalyticsQuery,
) -> Result<AnalyticsPage, ServiceError> {
    let report = report(db, reports, caller, query).await?;
    let charts = Chart::ALL
        .into_iter()
        .map(|chart| {
            Ok(ChartView {
                key: chart.key().to_string(),
                title: chart.title().to_string(),
                description: chart.description().to_string(),
                svg: charts::draw(chart, &report)?,
            })
        })
        .collect::<Result<_, ServiceError>>()?;
    Ok(AnalyticsPage { report, charts })
}

/// The numbers behind the chart named `key` (as in `Chart::key`).
pub async fn csv(
    db: &DatabaseConnection,
    reports: &Recent<AnalyticsReport>,
    caller: &Caller,
    key: &str,
    query: &AnalyticsQuery,
) -> Result<CsvFile, ServiceError> {
    let chart = Chart::from_key(key).ok_or(ServiceError::NotFound("chart"))?;
    let report = report(db, reports, caller, query).await?;
    Ok(CsvFile {
        name: format!("{}-{}-{}.csv", chart.key(), report.from, report.to),
        body: csv::write(chart, &report)?,
    })
}

/// Each day of the period with its orders that were not cancelled and their minor units.
fn revenue_by_day(period: &Period, rows: &[queries::DayStatus]) -> Vec<(NaiveDate, u64, i64)> {
    let mut days: BTreeMap<NaiveDate, (u64, i64)> = period.days().map(|day| (day, (0, 0))).collect();
    for row in rows.iter().filter(|row| row.status != OrderStatus::Cancelled) {
        if let Some((orders, amount)) = days.get_mut(&row.day) {
            *orders += row.orders;
            *amount += row.amount;
        }
    }
    days.into_iter()
        .map(|(day, (orders, amount))| (day, orders, amount))
        .collect()
}

/// Days summed into weeks, each named by its Monday.
fn by_week(days: &[(NaiveDate, u64, i64)]) -> Vec<(NaiveDate, u64, i64)> {
    let mut weeks: BTreeMap<NaiveDate, (u64, i64)> = BTreeMap::new();
    for (day, orders, amount) in days {
        let monday = *day - Days::new(u64::from(day.weekday().num_days_from_monday()));
        let week = weeks.entry(monday).or_default();
        week.0 += orders;
        week.1 += amount;
    }
    weeks
        .into_iter()
        .map(|(monday, (orders, amount))| (monday, orders, amount))
        .collect()
}

/// The best sellers ranked by `order`, ties by name.
fn top_products(
    products: &[queries::Product],
    currency: &str,
    order: impl Fn(&queries::Product, &queries::Product) -> std::cmp::Ordering,
) -> Vec<ProductSales> {
    let mut ranked: Vec<&queries::Product> = products.iter().collect();
    ranked.sort_by(|a, b| order(a, b).then_with(|| a.name.cmp(&b.name)));
    ranked
        .into_iter()
        .take(TOP_PRODUCTS)
        .map(|product| ProductSales {
            name: product.name.clone(),
            quantity: product.quantity,
            revenue: money::to_decimal(product.amount, currency),
        })
        .collect()
}

fn durations(period: &Period, spans: &Spans) -> Vec<DurationPoint> {
    period
        .days()
        .map(|date| {
            let day = spans.by_day.get(&date);
            DurationPoint {
                date,
                count: day.map_or(0, |day| day.count),
                median_seconds: day.map(|Percentiles { median, .. }| *median),
                p90_seconds: day.map(|Percentiles { p90, .. }| *p90),
            }
        })
        .collect()
}

fn customers(period: &Period, visitors: Vec<queries::Visitors>) -> Vec<CustomerPoint> {
    let by_day: BTreeMap<NaiveDate, queries::Visitors> = visitors.into_iter().map(|row| (row.day, row)).collect();
    period
        .days()
        .map(|date| CustomerPoint {
            date,
            new: by_day.get(&date).map_or(0, |row| row.new),
            returning: by_day.get(&date).map_or(0, |row| row.returning),
        })
        .collect()
}

fn drivers_ranked(drivers: Vec<queries::Driver>) -> Vec<DriverDeliveries> {
    let mut ranked: Vec<DriverDeliveries> = drivers
        .into_iter()
        .map(|row| DriverDeliveries {
            driver_id: row.driver_id,
            driver: row.name.unwrap_or_else(|| "No driver".to_string()),
            deliveries: row.deliveries,
            delivered: row.delivered,
        })
        .collect();
    ranked.sort_by(|a, b| b.deliveries.cmp(&a.deliveries).then_with(|| a.driver.cmp(&b.driver)));
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_keys_round_trip() {
        for chart in Chart::ALL {
            assert_eq!(Chart::from_key(chart.key()), Some(chart));
        }
        assert_eq!(Chart::from_key("orders"), None);
    }

    #[test]
    fn weeks_start_on_monday() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        // Nov 20, 2026 is a Friday.
        let days = [(day(20), 1, 100), (day(22), 2, 250), (day(23), 1, 50)];
        assert_eq!(by_week(&days), vec![(day(16), 3, 350), (day(23), 1, 50)]);
    }
}
