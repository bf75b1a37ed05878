use std::time::Instant;

use chrono::Utc;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection};

use crate::dto::SystemStatus;
use crate::error::ServiceError;

/// Round-trips the database and counts migrations not yet applied.
pub async fn status(db: &DatabaseConnection) -> Result<SystemStatus, ServiceError> {
    let started = Instant::now();
    db.execute_unprepared("SELECT 1").await?;
    let database_latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    let pending_migrations = pending_migrations(db).await?;
    Ok(SystemStatus {
        version: env!("CARGO_PKG_VERSION").to_string(),
        database_engine: engine_name(db.get_database_backend()).to_string(),
        database_latency_ms,
        pending_migrations,
        checked_at: Utc::now(),
    })
}

/// Migrations that exist in this build but are not applied to the database.
pub async fn pending_migrations(db: &DatabaseConnection) -> Result<usize, ServiceError> {
    Ok(Migrator::get_pending_migrations_read_only(db).await?.len())
}

pub fn engine_name(backend: DatabaseBackend) -> &'static str {
    match backend {
        DatabaseBackend::Postgres => "PostgreSQL",
        DatabaseBackend::Sqlite => "SQLite",
        _ => "unsupported",
    }
}
