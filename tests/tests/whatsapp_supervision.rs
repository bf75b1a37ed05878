//! The WhatsApp supervisor without a browser to run: a worker that cannot start Chromium gives
//! up after repeated failures (`failed`: manual mode) and tells the owner in the audit log; a
//! connect request starts it again; a business that enables WhatsApp later gets a worker.

use std::time::Duration;

use entity::audit_events;
use novi_tests::{DEMO_PASSWORD, Engine, Options, spawn_app_with};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

#[tokio::test]
async fn a_worker_without_a_browser_fails_into_manual_mode_and_can_be_started_again() {
    let sessions = std::env::temp_dir().join(format!("novi-wa-failing-{}", std::process::id()));
    let app = spawn_app_with(
        Engine::Sqlite,
        Options {
            whatsapp_simulator: Some(sessions.clone()),
            chromium: Some("/nonexistent/chromium".into()),
            ..Options::default()
        },
    )
    .await;
    app.seed_demo(1).await;
    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;

    app.whatsapp_state_becomes(&owner, "failed", Duration::from_secs(60))
        .await;
    let notes = audit_events::Entity::find()
        .filter(audit_events::Column::Action.eq("whatsapp_failed"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0].after.as_ref().unwrap()["error"]
            .as_str()
            .unwrap()
            .contains("chromium")
    );

    let (status, body) = app
        .send(reqwest::Method::POST, "/api/whatsapp/connect", &owner, None)
        .await;
    assert_eq!(status, 202, "{body}");
    // Started again: it tries (starting, reconnecting…) instead of staying failed.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while app.whatsapp(&owner).await["state"] == "failed" {
        assert!(
            tokio::time::Instant::now() < deadline,
            "connect did not start the worker again"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // A business that turns WhatsApp on later gets its own worker.
    let other = app.register_owner("owner@later.example", "Later Bakery").await;
    let (_, me) = app.get_json("/api/auth/me", &other).await;
    let business = me["user"]["business_id"].as_i64().expect("a business");
    let (status, body) = app
        .send(reqwest::Method::POST, "/api/whatsapp/connect", &other, None)
        .await;
    assert_eq!(status, 409, "WhatsApp is not enabled yet: {body}");
    let (status, body) = app
        .send(
            reqwest::Method::PATCH,
            &format!("/api/businesses/{business}"),
            &other,
            json!({"whatsapp_enabled": true}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        if app.whatsapp(&other).await["state"] != "disconnected" {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no worker started for the new business"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    app.stop().await;
    let _ = std::fs::remove_dir_all(sessions);
}
