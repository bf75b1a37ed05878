//! Running totals of each business's orders by status (`order_tallies`), kept by triggers on
//! `orders` so no write path can forget them: the orders list's page count and the business's
//! stats read a handful of rows instead of counting a million. And an index for "customers
//! who ordered lately".

use sea_orm_migration::{
    prelude::*,
    sea_orm::{ConnectionTrait, DbBackend},
};

use crate::support::of_business;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Adds one row's share to its tally, creating the tally at zero first.
const ADD: &str = "INSERT INTO order_tallies (business_id, status, orders, amount) \
                   VALUES (NEW.business_id, NEW.status, 0, 0) ON CONFLICT (business_id, status) DO NOTHING; \
                   UPDATE order_tallies SET orders = orders + 1, amount = amount + NEW.total_amount \
                   WHERE business_id = NEW.business_id AND status = NEW.status;";
const REMOVE: &str = "UPDATE order_tallies SET orders = orders - 1, amount = amount - OLD.total_amount \
                      WHERE business_id = OLD.business_id AND status = OLD.status;";

/// Tallies of the orders already written, of one business or all.
pub(crate) fn backfill(business: Option<i64>) -> String {
    format!(
        "INSERT INTO order_tallies (business_id, status, orders, amount) \
         SELECT business_id, status, COUNT(*), COALESCE(SUM(total_amount), 0) FROM orders o WHERE {} \
         GROUP BY business_id, status",
        of_business("o", business)
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// On SQLite too: an order written between the backfill and the triggers would never be
    /// counted, and a half-applied migration could not be applied again.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let postgres = db.get_database_backend() == DbBackend::Postgres;
        db.execute_unprepared(
            "CREATE TABLE order_tallies (\
               business_id BIGINT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE, \
               status VARCHAR(24) NOT NULL, \
               orders BIGINT NOT NULL, \
               amount BIGINT NOT NULL, \
               PRIMARY KEY (business_id, status))",
        )
        .await?;
        if postgres {
            // No order may be written between the count below and the triggers.
            db.execute_unprepared("LOCK TABLE orders IN SHARE ROW EXCLUSIVE MODE")
                .await?;
        }
        db.execute_unprepared(&backfill(None)).await?;
        if postgres {
            db.execute_unprepared(&format!(
                "CREATE FUNCTION novi_tally_orders() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                   IF TG_OP IN ('UPDATE', 'DELETE') THEN {REMOVE} END IF; \
                   IF TG_OP IN ('INSERT', 'UPDATE') THEN {ADD} END IF; \
                   RETURN NULL; \
                 END $$"
            ))
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER orders_tally AFTER INSERT OR DELETE OR UPDATE OF business_id, status, total_amount \
                 ON orders FOR EACH ROW EXECUTE FUNCTION novi_tally_orders()",
            )
            .await?;
        } else {
            db.execute_unprepared(&format!(
                "CREATE TRIGGER orders_tally_insert AFTER INSERT ON orders BEGIN {ADD} END"
            ))
            .await?;
            db.execute_unprepared(&format!(
                "CREATE TRIGGER orders_tally_delete AFTER DELETE ON orders BEGIN {REMOVE} END"
            ))
            .await?;
            db.execute_unprepared(&format!(
                "CREATE TRIGGER orders_tally_update AFTER UPDATE OF business_id, status, total_amount ON orders \
                 BEGIN {REMOVE} {ADD} END"
            ))
            .await?;
        }
        db.execute_unprepared(
            "CREATE INDEX idx_customers_business_last_order ON customers (business_id, last_order_at)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX idx_customers_business_last_order")
            .await?;
        if db.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("DROP TRIGGER orders_tally ON orders").await?;
            db.execute_unprepared("DROP FUNCTION novi_tally_orders()").await?;
        } else {
            for trigger in ["orders_tally_insert", "orders_tally_delete", "orders_tally_update"] {
                db.execute_unprepared(&format!("DROP TRIGGER {trigger}")).await?;
            }
        }
        db.execute_unprepared("DROP TABLE order_tallies").await?;
        Ok(())
    }
}
