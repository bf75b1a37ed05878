//! Writing a whole order history for one business at once (`novi seed --orders N`): the
//! triggers that keep the running totals and summaries (migrations 10 and 11) cost more per row
//! than the row itself, so they are off while the history is written and the business's
//! summaries are then worked out in a few set-based statements, as the migrations' backfills
//! do.

use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, Statement};

use crate::{m20261126_000010_tallies as tallies, m20261203_000011_rollups as rollups};

/// The tables whose triggers keep summaries.
const TABLES: [&str; 3] = ["orders", "order_items", "deliveries"];
/// Every table the summaries are kept in.
const SUMMARIES: [&str; 6] = [
    "order_tallies",
    "order_slots",
    "product_slots",
    "span_slots",
    "delivery_slots",
    "visitor_days",
];

/// The summary triggers switched off inside one transaction. Everything happens in that
/// transaction, so a load cut short leaves no orders behind without their summaries, and no
/// other session's orders go uncounted meanwhile: on PostgreSQL a superuser's session turns
/// off triggers for itself alone (`session_replication_role`, which also skips the
/// foreign-key checks, the largest cost left: the loaded rows refer to what the seed has just
/// made), and an owner's `ALTER TABLE` locks the three tables until the transaction ends; any
/// other role leaves them on; on SQLite the transaction is the only writer.
#[must_use = "the triggers stay off until `finish`"]
pub struct Load(Off);

enum Off {
    ForThisSession,
    ForTheTables,
    /// A role that neither is a superuser nor owns the tables cannot turn triggers off: they
    /// keep the summaries as the rows go in, slower but the same.
    Not,
    /// SQLite cannot disable a trigger: they are dropped, and made again from their own text.
    Dropped(Vec<String>),
}

impl Load {
    pub async fn begin(txn: &DatabaseTransaction) -> Result<Self, DbErr> {
        if txn.get_database_backend() == DbBackend::Postgres {
            if yes(txn, "SELECT current_setting('is_superuser') = 'on'".into()).await? {
                txn.execute_unprepared("SET LOCAL session_replication_role = replica")
                    .await?;
                return Ok(Self(Off::ForThisSession));
            }
            let tables = TABLES.map(|table| format!("'{table}'::regclass")).join(", ");
            let owner =
                format!("SELECT bool_and(pg_has_role(relowner, 'USAGE')) FROM pg_class WHERE oid IN ({tables})");
            if !yes(txn, owner).await? {
                return Ok(Self(Off::Not));
            }
            for table in TABLES {
                txn.execute_unprepared(&format!("ALTER TABLE {table} DISABLE TRIGGER USER"))
                    .await?;
            }
            return Ok(Self(Off::ForTheTables));
        }
        let triggers = txn
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                format!(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({})",
                    TABLES.map(|table| format!("'{table}'")).join(", ")
                ),
            ))
            .await?;
        let mut dropped = Vec::with_capacity(triggers.len());
        for trigger in triggers {
            let name: String = trigger.try_get("", "name")?;
            dropped.push(trigger.try_get("", "sql")?);
            txn.execute_unprepared(&format!("DROP TRIGGER \"{name}\"")).await?;
        }
        Ok(Self(Off::Dropped(dropped)))
    }

    /// Turns the triggers back on and works out `business`'s totals and summaries from its
    /// orders and deliveries. The load must only have written orders of `business`.
    pub async fn finish(self, txn: &DatabaseTransaction, business: i64) -> Result<(), DbErr> {
        match self.0 {
            Off::Not => return Ok(()),
            Off::ForThisSession => {
                txn.execute_unprepared("SET LOCAL session_replication_role = DEFAULT")
                    .await?;
            }
            Off::ForTheTables => {
                for table in TABLES {
                    txn.execute_unprepared(&format!("ALTER TABLE {table} ENABLE TRIGGER USER"))
                        .await?;
                }
            }
            Off::Dropped(triggers) => {
                for trigger in triggers {
                    txn.execute_unprepared(&trigger).await?;
                }
            }
        }
        // Only the summary tables are written from here on, and no summary trigger is on them.
        for table in SUMMARIES {
            txn.execute_unprepared(&format!("DELETE FROM {table} WHERE business_id = {business}"))
                .await?;
        }
        txn.execute_unprepared(&tallies::backfill(Some(business))).await?;
        let postgres = txn.get_database_backend() == DbBackend::Postgres;
        for statement in (rollups::Dialect { postgres }).backfill(Some(business)) {
            txn.execute_unprepared(&statement).await?;
        }
        Ok(())
    }
}

/// The answer of a query that selects one boolean (false when it selects no row).
async fn yes(txn: &DatabaseTransaction, sql: String) -> Result<bool, DbErr> {
    Ok(txn
        .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await?
        .map(|row| row.try_get_by_index::<bool>(0))
        .transpose()?
        .unwrap_or(false))
}
