//! The report's SQL: every figure is grouped in the database, over the orders of one business
//! in `start..end` found through the `(business_id, created_at)` index, so what comes back is
//! a row per day, status, hour or product, never a row per order.
//!
//! The engines differ in three things, written per backend: local days and hours (SQLite's
//! `date()` modifiers, PostgreSQL's intervals), the seconds between two `response_times`
//! stamps (JSON text in SQLite, `jsonb` in PostgreSQL) and sums, which PostgreSQL widens to
//! `numeric`. Parameters are numbered so each value is bound once and used wherever needed.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use entity::enums::OrderStatus;
use sea_orm::{ConnectionTrait, DbBackend, QueryResult, Statement, Value};

use super::period::Period;
use crate::error::ServiceError;

/// Orders and minor units taken on one day, by status.
pub struct DayStatus {
    pub day: NaiveDate,
    pub status: OrderStatus,
    pub orders: u64,
    pub amount: i64,
}

pub struct DayHour {
    pub day: NaiveDate,
    pub hour: u32,
    pub orders: u64,
}

pub struct Product {
    pub name: String,
    pub quantity: f64,
    pub amount: i64,
}

/// The median and 90th percentile of a step's seconds: per day, and over the whole range.
#[derive(Debug, Default, PartialEq)]
pub struct Spans {
    pub by_day: BTreeMap<NaiveDate, Percentiles>,
    pub overall: Option<Percentiles>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Percentiles {
    pub count: u64,
    pub median: f64,
    pub p90: f64,
}

pub struct Visitors {
    pub day: NaiveDate,
    pub new: u64,
    pub returning: u64,
}

pub struct Driver {
    pub driver_id: Option<i64>,
    pub name: Option<String>,
    pub deliveries: u64,
    pub delivered: u64,
}

/// One business over one period, on one engine.
pub struct Scope<'a> {
    backend: DbBackend,
    business_id: i64,
    period: &'a Period,
}

/// `$1`, `$2`, `$3`: the business and the ends of the range; the clock changes follow.
const BUSINESS: usize = 1;
const START: usize = 2;
const END: usize = 3;
const FIRST_CHANGE: usize = 4;

impl<'a> Scope<'a> {
    pub fn new(backend: DbBackend, business_id: i64, period: &'a Period) -> Self {
        Self {
            backend,
            business_id,
            period,
        }
    }

    pub async fn by_day_and_status(&self, db: &impl ConnectionTrait) -> Result<Vec<DayStatus>, ServiceError> {
        let sql = format!(
            "SELECT {day} AS day, o.status AS status, COUNT(*) AS orders, {amount} AS amount \
             FROM orders o WHERE {range} GROUP BY 1, 2",
            day = self.day("o.created_at"),
            amount = self.sum("o.total_amount"),
            range = self.range("o"),
        );
        self.rows(db, sql)
            .await?
            .iter()
            .map(|row| {
                let status: String = row.try_get("", "status")?;
                Ok(DayStatus {
                    day: day(row)?,
                    status: status
                        .parse()
                        .map_err(|_| ServiceError::Internal(format!("unknown order status {status}")))?,
                    orders: count(row, "orders")?,
                    amount: row.try_get("", "amount")?,
                })
            })
            .collect()
    }

    pub async fn by_day_and_hour(&self, db: &impl ConnectionTrait) -> Result<Vec<DayHour>, ServiceError> {
        let sql = format!(
            "SELECT {day} AS day, {hour} AS hour, COUNT(*) AS orders FROM orders o WHERE {range} GROUP BY 1, 2",
            day = self.day("o.created_at"),
            hour = self.hour("o.created_at"),
            range = self.range("o"),
        );
        self.rows(db, sql)
            .await?
            .iter()
            .map(|row| {
                let hour: i64 = row.try_get("", "hour")?;
                Ok(DayHour {
                    day: day(row)?,
                    hour: hour.clamp(0, 23) as u32,
                    orders: count(row, "orders")?,
                })
            })
            .collect()
    }

    /// Every product sold in orders that were not cancelled; a business sells a catalog's
    /// worth of names, so ranking them is left to the caller.
    pub async fn products(&self, db: &impl ConnectionTrait) -> Result<Vec<Product>, ServiceError> {
        let sql = format!(
            "SELECT i.name AS name, SUM(i.quantity) AS quantity, {amount} AS amount \
             FROM orders o JOIN order_items i ON i.order_id = o.id \
             WHERE {range} AND o.status <> '{cancelled}' GROUP BY i.name",
            amount = self.sum("i.line_total"),
            range = self.range("o"),
            cancelled = OrderStatus::Cancelled.as_str(),
        );
        self.rows(db, sql)
            .await?
            .iter()
            .map(|row| {
                Ok(Product {
                    name: row.try_get("", "name")?,
                    quantity: row.try_get("", "quantity")?,
                    amount: row.try_get("", "amount")?,
                })
            })
            .collect()
    }

