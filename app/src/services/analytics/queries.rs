//! The report's SQL: every figure is grouped in the database, so what comes back is a row per
//! day, status, hour, bucket or product, never a row per order. Counts, sums and response
//! times come from the 15-minute summaries the `rollups` migration keeps (`order_slots`,
//! `product_slots`, `span_slots`, `delivery_slots`), a month of them being tens of thousands of
//! rows at most; customers from `orders` through its `(business_id, created_at)` index, for
//! the days no earlier report kept (`visitor_days`).
//!
//! Local days and hours of a slot are integer arithmetic on its number, the same on both
//! engines; over `orders` they are written per backend (SQLite's `date()` modifiers,
//! PostgreSQL's intervals). Sums are cast back to integers, as PostgreSQL widens them to
//! `numeric`. Parameters are numbered so each value is bound once and used wherever needed.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
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

/// How a statement's range is bound: as instants, for queries over `orders`, or as slot
/// numbers, for the summaries.
#[derive(Clone, Copy)]
enum Bounds {
    Instants,
    Slots,
}

/// One business over one period, on one engine.
pub struct Scope<'a> {
    backend: DbBackend,
    business_id: i64,
    period: &'a Period,
}

/// `$1`, `$2`, `$3`: the business and the ends of the range; the clock changes follow, as
/// instants or slots like the ends.
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
            "SELECT {day} AS day, s.status AS status, {orders} AS orders, {amount} AS amount \
             FROM order_slots s WHERE {slots} GROUP BY 1, 2",
            day = self.slot_day(),
            orders = self.sum("s.orders"),
            amount = self.sum("s.amount"),
            slots = self.slots(),
        );
        self.rows(db, Bounds::Slots, sql)
            .await?
            .iter()
            .map(|row| {
                let status: String = row.try_get("", "status")?;
                Ok(DayStatus {
                    day: epoch_day(row)?,
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
            "SELECT {day} AS day, ({local} % 86400) / 3600 AS hour, {orders} AS orders \
             FROM order_slots s WHERE {slots} GROUP BY 1, 2",
            day = self.slot_day(),
            local = self.slot_local(),
            orders = self.sum("s.orders"),
            slots = self.slots(),
        );
        self.rows(db, Bounds::Slots, sql)
            .await?
            .iter()
            .map(|row| {
                let hour: i64 = row.try_get("", "hour")?;
                Ok(DayHour {
                    day: epoch_day(row)?,
                    hour: hour.clamp(0, 23) as u32,
                    orders: count(row, "orders")?,
                })
            })
            .collect()
    }

    /// Every product sold in orders that were not cancelled; a business sells a catalog's
    /// worth of names, so ranking them is left to the caller. A name whose items were all
    /// edited away sums to nothing and is left out.
    pub async fn products(&self, db: &impl ConnectionTrait) -> Result<Vec<Product>, ServiceError> {
        let sql = format!(
            "SELECT s.name AS name, SUM(s.quantity) AS quantity, {amount} AS amount \
             FROM product_slots s WHERE {slots} GROUP BY s.name HAVING SUM(s.quantity) > 0",
            amount = self.sum("s.amount"),
            slots = self.slots(),
        );
        self.rows(db, Bounds::Slots, sql)
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

    /// The median and 90th percentile of span `span` (as the `span_slots` migration names
    /// them) by the order's day and over the range, from the counts of orders per bucket: the
    /// median is the element at rank n/2 + 1 (as `response_times::median` takes it), the 90th
    /// percentile the one at ⌈0.9 n⌉, each read as the lower end of its bucket.
    pub async fn spans(&self, db: &impl ConnectionTrait, span: &str) -> Result<Spans, ServiceError> {
        let sql = format!(
            "SELECT {day} AS day, s.bucket AS bucket, {orders} AS orders FROM span_slots s \
             WHERE s.span = '{span}' AND {slots} GROUP BY 1, 2",
            day = self.slot_day(),
            orders = self.sum("s.orders"),
            slots = self.slots(),
        );
        let mut by_day: BTreeMap<NaiveDate, BTreeMap<i64, u64>> = BTreeMap::new();
        let mut overall: BTreeMap<i64, u64> = BTreeMap::new();
        for row in self.rows(db, Bounds::Slots, sql).await? {
            let orders = count(&row, "orders")?;
            if orders == 0 {
                continue;
            }
            let bucket: i64 = row.try_get("", "bucket")?;
            *by_day.entry(epoch_day(&row)?).or_default().entry(bucket).or_default() += orders;
            *overall.entry(bucket).or_default() += orders;
        }
        Ok(Spans {
            by_day: by_day
                .into_iter()
                .filter_map(|(day, buckets)| Some((day, percentiles(&buckets)?)))
                .collect(),
            overall: percentiles(&overall),
        })
    }

    /// New and returning customers of each day of the range. A day that is over comes from
    /// `visitor_days` when an earlier report counted it (any order that could change it makes
    /// the database forget it); the others are counted from `orders`, and the finished ones
    /// kept for the next report.
    pub async fn visitors(&self, db: &impl ConnectionTrait) -> Result<Vec<Visitors>, ServiceError> {
        let days: Vec<(NaiveDate, DateTime<Utc>, DateTime<Utc>)> = self.period.day_bounds().collect();
        let sql = format!(
            "SELECT starts, ends, new_customers, returning_customers FROM visitor_days \
             WHERE business_id = {} AND starts >= {} AND ends <= {}",
            self.param(BUSINESS),
            self.param(START),
            self.param(END),
        );
        let values: Vec<Value> = vec![
            self.business_id.into(),
            self.period.start.timestamp().into(),
            self.period.end.timestamp().into(),
        ];
        let mut kept: BTreeMap<(i64, i64), (u64, u64)> = BTreeMap::new();
        for row in db
            .query_all_raw(Statement::from_sql_and_values(self.backend, sql, values))
            .await?
        {
            kept.insert(
                (row.try_get("", "starts")?, row.try_get("", "ends")?),
                (count(&row, "new_customers")?, count(&row, "returning_customers")?),
            );
        }
        let is_kept =
            |start: &DateTime<Utc>, end: &DateTime<Utc>| kept.contains_key(&(start.timestamp(), end.timestamp()));
        let missing: Vec<_> = days.iter().filter(|(_, start, end)| !is_kept(start, end)).collect();
        let counted = match (missing.first(), missing.last()) {
            (Some((_, start, _)), Some((_, _, end))) => {
                let period = self.period.within(*start, *end);
                let counted = Scope {
                    period: &period,
                    ..*self
                }
                .count_visitors(db)
                .await?;
                let settled = Utc::now() - chrono::Duration::minutes(SETTLING_MINUTES);
                let finished = missing
                    .iter()
                    .filter(|(_, _, end)| *end <= settled)
                    .map(|(day, start, end)| {
                        let visitors = counted.get(day);
                        (
                            *start,
                            *end,
                            visitors.map_or(0, |v| v.new),
                            visitors.map_or(0, |v| v.returning),
                        )
                    });
                self.keep_visitors(db, finished.collect()).await;
                counted
            }
            _ => BTreeMap::new(),
        };
        Ok(days
            .into_iter()
            .map(|(day, start, end)| {
                let (new, returning) = kept
                    .get(&(start.timestamp(), end.timestamp()))
                    .copied()
                    .or_else(|| counted.get(&day).map(|v| (v.new, v.returning)))
                    .unwrap_or_default();
                Visitors { day, new, returning }
            })
            .collect())
    }

    /// Keeps counted days for later reports; a report that cannot keep them is still right, so
    /// a failure here is only logged.
    async fn keep_visitors(&self, db: &impl ConnectionTrait, days: Vec<(DateTime<Utc>, DateTime<Utc>, u64, u64)>) {
        if days.is_empty() {
            return;
        }
        let mut values: Vec<Value> = vec![self.business_id.into()];
        let mut rows = Vec::with_capacity(days.len());
        for (start, end, new, returning) in days {
            let first = values.len() + 1;
            rows.push(format!(
                "({}, {}, {}, {}, {})",
                self.param(BUSINESS),
                self.param(first),
                self.param(first + 1),
                self.param(first + 2),
                self.param(first + 3)
            ));
            values.extend([
                start.timestamp().into(),
                end.timestamp().into(),
                Value::from(i64::try_from(new).unwrap_or(i64::MAX)),
                Value::from(i64::try_from(returning).unwrap_or(i64::MAX)),
            ]);
        }
        let sql = format!(
            "INSERT INTO visitor_days (business_id, starts, ends, new_customers, returning_customers) \
             VALUES {} ON CONFLICT (business_id, starts, ends) DO NOTHING",
            rows.join(", ")
        );
        if let Err(error) = db
            .execute_raw(Statement::from_sql_and_values(self.backend, sql, values))
            .await
        {
            tracing::warn!(%error, business = self.business_id, "cannot keep counted visitor days");
        }
    }

    /// Distinct customers by day, and the customers whose first order ever falls on each day:
    /// their first order in the range, with none before it. Customers are per business, and
    /// the `customer_id` index finds an older order at its first entry for a regular, so the
    /// check costs one lookup per customer.
    async fn count_visitors(&self, db: &impl ConnectionTrait) -> Result<BTreeMap<NaiveDate, Visitors>, ServiceError> {
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
        for row in self.rows(db, Bounds::Instants, sql).await? {
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
        for visitors in days.values_mut() {
            visitors.returning = visitors.returning.saturating_sub(visitors.new);
        }
        Ok(days)
    }

    /// Deliveries assigned in the range by driver (key 0 in the summary: none).
    pub async fn drivers(&self, db: &impl ConnectionTrait) -> Result<Vec<Driver>, ServiceError> {
        let sql = format!(
            "SELECT NULLIF(s.driver_key, 0) AS driver_id, MAX(r.name) AS name, {deliveries} AS deliveries, \
               {delivered} AS delivered \
             FROM delivery_slots s LEFT JOIN drivers r ON r.id = s.driver_key \
             WHERE {slots} GROUP BY s.driver_key HAVING SUM(s.deliveries) > 0",
            deliveries = self.sum("s.deliveries"),
            delivered = self.sum("s.delivered"),
            slots = self.slots(),
        );
        self.rows(db, Bounds::Slots, sql)
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

    /// Runs `sql` with the business, the range and the clock changes bound as `bounds` says
    /// (the changes only when it reads local time: PostgreSQL refuses values a statement does
    /// not use).
    async fn rows(
        &self,
        db: &impl ConnectionTrait,
        bounds: Bounds,
        sql: String,
    ) -> Result<Vec<QueryResult>, ServiceError> {
        let bound = |at: DateTime<Utc>| match bounds {
            Bounds::Instants => Value::from(at),
            Bounds::Slots => Value::from(slot(at)),
        };
        let mut values = vec![
            self.business_id.into(),
            bound(self.period.start),
            bound(self.period.end),
        ];
        if sql.contains(&self.param(FIRST_CHANGE)) {
            values.extend(self.period.offsets.iter().skip(1).map(|(at, _)| bound(*at)));
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

    /// PostgreSQL: the wall-clock time of a `timestamptz` column.
    fn local(&self, column: &str) -> String {
        format!(
            "(({column}) AT TIME ZONE 'UTC' + ({}) * INTERVAL '1 minute')",
            self.offset(column)
        )
    }

    /// The summary rows `s` of the business in the range's slots.
    fn slots(&self) -> String {
        format!(
            "s.business_id = {} AND s.slot >= {} AND s.slot < {}",
            self.param(BUSINESS),
            self.param(START),
            self.param(END),
        )
    }

    /// Seconds since 1970 on the local clock at the start of slot `s.slot`: integer arithmetic,
    /// the same on both engines.
    fn slot_local(&self) -> String {
        format!("(s.slot * {SLOT_SECONDS} + ({}) * 60)", self.offset("s.slot"))
    }

    /// The local day of slot `s.slot`, as days since 1970.
    fn slot_day(&self) -> String {
        format!("{} / 86400", self.slot_local())
    }

    /// A sum of integers that is an integer on both engines (never null: 0 over no rows).
    fn sum(&self, expression: &str) -> String {
        format!("CAST(COALESCE(SUM({expression}), 0) AS BIGINT)")
    }
}

/// How long after a day ends before its customers are kept: an order stamped just before
/// midnight may still be on its way into the database.
const SETTLING_MINUTES: i64 = 5;

/// Seconds in a slot of the `*_slots` summaries.
const SLOT_SECONDS: i64 = 900;

/// The slot an instant falls in.
fn slot(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(SLOT_SECONDS)
}

/// The element at rank `rank` (from 1) of the values counted in `buckets`.
fn ranked(buckets: &BTreeMap<i64, u64>, rank: u64) -> Option<f64> {
    let mut seen = 0;
    buckets.iter().find_map(|(bucket, orders)| {
        seen += orders;
        (seen >= rank).then_some(*bucket as f64)
    })
}

fn percentiles(buckets: &BTreeMap<i64, u64>) -> Option<Percentiles> {
    let count: u64 = buckets.values().sum();
    Some(Percentiles {
        count,
        median: ranked(buckets, count / 2 + 1)?,
        p90: ranked(buckets, (9 * count).div_ceil(10))?,
    })
}

fn epoch_day(row: &QueryResult) -> Result<NaiveDate, ServiceError> {
    let days: i64 = row.try_get("", "day")?;
    i32::try_from(days)
        .ok()
        .and_then(|days| days.checked_add(UNIX_EPOCH_DAY_FROM_CE))
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .ok_or_else(|| ServiceError::Internal(format!("day {days} is out of range")))
}

/// 1970-01-01 counted from 0001-01-01 as day 1.
const UNIX_EPOCH_DAY_FROM_CE: i32 = 719_163;

fn day(row: &QueryResult) -> Result<NaiveDate, ServiceError> {
    parse_day(&row.try_get::<String>("", "day")?)
}

fn parse_day(text: &str) -> Result<NaiveDate, ServiceError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| ServiceError::Internal(format!("unreadable day {text}")))
}

fn count(row: &QueryResult, column: &str) -> Result<u64, ServiceError> {
    Ok(u64::try_from(row.try_get::<i64>("", column)?).unwrap_or_default())
}
