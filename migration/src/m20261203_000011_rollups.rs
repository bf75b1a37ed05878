//! Summaries of each business's orders by 15-minute slot of UTC time, kept by triggers so no
//! write path can forget them: the analytics report reads a few thousand rows for a month
//! instead of every order in it. Every zone's offset is a whole number of quarter hours, so a
//! local day or hour is always a whole number of slots.
//!
//! - `order_slots`: orders and their total by status;
//! - `product_slots`: quantities and line totals by item name, of orders not cancelled;
//! - `span_slots`: how many orders took each bucket of seconds between two of their
//!   `response_times` stamps (`confirm`: received to confirmed; `deliver`: confirmed to
//!   delivered). A bucket is named by its lower end: whole seconds under a minute, 5 s under
//!   10 minutes, 30 s under an hour, 5 minutes under a day, hours beyond.
//! - `delivery_slots`: deliveries assigned, and how many of them were delivered, by driver
//!   (0 for none), by the slot of `assigned_at`.
//!
//! And `visitor_days`, the customers of local days that are over, as the report worked them
//! out: they depend on the zone, so the report fills them; writes here only forget every day
//! an order's customer or time could change (any that ends after the order).
//!
//! Removing a share only ever updates rows, never inserts one: deleting a business cascades to
//! its summaries and its orders in no fixed order, and an insert then would name a business
//! that is gone. Orders are deleted only with their business, so deleting an order does not
//! take its items out of `product_slots`.

use sea_orm_migration::{
    prelude::*,
    sea_orm::{ConnectionTrait, DbBackend},
};

use crate::support::of_business;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The spans kept, with the stamps they run between.
const SPANS: [(&str, &str, &str); 2] = [
    ("confirm", "received", "confirmed"),
    ("deliver", "confirmed", "delivered"),
];

/// The SQL each engine writes its own way.
pub(crate) struct Dialect {
    pub(crate) postgres: bool,
}

impl Dialect {
    /// The slot of `row.created_at`: seconds since 1970 over 900, rounded down.
    fn slot(&self, row: &str) -> String {
        self.slot_of(&format!("{row}.created_at"))
    }

    fn slot_of(&self, instant: &str) -> String {
        if self.postgres {
            format!("CAST(FLOOR(EXTRACT(EPOCH FROM {instant}) / 900) AS BIGINT)")
        } else {
            format!("(CAST(strftime('%s', {instant}) AS INTEGER) / 900)")
        }
    }

    /// Delivery `row`'s slot, driver key and whether it counts as delivered (0 or 1).
    fn delivery_share(&self, row: &str) -> (String, String, String) {
        (
            self.slot_of(&format!("{row}.assigned_at")),
            format!("COALESCE({row}.driver_id, 0)"),
            format!("CASE WHEN {row}.delivered_at IS NULL THEN 0 ELSE 1 END"),
        )
    }

    fn add_delivery(&self) -> String {
        let (slot, driver, delivered) = self.delivery_share("NEW");
        format!(
            "INSERT INTO delivery_slots (business_id, slot, driver_key, deliveries, delivered) \
             VALUES (NEW.business_id, {slot}, {driver}, 1, {delivered}) \
             ON CONFLICT (business_id, slot, driver_key) DO UPDATE SET \
               deliveries = delivery_slots.deliveries + 1, delivered = delivery_slots.delivered + excluded.delivered;"
        )
    }

    fn remove_delivery(&self) -> String {
        let (slot, driver, delivered) = self.delivery_share("OLD");
        format!(
            "UPDATE delivery_slots SET deliveries = deliveries - 1, delivered = delivered - {delivered} \
             WHERE business_id = OLD.business_id AND slot = {slot} AND driver_key = {driver};"
        )
    }

    /// Seconds from stamp `from` to stamp `to` of `row.response_times`; null unless both exist.
    fn seconds(&self, row: &str, from: &str, to: &str) -> String {
        if self.postgres {
            format!(
                "EXTRACT(EPOCH FROM (CAST({row}.response_times ->> '{to}' AS TIMESTAMPTZ) \
                 - CAST({row}.response_times ->> '{from}' AS TIMESTAMPTZ)))"
            )
        } else {
            // julianday() carries about 20 µs of rounding; milliseconds are plenty.
            format!(
                "ROUND((julianday(json_extract({row}.response_times, '$.{to}')) \
                 - julianday(json_extract({row}.response_times, '$.{from}'))) * 86400.0, 3)"
            )
        }
    }

