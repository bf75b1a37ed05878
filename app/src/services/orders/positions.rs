//! How many orders a range of time holds, and where a deep page of the list begins, read from
//! the 15-minute summaries the `rollups` migration's triggers keep (`order_slots`) instead of
//! from the orders: counting a day or skipping to page 500 of a business with a million orders
//! reads a few hundred summary rows and at most two part-slots of orders, not every order
//! before the page.
//!
//! A slot counts in whole only when it lies wholly inside the range; the parts of the slots at
//! the range's ends are counted in `orders` (less than a slot each). Orders created at the same
//! instant share a slot, so a page that starts at a slot's edge never splits a tie.

use chrono::{DateTime, TimeDelta, Utc};
use entity::{enums::OrderStatus, orders};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter, Select, Statement, Value,
};

use crate::error::ServiceError;

const SLOT_SECONDS: i64 = 900;
/// Slots read by the first query looking for where a page begins; each next one reads twice as
/// many, so a page deep in years of orders takes a dozen queries, and page 500 one.
const FIRST_BATCH: usize = 128;

/// One business's orders, in one status or all, created between `from` and `to` (inclusive).
#[derive(Clone, Copy)]
pub(super) struct Range {
    pub business_id: i64,
    pub status: Option<OrderStatus>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// Where a page begins: `offset` orders past `boundary` in the list's direction (orders created
/// before it, newest first; or from it on, oldest first), or past the range's start without one.
pub(super) struct Start {
    pub boundary: Option<DateTime<Utc>>,
    pub offset: u64,
}

impl Start {
    /// Narrows the list's query to the orders past the boundary.
    pub fn narrow(&self, select: Select<orders::Entity>, direction: &Order) -> Select<orders::Entity> {
        match (self.boundary, direction) {
            (None, _) => select,
            (Some(boundary), Order::Asc) => select.filter(orders::Column::CreatedAt.gte(boundary)),
            (Some(boundary), _) => select.filter(orders::Column::CreatedAt.lt(boundary)),
        }
    }
}

/// The slots wholly inside a range, first and last.
#[derive(Clone, Copy)]
struct Slots {
    first: i64,
    last: i64,
}

impl Range {
    /// The whole slots inside the range; none when it is shorter than a slot or two part-slots.
    fn slots(&self) -> Option<Slots> {
        let first = self.from.map_or(i64::MIN, |from| {
            let slot = from.timestamp().div_euclid(SLOT_SECONDS);
            if starts_slot(from) { slot } else { slot + 1 }
        });
        // `to` is the last instant in the range, so the range ends a nanosecond after it.
        let last = self.to.map_or(i64::MAX, |to| {
            (to + TimeDelta::nanoseconds(1)).timestamp().div_euclid(SLOT_SECONDS) - 1
        });
        (first <= last).then_some(Slots { first, last })
    }

    /// The part-slot before the whole ones, as a range of its own.
    fn head(&self, slots: Slots) -> Option<Range> {
        let from = self.from.filter(|from| !starts_slot(*from))?;
        Some(Range {
            from: Some(from),
            to: Some(slot_start(slots.first) - TimeDelta::nanoseconds(1)),
            ..*self
        })
    }

