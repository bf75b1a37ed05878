//! Backups: one archive holding a consistent copy of the database and the WhatsApp session
//! store, with a manifest of checksums and row counts (`archive`); restoring one into an empty
//! database (`database`, `sessions`); and the schedule inside `novi serve` that makes one every
//! `BACKUP_EVERY` and proves it by restoring it into a scratch database (`schedule`).

mod archive;
mod database;
pub mod schedule;
mod scratch;
mod sessions;

use std::{
    collections::BTreeMap,
    io,
    os::unix::fs::DirBuilderExt,
    path::{Path, PathBuf},
};

use chrono::Utc;
use migration::{Migrator, MigratorTrait};
use sea_orm::{DatabaseConnection, DbErr};

pub use archive::{Engine, Manifest};
use scratch::Scratch;

use crate::config::Config;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("database: {0}")]
    Database(#[from] DbErr),
    /// `pg_dump` or `pg_restore` missing or failing.
    #[error("{0}")]
    Tool(String),
    /// Not a Novi backup, damaged, or not one this build or this database can take.
    #[error("{archive} is refused: {reason}")]
    Refused { archive: PathBuf, reason: String },
    /// Restoring would overwrite data.
    #[error("{0} is not empty: restore only into an empty database and an empty session folder")]
    NotEmpty(String),
    #[error("the restored copy differs from the backup: {0}")]
    Mismatch(String),
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What a backup copies: the database behind `database_url` and the session folder.
#[derive(Debug, Clone)]
pub struct Sources {
    pub database_url: String,
    pub sessions: PathBuf,
    /// With `NOVI_SESSION_KEY` set only the sealed profiles are taken, never the plaintext.
    pub sealed: bool,
}

impl From<&Config> for Sources {
    fn from(config: &Config) -> Self {
        Self {
            database_url: config.database_url.clone(),
            sessions: config.whatsapp_session_path.clone(),
            sealed: config.session_key.is_some(),
        }
    }
}

/// An archive written to disk.
#[derive(Debug, Clone)]
pub struct Made {
    pub path: PathBuf,
    pub size_bytes: u64,
    pub manifest: Manifest,
}

impl Made {
    pub fn rows(&self) -> u64 {
        self.manifest.tables.values().sum()
    }
}

/// Writes `novi-backup-<UTC time>.tar.gz` into `dir` while Novi keeps serving.
pub async fn create(db: &DatabaseConnection, sources: &Sources, dir: &Path) -> Result<Made, BackupError> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(io_error(dir))?;
    let staging = Scratch::new(dir, "staging")?;
    let now = Utc::now();
    let migrations = Migrator::get_applied_migrations(db)
        .await?
        .iter()
        .map(|migration| migration.name().to_string())
        .collect();
    let dump = database::dump(db, &sources.database_url, staging.path()).await?;
    let store = sessions::copy_out(
        &sources.sessions,
        sources.sealed,
        &staging.path().join(archive::SESSIONS),
    )?;
    let manifest = Manifest::new(now, dump.engine, migrations, dump.tables, store);
    let path = dir.join(format!(
        "{}{}{}",
        archive::PREFIX,
        now.format("%Y%m%dT%H%M%S%.3fZ"),
        archive::SUFFIX
    ));
    let manifest = archive::write(staging.path(), manifest, &path)?;
    let size_bytes = std::fs::metadata(&path).map_err(io_error(&path))?.len();
    Ok(Made {
        path,
        size_bytes,
        manifest,
    })
}

/// Restores an archive into the empty database at `sources.database_url` and the empty session
/// folder, then checks that every table holds the rows the manifest lists.
pub async fn restore(archive_path: &Path, sources: &Sources) -> Result<Manifest, BackupError> {
    // Unpacked beside the archive: a temporary folder may be a small in-memory one.
    let staging = Scratch::new(archive_path.parent().unwrap_or(Path::new(".")), "restore")?;
    let manifest = archive::open(archive_path, staging.path())?;
    let engine = Engine::of_url(&sources.database_url);
    if manifest.engine != engine {
        return Err(BackupError::Refused {
            archive: archive_path.to_path_buf(),
            reason: format!("it holds a {} database and DATABASE_URL is {}", manifest.engine, engine),
        });
    }
    let known: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_string()).collect();
    if let Some(unknown) = manifest.migrations.iter().find(|name| !known.contains(name)) {
        return Err(BackupError::Refused {
            archive: archive_path.to_path_buf(),
            reason: format!("it was made by a newer Novi (migration {unknown} is unknown here)"),
        });
    }
    sessions::ensure_empty(&sources.sessions)?;
    database::restore_into(&sources.database_url, engine, &staging.path().join(engine.dump_file())).await?;
    let restored = database::count_rows_at(&sources.database_url).await?;
    compare(&manifest.tables, &restored)?;
    sessions::copy_in(&staging.path().join(archive::SESSIONS), &sources.sessions)?;
    Ok(manifest)
}

/// Proves an archive: opens it (checksums), restores its database into a scratch database and
/// compares every table's rows with the manifest. Returns the rows found.
pub async fn verify(archive_path: &Path, db: &DatabaseConnection, database_url: &str) -> Result<u64, BackupError> {
    let scratch_base = archive_path.parent().unwrap_or(Path::new("."));
    let staging = Scratch::new(scratch_base, "verify")?;
    let manifest = archive::open(archive_path, staging.path())?;
    let engine = manifest.engine;
    let restored = database::ScratchDatabase::create(db, database_url, staging.path()).await?;
    let counted = async {
        database::restore_into(restored.url(), engine, &staging.path().join(engine.dump_file())).await?;
        database::count_rows_at(restored.url()).await
    }
    .await;
    restored.remove(db).await?;
    let counted = counted?;
    compare(&manifest.tables, &counted)?;
    Ok(counted.values().sum())
}

fn compare(expected: &BTreeMap<String, u64>, found: &BTreeMap<String, u64>) -> Result<(), BackupError> {
    let differences: Vec<String> = expected
        .keys()
        .chain(found.keys())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .filter_map(|table| {
            let (want, got) = (expected.get(table), found.get(table));
            (want != got).then(|| format!("{table}: {} in the backup, {} restored", show(want), show(got)))
        })
        .collect();
    if differences.is_empty() {
        Ok(())
    } else {
        Err(BackupError::Mismatch(differences.join("; ")))
    }
}

fn show(count: Option<&u64>) -> String {
    count.map_or_else(|| "no table".to_string(), u64::to_string)
}