    /// The bucket of the span from `from` to `to` of `row`, or null when it has none (a stamp
    /// missing, or a clock that went backwards).
    fn bucket(&self, row: &str, from: &str, to: &str) -> String {
        format!(
            "({})",
            self.stepped("", &format!("SELECT {} AS seconds", self.seconds(row, from, to)))
        )
    }

    /// `columns` and the `bucket` of each row of `measured` (which selects `seconds` and those
    /// columns) with seconds ≥ 0.
    fn stepped(&self, columns: &str, measured: &str) -> String {
        // CAST truncates in SQLite and rounds in PostgreSQL; on seconds ≥ 0 FLOOR is the former.
        let whole = |expression: &str| {
            if self.postgres {
                format!("CAST(FLOOR({expression}) AS BIGINT)")
            } else {
                format!("CAST({expression} AS INTEGER)")
            }
        };
        format!(
            "SELECT {columns}{whole} * step AS bucket FROM (\
               SELECT {columns}seconds, CASE WHEN seconds < 60 THEN 1 WHEN seconds < 600 THEN 5 \
                 WHEN seconds < 3600 THEN 30 WHEN seconds < 86400 THEN 300 ELSE 3600 END AS step \
               FROM ({measured}) measured) stepped WHERE seconds >= 0",
            whole = whole("seconds / step"),
        )
    }

    fn forget_visitors(&self, row: &str) -> String {
        let epoch = if self.postgres {
            format!("EXTRACT(EPOCH FROM {row}.created_at)")
        } else {
            format!("CAST(strftime('%s', {row}.created_at) AS INTEGER)")
        };
        format!(
            "DELETE FROM visitor_days WHERE {row}.customer_id IS NOT NULL \
             AND business_id = {row}.business_id AND ends > {epoch};"
        )
    }

    fn add_order(&self) -> String {
        format!(
            "INSERT INTO order_slots (business_id, slot, status, orders, amount) \
             VALUES (NEW.business_id, {slot}, NEW.status, 1, NEW.total_amount) \
             ON CONFLICT (business_id, slot, status) DO UPDATE SET \
               orders = order_slots.orders + 1, amount = order_slots.amount + excluded.amount;",
            slot = self.slot("NEW"),
        )
    }

    fn remove_order(&self) -> String {
        format!(
            "UPDATE order_slots SET orders = orders - 1, amount = amount - OLD.total_amount \
             WHERE business_id = OLD.business_id AND slot = {slot} AND status = OLD.status;",
            slot = self.slot("OLD"),
        )
    }

    fn add_spans(&self) -> String {
        SPANS
            .iter()
            .map(|(span, from, to)| {
                format!(
                    "INSERT INTO span_slots (business_id, slot, span, bucket, orders) \
                     SELECT NEW.business_id, {slot}, '{span}', bucket, 1 FROM (SELECT {bucket} AS bucket) b \
                     WHERE bucket IS NOT NULL \
                     ON CONFLICT (business_id, slot, span, bucket) DO UPDATE SET orders = span_slots.orders + 1;",
                    slot = self.slot("NEW"),
                    bucket = self.bucket("NEW", from, to),
                )
            })
            .collect()
    }

    fn remove_spans(&self) -> String {
        SPANS
            .iter()
            .map(|(span, from, to)| {
                format!(
                    "UPDATE span_slots SET orders = orders - 1 WHERE business_id = OLD.business_id \
                     AND slot = {slot} AND span = '{span}' AND bucket = {bucket};",
                    slot = self.slot("OLD"),
                    bucket = self.bucket("OLD", from, to),
                )
            })
            .collect()
    }

    /// The items of order `NEW`, unless it is cancelled.
    fn add_products_of_order(&self) -> String {
        format!(
            "INSERT INTO product_slots (business_id, slot, name, quantity, amount) \
             SELECT NEW.business_id, {slot}, i.name, SUM(i.quantity), SUM(i.line_total) FROM order_items i \
             WHERE i.order_id = NEW.id AND NEW.status <> 'cancelled' GROUP BY i.name \
             ON CONFLICT (business_id, slot, name) DO UPDATE SET \
               quantity = product_slots.quantity + excluded.quantity, amount = product_slots.amount + excluded.amount;",
            slot = self.slot("NEW"),
        )
    }

