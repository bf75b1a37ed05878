//! Backups, for the platform admin.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One scheduled backup, as the settings page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupRunDto {
    pub status: entity::enums::BackupStatus,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// The archive's file name in the backup folder.
    pub archive: Option<String>,
    pub size_bytes: Option<i64>,
    /// Rows found again when the archive was restored into a scratch database.
    pub rows: Option<i64>,
    pub error: Option<String>,
}

/// The installation's backups: how often they run (none when `BACKUP_DIR` is not set) and the
/// latest runs, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupOverview {
    pub every_seconds: Option<u64>,
    pub keep: Option<usize>,
    pub runs: Vec<BackupRunDto>,
}
