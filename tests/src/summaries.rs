//! What the database keeps summed for a business (running totals by status, 15-minute
//! summaries), checked against summing its orders and deliveries here.

use std::collections::{BTreeMap, HashMap};

use entity::{deliveries, enums::OrderStatus, order_items, orders};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Statement};

/// Summaries keyed by (slot, name or status or span and bucket): orders or thousandths of a
/// quantity, and minor units.
type Summary = BTreeMap<(i64, String), (i64, i64)>;

/// Fails unless every total and summary of `business_id` is what its rows add up to.
pub async fn expect_match(db: &DatabaseConnection, business_id: i64) {
    let orders = orders::Entity::find()
        .filter(orders::Column::BusinessId.eq(business_id))
        .all(db)
        .await
        .unwrap();
    let mut items: HashMap<i64, Vec<order_items::Model>> = HashMap::new();
    for item in order_items::Entity::find()
        .inner_join(orders::Entity)
        .filter(orders::Column::BusinessId.eq(business_id))
        .all(db)
        .await
        .unwrap()
    {
        items.entry(item.order_id).or_default().push(item);
    }
    let slot = |order: &orders::Model| order.created_at.timestamp().div_euclid(900);
    let mut tallies = BTreeMap::<String, (i64, i64)>::new();
    let mut statuses = Summary::new();
    let mut products = Summary::new();
    let mut spans = Summary::new();
    for order in &orders {
        let entry = statuses
            .entry((slot(order), order.status.as_str().to_string()))
            .or_default();
        entry.0 += 1;
        entry.1 += order.total_amount;
        let tally = tallies.entry(order.status.as_str().to_string()).or_default();
        tally.0 += 1;
        tally.1 += order.total_amount;
        for (span, from, to) in [
            ("confirm", "received", "confirmed"),
            ("deliver", "confirmed", "delivered"),
        ] {
            let stamp = |step: &str| order.response_times[step].as_str().map(crate::at);
            if let (Some(from), Some(to)) = (stamp(from), stamp(to)) {
                let seconds = (to - from).num_milliseconds() as f64 / 1000.0;
                spans
                    .entry((slot(order), format!("{span} {}", bucket(seconds))))
                    .or_default()
                    .0 += 1;
            }
        }
        if order.status == OrderStatus::Cancelled {
            continue;
        }
        for item in items.get(&order.id).into_iter().flatten() {
            let entry = products.entry((slot(order), item.name.clone())).or_default();
            entry.0 += (item.quantity * 1000.0).round() as i64;
            entry.1 += item.line_total;
        }
    }
    let mut drivers = Summary::new();
    let assigned = deliveries::Entity::find()
        .filter(deliveries::Column::BusinessId.eq(business_id))
        .all(db)
        .await
        .unwrap();
    for delivery in assigned {
        let slot = delivery.assigned_at.timestamp().div_euclid(900);
        let entry = drivers
            .entry((slot, delivery.driver_id.unwrap_or(0).to_string()))
            .or_default();
        entry.0 += 1;
        entry.1 += i64::from(delivery.delivered_at.is_some());
    }
    let business = format!("business_id = {business_id}");
    let kept: BTreeMap<String, (i64, i64)> = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT status, orders, amount FROM order_tallies WHERE {business} AND orders <> 0"),
        ))
        .await
        .unwrap()
        .into_iter()
        .map(|row| {
            let value = |column: &str| row.try_get::<i64>("", column).unwrap();
            (
                row.try_get::<String>("", "status").unwrap(),
                (value("orders"), value("amount")),
            )
        })
        .collect();
    assert_eq!(kept, tallies, "running totals");
    assert_eq!(
        summary(
            db,
            &format!(
                "SELECT slot, CAST(driver_key AS TEXT) AS name, deliveries AS a, delivered AS b \
                 FROM delivery_slots WHERE {business}"
            )
        )
        .await,
        drivers
    );
    assert_eq!(
        summary(
            db,
            &format!("SELECT slot, status AS name, orders AS a, amount AS b FROM order_slots WHERE {business}")
        )
        .await,
        statuses
    );
    assert_eq!(
        summary(
            db,
            &format!("SELECT slot, name, CAST(ROUND(quantity * 1000) AS BIGINT) AS a, amount AS b FROM product_slots WHERE {business}")
        )
        .await,
        products
    );
    let concat = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => "span || ' ' || CAST(bucket AS TEXT)",
        _ => "span || ' ' || bucket",
    };
    assert_eq!(
        summary(
            db,
            &format!(
                "SELECT slot, {concat} AS name, orders AS a, CAST(0 AS BIGINT) AS b FROM span_slots WHERE {business}"
            )
        )
        .await,
        spans
    );
}

/// The lower end of the span bucket `seconds` falls in, as the `rollups` migration defines it.
fn bucket(seconds: f64) -> i64 {
    let step = match seconds {
        s if s < 60.0 => 1,
        s if s < 600.0 => 5,
        s if s < 3600.0 => 30,
        s if s < 86400.0 => 300,
        _ => 3600,
    };
    (seconds / step as f64).floor() as i64 * step
}

/// A summary table's rows, leaving out those that changes brought back to nothing.
async fn summary(db: &DatabaseConnection, sql: &str) -> Summary {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .into_iter()
        .map(|row| {
            let value = |column: &str| row.try_get::<i64>("", column).unwrap();
            (
                (value("slot"), row.try_get::<String>("", "name").unwrap()),
                (value("a"), value("b")),
            )
        })
        .filter(|(_, (a, b))| (*a, *b) != (0, 0))
        .collect()
}
