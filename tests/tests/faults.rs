//! What the server does when what it stands on gives way: PostgreSQL going down and coming back
//! while requests arrive, and SQLite's disk filling up. (A SIGKILL in the middle of a burst and
//! a killed Chromium are in `end2end/tests/instances.rs` and `whatsapp_worker.rs`.)

use std::{
    path::PathBuf,
    process::Command,
    time::{Duration, Instant},
};

use novi_tests::{DEMO_PASSWORD, Engine, Options, database_address, eventually, proxy::Proxy, spawn_app_with};
use reqwest::Method;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

const OWNER: &str = "owner@pizzapalace.example";

fn new_order(customer: &str) -> Value {
    json!({"customer_name": customer, "items": [{"name": "Garlic Bread", "quantity": 2}], "notes": "x".repeat(400)})
}

fn assert_unavailable(status: u16, body: &Value, said: &str) {
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"]["code"], "unavailable", "{body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains(said), "{message}");
}

#[tokio::test]
async fn a_database_restart_is_answered_503_at_once_and_recovered_from_without_a_restart() {
    let Some(Engine::Postgres(admin_url)) = Engine::postgres() else {
        eprintln!("skipped: NOVI_TEST_POSTGRES_URL is not set");
        return;
    };
    let proxy = Proxy::start(database_address(&admin_url)).await;
    let options = Options {
        database_address: Some(proxy.address),
        ..Options::default()
    };
    let app = spawn_app_with(Engine::Postgres(admin_url), options).await;
    app.seed_demo(5).await;
    let owner = app.token(OWNER, DEMO_PASSWORD).await;
    let session = app.session_cookie(OWNER).await;
    // A list answered just before the outage would still be given for a moment (kept answers,
    // `app::services::recent`): the outage is met by lists not asked before it.
    let (status, before) = app.get_json("/api/orders?limit=5", &owner).await;
    assert_eq!(status, 200, "{before}");

    proxy.down();
    // The first request waits out the pool's timeout for a connection that never comes...
    let started = Instant::now();
    let (status, body) = app.get_json("/api/orders", &owner).await;
    let first = started.elapsed();
    assert_unavailable(status, &body, "database is unavailable");
    assert!(first < Duration::from_secs(8), "the first request took {first:?}");
    // ...the server makes sure with a ping of its own, then refuses at once, reads and writes
    // alike, and says when to try again.
    let closed = eventually(Duration::from_secs(15), "requests refused at once", || async {
        let started = Instant::now();
        let response = app
            .client
            .get(app.url("/api/orders"))
            .bearer_auth(&owner)
            .send()
            .await
            .ok()?;
        (response.status() == 503 && started.elapsed() < Duration::from_millis(200)).then_some(response)
    })
    .await;
    let gated = started.elapsed();
    assert_eq!(closed.headers()["retry-after"], "1");
    let mut slowest = Duration::ZERO;
    for round in 0..20 {
        let started = Instant::now();
        let (status, body) = if round % 2 == 0 {
            app.get_json("/api/orders", &owner).await
        } else {
            app.send(Method::POST, "/api/orders", &owner, new_order("Outage")).await
        };
        slowest = slowest.max(started.elapsed());
        assert_unavailable(status, &body, "database is unavailable");
    }
    // The dashboard's server functions hear it in their own error shape.
    let (status, refused, _) = app.rpc("system/backups", &session, json!({})).await;
    assert_eq!((status, &refused["code"]), (503, &json!("unavailable")), "{refused}");
    assert!(slowest < Duration::from_millis(500), "a refusal took {slowest:?}");
    assert_eq!(app.get("/readyz").await.status(), 503);
    assert_eq!(app.get("/healthz").await.status(), 200, "the process itself is alive");

    proxy.up().await;
    let back = Instant::now();
    eventually(Duration::from_secs(10), "the orders list answers again", || async {
        (app.get_json("/api/orders", &owner).await.0 == 200).then_some(())
    })
    .await;
    let recovered = back.elapsed();
    let (status, created) = app.send(Method::POST, "/api/orders", &owner, new_order("After")).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(app.get("/readyz").await.status(), 200);
    eprintln!(
        "first refusal {first:?}, refused at once {gated:?} after the outage, slowest later refusal {slowest:?}, \
         back {recovered:?} after the database"
    );
}

#[tokio::test]
async fn a_full_disk_refuses_writes_clearly_and_loses_nothing() {
    let disk = match SmallDisk::mount(16 << 20) {
        Ok(disk) => disk,
        Err(reason) => {
            eprintln!("skipped: a small file system could not be mounted ({reason}); this test needs root");
            return;
        }
    };
    let options = Options {
        database_parent: Some(disk.path.clone()),
        ..Options::default()
    };
    let app = spawn_app_with(Engine::Sqlite, options).await;
    app.seed_demo(5).await;
    let owner = app.token(OWNER, DEMO_PASSWORD).await;
    let filler = disk.fill_leaving(256 << 10);

    let mut saved = Vec::new();
    let mut refused = None;
    for number in 0..2_000 {
        let (status, body) = app
            .send(
                Method::POST,
                "/api/orders",
                &owner,
                new_order(&format!("Customer {number}")),
            )
            .await;
        if status == 201 {
            saved.push(body["order"]["id"].as_i64().expect("an order id"));
        } else {
            refused = Some((status, body));
            break;
        }
    }
    let (status, body) = refused.expect("the disk fills up");
    assert_unavailable(status, &body, "disk is full");
    assert!(!saved.is_empty(), "some orders fit before the disk was full");
    let (status, list) = app.get_json("/api/orders?limit=1", &owner).await;
    assert_eq!(status, 200, "reads go on while the disk is full: {list}");

    std::fs::remove_file(&filler).expect("free the disk");
    let (status, created) = app.send(Method::POST, "/api/orders", &owner, new_order("After")).await;
    assert_eq!(status, 201, "writes go on once there is room: {created}");
    for id in &saved {
        let (status, order) = app.get_json(&format!("/api/orders/{id}"), &owner).await;
        assert_eq!(status, 200, "order {id} was confirmed as saved: {order}");
    }
    let check = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            "PRAGMA integrity_check",
        ))
        .await
        .expect("integrity check runs")
        .expect("a row");
    assert_eq!(check.try_get_by_index::<String>(0).unwrap(), "ok");
    eprintln!("{} orders saved before the disk was full", saved.len());
}

/// A tmpfs of a fixed size, unmounted when dropped.
struct SmallDisk {
    path: PathBuf,
}

impl SmallDisk {
    fn mount(bytes: u64) -> Result<Self, String> {
        let path = std::env::temp_dir().join(format!("novi-small-disk-{}", novi_tests::random_suffix()));
        std::fs::create_dir_all(&path).map_err(|error| error.to_string())?;
        let output = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(&path)
            .output()
            .map_err(|error| error.to_string())?;
        if output.status.success() {
            Ok(Self { path })
        } else {
            let _ = std::fs::remove_dir(&path);
            Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
        }
    }

    /// Takes all the free space but `room` bytes with one file, and names it.
    fn fill_leaving(&self, room: u64) -> PathBuf {
        use std::io::Write;
        let path = self.path.join("filler");
        let mut file = std::fs::File::create(&path).expect("create the filler");
        let chunk = vec![0u8; 64 << 10];
        while file.write_all(&chunk).is_ok() {}
        let written = file.metadata().expect("the filler's size").len();
        file.set_len(written.saturating_sub(room)).expect("make room");
        path
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
        let _ = std::fs::remove_dir(&self.path);
    }
}