    fn remove_products_of_order(&self) -> String {
        format!(
            "UPDATE product_slots SET quantity = product_slots.quantity - s.quantity, \
               amount = product_slots.amount - s.amount \
             FROM (SELECT name, SUM(quantity) AS quantity, SUM(line_total) AS amount FROM order_items \
                   WHERE order_id = OLD.id AND OLD.status <> 'cancelled' GROUP BY name) s \
             WHERE product_slots.business_id = OLD.business_id AND product_slots.slot = {slot} \
               AND product_slots.name = s.name;",
            slot = self.slot("OLD"),
        )
    }

    /// Item `NEW`, unless its order is cancelled.
    fn add_item(&self) -> String {
        format!(
            "INSERT INTO product_slots (business_id, slot, name, quantity, amount) \
             SELECT o.business_id, {slot}, NEW.name, NEW.quantity, NEW.line_total FROM orders o \
             WHERE o.id = NEW.order_id AND o.status <> 'cancelled' \
             ON CONFLICT (business_id, slot, name) DO UPDATE SET \
               quantity = product_slots.quantity + excluded.quantity, amount = product_slots.amount + excluded.amount;",
            slot = self.slot("o"),
        )
    }

    fn remove_item(&self) -> String {
        format!(
            "UPDATE product_slots SET quantity = product_slots.quantity - OLD.quantity, \
               amount = product_slots.amount - OLD.line_total \
             FROM orders o WHERE o.id = OLD.order_id AND o.status <> 'cancelled' \
               AND product_slots.business_id = o.business_id AND product_slots.slot = {slot} \
               AND product_slots.name = OLD.name;",
            slot = self.slot("o"),
        )
    }

    /// The triggers that take an old row's share out and put a new row's in, on `table` and
    /// an update of `columns`; on PostgreSQL through the function `novi_rollup_{function}`.
    fn row_triggers(&self, table: &str, function: &str, columns: &str, remove: &str, add: &str) -> Vec<String> {
        if self.postgres {
            vec![
                format!(
                    "CREATE FUNCTION novi_rollup_{function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                       IF TG_OP IN ('UPDATE', 'DELETE') THEN {remove} END IF; \
                       IF TG_OP IN ('INSERT', 'UPDATE') THEN {add} END IF; \
                       RETURN NULL; \
                     END $$"
                ),
                format!(
                    "CREATE TRIGGER {table}_rollup AFTER INSERT OR DELETE OR UPDATE OF {columns} \
                     ON {table} FOR EACH ROW EXECUTE FUNCTION novi_rollup_{function}()"
                ),
            ]
        } else {
            vec![
                format!("CREATE TRIGGER {table}_rollup_insert AFTER INSERT ON {table} BEGIN {add} END"),
                format!("CREATE TRIGGER {table}_rollup_delete AFTER DELETE ON {table} BEGIN {remove} END"),
                format!(
                    "CREATE TRIGGER {table}_rollup_update AFTER UPDATE OF {columns} ON {table} \
                     BEGIN {remove} {add} END"
                ),
            ]
        }
    }