    /// The part-slot after the whole ones, as a range of its own.
    fn tail(&self, slots: Slots) -> Option<Range> {
        let to = self.to?;
        let from = slot_start(slots.last + 1);
        (from <= to).then_some(Range {
            from: Some(from),
            to: Some(to),
            ..*self
        })
    }
}

/// How many orders the range holds.
pub(super) async fn count(db: &impl ConnectionTrait, range: Range) -> Result<u64, ServiceError> {
    let Some(slots) = range.slots() else {
        return counted(db, range).await;
    };
    let mut total = summed(db, range, slots).await?;
    for part in [range.head(slots), range.tail(slots)].into_iter().flatten() {
        total += counted(db, part).await?;
    }
    Ok(total)
}

/// Where the page that skips `offset` of the range's orders in `direction` begins.
pub(super) async fn start(
    db: &impl ConnectionTrait,
    range: Range,
    direction: &Order,
    offset: u64,
) -> Result<Start, ServiceError> {
    let Some(mut slots) = range.slots() else {
        return Ok(Start { boundary: None, offset });
    };
    let newest_first = !matches!(direction, Order::Asc);
    let mut start = Start { boundary: None, offset };
    let near_part = if newest_first {
        range.tail(slots)
    } else {
        range.head(slots)
    };
    if let Some(part) = near_part {
        let orders = counted(db, part).await?;
        if orders > offset {
            return Ok(start);
        }
        start = Start {
            boundary: Some(slot_start(if newest_first { slots.last + 1 } else { slots.first })),
            offset: offset - orders,
        };
    }
    let mut size = FIRST_BATCH;
    loop {
        let batch = slot_counts(db, range, slots, newest_first, size).await?;
        for &(slot, orders) in &batch {
            if orders > start.offset {
                return Ok(start);
            }
            start = Start {
                boundary: Some(slot_start(if newest_first { slot } else { slot + 1 })),
                offset: start.offset - orders,
            };
            if newest_first {
                slots.last = slot - 1;
            } else {
                slots.first = slot + 1;
            }
        }
        if batch.len() < size || slots.first > slots.last {
            return Ok(start);
        }
        size *= 2;
    }
}

fn starts_slot(at: DateTime<Utc>) -> bool {
    at.timestamp().rem_euclid(SLOT_SECONDS) == 0 && at.timestamp_subsec_nanos() == 0
}

fn slot_start(slot: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(slot.saturating_mul(SLOT_SECONDS), 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The range's orders counted one by one.
async fn counted(db: &impl ConnectionTrait, range: Range) -> Result<u64, ServiceError> {
    let business = orders::Entity::find().filter(orders::Column::BusinessId.eq(range.business_id));
    Ok(in_status_between(business, range.status, range.from, range.to)
        .count(db)
        .await?)
}

/// The orders of the whole slots, from their summaries.
async fn summed(db: &impl ConnectionTrait, range: Range, slots: Slots) -> Result<u64, ServiceError> {
    let (condition, values) = where_clause(range, slots);
    let statement = Statement::from_sql_and_values(
        db.get_database_backend(),
        format!("SELECT CAST(COALESCE(SUM(orders), 0) AS BIGINT) AS orders FROM order_slots WHERE {condition}"),
        values,
    );
    let orders: i64 = match db.query_one_raw(statement).await? {
        Some(row) => row.try_get("", "orders")?,
        None => 0,
    };
    Ok(u64::try_from(orders).unwrap_or_default())
}

/// The next `size` slots holding orders and how many, from the range's newest or oldest end.
async fn slot_counts(
    db: &impl ConnectionTrait,
    range: Range,
    slots: Slots,
    newest_first: bool,
    size: usize,
) -> Result<Vec<(i64, u64)>, ServiceError> {
    let (condition, values) = where_clause(range, slots);
    let statement = Statement::from_sql_and_values(
        db.get_database_backend(),
        format!(
            "SELECT slot, CAST(SUM(orders) AS BIGINT) AS orders FROM order_slots WHERE {condition} \
             GROUP BY slot ORDER BY slot {direction} LIMIT {size}",
            direction = if newest_first { "DESC" } else { "ASC" },
        ),
        values,
    );
    db.query_all_raw(statement)
        .await?
        .iter()
        .map(|row| {
            let slot: i64 = row.try_get("", "slot")?;
            let orders: i64 = row.try_get("", "orders")?;
            Ok((slot, u64::try_from(orders).unwrap_or_default()))
        })
        .collect()
}

fn where_clause(range: Range, slots: Slots) -> (String, Vec<Value>) {
    let mut condition = "business_id = $1 AND slot >= $2 AND slot <= $3".to_string();
    let mut values = vec![range.business_id.into(), slots.first.into(), slots.last.into()];
    if let Some(status) = range.status {
        condition.push_str(" AND status = $4");
        values.push(status.as_str().into());
    }
    (condition, values)
}

/// The list's filter, which the summaries must count the same way: narrows `select` to orders in one status (or all) created between `from` and `to`, inclusive.
pub(super) fn in_status_between(
    mut select: Select<orders::Entity>,
    status: Option<OrderStatus>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> Select<orders::Entity> {
    if let Some(status) = status {
        select = select.filter(orders::Column::Status.eq(status));
    }
    if let Some(from) = from {
        select = select.filter(orders::Column::CreatedAt.gte(from));
    }
    if let Some(to) = to {
        select = select.filter(orders::Column::CreatedAt.lte(to));
    }
    select
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    fn range(from: Option<&str>, to: Option<&str>) -> Range {
        Range {
            business_id: 1,
            status: None,
            from: from.map(at),
            to: to.map(at),
        }
    }

    #[test]
    fn a_whole_day_is_whole_slots() {
        let day = range(Some("2026-11-25T00:00:00Z"), Some("2026-11-25T23:59:59.999999999Z"));
        let slots = day.slots().unwrap();
        assert_eq!(slot_start(slots.first), at("2026-11-25T00:00:00Z"));
        assert_eq!(slot_start(slots.last + 1), at("2026-11-26T00:00:00Z"));
        assert!(day.head(slots).is_none());
        assert!(day.tail(slots).is_none());
    }

    #[test]
    fn part_slots_at_the_ends_are_ranges_of_their_own() {
        let range = range(Some("2026-11-25T10:05:00Z"), Some("2026-11-25T11:20:00Z"));
        let slots = range.slots().unwrap();
        assert_eq!(slot_start(slots.first), at("2026-11-25T10:15:00Z"));
        assert_eq!(slot_start(slots.last + 1), at("2026-11-25T11:15:00Z"));
        let head = range.head(slots).unwrap();
        assert_eq!(head.from, Some(at("2026-11-25T10:05:00Z")));
        assert_eq!(head.to, Some(at("2026-11-25T10:14:59.999999999Z")));
        let tail = range.tail(slots).unwrap();
        assert_eq!(tail.from, Some(at("2026-11-25T11:15:00Z")));
        assert_eq!(tail.to, Some(at("2026-11-25T11:20:00Z")));
    }

    #[test]
    fn open_and_short_ranges() {
        let open = range(None, None).slots().unwrap();
        assert_eq!((open.first, open.last), (i64::MIN, i64::MAX));
        assert!(
            range(Some("2026-11-25T10:05:00Z"), Some("2026-11-25T10:25:00Z"))
                .slots()
                .is_none()
        );
    }
}
