//! The WhatsApp Cloud API transport against a local fake of Meta's Graph API, with webhook
//! bodies shaped like Meta's published examples: the verification handshake, signatures
//! accepted and refused, a text order becoming an order whose reply is posted to the Graph API,
//! redelivered webhooks, status callbacks, and the 24-hour customer-service window.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{Json, Router, extract::Path, http::HeaderMap, routing::post};
use entity::{
    enums::{OutboundStatus, Transport},
    inbound_messages, orders, outbound_messages,
};
use hmac::{Hmac, Mac};
use novi_tests::{DEMO_PASSWORD, Engine, Options, TestApp, eventually, on_every_engine, spawn_app_with};
use reqwest::Method;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{Value, json};
use sha2::Sha256;

on_every_engine!(
    an_interrupted_send_is_not_repeated_and_its_receipt_settles_it,
    cloud_api_orders_replies_and_receipts,
    the_24_hour_window_decides_how_to_reply
);

const NUMBER_ID: &str = "106540352242922";
const SECRET: &str = "meta-app-secret";
const VERIFY: &str = "verify-token-1";
const ORDER: &str = "2x margherita large, 1 coke 2L, address 123 Main St";

/// What the fake Graph API was asked: the path, the bearer token and the JSON body.
type Calls = Arc<Mutex<Vec<(String, String, Value)>>>;

async fn fake_graph() -> (String, Calls) {
    let calls: Calls = Arc::default();
    let recorded = calls.clone();
    let app = Router::new().route(
        "/v21.0/{number}/messages",
        post(
            move |Path(number): Path<String>, headers: HeaderMap, Json(body): Json<Value>| {
                let recorded = recorded.clone();
                async move {
                    let token = headers["authorization"].to_str().unwrap().to_string();
                    let mut calls = recorded.lock().unwrap();
                    calls.push((number, token, body.clone()));
                    Json(json!({
                        "messaging_product": "whatsapp",
                        "contacts": [{ "input": body["to"], "wa_id": body["to"] }],
                        "messages": [{ "id": format!("wamid.OUT{}", calls.len()) }],
                    }))
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{address}/v21.0"), calls)
}

async fn cloud_shop(engine: Engine) -> (TestApp, String, Calls) {
    let (graph, calls) = fake_graph().await;
    let app = spawn_app_with(
        engine,
        Options {
            graph_api: Some(graph),
            ..Options::default()
        },
    )
    .await;
    app.seed_demo(1).await;
    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;
    let account = json!({"phone_number_id": NUMBER_ID, "access_token": "EAAG-test-token", "app_secret": SECRET, "verify_token": VERIFY});
    let (status, body) = app.send(Method::PUT, "/api/whatsapp/cloud", &owner, account).await;
    assert_eq!(status, 200, "{body}");
    let confirming = json!({"auto_confirm": true});
    let (status, body) = app.send(Method::PATCH, "/api/businesses/1", &owner, confirming).await;
    assert_eq!(status, 200, "{body}");
    (app, owner, calls)
}

fn signature(body: &str, secret: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("sha256={hex}")
}

async fn webhook(app: &TestApp, body: &str, signature: Option<String>) -> (u16, Value) {
    let mut request = app
        .client
        .post(app.url("/webhooks/whatsapp"))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(signature) = signature {
        request = request.header("x-hub-signature-256", signature);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

/// A text message as Meta's webhook sends it.
fn text_message(id: &str, from: &str, name: &str, body: &str, sent: i64) -> String {
    json!({
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": NUMBER_ID},
            "contacts": [{"profile": {"name": name}, "wa_id": from}],
            "messages": [{"from": from, "id": id, "timestamp": sent.to_string(), "type": "text", "text": {"body": body}}]
        }}]}]
    })
    .to_string()
}

fn status_update(wamid: &str, status: &str, ours: Option<&str>) -> String {
    let mut update = json!({
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": NUMBER_ID},
            "statuses": [{"id": wamid, "status": status, "timestamp": "1750263773", "recipient_id": "16505551234",
                          "pricing": {"billable": true, "pricing_model": "PMP", "category": "service"}}]
        }}]}]
    });
    if let Some(ours) = ours {
        update["entry"][0]["changes"][0]["value"]["statuses"][0]["biz_opaque_callback_data"] = json!(ours);
    }
    update.to_string()
}