    /// Summaries of the orders and deliveries already written, of one business or all.
    pub(crate) fn backfill(&self, business: Option<i64>) -> Vec<String> {
        let (orders, deliveries) = (of_business("o", business), of_business("d", business));
        let mut statements = vec![
            format!(
                "INSERT INTO order_slots (business_id, slot, status, orders, amount) \
                 SELECT business_id, {slot}, status, COUNT(*), SUM(total_amount) FROM orders o WHERE {orders} \
                 GROUP BY 1, 2, 3",
                slot = self.slot("o"),
            ),
            format!(
                "INSERT INTO product_slots (business_id, slot, name, quantity, amount) \
                 SELECT o.business_id, {slot}, i.name, SUM(i.quantity), SUM(i.line_total) \
                 FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.status <> 'cancelled' AND {orders} \
                 GROUP BY 1, 2, 3",
                slot = self.slot("o"),
            ),
        ];
        statements.push(format!(
            "INSERT INTO delivery_slots (business_id, slot, driver_key, deliveries, delivered) \
             SELECT business_id, {slot}, COALESCE(driver_id, 0), COUNT(*), COUNT(delivered_at) FROM deliveries d \
             WHERE {deliveries} GROUP BY 1, 2, 3",
            slot = self.slot_of("d.assigned_at"),
        ));
        // Each order's seconds worked out once (on PostgreSQL a subquery with an OFFSET is not
        // merged into the query around it), not once for every use in the steps.
        let fence = if self.postgres { " OFFSET 0" } else { "" };
        statements.extend(SPANS.iter().map(|(span, from, to)| {
            let measured = format!(
                "SELECT o.business_id AS business_id, {slot} AS slot, {seconds} AS seconds FROM orders o \
                 WHERE {orders}{fence}",
                slot = self.slot("o"),
                seconds = self.seconds("o", from, to),
            );
            format!(
                "INSERT INTO span_slots (business_id, slot, span, bucket, orders) \
                 SELECT business_id, slot, '{span}', bucket, COUNT(*) FROM ({stepped}) spans \
                 GROUP BY 1, 2, 4",
                stepped = self.stepped("business_id, slot, ", &measured),
            )
        }));
        statements
    }
}

/// An order leaving or joining the cancelled ones, or moving, changes what its items count for.
const ITEMS_MOVE: &str = "(OLD.status = 'cancelled') <> (NEW.status = 'cancelled') \
                          OR OLD.created_at <> NEW.created_at OR OLD.business_id <> NEW.business_id";
