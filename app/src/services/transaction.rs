//! Transactions that write. On SQLite a plain `BEGIN` takes the write lock only at the first
//! write, and a concurrent writer's commit in between makes that write fail at once with
//! "database is locked"; `BEGIN IMMEDIATE` takes the lock up front, so a writer waits its turn
//! (up to the busy timeout) instead. PostgreSQL ignores the mode.

use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

pub async fn begin(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}
