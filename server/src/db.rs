//! Opening the database: the SQLite file (created with its folder) or a PostgreSQL pool.

use std::{path::Path, time::Duration};

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DbErr};

pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    if let Some(parent) = sqlite_file(url)
        .and_then(|path| Path::new(path).parent())
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .map_err(|error| DbErr::Custom(format!("cannot create {}: {error}", parent.display())))?;
    }
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(16)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        // A ping on every checkout doubled the round trips of every query; a connection in
        // use within the last second is as good as a ping, and one idle longer (as all are
        // while an outage is refused at the gate) is still checked.
        .test_before_acquire_if_idle_for(Duration::from_secs(1))
        .sqlx_logging(false);
    let db = Database::connect(options).await?;
    if db.get_database_backend() == DatabaseBackend::Sqlite {
        // Write-ahead logging lets readers run while the pipeline writes; it is a property
        // of the file, so setting it once per start is enough.
        db.execute_unprepared("PRAGMA journal_mode = WAL").await?;
    }
    Ok(db)
}

/// The file path in a `sqlite:` URL, unless the database is in memory.
pub(crate) fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then_some(path)
}

#[cfg(test)]
mod tests {
    use super::sqlite_file;

    #[test]
    fn finds_the_file_of_a_sqlite_url() {
        assert_eq!(sqlite_file("sqlite://data/novi.db?mode=rwc"), Some("data/novi.db"));
        assert_eq!(sqlite_file("sqlite:/tmp/x.db"), Some("/tmp/x.db"));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://localhost/novi"), None);
    }
}
