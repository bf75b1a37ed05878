//! The database side of a backup: a consistent copy while Novi serves (SQLite's `VACUUM INTO`;
//! `pg_dump` from an exported snapshot, so the row counts and the dump agree), restoring a copy
//! into an empty database, and counting rows to prove it.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    process::Stdio,
};

use sea_orm::{
    AccessMode, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, IsolationLevel, Statement,
    TransactionTrait,
};

use super::{BackupError, Engine, io_error, scratch};
use crate::{config::redact_url, db::sqlite_file};

/// A copy of the database written into the staging folder, and its rows per table.
pub struct Dump {
    pub engine: Engine,
    pub tables: BTreeMap<String, u64>,
}

pub async fn dump(db: &DatabaseConnection, url: &str, into: &Path) -> Result<Dump, BackupError> {
    let engine = Engine::of_url(url);
    let file = into.join(engine.dump_file());
    let tables = match engine {
        Engine::Sqlite => {
            let target = file.to_string_lossy().replace('\'', "''");
            db.execute_unprepared(&format!("VACUUM INTO '{target}'")).await?;
            count_rows_at(&sqlite_url(&file, "ro")).await?
        }
        Engine::Postgres => {
            let txn = db
                .begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly))
                .await?;
            let snapshot: String = txn
                .query_one_raw(Statement::from_string(
                    DbBackend::Postgres,
                    "SELECT pg_export_snapshot()",
                ))
                .await?
                .ok_or_else(|| DbErr::Custom("PostgreSQL exported no snapshot".into()))?
                .try_get_by_index(0)?;
            let tables = count_rows(&txn).await?;
            let file = file.to_string_lossy();
            let (url, password) = split_password(url);
            run_tool(
                "pg_dump",
                &[
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    &format!("--snapshot={snapshot}"),
                    &format!("--file={file}"),
                    &format!("--dbname={url}"),
                ],
                password.as_deref(),
            )
            .await?;
            txn.commit().await?;
            tables
        }
    };
    Ok(Dump { engine, tables })
}

/// Restores `file` into the database at `url`, which must hold no tables yet.
pub async fn restore_into(url: &str, engine: Engine, file: &Path) -> Result<(), BackupError> {
    match engine {
        Engine::Sqlite => {
            let path = PathBuf::from(
                sqlite_file(url)
                    .ok_or_else(|| BackupError::Tool("an in-memory SQLite database cannot be restored into".into()))?,
            );
            if path.exists() {
                ensure_empty(url, &path.display().to_string()).await?;
            }
            if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(io_error(parent))?;
            }
            let partial = path.with_extension("restoring");
            std::fs::copy(file, &partial).map_err(io_error(&partial))?;
            // A log left by the empty database would be replayed into the restored one.
            for log in ["-wal", "-shm"] {
                let log = PathBuf::from(format!("{}{log}", path.display()));
                match std::fs::remove_file(&log) {
                    Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(io_error(&log)(error)),
                    _ => {}
                }
            }
            std::fs::rename(&partial, &path).map_err(io_error(&path))
        }
        Engine::Postgres => {
            ensure_empty(url, &format!("the database {}", redact_url(url))).await?;
            let file = file.to_string_lossy();
            let (url, password) = split_password(url);
            run_tool(
                "pg_restore",
                &[
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    &format!("--dbname={url}"),
                    &file,
                ],
                password.as_deref(),
            )
            .await
        }
    }
}

pub async fn count_rows_at(url: &str) -> Result<BTreeMap<String, u64>, BackupError> {
    let db = Database::connect(url).await?;
    let counted = count_rows(&db).await;
    db.close().await?;
    counted
}

async fn ensure_empty(url: &str, what: &str) -> Result<(), BackupError> {
    let db = Database::connect(url).await?;
    let tables = tables(&db).await;
    db.close().await?;
    if tables?.is_empty() {
        Ok(())
    } else {
        Err(BackupError::NotEmpty(what.to_string()))
    }
}

async fn count_rows(db: &impl ConnectionTrait) -> Result<BTreeMap<String, u64>, BackupError> {
    let backend = db.get_database_backend();
    let mut counts = BTreeMap::new();
    for table in tables(db).await? {
        let sql = format!("SELECT COUNT(*) FROM \"{}\"", table.replace('"', "\"\""));
        let count: i64 = db
            .query_one_raw(Statement::from_string(backend, sql))
            .await?
            .ok_or_else(|| DbErr::Custom(format!("no count for {table}")))?
            .try_get_by_index(0)?;
        counts.insert(table, u64::try_from(count).unwrap_or_default());
    }
    Ok(counts)
}

