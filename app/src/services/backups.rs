//! The record of scheduled backups (`backup_runs`). The archives themselves are made by the
//! server; this is what decides when the next one is due, lets exactly one instance take it,
//! and what the settings page and `/metrics` read.

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::{backup_runs, enums::BackupStatus};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, Statement,
};

use crate::{
    dto::{BackupOverview, BackupRunDto},
    error::ServiceError,
    services::{
        access::{Caller, Permission},
        transaction,
    },
};

/// How often backups run and how many archives are kept (`BACKUP_EVERY`, `BACKUP_KEEP`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub every: Duration,
    pub keep: usize,
}

/// A failed backup is tried again after this long, or after the schedule's period if shorter.
const RETRY_AFTER: Duration = Duration::from_secs(3600);

/// The advisory lock key that serialises claims across instances: "Novi", as for the WhatsApp
/// leases, whose second halves are business ids and so never negative.
const CLAIM_LOCK: (i32, i32) = (0x4e6f_7669, -1);

/// How the run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Verified {
        archive: String,
        size_bytes: u64,
        rows: u64,
    },
    Failed {
        archive: Option<String>,
        error: String,
    },
}

/// How long until the next backup is due (zero when it is due now).
pub async fn due_in(db: &DatabaseConnection, schedule: Schedule, now: DateTime<Utc>) -> Result<Duration, ServiceError> {
    let latest = latest(db).await?;
    Ok(wait_after(latest.as_ref(), schedule, now))
}

fn wait_after(latest: Option<&backup_runs::Model>, schedule: Schedule, now: DateTime<Utc>) -> Duration {
    let Some(run) = latest else { return Duration::ZERO };
    let period = match run.status {
        BackupStatus::Failed => schedule.every.min(RETRY_AFTER),
        BackupStatus::Running | BackupStatus::Verified => schedule.every,
    };
    let elapsed = (now - run.started_at).to_std().unwrap_or_default();
    period.saturating_sub(elapsed)
}

/// Records a new run if one is due, and returns its id; `None` when another instance (or an
/// earlier run) got there first. A run left `running` by a crash counts as started, so the
/// next one comes a period later rather than at once in a crash loop.
pub async fn claim(
    db: &DatabaseConnection,
    schedule: Schedule,
    now: DateTime<Utc>,
) -> Result<Option<i64>, ServiceError> {
    let txn = transaction::begin(db).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1, $2)",
            [CLAIM_LOCK.0.into(), CLAIM_LOCK.1.into()],
        ))
        .await?;
    }
    let latest = latest(&txn).await?;
    if !wait_after(latest.as_ref(), schedule, now).is_zero() {
        return Ok(None);
    }
    let run = backup_runs::ActiveModel {
        status: Set(BackupStatus::Running),
        started_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(Some(run.id))
}

/// Writes how the run ended.
pub async fn finish(db: &DatabaseConnection, id: i64, outcome: Outcome) -> Result<backup_runs::Model, ServiceError> {
    let mut run = backup_runs::ActiveModel {
        id: Set(id),
        finished_at: Set(Some(Utc::now())),
        ..Default::default()
    };
    match outcome {
        Outcome::Verified {
            archive,
            size_bytes,
            rows,
        } => {
            run.status = Set(BackupStatus::Verified);
            run.archive = Set(Some(archive));
            run.size_bytes = Set(Some(i64::try_from(size_bytes).unwrap_or(i64::MAX)));
            run.rows = Set(Some(i64::try_from(rows).unwrap_or(i64::MAX)));
        }
        Outcome::Failed { archive, error } => {
            run.status = Set(BackupStatus::Failed);
            run.archive = Set(archive);
            run.error = Set(Some(error));
        }
    }
    Ok(run.update(db).await?)
}

/// The latest verified run, for the metrics an instance shows from its start.
pub async fn latest_verified(db: &DatabaseConnection) -> Result<Option<backup_runs::Model>, ServiceError> {
    Ok(backup_runs::Entity::find()
        .filter(backup_runs::Column::Status.eq(BackupStatus::Verified))
        .order_by_desc(backup_runs::Column::StartedAt)
        .one(db)
        .await?)
}

/// The schedule and the latest runs, for owners and the platform admin.
pub async fn overview(
    db: &DatabaseConnection,
    caller: &Caller,
    schedule: Option<Schedule>,
) -> Result<BackupOverview, ServiceError> {
    caller.require(Permission::ManageSettings)?;
    let runs = backup_runs::Entity::find()
        .order_by_desc(backup_runs::Column::StartedAt)
        .order_by_desc(backup_runs::Column::Id)
        .limit(10)
        .all(db)
        .await?;
    Ok(BackupOverview {
        every_seconds: schedule.map(|schedule| schedule.every.as_secs()),
        keep: schedule.map(|schedule| schedule.keep),
        runs: runs.into_iter().map(dto).collect(),
    })
}

async fn latest(db: &impl ConnectionTrait) -> Result<Option<backup_runs::Model>, ServiceError> {
    Ok(backup_runs::Entity::find()
        .order_by_desc(backup_runs::Column::StartedAt)
        .order_by_desc(backup_runs::Column::Id)
        .one(db)
        .await?)
}

fn dto(run: backup_runs::Model) -> BackupRunDto {
    BackupRunDto {
        status: run.status,
        started_at: run.started_at,
        finished_at: run.finished_at,
        archive: run.archive,
        size_bytes: run.size_bytes,
        rows: run.rows,
        error: run.error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(status: BackupStatus, minutes_ago: i64, now: DateTime<Utc>) -> backup_runs::Model {
        backup_runs::Model {
            id: 1,
            status,
            started_at: now - chrono::Duration::minutes(minutes_ago),
            finished_at: None,
            archive: None,
            size_bytes: None,
            rows: None,
            error: None,
        }
    }

    #[test]
    fn the_first_backup_is_due_at_once_and_the_next_a_period_after_the_last_start() {
        let now = Utc::now();
        let daily = Schedule {
            every: Duration::from_secs(24 * 3600),
            keep: 7,
        };
        assert_eq!(wait_after(None, daily, now), Duration::ZERO);
        let ten_hours = run(BackupStatus::Verified, 600, now);
        assert_eq!(wait_after(Some(&ten_hours), daily, now), Duration::from_secs(14 * 3600));
        let crashed = run(BackupStatus::Running, 600, now);
        assert_eq!(wait_after(Some(&crashed), daily, now), Duration::from_secs(14 * 3600));
        let failed = run(BackupStatus::Failed, 30, now);
        assert_eq!(wait_after(Some(&failed), daily, now), Duration::from_secs(30 * 60));
        let long_ago = run(BackupStatus::Verified, 3 * 24 * 60, now);
        assert_eq!(wait_after(Some(&long_ago), daily, now), Duration::ZERO);
    }
}