    /// Seconds from step `from` to step `to` of each order's `response_times`, summarised by
    /// the order's day with window functions: the median is the element at rank n/2 + 1
    /// (as `response_times::median` takes it), the 90th percentile the one at ⌈0.9 n⌉.
    pub async fn spans(&self, db: &impl ConnectionTrait, from: &str, to: &str) -> Result<Spans, ServiceError> {
        let sql = format!(
            "WITH spans AS ( \
               SELECT {day} AS day, {seconds} AS seconds FROM orders o WHERE {range} \
             ), ranked AS ( \
               SELECT day, seconds, \
                 ROW_NUMBER() OVER (PARTITION BY day ORDER BY seconds) AS n, \
                 COUNT(*) OVER (PARTITION BY day) AS total, \
                 ROW_NUMBER() OVER (ORDER BY seconds) AS overall_n, \
                 COUNT(*) OVER () AS overall_total \
               FROM spans WHERE seconds >= 0 \
             ) \
             SELECT day, MAX(total) AS total, \
               MAX(CASE WHEN n = total / 2 + 1 THEN seconds END) AS median, \
               MAX(CASE WHEN n = (9 * total + 9) / 10 THEN seconds END) AS p90 \
             FROM ranked GROUP BY day \
             UNION ALL \
             SELECT NULL, MAX(overall_total), \
               MAX(CASE WHEN overall_n = overall_total / 2 + 1 THEN seconds END), \
               MAX(CASE WHEN overall_n = (9 * overall_total + 9) / 10 THEN seconds END) \
             FROM ranked",
            day = self.day("o.created_at"),
            seconds = self.seconds_between(from, to),
            range = self.range("o"),
        );
        let mut spans = Spans::default();
        for row in self.rows(db, sql).await? {
            let total: Option<i64> = row.try_get("", "total")?;
            let median: Option<f64> = row.try_get("", "median")?;
            let p90: Option<f64> = row.try_get("", "p90")?;
            let (Some(total), Some(median), Some(p90)) = (total, median, p90) else {
                continue;
            };
            let percentiles = Percentiles {
                count: u64::try_from(total).unwrap_or_default(),
                median,
                p90,
            };
            match row.try_get::<Option<String>>("", "day")? {
                Some(text) => {
                    spans.by_day.insert(parse_day(&text)?, percentiles);
                }
                None => spans.overall = Some(percentiles),
            }
        }
        Ok(spans)
    }

    /// Distinct customers by day, and the customers whose first order ever falls on each day:
    /// their first order in the range, with none before it. Customers are per business, and
    /// the `customer_id` index finds an older order at its first entry for a regular, so the
    /// check costs one lookup per customer.
    pub async fn visitors(&self, db: &impl ConnectionTrait) -> Result<Vec<Visitors>, ServiceError> {
        let sql = format!(
            "WITH visits AS ( \
               SELECT o.customer_id AS customer_id, {day} AS day, o.created_at AS created_at \
               FROM orders o WHERE {range} AND o.customer_id IS NOT NULL \
             ), firsts AS ( \
               SELECT customer_id, MIN(created_at) AS first_at FROM visits GROUP BY customer_id \
             ) \
             SELECT CAST(0 AS BIGINT) AS first_time, day, COUNT(DISTINCT customer_id) AS customers FROM visits GROUP BY day \
             UNION ALL \
             SELECT 1, {first_day}, COUNT(*) FROM firsts f \
             WHERE NOT EXISTS ( \
               SELECT 1 FROM orders p WHERE p.customer_id = f.customer_id AND p.created_at < {start} \
             ) \
             GROUP BY 2",
            day = self.day("o.created_at"),
            range = self.range("o"),
            first_day = self.day("first_at"),
            start = self.param(START),
        );
        let mut days: BTreeMap<NaiveDate, Visitors> = BTreeMap::new();
        for row in self.rows(db, sql).await? {
            let date = day(&row)?;
            let customers = count(&row, "customers")?;
            let visitors = days.entry(date).or_insert(Visitors {
                day: date,
                new: 0,
                returning: 0,
            });
            if row.try_get::<i64>("", "first_time")? == 1 {
                visitors.new = customers;
            } else {
                visitors.returning = customers;
            }
        }
        // `returning` held every customer of the day so far; the new ones are not returning.
        Ok(days
            .into_values()
            .map(|visitors| Visitors {
                returning: visitors.returning.saturating_sub(visitors.new),
                ..visitors
            })
            .collect())
    }