async fn posted(calls: &Calls, count: usize) -> Vec<(String, String, Value)> {
    eventually(
        Duration::from_secs(10),
        "the replies posted to the Graph API",
        || async {
            let calls = calls.lock().unwrap().clone();
            (calls.len() >= count).then_some(calls)
        },
    )
    .await
}

async fn cloud_api_orders_replies_and_receipts(engine: Engine) {
    let (app, owner, calls) = cloud_shop(engine).await;
    let (_, view) = app.get_json("/api/whatsapp/cloud", &owner).await;
    assert_eq!(view["account"]["phone_number_id"], NUMBER_ID);
    assert!(
        !view.to_string().contains("EAAG") && !view.to_string().contains(SECRET),
        "{view}"
    );

    let handshake = |token: &str| {
        format!("/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token={token}&hub.challenge=1158201444")
    };
    let response = app.get(&handshake(VERIFY)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "1158201444");
    assert_eq!(app.get(&handshake("wrong-token")).await.status(), 403);

    let now = chrono::Utc::now().timestamp();
    let message = text_message("wamid.IN1", "16505551234", "Sheena Nelson", ORDER, now);
    assert_eq!(webhook(&app, &message, None).await.0, 401, "unsigned");
    assert_eq!(
        webhook(&app, &message, Some(signature(&message, "another-secret")))
            .await
            .0,
        401
    );
    let garbled = "{\"object\": \"whatsapp_business_account\", \"entry\": [{\"changes\": [{\"field\": 1}]}]}";
    assert_eq!(webhook(&app, garbled, Some(signature(garbled, SECRET))).await.0, 422);
    assert_eq!(cloud_inbound(&app).await, 0, "nothing half-processed");

    let (status, body) = webhook(&app, &message, Some(signature(&message, SECRET))).await;
    assert_eq!(status, 200, "{body}");
    let calls = posted(&calls, 1).await;
    let (number, token, reply) = &calls[0];
    assert_eq!(number, NUMBER_ID);
    assert_eq!(token, "Bearer EAAG-test-token");
    assert_eq!(reply["to"], "16505551234");
    assert_eq!(reply["type"], "text");
    assert_eq!(reply["context"]["message_id"], "wamid.IN1");
    let text = reply["text"]["body"].as_str().unwrap();
    assert!(
        text.contains("Pizza Margherita (Large)") && text.contains("Sheena"),
        "{text}"
    );
    let made = orders::Entity::find()
        .filter(orders::Column::CustomerName.eq("Sheena Nelson"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(made.len(), 1);
    assert_eq!(
        made[0].total_amount, 3846,
        "2 large margheritas, a 2 L coke and the delivery fee"
    );

    // Meta delivers again: still one message, one order, one reply.
    assert_eq!(webhook(&app, &message, Some(signature(&message, SECRET))).await.0, 200);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(cloud_inbound(&app).await, 1);
    assert_eq!(posted_now(&app).await, 1);

    let receipt = status_update("wamid.OUT1", "delivered", None);
    assert_eq!(webhook(&app, &receipt, Some(signature(&receipt, SECRET))).await.0, 200);
    let row = outbound_messages::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert_eq!(row.status, OutboundStatus::Delivered);
    assert_eq!(row.external_id.as_deref(), Some("wamid.OUT1"));
    assert!(row.delivered_at.is_some());
    app.stop().await;
}

/// Messages recorded from the Cloud API (the demo history has WhatsApp Web ones).
async fn cloud_inbound(app: &TestApp) -> u64 {
    inbound_messages::Entity::find()
        .filter(inbound_messages::Column::Transport.eq(Transport::Cloud))
        .count(&app.db)
        .await
        .unwrap()
}

/// Replies that reached the Graph API, as the outbox records them.
async fn posted_now(app: &TestApp) -> u64 {
    outbound_messages::Entity::find()
        .filter(outbound_messages::Column::ExternalId.starts_with("wamid.OUT"))
        .count(&app.db)
        .await
        .unwrap()
}

async fn the_24_hour_window_decides_how_to_reply(engine: Engine) {
    let (app, owner, calls) = cloud_shop(engine).await;
    let yesterday = chrono::Utc::now().timestamp() - 25 * 3600;
    let late = text_message("wamid.LATE", "16505559999", "Omar", ORDER, yesterday);
    assert_eq!(webhook(&app, &late, Some(signature(&late, SECRET))).await.0, 200);
    let held = eventually(Duration::from_secs(10), "the reply to be held", || async {
        outbound_messages::Entity::find()
            .filter(outbound_messages::Column::Status.eq(OutboundStatus::Failed))
            .one(&app.db)
            .await
            .unwrap()
    })
    .await;
    assert!(held.last_error.as_deref().unwrap().contains("24 hours"), "{held:?}");
    assert!(calls.lock().unwrap().is_empty(), "nothing free-form outside the window");

    let template = json!({"phone_number_id": NUMBER_ID, "verify_token": VERIFY,
                          "template_name": "order_update", "template_language": "en_US"});
    let (status, body) = app.send(Method::PUT, "/api/whatsapp/cloud", &owner, template).await;
    assert_eq!(status, 200, "{body}");
    let later = text_message("wamid.LATE2", "16505558888", "Lia", ORDER, yesterday);
    assert_eq!(webhook(&app, &later, Some(signature(&later, SECRET))).await.0, 200);
    let calls = posted(&calls, 1).await;
    let sent = &calls[0].2;
    assert_eq!(sent["type"], "template");
    assert_eq!(sent["template"]["name"], "order_update");
    assert_eq!(sent["template"]["language"]["code"], "en_US");
    let parameter = sent["template"]["components"][0]["parameters"][0]["text"]
        .as_str()
        .unwrap();
    assert!(
        parameter.contains("Lia"),
        "the reply's text fills the template: {parameter}"
    );
    app.stop().await;
}

async fn an_interrupted_send_is_not_repeated_and_its_receipt_settles_it(engine: Engine) {
    let (app, _owner, calls) = cloud_shop(engine).await;
    // An instance claimed this reply and died before the Graph API answered.
    let claimed = chrono::Utc::now() - chrono::Duration::minutes(5);
    let row = outbound_messages::ActiveModel {
        business_id: Set(1),
        order_id: Set(None),
        transport: Set(Transport::Cloud),
        chat_id: Set("16505551234@c.us".into()),
        body: Set("Your order is confirmed".into()),
        template: Set(None),
        quoted_external_id: Set(None),
        idempotency_key: Set("test:interrupted".into()),
        status: Set(OutboundStatus::Sending),
        attempts: Set(1),
        next_attempt_at: Set(claimed),
        external_id: Set(Some("3EB0INTERRUPTED".into())),
        last_error: Set(None),
        created_at: Set(claimed),
        sent_at: Set(None),
        delivered_at: Set(None),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let set_aside = eventually(
        Duration::from_secs(5),
        "the interrupted send to be set aside",
        || async {
            outbound_messages::Entity::find_by_id(row.id)
                .one(&app.db)
                .await
                .unwrap()
                .filter(|row| row.status == OutboundStatus::Failed)
        },
    )
    .await;
    assert!(set_aside.last_error.unwrap().contains("interrupted"));
    assert!(calls.lock().unwrap().is_empty(), "never sent twice");

    // WhatsApp's receipt names it by Novi's id: it went out after all.
    let receipt = status_update("wamid.LOST", "sent", Some("3EB0INTERRUPTED"));
    assert_eq!(webhook(&app, &receipt, Some(signature(&receipt, SECRET))).await.0, 200);
    let settled = outbound_messages::Entity::find_by_id(row.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(settled.status, OutboundStatus::Sent);
    assert_eq!(settled.external_id.as_deref(), Some("wamid.LOST"));
    assert_eq!(settled.last_error, None);
    app.stop().await;
}
