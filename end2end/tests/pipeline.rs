//! The whole flow through the simulator and the real WhatsApp worker in Chromium: a customer
//! types an order on their phone, the order is on the board and on the live stream within two
//! seconds, and the confirmation with the right items and total reaches their chat; replying
//! to it changes the order, and editing the message before confirmation does too.

use std::time::{Duration, Instant};

use novi_tests::{DEMO_PASSWORD, Engine, Options, SseStream, TestApp, spawn_app_with};
use serde_json::{Value, json};

const BUSINESS_PHONE: &str = "+15550000000";
const CUSTOMER: &str = "+15557654321";
const NEIGHBOUR: &str = "+15557654322";

/// Waits up to 30 s for the customer's chat to hold `count` replies.
async fn replies(app: &TestApp, count: usize) -> Vec<Value> {
    app.replies_in_chat(BUSINESS_PHONE, CUSTOMER, count).await
}

#[tokio::test]
async fn an_order_typed_on_the_phone_is_on_the_board_live_and_confirmed_in_the_chat() {
    let sessions = std::env::temp_dir().join(format!("novi-pipeline-e2e-{}", std::process::id()));
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
    let (status, body) = app
        .send(
            reqwest::Method::PATCH,
            "/api/businesses/1",
            &owner,
            json!({"auto_confirm": true}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    app.link_whatsapp(&owner, BUSINESS_PHONE).await;
    let mut live = SseStream::open(&app.url("/api/events"), Some(&owner)).await;

    let typed = Instant::now();
    app.simulator("api/messages",
        json!({"to": BUSINESS_PHONE, "from": CUSTOMER, "name": "Maria", "body": "2x margherita large, 1 coke 2L, address 123 Main St", "id": "order-1"}),
    )
    .await;
    let created = loop {
        let event = live
            .next_within(Duration::from_secs(2).saturating_sub(typed.elapsed()))
            .await
            .expect("order.created within 2 s of the customer's message");
        if event.name == "order.created" {
            break event;
        }
    };
    let (status, board) = app.get_json("/api/orders?status=confirmed", &owner).await;
    assert_eq!(status, 200);
    assert!(
        typed.elapsed() < Duration::from_secs(2),
        "on the board after {:?}",
        typed.elapsed()
    );
    let order = board["orders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|order| order["id"] == created.data["id"])
        .expect("the order is on the board")
        .clone();
    assert_eq!(order["customer_name"], "Maria");
    assert_eq!(order["total_amount"], 38.46);

    let confirmation = replies(&app, 1).await.remove(0);
    let text = confirmation["body"].as_str().unwrap();
    for part in [
        "Hi Maria!",
        "2× Pizza Margherita (Large) — $31.98",
        "1× Coke (2L) — $3.49",
        "Total: $38.46",
    ] {
        assert!(text.contains(part), "{part:?} missing from {text:?}");
    }

    // The customer replies to the confirmation: the order follows, and so does a new one.
    app.simulator("api/messages",
        json!({"to": BUSINESS_PHONE, "from": CUSTOMER, "body": "add a garlic bread", "id": "order-1-add", "quoted_id": confirmation["id"]}),
    )
    .await;
    let updated = replies(&app, 2).await.remove(1);
    let text = updated["body"].as_str().unwrap();
    assert!(text.contains("Garlic Bread"), "{text}");
    let id = created.data["id"].as_i64().unwrap();
    let (_, now) = app.get_json(&format!("/api/orders/{id}"), &owner).await;
    assert_eq!(now["order"]["items"].as_array().unwrap().len(), 3);

    // Without auto-confirm, an edit before staff confirm changes the order.
    app.send(
        reqwest::Method::PATCH,
        "/api/businesses/1",
        &owner,
        json!({"auto_confirm": false}),
    )
    .await;
    // Another customer: Maria's own next message, this soon, would be a follow-up to her
    // confirmed order, for staff to look at.
    app.simulator(
        "api/messages",
        json!({"to": BUSINESS_PHONE, "from": NEIGHBOUR, "body": "1 lasagna", "id": "order-2"}),
    )
    .await;
    let second = loop {
        let event = live.next().await.expect("the second order");
        if event.name == "order.created" {
            break event.data;
        }
    };
    assert_eq!(second["status"], "pending");
    app.simulator("api/messages/order-2/edit", json!({"body": "2 lasagna"}))
        .await;
    let path = format!("/api/orders/{}", second["id"]);
    novi_tests::eventually(Duration::from_secs(10), "the edit to reach the order", || async {
        let (_, now) = app.get_json(&path, &owner).await;
        (now["order"]["items"][0]["quantity"] == 2.0).then_some(())
    })
    .await;
    let received = app.replies_in_chat(BUSINESS_PHONE, NEIGHBOUR, 1).await.remove(0);
    assert!(received["body"].as_str().unwrap().starts_with("Got it"), "{received}");

    app.stop().await;
    let _ = std::fs::remove_dir_all(sessions);
}
