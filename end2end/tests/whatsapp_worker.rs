//! `novi serve` with `NOVI_WHATSAPP=simulator`: the worker opens the simulator's WhatsApp Web
//! in Chromium, shows its QR through the API, links when the phone scans it, writes each
//! inbound message once however often WhatsApp delivers it, and sends each reply the pipeline
//! queues once.

use std::time::Duration;

use entity::{enums::OutboundStatus, inbound_messages, outbound_messages};
use novi_tests::{DEMO_PASSWORD, Engine, Options, SseStream, TestApp, free_port, spawn_app_with};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

const BUSINESS_PHONE: &str = "+15550000000";

async fn wait_for<T>(what: &str, mut check: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The inbound row of a WhatsApp message id, if it was written.
async fn inbound(app: &TestApp, external_id: &str) -> Option<inbound_messages::Model> {
    inbound_messages::Entity::find()
        .filter(inbound_messages::Column::ExternalId.eq(external_id))
        .one(&app.db)
        .await
        .unwrap()
}

async fn state_becomes(app: &TestApp, token: &str, wanted: &str) -> Value {
    app.whatsapp_state_becomes(token, wanted, Duration::from_secs(30)).await
}

#[tokio::test]
async fn the_worker_links_by_qr_records_messages_once_and_sends_each_reply_once() {
    let sessions = std::env::temp_dir().join(format!("novi-wa-sessions-{}", std::process::id()));
    let app = spawn_app_with(
        Engine::Sqlite,
        Options {
            whatsapp_simulator: Some(sessions.clone()),
            ..Options::default()
        },
    )
    .await;
    app.seed_demo(1).await;
    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;
    let mut live = SseStream::open(&app.url("/api/events"), Some(&owner)).await;
    let other = app.register_owner("owner@another.example", "Another Shop").await;
    let mut elsewhere = SseStream::open(&app.url("/api/events"), Some(&other)).await;
    // On a busy machine the first QR may come before the stream opened.
    let shown_before = app.whatsapp(&owner).await["state"] == "qr";

    let qr = state_becomes(&app, &owner, "qr").await["qr"]
        .as_str()
        .unwrap()
        .to_string();
    let svg = reqwest::Client::new()
        .get(app.url("/api/whatsapp/qr.svg"))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().await.unwrap().contains("<svg"));

    app.simulator("api/scan", json!({"qr": qr, "phone": BUSINESS_PHONE}))
        .await;
    let view = state_becomes(&app, &owner, "connected").await;
    assert_eq!(view["phone"], BUSINESS_PHONE);
    assert!(view["qr"].is_null());

    // The dashboard heard it live; another business heard nothing.
    let mut heard = Vec::new();
    while let Some(event) = live.next_within(Duration::from_secs(2)).await {
        let connected = event.name == "whatsapp.state" && event.data["state"] == "connected";
        heard.push(event);
        if connected {
            break;
        }
    }
    assert!(
        shown_before
            || heard
                .iter()
                .any(|e| e.name == "whatsapp.qr" && e.data["qr"].is_string()),
        "{heard:?}"
    );
    assert!(
        heard
            .iter()
            .any(|e| e.name == "whatsapp.state" && e.data["state"] == "connected"),
        "{heard:?}"
    );
    assert_eq!(
        elsewhere.next_within(Duration::from_millis(500)).await,
        None,
        "events stay in their business"
    );

    let message = json!({"to": BUSINESS_PHONE, "from": "+15551234567", "name": "Maria", "body": "2x margherita large", "id": "wa-1"});
    app.simulator("api/messages", message.clone()).await;
    app.simulator("api/messages", message).await;
    app.simulator(
        "api/messages",
        json!({"to": BUSINESS_PHONE, "from": "+15551234567", "group": null, "body": "and a coke", "id": "wa-2"}),
    )
    .await;
    let ours = async || {
        inbound_messages::Entity::find()
            .filter(inbound_messages::Column::ExternalId.is_in(["wa-1", "wa-2"]))
            .all(&app.db)
            .await
            .unwrap()
    };
    let rows = wait_for("two inbound rows", async || {
        let rows = ours().await;
        (rows.len() >= 2).then_some(rows)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(ours().await.len(), 2, "a redelivery is not a second row");
    let first = rows
        .iter()
        .find(|r| r.external_id == "wa-1")
        .expect("the first message");
    assert_eq!(
        (first.body.as_str(), first.chat_id.as_str()),
        ("2x margherita large", "15551234567@c.us")
    );
    assert_eq!(first.push_name.as_deref(), Some("Maria"));

    // Groups: only the ones linked to the business are read.
    let group = app
        .simulator(
            "api/groups",
            json!({"name": "Office lunch", "phone": BUSINESS_PHONE, "members": ["+15551234567"]}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let in_group = |id: &str, body: &str| json!({"to": BUSINESS_PHONE, "from": "+15551234567", "group": group, "body": body, "id": id});
    app.simulator("api/messages", in_group("g-unlinked", "1 coke")).await;
    // Messages are read in order: once a later one is in, the unlinked one has been seen.
    app.simulator(
        "api/messages",
        json!({"to": BUSINESS_PHONE, "from": "+15551234567", "body": "thanks", "id": "marker"}),
    )
    .await;
    wait_for("the message after the unlinked one", async || {
        inbound(&app, "marker").await
    })
    .await;
    let (status, body) = app
        .send(
            reqwest::Method::POST,
            "/api/groups",
            &owner,
            json!({"whatsapp_group_id": group, "name": "Office lunch", "kind": "orders"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    app.simulator("api/messages", in_group("g-linked", "2 margherita"))
        .await;
    let linked = wait_for("the linked group's message", async || inbound(&app, "g-linked").await).await;
    assert_eq!(linked.chat_id, group);
    assert_eq!(linked.author, "15551234567@c.us");
    assert!(linked.group_id.is_some());
    assert!(
        inbound(&app, "g-unlinked").await.is_none(),
        "a group nobody linked is not read"
    );

    // The pipeline answers each order once, in its chat; in a group the reply quotes the order.
    let chats = [first.chat_id.clone(), group.clone()];
    let replies = wait_for("every reply delivered", async || {
        let rows = outbound_messages::Entity::find()
            .filter(outbound_messages::Column::ChatId.is_in(chats.clone()))
            .all(&app.db)
            .await
            .unwrap();
        (rows.len() == 3 && rows.iter().all(|row| row.status == OutboundStatus::Delivered)).then_some(rows)
    })
    .await;
    assert!(replies.iter().all(|row| row.attempts == 1), "{replies:?}");
    let phone_saw: Vec<Value> = reqwest::get(app.url("/dev/whatsapp/api/sent?from=%2B15550000000"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut saw: Vec<&str> = phone_saw.iter().map(|sent| sent["id"].as_str().unwrap()).collect();
    let mut queued: Vec<&str> = replies.iter().map(|row| row.external_id.as_deref().unwrap()).collect();
    saw.sort_unstable();
    queued.sort_unstable();
    assert_eq!(saw, queued, "each reply reached WhatsApp once");
    let in_group = phone_saw
        .iter()
        .find(|sent| sent["to"] == group.as_str())
        .expect("the group's reply");
    assert_eq!(in_group["quoted_id"], "g-linked");

    app.stop().await;
    let _ = std::fs::remove_dir_all(sessions);
}

/// Kills every Chromium process running on this profile folder.
fn kill_chromium_on(profile: &std::path::Path) -> usize {
    let needle = format!("--user-data-dir={}", profile.display());
    let mut killed = 0;
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
            continue;
        };
        if String::from_utf8_lossy(&cmdline).split('\0').any(|arg| arg == needle) {
            let _ = std::process::Command::new("kill")
                .args(["-9", &pid.to_string()])
                .status();
            killed += 1;
        }
    }
    killed
}

#[tokio::test]
async fn the_worker_recovers_drops_crashes_restarts_and_logouts() {
    let sessions = std::env::temp_dir().join(format!("novi-wa-recovery-{}", std::process::id()));
    // The same port after the restart: WhatsApp Web's storage belongs to its origin.
    let port = free_port();
    let options = || Options {
        whatsapp_simulator: Some(sessions.clone()),
        port: Some(port),
        ..Options::default()
    };
    let app = spawn_app_with(Engine::Sqlite, options()).await;
    app.seed_demo(1).await;
    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;
    app.link_whatsapp(&owner, BUSINESS_PHONE).await;

    // A dropped connection comes back by itself, and what was sent meanwhile arrives.
    app.simulator("api/disconnect", json!({"phone": BUSINESS_PHONE})).await;
    app.simulator(
        "api/messages",
        json!({"to": BUSINESS_PHONE, "from": "+15551234567", "body": "hello?", "id": "away-1"}),
    )
    .await;
    wait_for("the message sent while disconnected", async || {
        inbound(&app, "away-1").await
    })
    .await;
    assert_eq!(app.whatsapp(&owner).await["state"], "connected");

    // A killed browser is restarted on the same profile and reconnects without a QR.
    let profile = sessions.join("business-1");
    // Chromium writes local storage to disk a few seconds after a page sets it; a crash
    // before that loses the session, as it would with WhatsApp Web.
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert!(kill_chromium_on(&profile) > 0, "Chromium runs on {}", profile.display());
    wait_for("a restart", async || {
        (app.whatsapp(&owner).await["state"] != "connected").then_some(())
    })
    .await;
    state_becomes(&app, &owner, "connected").await;

    // Novi restarted: still linked, no QR.
    app.stop().await;
    assert!(
        !profile.join("SingletonLock").exists(),
        "Chromium closed cleanly on shutdown"
    );
    let app = spawn_app_with(Engine::Sqlite, options()).await;
    app.seed_demo(1).await;
    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;
    state_becomes(&app, &owner, "connected").await;

    // Staff may look but not log out; the owner may.
    let staff = app.token("staff@pizzapalace.example", DEMO_PASSWORD).await;
    let (status, _) = app
        .send(reqwest::Method::POST, "/api/whatsapp/logout", &staff, None)
        .await;
    assert_eq!(status, 403);
    let (status, body) = app
        .send(reqwest::Method::POST, "/api/whatsapp/logout", &owner, None)
        .await;
    assert_eq!(status, 202, "{body}");
    state_becomes(&app, &owner, "qr").await;

    // The phone unlinking it does the same.
    app.link_whatsapp(&owner, BUSINESS_PHONE).await;
    app.simulator("api/logout", json!({"phone": BUSINESS_PHONE})).await;
    state_becomes(&app, &owner, "qr").await;

    app.stop().await;
    let _ = std::fs::remove_dir_all(sessions);
}

#[tokio::test]
async fn with_a_session_key_the_profile_is_sealed_at_rest_and_still_linked_after_a_restart() {
    let sessions = std::env::temp_dir().join(format!("novi-wa-sealed-{}", std::process::id()));
    let port = free_port();
    let options = || Options {
        whatsapp_simulator: Some(sessions.clone()),
        port: Some(port),
        session_key: Some("a-session-key-of-at-least-32-characters!".into()),
        ..Options::default()
    };
    let app = spawn_app_with(Engine::Sqlite, options()).await;
    app.seed_demo(1).await;
    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;
    app.link_whatsapp(&owner, BUSINESS_PHONE).await;
    app.stop().await;

    let profile = sessions.join("business-1");
    assert!(!profile.exists(), "no plaintext profile after shutdown");
    let sealed = std::fs::read(sessions.join("business-1.sealed")).expect("a sealed profile");
    let simulator_state = std::fs::read_to_string(sessions.join("simulator/state.json")).unwrap();
    let world: Value = serde_json::from_str(&simulator_state).unwrap();
    let token = world["accounts"][BUSINESS_PHONE]["session"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        !sealed.windows(token.len()).any(|window| window == token.as_bytes()),
        "the session token is not readable in the sealed file"
    );

    let app = spawn_app_with(Engine::Sqlite, options()).await;
    app.seed_demo(1).await;
    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;
    let view = state_becomes(&app, &owner, "connected").await;
    assert_eq!(view["phone"], BUSINESS_PHONE);
    app.stop().await;
    let _ = std::fs::remove_dir_all(sessions);
}