const ORDER_COLUMNS: &str = "business_id, customer_id, status, total_amount, created_at, response_times";
const ITEM_COLUMNS: &str = "order_id, name, quantity, line_total";
const DELIVERY_COLUMNS: &str = "business_id, driver_id, assigned_at, delivered_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// As for the tallies: an order written between the backfill and the triggers would be
    /// missed, and a half-applied migration could not be applied again.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let postgres = db.get_database_backend() == DbBackend::Postgres;
        let sql = Dialect { postgres };
        let business = "business_id BIGINT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE";
        for statement in [
            format!(
                "CREATE TABLE order_slots ({business}, slot BIGINT NOT NULL, status VARCHAR(24) NOT NULL, \
                 orders BIGINT NOT NULL, amount BIGINT NOT NULL, PRIMARY KEY (business_id, slot, status))"
            ),
            format!(
                "CREATE TABLE product_slots ({business}, slot BIGINT NOT NULL, name VARCHAR(160) NOT NULL, \
                 quantity DOUBLE PRECISION NOT NULL, amount BIGINT NOT NULL, PRIMARY KEY (business_id, slot, name))"
            ),
            format!(
                "CREATE TABLE span_slots ({business}, slot BIGINT NOT NULL, span VARCHAR(16) NOT NULL, \
                 bucket BIGINT NOT NULL, orders BIGINT NOT NULL, PRIMARY KEY (business_id, span, slot, bucket))"
            ),
            format!(
                "CREATE TABLE delivery_slots ({business}, slot BIGINT NOT NULL, driver_key BIGINT NOT NULL, \
                 deliveries BIGINT NOT NULL, delivered BIGINT NOT NULL, PRIMARY KEY (business_id, slot, driver_key))"
            ),
            format!(
                "CREATE TABLE visitor_days ({business}, starts BIGINT NOT NULL, ends BIGINT NOT NULL, \
                 new_customers BIGINT NOT NULL, returning_customers BIGINT NOT NULL, PRIMARY KEY (business_id, starts, ends))"
            ),
            // Every order written forgets the days that end after it.
            "CREATE INDEX idx_visitor_days_ends ON visitor_days (business_id, ends)".to_string(),
        ] {
            db.execute_unprepared(&statement).await?;
        }
        if postgres {
            db.execute_unprepared("LOCK TABLE orders, order_items, deliveries IN SHARE ROW EXCLUSIVE MODE")
                .await?;
            // Every write to an order rewrites a summary row; room on its page lets PostgreSQL
            // keep the new version there and prune the old one without waiting for a vacuum.
            for table in ["order_slots", "product_slots", "span_slots", "delivery_slots"] {
                db.execute_unprepared(&format!("ALTER TABLE {table} SET (fillfactor = 50)"))
                    .await?;
            }
        }
        for statement in sql.backfill(None) {
            db.execute_unprepared(&statement).await?;
        }
        if postgres {
            // Statistics now, not at autovacuum's next pass: without them a month of summary
            // rows is planned as a handful.
            db.execute_unprepared("ANALYZE order_slots, product_slots, span_slots, delivery_slots")
                .await?;
        }
        let (add_order, remove_order) = (sql.add_order(), sql.remove_order());
        let (forget_new, forget_old) = (sql.forget_visitors("NEW"), sql.forget_visitors("OLD"));
        let (add_spans, remove_spans) = (sql.add_spans(), sql.remove_spans());
        let (add_products, remove_products) = (sql.add_products_of_order(), sql.remove_products_of_order());
        let triggers = if postgres {
            vec![
                format!(
                    "CREATE FUNCTION novi_rollup_orders() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                       IF TG_OP IN ('UPDATE', 'DELETE') THEN {remove_order} {remove_spans} {forget_old} END IF; \
                       IF TG_OP IN ('INSERT', 'UPDATE') THEN {add_order} {add_spans} {forget_new} END IF; \
                       IF TG_OP = 'UPDATE' AND ({ITEMS_MOVE}) THEN {remove_products} {add_products} END IF; \
                       RETURN NULL; \
                     END $$"
                ),
                format!(
                    "CREATE TRIGGER orders_rollup AFTER INSERT OR DELETE OR UPDATE OF {ORDER_COLUMNS} \
                     ON orders FOR EACH ROW EXECUTE FUNCTION novi_rollup_orders()"
                ),
            ]
        } else {
            vec![
                format!(
                    "CREATE TRIGGER orders_rollup_insert AFTER INSERT ON orders \
                     BEGIN {add_order} {add_spans} {forget_new} END"
                ),
                format!(
                    "CREATE TRIGGER orders_rollup_delete AFTER DELETE ON orders \
                     BEGIN {remove_order} {remove_spans} {forget_old} END"
                ),
                format!(
                    "CREATE TRIGGER orders_rollup_update AFTER UPDATE OF {ORDER_COLUMNS} ON orders \
                     BEGIN {remove_order} {remove_spans} {forget_old} {add_order} {add_spans} {forget_new} END"
                ),
                format!(
                    "CREATE TRIGGER orders_rollup_items AFTER UPDATE OF business_id, status, created_at ON orders \
                     WHEN {ITEMS_MOVE} BEGIN {remove_products} {add_products} END"
                ),
            ]
        };
        let items = sql.row_triggers(
            "order_items",
            "items",
            ITEM_COLUMNS,
            &sql.remove_item(),
            &sql.add_item(),
        );
        let deliveries = sql.row_triggers(
            "deliveries",
            "deliveries",
            DELIVERY_COLUMNS,
            &sql.remove_delivery(),
            &sql.add_delivery(),
        );
        let triggers = triggers.into_iter().chain(items).chain(deliveries);
        for trigger in triggers {
            db.execute_unprepared(&trigger).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let statements: &[&str] = if db.get_database_backend() == DbBackend::Postgres {
            &[
                "DROP TRIGGER orders_rollup ON orders",
                "DROP FUNCTION novi_rollup_orders()",
                "DROP TRIGGER order_items_rollup ON order_items",
                "DROP FUNCTION novi_rollup_items()",
                "DROP TRIGGER deliveries_rollup ON deliveries",
                "DROP FUNCTION novi_rollup_deliveries()",
            ]
        } else {
            &[
                "DROP TRIGGER orders_rollup_insert",
                "DROP TRIGGER orders_rollup_delete",
                "DROP TRIGGER orders_rollup_update",
                "DROP TRIGGER orders_rollup_items",
                "DROP TRIGGER order_items_rollup_insert",
                "DROP TRIGGER order_items_rollup_delete",
                "DROP TRIGGER order_items_rollup_update",
                "DROP TRIGGER deliveries_rollup_insert",
                "DROP TRIGGER deliveries_rollup_delete",
                "DROP TRIGGER deliveries_rollup_update",
            ]
        };
        for statement in statements {
            db.execute_unprepared(statement).await?;
        }
        for table in [
            "visitor_days",
            "delivery_slots",
            "span_slots",
            "product_slots",
            "order_slots",
        ] {
            db.execute_unprepared(&format!("DROP TABLE {table}")).await?;
        }
        Ok(())
    }
}
