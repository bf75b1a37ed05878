//! Scheduled backups inside `novi serve`: every `BACKUP_EVERY` one instance claims the run,
//! writes an archive into `BACKUP_DIR`, restores it into a scratch database to prove it, keeps
//! the newest `BACKUP_KEEP` archives, and records the outcome for the settings page and
//! `/metrics`.

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use app::services::backups::{self, Outcome, Schedule};
use chrono::Utc;
use sea_orm::DatabaseConnection;
use tokio::{sync::watch, task::JoinHandle};

use super::{BackupError, Sources, archive};

/// How long to wait before asking again when the database could not be asked.
const RETRY: Duration = Duration::from_secs(60);

#[derive(Debug, Clone)]
pub struct Settings {
    pub dir: PathBuf,
    pub schedule: Schedule,
    pub sources: Sources,
}

pub fn spawn(db: DatabaseConnection, settings: Settings, mut stopped: watch::Receiver<bool>) -> JoinHandle<()> {
    tokio::spawn(async move {
        show_latest(&db).await;
        loop {
            let wait = backups::due_in(&db, settings.schedule, Utc::now())
                .await
                .unwrap_or_else(|error| {
                    tracing::warn!(%error, "cannot tell when the next backup is due");
                    RETRY
                });
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                _ = stopped.changed() => return,
            }
            match backups::claim(&db, settings.schedule, Utc::now()).await {
                // A backup in progress finishes before the server stops: cut short, it would
                // leave a scratch database behind.
                Ok(Some(id)) => run(&db, &settings, id).await,
                Ok(None) => {}
                Err(error) => {
                    tracing::warn!(%error, "cannot claim the backup that is due");
                    tokio::time::sleep(RETRY).await;
                }
            }
        }
    })
}

async fn run(db: &DatabaseConnection, settings: &Settings, id: i64) {
    let started = Instant::now();
    let outcome = make_and_prove(db, settings).await;
    metrics::gauge!("novi_backup_last_duration_seconds").set(started.elapsed().as_secs_f64());
    match &outcome {
        Outcome::Verified {
            archive,
            size_bytes,
            rows,
        } => {
            tracing::info!(%archive, size_bytes, rows, "backup written and verified");
            metrics::counter!("novi_backup_runs_total", "result" => "verified").increment(1);
            metrics::gauge!("novi_backup_last_run_ok").set(1.0);
            show_verified(Utc::now().timestamp(), *size_bytes, *rows);
        }
        Outcome::Failed { error, .. } => {
            tracing::error!(%error, "backup failed");
            metrics::counter!("novi_backup_runs_total", "result" => "failed").increment(1);
            metrics::gauge!("novi_backup_last_run_ok").set(0.0);
        }
    }
    if let Err(error) = backups::finish(db, id, outcome).await {
        tracing::error!(%error, "cannot record how the backup went");
    }
}

async fn make_and_prove(db: &DatabaseConnection, settings: &Settings) -> Outcome {
    let made = match super::create(db, &settings.sources, &settings.dir).await {
        Ok(made) => made,
        Err(error) => {
            return Outcome::Failed {
                archive: None,
                error: error.to_string(),
            };
        }
    };
    let name = made
        .path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    match super::verify(&made.path, db, &settings.sources.database_url).await {
        Ok(rows) => {
            prune(&settings.dir, settings.schedule.keep);
            Outcome::Verified {
                archive: name,
                size_bytes: made.size_bytes,
                rows,
            }
        }
        Err(error) => {
            // An archive proven wrong is no backup, and keeping it would invite its use; one
            // that could not be checked (no scratch database, a full disk) is kept, unverified.
            let proven_wrong = matches!(error, BackupError::Mismatch(_) | BackupError::Refused { .. });
            if proven_wrong {
                let _ = std::fs::remove_file(&made.path);
            }
            Outcome::Failed {
                archive: Some(name),
                error: if proven_wrong {
                    format!("verification: {error}; the archive was removed")
                } else {
                    format!("not verified: {error}; the archive is kept")
                },
            }
        }
    }
}

/// Removes all but the newest `keep` archives (their names sort by time).
fn prune(dir: &Path, keep: usize) {
    let Ok(children) = std::fs::read_dir(dir) else { return };
    let mut archives: Vec<PathBuf> = children
        .filter_map(Result::ok)
        .map(|child| child.path())
        .filter(|path| {
            path.file_name()
                .map(|name| name.to_string_lossy())
                .is_some_and(|name| name.starts_with(archive::PREFIX) && name.ends_with(archive::SUFFIX))
        })
        .collect();
    archives.sort();
    let surplus = archives.len().saturating_sub(keep);
    for old in &archives[..surplus] {
        if let Err(error) = std::fs::remove_file(old) {
            tracing::warn!(path = %old.display(), %error, "cannot remove an old backup");
        }
    }
}

/// The last verified backup from before this start, so `/metrics` shows its age at once.
async fn show_latest(db: &DatabaseConnection) {
    if let Ok(Some(run)) = backups::latest_verified(db).await {
        let at = run.finished_at.unwrap_or(run.started_at).timestamp();
        let size = run
            .size_bytes
            .and_then(|size| u64::try_from(size).ok())
            .unwrap_or_default();
        let rows = run.rows.and_then(|rows| u64::try_from(rows).ok()).unwrap_or_default();
        show_verified(at, size, rows);
    }
}

fn show_verified(at: i64, size_bytes: u64, rows: u64) {
    metrics::gauge!("novi_backup_last_success_timestamp_seconds").set(at as f64);
    metrics::gauge!("novi_backup_last_size_bytes").set(size_bytes as f64);
    metrics::gauge!("novi_backup_last_rows").set(rows as f64);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backup::scratch::Scratch;

    #[test]
    fn pruning_keeps_the_newest_archives_and_nothing_else_is_touched() {
        let dir = Scratch::new(&std::env::temp_dir(), "test-prune").unwrap();
        for stamp in ["20261101T000000.000Z", "20261102T000000.000Z", "20261103T000000.000Z"] {
            std::fs::write(dir.path().join(format!("novi-backup-{stamp}.tar.gz")), b"").unwrap();
        }
        std::fs::write(dir.path().join("notes.txt"), b"").unwrap();
        prune(dir.path(), 2);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|child| child.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "notes.txt",
                "novi-backup-20261102T000000.000Z.tar.gz",
                "novi-backup-20261103T000000.000Z.tar.gz"
            ]
        );
    }
}
