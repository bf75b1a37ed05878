//! Backups as an operator relies on them: an archive made while Novi serves restores into an
//! empty database with every row and the WhatsApp sessions back; a damaged archive or a
//! database that is not empty is refused before anything is written; the schedule inside
//! `novi serve` proves each archive by restoring it, and says so on `/metrics` and to owners.

use std::path::{Path, PathBuf};

use novi_tests::{
    Engine, Options, TestDatabase, eventually, on_every_engine, random_suffix, spawn_app, spawn_app_with,
};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::json;
use server::backup::{self, BackupError, Sources};

on_every_engine!(
    a_backup_restores_into_an_empty_database_with_everything_back,
    scheduled_backups_are_proven_and_shown
);

async fn count(db: &DatabaseConnection, table: &str) -> i64 {
    let backend = db.get_database_backend();
    db.query_one_raw(Statement::from_string(backend, format!("SELECT COUNT(*) FROM {table}")))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index(0)
        .unwrap()
}

fn work_folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("novi-{name}-{}", random_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A copy of `archive` with one byte flipped in its middle.
fn damaged(archive: &Path) -> PathBuf {
    let mut bytes = std::fs::read(archive).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x5a;
    let copy = archive.with_file_name("damaged.tar.gz");
    std::fs::write(&copy, bytes).unwrap();
    copy
}

async fn a_backup_restores_into_an_empty_database_with_everything_back(engine: Engine) {
    let app = spawn_app(engine.clone()).await;
    app.seed_demo(150).await;
    let work = work_folder("backup");
    let sessions = work.join("whatsapp");
    std::fs::create_dir_all(sessions.join("business-1/Default/Cache")).unwrap();
    std::fs::write(
        sessions.join("business-1/Default/Cookies"),
        b"the linked phone's session",
    )
    .unwrap();
    std::fs::write(sessions.join("business-1/Default/Cache/data_0"), b"rebuilt on start").unwrap();
    let sources = Sources {
        database_url: app.database_url().to_string(),
        sessions: sessions.clone(),
        sealed: false,
    };

    let made = backup::create(&app.db, &sources, &work.join("backups")).await.unwrap();
    let tables = [
        "orders",
        "order_items",
        "customers",
        "users",
        "products",
        "inbound_messages",
    ];
    let mut before = Vec::new();
    for table in tables {
        let rows = count(&app.db, table).await;
        assert_eq!(made.manifest.tables[table], rows as u64, "{table}");
        before.push(rows);
    }
    assert!(before[0] >= 150 && before[1] > before[0], "{before:?}");
    app.stop().await;

    // The machine is lost: a new, empty database and no session folder.
    let target = TestDatabase::create(&engine).await;
    let restored_sessions = work.join("restored-whatsapp");
    let into = Sources {
        database_url: target.url.clone(),
        sessions: restored_sessions.clone(),
        sealed: false,
    };

    let refused = backup::restore(&damaged(&made.path), &into).await;
    assert!(matches!(refused, Err(BackupError::Refused { .. })), "{refused:?}");
    assert!(
        !restored_sessions.exists(),
        "nothing is restored from a damaged archive"
    );

    let manifest = backup::restore(&made.path, &into).await.unwrap();
    assert_eq!(manifest, made.manifest);
    let db = target.connect().await;
    for (table, rows) in tables.iter().zip(&before) {
        assert_eq!(count(&db, table).await, *rows, "{table} after the restore");
    }
    assert_eq!(app::services::system::pending_migrations(&db).await.unwrap(), 0);
    db.close().await.unwrap();
    assert_eq!(
        std::fs::read(restored_sessions.join("business-1/Default/Cookies")).unwrap(),
        b"the linked phone's session"
    );
    assert!(!restored_sessions.join("business-1/Default/Cache").exists());

    let again = backup::restore(&made.path, &into).await;
    assert!(matches!(again, Err(BackupError::NotEmpty(_))), "{again:?}");
    let _ = std::fs::remove_dir_all(work);
}

async fn scheduled_backups_are_proven_and_shown(engine: Engine) {
    let dir = work_folder("scheduled");
    let app = spawn_app_with(
        engine,
        Options {
            backup_dir: Some(dir.clone()),
            ..Default::default()
        },
    )
    .await;
    app.seed_demo(20).await;

    let owner = app.session_cookie("owner@pizzapalace.example").await;
    let overview = eventually(
        std::time::Duration::from_secs(60),
        "the first scheduled backup",
        || async {
            let (status, overview, _) = app.rpc("system/backups", &owner, json!({})).await;
            assert_eq!(status, 200, "{overview}");
            let finished = overview["runs"][0]["status"] != "running" && overview["runs"][0].is_object();
            finished.then_some(overview)
        },
    )
    .await;
    let run = &overview["runs"][0];
    assert_eq!(run["status"], "verified", "{run}");
    assert!(run["rows"].as_i64().unwrap() > 0, "{run}");
    assert_eq!(overview["every_seconds"], 86_400);
    assert_eq!(overview["keep"], 2);
    let archive = dir.join(run["archive"].as_str().unwrap());
    assert_eq!(
        std::fs::metadata(&archive).unwrap().len(),
        run["size_bytes"].as_u64().unwrap()
    );
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "only the archive is left behind, no working folders"
    );

    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("novi_backup_last_success_timestamp_seconds"),
        "{metrics}"
    );
    assert!(
        metrics.contains("novi_backup_runs_total{result=\"verified\"}"),
        "{metrics}"
    );

    let staff = app.session_cookie("staff@pizzapalace.example").await;
    let (status, ..) = app.rpc("system/backups", &staff, json!({})).await;
    assert_eq!(status, 403);
    let _ = std::fs::remove_dir_all(dir);
}