    /// Deliveries assigned in the range (the `(business_id, assigned_at)` index), by driver.
    pub async fn drivers(&self, db: &impl ConnectionTrait) -> Result<Vec<Driver>, ServiceError> {
        let sql = format!(
            "SELECT d.driver_id AS driver_id, MAX(r.name) AS name, COUNT(*) AS deliveries, \
               COUNT(d.delivered_at) AS delivered \
             FROM deliveries d LEFT JOIN drivers r ON r.id = d.driver_id \
             WHERE d.business_id = {business} AND d.assigned_at >= {start} AND d.assigned_at < {end} \
             GROUP BY d.driver_id",
            business = self.param(BUSINESS),
            start = self.param(START),
            end = self.param(END),
        );
        self.rows(db, sql)
            .await?
            .iter()
            .map(|row| {
                Ok(Driver {
                    driver_id: row.try_get("", "driver_id")?,
                    name: row.try_get("", "name")?,
                    deliveries: count(row, "deliveries")?,
                    delivered: count(row, "delivered")?,
                })
            })
            .collect()
    }

    /// Runs `sql` with the business and the range bound, and the clock changes when it reads
    /// local time (PostgreSQL refuses values a statement does not use).
    async fn rows(&self, db: &impl ConnectionTrait, sql: String) -> Result<Vec<QueryResult>, ServiceError> {
        let mut values: Vec<Value> = vec![
            self.business_id.into(),
            self.period.start.into(),
            self.period.end.into(),
        ];
        if sql.contains(&self.param(FIRST_CHANGE)) {
            values.extend(self.period.offsets.iter().skip(1).map(|(at, _)| Value::from(*at)));
        }
        Ok(db
            .query_all_raw(Statement::from_sql_and_values(self.backend, sql, values))
            .await?)
    }

    fn param(&self, number: usize) -> String {
        match self.backend {
            DbBackend::Postgres => format!("${number}"),
            _ => format!("?{number}"),
        }
    }

    fn range(&self, orders: &str) -> String {
        format!(
            "{orders}.business_id = {} AND {orders}.created_at >= {} AND {orders}.created_at < {}",
            self.param(BUSINESS),
            self.param(START),
            self.param(END),
        )
    }

    /// The zone's offset in minutes at the instant in `column`.
    fn offset(&self, column: &str) -> String {
        let offsets = &self.period.offsets;
        let last = offsets.last().map_or(0, |(_, offset)| *offset);
        if offsets.len() < 2 {
            return last.to_string();
        }
        let mut case = String::from("CASE");
        for (index, (_, offset)) in offsets.iter().enumerate().take(offsets.len() - 1) {
            let change = self.param(FIRST_CHANGE + index);
            case.push_str(&format!(" WHEN {column} < {change} THEN {offset}"));
        }
        case.push_str(&format!(" ELSE {last} END"));
        case
    }

    /// The local date of the instant in `column`, as `YYYY-MM-DD` text.
    fn day(&self, column: &str) -> String {
        match self.backend {
            DbBackend::Postgres => format!("to_char({}, 'YYYY-MM-DD')", self.local(column)),
            _ => format!("date({column}, ({}) || ' minutes')", self.offset(column)),
        }
    }

    /// The hour of the local clock, 0 to 23.
    fn hour(&self, column: &str) -> String {
        match self.backend {
            DbBackend::Postgres => format!("CAST(EXTRACT(HOUR FROM {}) AS BIGINT)", self.local(column)),
            _ => format!(
                "CAST(strftime('%H', {column}, ({}) || ' minutes') AS INTEGER)",
                self.offset(column)
            ),
        }
    }

    /// PostgreSQL: the wall-clock time of a `timestamptz` column.
    fn local(&self, column: &str) -> String {
        format!(
            "(({column}) AT TIME ZONE 'UTC' + ({}) * INTERVAL '1 minute')",
            self.offset(column)
        )
    }

    /// Seconds from one stamp of `orders.response_times` to another; null unless both exist.
    fn seconds_between(&self, from: &str, to: &str) -> String {
        match self.backend {
            DbBackend::Postgres => format!(
                "CAST(EXTRACT(EPOCH FROM (CAST(o.response_times ->> '{to}' AS TIMESTAMPTZ) \
                 - CAST(o.response_times ->> '{from}' AS TIMESTAMPTZ))) AS DOUBLE PRECISION)"
            ),
            // julianday() carries about 20 µs of rounding; milliseconds are plenty.
            _ => format!(
                "ROUND((julianday(json_extract(o.response_times, '$.{to}')) \
                 - julianday(json_extract(o.response_times, '$.{from}'))) * 86400.0, 3)"
            ),
        }
    }

    /// A sum of integers that is an integer on both engines (never null: 0 over no rows).
    fn sum(&self, expression: &str) -> String {
        format!("CAST(COALESCE(SUM({expression}), 0) AS BIGINT)")
    }
}

fn day(row: &QueryResult) -> Result<NaiveDate, ServiceError> {
    parse_day(&row.try_get::<String>("", "day")?)
}

fn parse_day(text: &str) -> Result<NaiveDate, ServiceError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| ServiceError::Internal(format!("unreadable day {text}")))
}

fn count(row: &QueryResult, column: &str) -> Result<u64, ServiceError> {
    Ok(u64::try_from(row.try_get::<i64>("", column)?).unwrap_or_default())
}