async fn tables(db: &impl ConnectionTrait) -> Result<Vec<String>, BackupError> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1",
        _ => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1",
    };
    let rows = db.query_all_raw(Statement::from_string(backend, sql)).await?;
    Ok(rows
        .iter()
        .map(|row| row.try_get_by_index::<String>(0))
        .collect::<Result<_, _>>()?)
}

/// A database to restore an archive into and throw away: a file in the verification folder on
/// SQLite, a database of its own on the same PostgreSQL server (the role needs `CREATEDB`).
pub struct ScratchDatabase {
    url: String,
    postgres_name: Option<String>,
}

impl ScratchDatabase {
    pub async fn create(db: &DatabaseConnection, url: &str, dir: &Path) -> Result<Self, BackupError> {
        match Engine::of_url(url) {
            Engine::Sqlite => Ok(Self {
                url: sqlite_url(&dir.join("scratch.sqlite"), "rwc"),
                postgres_name: None,
            }),
            Engine::Postgres => {
                let name = format!("novi_verify_{}", scratch::suffix());
                db.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await?;
                Ok(Self {
                    url: with_database(url, &name),
                    postgres_name: Some(name),
                })
            }
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub async fn remove(self, db: &DatabaseConnection) -> Result<(), BackupError> {
        if let Some(name) = self.postgres_name {
            db.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await?;
        }
        Ok(())
    }
}

fn sqlite_url(path: &Path, mode: &str) -> String {
    format!("sqlite://{}?mode={mode}", path.display())
}

/// The same server and credentials, another database.
fn with_database(url: &str, name: &str) -> String {
    let authority = url.find("://").map_or(0, |scheme| scheme + 3);
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(base, query)| (base, Some(query)));
    let server = match base[authority..].find('/') {
        Some(slash) => &base[..authority + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}

/// Longer than any dump or restore of a small business's database; a tool stuck behind a lock
/// is stopped rather than holding the schedule (and the exported snapshot) forever.
const TOOL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3 * 3600);

/// `url` without its password, and the password: the tools get it through `PGPASSWORD`, as
/// their arguments are visible to every user of the machine.
fn split_password(url: &str) -> (String, Option<String>) {
    let (Some(scheme), Some(at)) = (url.find("://"), url.rfind('@')) else {
        return (url.to_string(), None);
    };
    let Some((user, password)) = url.get(scheme + 3..at).and_then(|userinfo| userinfo.split_once(':')) else {
        return (url.to_string(), None);
    };
    let password = percent_encoding::percent_decode_str(password)
        .decode_utf8_lossy()
        .into_owned();
    (format!("{}{user}{}", &url[..scheme + 3], &url[at..]), Some(password))
}

async fn run_tool(tool: &str, args: &[&str], password: Option<&str>) -> Result<(), BackupError> {
    let mut command = tokio::process::Command::new(tool);
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let running = command.args(args).stdin(Stdio::null()).kill_on_drop(true).output();
    let output = tokio::time::timeout(TOOL_TIMEOUT, running)
        .await
        .map_err(|_| BackupError::Tool(format!("{tool} did not finish within {} hours", TOOL_TIMEOUT.as_secs() / 3600)))?
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => BackupError::Tool(format!(
                "{tool} was not found: install the PostgreSQL client tools (Debian: postgresql-client) of your server's major version or newer"
            )),
            _ => BackupError::Tool(format!("cannot run {tool}: {error}")),
        })?;
    if output.status.success() {
        Ok(())
    } else {
        Err(BackupError::Tool(format!(
            "{tool} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::{split_password, with_database};

    #[test]
    fn a_scratch_database_keeps_the_server_and_credentials() {
        assert_eq!(
            with_database("postgres://novi:pw@db:5432/novi?sslmode=require", "x"),
            "postgres://novi:pw@db:5432/x?sslmode=require"
        );
        assert_eq!(with_database("postgres://localhost", "x"), "postgres://localhost/x");
    }

    #[test]
    fn a_password_goes_to_the_tools_outside_their_arguments() {
        assert_eq!(
            split_password("postgres://novi:p%40ss@db:5432/novi?sslmode=require"),
            (
                "postgres://novi@db:5432/novi?sslmode=require".to_string(),
                Some("p@ss".to_string())
            )
        );
        assert_eq!(
            split_password("postgres://novi@db/novi"),
            ("postgres://novi@db/novi".to_string(), None)
        );
        assert_eq!(
            split_password("postgres://db/novi"),
            ("postgres://db/novi".to_string(), None)
        );
    }
}
