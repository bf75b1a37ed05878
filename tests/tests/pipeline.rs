//! The ingest pipeline, from an inbound message (as the WhatsApp worker records it) to an order,
//! its reply in the outbox and the live event; edits, deletions and replies that change an
//! order; failures that wait and retry; and several pipelines racing over the same messages.

use std::time::Duration;

use app::{
    events::EventHub,
    outlets::Outlets,
    services::{
        pipeline::Pipeline,
        whatsapp::{self as records, Incoming, Stored},
    },
};
use entity::{
    audit_events, businesses,
    enums::{GroupKind, InboundStatus, Transport},
    groups, inbound_messages, orders, outbound_messages,
};
use novi_tests::{DEMO_PASSWORD, Engine, SseStream, TestApp, chat_message, eventually, on_every_engine, spawn_app};
use reqwest::Method;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

on_every_engine!(
    a_message_becomes_an_order_with_a_reply_and_an_event,
    auto_confirm_and_review_answer_differently,
    a_message_that_is_not_an_order_is_handled_quietly,
    edits_and_deletions_follow_the_chat,
    a_customer_cannot_cancel_what_staff_cannot,
    only_its_customer_changes_an_order_in_a_group,
    a_customer_cancels_from_the_chat,
    a_reply_to_the_confirmation_amends_the_order,
    a_failed_write_keeps_the_error_and_is_retried,
    racing_pipelines_make_each_order_once,
);

const ORDER: &str = "2x margherita large, 1 coke 2L, address 123 Main St";

struct Shop {
    app: TestApp,
    business: i64,
    owner: String,
}

async fn shop(engine: Engine) -> Shop {
    let app = spawn_app(engine).await;
    app.seed_demo(1).await;
    let business = businesses::Entity::find().one(&app.db).await.unwrap().unwrap().id;
    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;
    Shop { app, business, owner }
}

impl Shop {
    /// A customer's message, recorded as the worker records it.
    async fn message(&self, id: &str, from: &str, body: &str, quoted: Option<&str>) -> i64 {
        let stored = records::record_inbound(
            &self.app.db,
            self.business,
            Transport::Web,
            None,
            Incoming {
                quoted_external_id: quoted.map(str::to_string),
                ..chat_message(id, from, "Ana Souza", body)
            },
        )
        .await
        .unwrap();
        match stored {
            Stored::New(id) => id,
            other => panic!("not stored: {other:?}"),
        }
    }

    async fn handled(&self, message: i64) -> inbound_messages::Model {
        eventually(Duration::from_secs(5), "the message to be handled", || async {
            inbound_messages::Entity::find_by_id(message)
                .one(&self.app.db)
                .await
                .unwrap()
                .filter(|row| row.status != InboundStatus::Received)
        })
        .await
    }

    async fn order_of(&self, message: i64) -> orders::Model {
        eventually(Duration::from_secs(5), "the order", || async {
            orders::Entity::find()
                .filter(orders::Column::InboundMessageId.eq(message))
                .one(&self.app.db)
                .await
                .unwrap()
        })
        .await
    }

    async fn api_order(&self, id: i64) -> Value {
        let (status, body) = self.app.get_json(&format!("/api/orders/{id}"), &self.owner).await;
        assert_eq!(status, 200, "{body}");
        body["order"].clone()
    }

    async fn replies(&self, order: i64) -> Vec<outbound_messages::Model> {
        outbound_messages::Entity::find()
            .filter(outbound_messages::Column::OrderId.eq(order))
            .order_by_asc(outbound_messages::Column::Id)
            .all(&self.app.db)
            .await
            .unwrap()
    }

    async fn set(&self, settings: Value) {
        let path = format!("/api/businesses/{}", self.business);
        let (status, body) = self.app.send(Method::PATCH, &path, &self.owner, settings).await;
        assert_eq!(status, 200, "{body}");
    }

    async fn change_status(&self, order: i64, status: &str) -> Value {
        let path = format!("/api/orders/{order}/status");
        let (code, body) = self
            .app
            .send(Method::POST, &path, &self.owner, json!({ "status": status }))
            .await;
        assert_eq!(code, 200, "{body}");
        body
    }
}

async fn a_message_becomes_an_order_with_a_reply_and_an_event(engine: Engine) {
    let shop = shop(engine).await;
    let mut events = SseStream::open(&shop.app.url("/api/events"), Some(&shop.owner)).await;
    let message = shop.message("M1", "15550001111", ORDER, None).await;

    let created = events
        .next_within(Duration::from_secs(2))
        .await
        .expect("an event within 2 s");
    assert_eq!(created.name, "order.created");
    assert_eq!(created.data["status"], "pending");
    let order = shop.api_order(created.data["id"].as_i64().unwrap()).await;
    assert_eq!(order["source"], "whatsapp");
    assert_eq!(order["customer_name"], "Ana Souza");
    assert_eq!(order["customer_phone"], "+15550001111");
    assert_eq!(order["delivery_address"], "123 Main St");
    let items: Vec<(String, f64)> = order["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            (
                item["name"].as_str().unwrap().to_string(),
                item["quantity"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        items,
        [("Pizza Margherita".to_string(), 2.0), ("Coke".to_string(), 1.0)]
    );
    // 2 × 15.99 + 3.49 + 2.99 delivery.
    assert_eq!(order["total_amount"], 38.46);
    assert_eq!(shop.handled(message).await.status, InboundStatus::Processed);

    let id = created.data["id"].as_i64().unwrap();
    let replies = shop.replies(id).await;
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].template.as_deref(), Some("order_received"));
    assert_eq!(replies[0].chat_id, "15550001111@c.us");
    assert_eq!(replies[0].quoted_external_id, None, "no quote in a one-to-one chat");
    assert_eq!(
        replies[0].body,
        "Got it, Ana: 2× Pizza Margherita (Large), 1× Coke (2L) — $38.46, to 123 Main St. \
         Reply to change anything; we are confirming it now.",
        "what Novi read, said back"
    );

    shop.change_status(id, "confirmed").await;
    let updated = events.next().await.expect("an update event");
    assert_eq!(updated.name, "order.updated");
    assert_eq!(updated.data["status"], "confirmed");
    let replies = shop.replies(id).await;
    assert_eq!(replies.len(), 2, "the confirmation follows the staff's click");
    let confirmation = &replies[1].body;
    for part in ["Pizza Margherita (Large)", "Coke (2L)", "Total: $38.46", "/t/"] {
        assert!(confirmation.contains(part), "{part} missing from {confirmation}");
    }
    let stored = shop.order_of(message).await;
    let times = stored.response_times.as_object().unwrap();
    for step in ["received", "parsed", "confirmed"] {
        assert!(times.contains_key(step), "{step} missing from {times:?}");
    }
    let (_, business) = shop
        .app
        .get_json(&format!("/api/businesses/{}", shop.business), &shop.owner)
        .await;
    let seconds = &business["business"]["stats"]["median_seconds_to_confirm"];
    assert!(seconds.as_i64().is_some_and(|s| s >= 0), "{business}");
}

async fn auto_confirm_and_review_answer_differently(engine: Engine) {
    let shop = shop(engine).await;
    shop.set(json!({ "auto_confirm": true })).await;
    let confirmed = shop
        .order_of(shop.message("A1", "15550002222", ORDER, None).await)
        .await;
    assert_eq!(confirmed.status.as_str(), "confirmed");
    let replies = shop.replies(confirmed.id).await;
    assert_eq!(replies.len(), 1, "only the confirmation");
    assert_eq!(replies[0].template.as_deref(), Some("order_confirmation"));
    assert!(replies[0].body.contains("Total: $38.46"), "{}", replies[0].body);

    let unsure = shop
        .order_of(
            shop.message("A2", "15550003333", "3 flurbos and a wizzle please", None)
                .await,
        )
        .await;
    assert_eq!(unsure.status.as_str(), "needs_review");
    let replies = shop.replies(unsure.id).await;
    assert_eq!(replies[0].template.as_deref(), Some("needs_review"));
    assert_eq!(
        replies[0].body, "Thanks, Ana! A person will check your order and confirm shortly.",
        "nothing read, so nothing said back"
    );
}

async fn a_message_that_is_not_an_order_is_handled_quietly(engine: Engine) {
    let shop = shop(engine).await;
    for (id, text) in [("N1", "thanks!"), ("N2", "are you open?")] {
        let message = shop.message(id, "15550004444", text, None).await;
        assert_eq!(shop.handled(message).await.status, InboundStatus::Ignored, "{text}");
        let order = orders::Entity::find()
            .filter(orders::Column::InboundMessageId.eq(message))
            .one(&shop.app.db)
            .await
            .unwrap();
        assert!(order.is_none(), "{text} made an order");
    }
    let replies = outbound_messages::Entity::find()
        .filter(outbound_messages::Column::ChatId.eq("15550004444@c.us"))
        .all(&shop.app.db)
        .await
        .unwrap();
    assert!(replies.is_empty(), "no reply to small talk");
}

async fn edits_and_deletions_follow_the_chat(engine: Engine) {
    let shop = shop(engine).await;
    let message = shop.message("E1", "15550005555", ORDER, None).await;
    let order = shop.order_of(message).await;
    records::record_edit(&shop.app.db, shop.business, Transport::Web, "E1", "3x margherita large")
        .await
        .unwrap();
    let edited = eventually(Duration::from_secs(5), "the edit to reach the order", || async {
        let now = shop.api_order(order.id).await;
        // The order and its lines are two reads; wait until both show the edit.
        (now["items"].as_array().unwrap().len() == 1 && now["total_amount"] == 50.96).then_some(now)
    })
    .await;
    assert_eq!(edited["items"][0]["quantity"], 3.0, "3 × 15.99 + 2.99");
    let audit = shop
        .app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            shop.app.db.get_database_backend(),
            format!(
                "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'order_edited' AND entity_id = {}",
                order.id
            ),
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(audit.try_get::<i64>("", "n").unwrap(), 1, "the edit is audited");

    // An edit that only changes the address still reaches the order.
    records::record_edit(
        &shop.app.db,
        shop.business,
        Transport::Web,
        "E1",
        "3x margherita large, address 9 Elm St",
    )
    .await
    .unwrap();
    eventually(Duration::from_secs(5), "the new address", || async {
        (shop.api_order(order.id).await["delivery_address"] == "9 Elm St").then_some(())
    })
    .await;

    records::record_revoke(&shop.app.db, shop.business, Transport::Web, "E1")
        .await
        .unwrap();
    eventually(Duration::from_secs(5), "the deletion to cancel the order", || async {
        (shop.api_order(order.id).await["status"] == "cancelled").then_some(())
    })
    .await;

    // After confirmation the kitchen may be at work: staff are asked instead.
    let second = shop
        .order_of(shop.message("E2", "15550005555", ORDER, None).await)
        .await;
    shop.change_status(second.id, "confirmed").await;
    records::record_edit(&shop.app.db, shop.business, Transport::Web, "E2", "1 lasagna")
        .await
        .unwrap();
    let flagged = eventually(Duration::from_secs(5), "the order to be flagged", || async {
        orders::Entity::find_by_id(second.id)
            .one(&shop.app.db)
            .await
            .unwrap()
            .filter(|order| order.attention.is_some())
    })
    .await;
    assert!(flagged.attention.unwrap().contains("1 lasagna"));
    assert_eq!(shop.api_order(second.id).await["items"].as_array().unwrap().len(), 2);
}

/// Deleting the message of a delivered order asks the one order store to cancel it as the
/// customer, which refuses by the same life-cycle rule, in the same words, as it refuses staff.
async fn a_customer_cannot_cancel_what_staff_cannot(engine: Engine) {
    let shop = shop(engine).await;
    let message = shop.message("D1", "15550007777", ORDER, None).await;
    let order = shop.order_of(message).await;
    for status in ["confirmed", "preparing", "out_for_delivery", "delivered"] {
        shop.change_status(order.id, status).await;
    }
    let path = format!("/api/orders/{}/status", order.id);
    let (code, body) = shop
        .app
        .send(Method::POST, &path, &shop.owner, json!({ "status": "cancelled" }))
        .await;
    assert_eq!(code, 409, "{body}");
    let staff_refusal = body["error"]["message"].as_str().unwrap().to_string();

    records::record_revoke(&shop.app.db, shop.business, Transport::Web, "D1")
        .await
        .unwrap();
    shop.handled(message).await;
    let refusal = eventually(Duration::from_secs(5), "the refusal on record", || async {
        audit_events::Entity::find()
            .filter(audit_events::Column::EntityId.eq(order.id))
            .filter(audit_events::Column::Action.eq("order_change_refused"))
            .one(&shop.app.db)
            .await
            .unwrap()
    })
    .await;
    let after = refusal.after.unwrap();
    assert_eq!(after["reason"], staff_refusal.as_str(), "{after}");
    assert_eq!(after["by"]["customer"], "15550007777@c.us", "{after}");
    assert_eq!(refusal.actor_user_id, None);
    let now = shop.api_order(order.id).await;
    assert_eq!(now["status"], "delivered");
    assert!(now["attention"].is_null(), "nothing left for staff: {now}");

    // The same customer's deletion before anyone confirmed is theirs to make.
    let second = shop.message("D2", "15550007777", ORDER, None).await;
    let pending = shop.order_of(second).await;
    records::record_revoke(&shop.app.db, shop.business, Transport::Web, "D2")
        .await
        .unwrap();
    shop.handled(second).await;
    let cancel = eventually(Duration::from_secs(5), "the cancellation on record", || async {
        audit_events::Entity::find()
            .filter(audit_events::Column::EntityId.eq(pending.id))
            .filter(audit_events::Column::Action.eq("order_status"))
            .one(&shop.app.db)
            .await
            .unwrap()
    })
    .await;
    assert_eq!(cancel.after.as_ref().unwrap()["status"], "cancelled");
    assert_eq!(shop.api_order(pending.id).await["status"], "cancelled");
}

/// In a group, another member quoting Ana's order is noted for staff and changes nothing;
/// Ana's own quote still does.
async fn only_its_customer_changes_an_order_in_a_group(engine: Engine) {
    let shop = shop(engine).await;
    let group = groups::Entity::find()
        .filter(groups::Column::BusinessId.eq(shop.business))
        .filter(groups::Column::Kind.eq(GroupKind::Orders))
        .one(&shop.app.db)
        .await
        .unwrap()
        .expect("the demo links an orders group")
        .whatsapp_group_id;
    let in_group = |id: &str, phone: &str, name: &str, body: &str, quoted: Option<&str>| Incoming {
        chat_id: group.clone(),
        quoted_external_id: quoted.map(str::to_string),
        ..chat_message(id, phone, name, body)
    };
    let shop = &shop;
    let record = |message: Incoming| async move {
        match records::record_inbound(&shop.app.db, shop.business, Transport::Web, None, message)
            .await
            .unwrap()
        {
            Stored::New(id) => id,
            other => panic!("not stored: {other:?}"),
        }
    };
    let ana = record(in_group("G1", "15550008881", "Ana", "1 lasagna", None)).await;
    let order = shop.order_of(ana).await;

    let bruno = record(in_group("G2", "15550008882", "Bruno", "make it 20", Some("G1"))).await;
    shop.handled(bruno).await;
    let noted = eventually(Duration::from_secs(5), "the note for staff", || async {
        orders::Entity::find_by_id(order.id)
            .one(&shop.app.db)
            .await
            .unwrap()
            .filter(|order| order.attention.is_some())
    })
    .await;
    let note = noted.attention.unwrap();
    assert!(note.contains("Bruno") && note.contains("make it 20"), "{note}");
    let now = shop.api_order(order.id).await;
    assert_eq!(now["items"][0]["quantity"], 1.0, "Bruno changed nothing: {now}");
    assert_eq!(now["total_amount"], 15.98, "12.99 and the delivery fee");

    let again = record(in_group("G3", "15550008881", "Ana", "make it 2", Some("G1"))).await;
    shop.handled(again).await;
    let doubled = eventually(Duration::from_secs(5), "Ana's own change", || async {
        let now = shop.api_order(order.id).await;
        (now["items"][0]["quantity"] == 2.0).then_some(now)
    })
    .await;
    assert_eq!(doubled["items"][0]["name"], "Lasagna");
}

/// "Cancel my order" in any of the parser's languages, without quoting anything: the sender's
/// latest order under way is meant. Before confirmation it is cancelled; after, staff are asked
/// and the customer told a person will confirm. Each answered once.
async fn a_customer_cancels_from_the_chat(engine: Engine) {
    let shop = shop(engine).await;
    let templates = |replies: &[outbound_messages::Model]| {
        replies
            .iter()
            .filter_map(|reply| reply.template.clone())
            .collect::<Vec<_>>()
    };
    let first = shop
        .order_of(shop.message("C1", "15550009991", ORDER, None).await)
        .await;
    let cancel = shop.message("C2", "15550009991", "Cancel my order please", None).await;
    assert_eq!(shop.handled(cancel).await.status, InboundStatus::Processed);
    let cancelled = shop.api_order(first.id).await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(
        templates(&shop.replies(first.id).await),
        ["order_received", "order_cancelled"]
    );

    let second = shop
        .order_of(shop.message("C3", "15550009991", "1 lasagna", None).await)
        .await;
    shop.change_status(second.id, "confirmed").await;
    // Someone with no order of their own cancels nothing.
    let stranger = shop.message("C4", "15550009992", "cancel", None).await;
    assert_eq!(shop.handled(stranger).await.status, InboundStatus::Ignored);
    let asked = shop
        .message("C5", "15550009991", "cancela o pedido, por favor", None)
        .await;
    shop.handled(asked).await;
    let now = shop.api_order(second.id).await;
    assert_eq!(now["status"], "confirmed", "a person decides now: {now}");
    assert!(now["attention"].as_str().unwrap().contains("cancela o pedido"), "{now}");
    let replies = shop.replies(second.id).await;
    assert_eq!(
        templates(&replies),
        ["order_received", "order_confirmation", "cancel_requested"]
    );
    assert!(replies[2].body.contains("a person"), "{}", replies[2].body);

    let third = shop
        .order_of(shop.message("C6", "15550009993", "1 lasagna", None).await)
        .await;
    shop.handled(shop.message("C7", "15550009993", "रद्द करो", None).await)
        .await;
    assert_eq!(shop.api_order(third.id).await["status"], "cancelled");
}

async fn a_reply_to_the_confirmation_amends_the_order(engine: Engine) {
    let shop = shop(engine).await;
    let order = shop
        .order_of(shop.message("R1", "15550006666", "1 lasagna", None).await)
        .await;
    shop.change_status(order.id, "confirmed").await;
    let confirmation = shop.replies(order.id).await.pop().unwrap();
    records::outbound_sent(&shop.app.db, confirmation.id, "3EB0CONFIRMATION")
        .await
        .unwrap();

    shop.message("R2", "15550006666", "make it 3", Some("3EB0CONFIRMATION"))
        .await;
    let tripled = eventually(Duration::from_secs(5), "make it 3", || async {
        let now = shop.api_order(order.id).await;
        (now["items"][0]["quantity"] == 3.0 && now["total_amount"] == 41.96).then_some(now)
    })
    .await;
    assert_eq!(tripled["items"][0]["line_total"], 38.97, "3 × 12.99");

    shop.message("R3", "15550006666", "add a coke", Some("3EB0CONFIRMATION"))
        .await;
    let added = eventually(Duration::from_secs(5), "add a coke", || async {
        let now = shop.api_order(order.id).await;
        (now["items"].as_array().unwrap().len() == 2).then_some(now)
    })
    .await;
    assert_eq!(added["items"][1]["name"], "Coke");
    let replies = shop.replies(order.id).await;
    // Received, confirmed, then an updated confirmation after each change.
    assert_eq!(replies.len(), 4);
    assert!(replies[2].body.contains("3× Lasagna"), "{}", replies[2].body);
    assert!(replies[3].body.contains("Coke"), "{}", replies[3].body);

    shop.message(
        "R4",
        "15550006666",
        "what time will it arrive?",
        Some("3EB0CONFIRMATION"),
    )
    .await;
    let flagged = eventually(Duration::from_secs(5), "the question to be flagged", || async {
        orders::Entity::find_by_id(order.id)
            .one(&shop.app.db)
            .await
            .unwrap()
            .filter(|order| {
                order
                    .attention
                    .as_deref()
                    .is_some_and(|note| note.contains("what time will it arrive?"))
            })
    })
    .await;
    let notes = flagged.attention.unwrap();
    assert!(notes.contains("changed the order after confirmation"), "{notes}");

    // Quoting the confirmation of a delivered order is a new order ("same again").
    for status in ["preparing", "out_for_delivery", "delivered"] {
        shop.change_status(order.id, status).await;
    }
    let again = shop
        .message("R5", "15550006666", "same again: 1 lasagna", Some("3EB0CONFIRMATION"))
        .await;
    let new_order = shop.order_of(again).await;
    assert_ne!(new_order.id, order.id);
}

async fn a_failed_write_keeps_the_error_and_is_retried(engine: Engine) {
    let shop = shop(engine).await;
    let db = &shop.app.db;
    db.execute_unprepared("ALTER TABLE order_items RENAME TO order_items_away")
        .await
        .unwrap();
    let message = shop.message("F1", "15550007777", ORDER, None).await;
    let waiting = eventually(Duration::from_secs(5), "the failure to be recorded", || async {
        inbound_messages::Entity::find_by_id(message)
            .one(db)
            .await
            .unwrap()
            .filter(|row| row.last_error.is_some())
    })
    .await;
    assert_eq!(waiting.status, InboundStatus::Received, "still waiting for a retry");
    assert!(waiting.process_after.is_some());
    let none = orders::Entity::find()
        .filter(orders::Column::InboundMessageId.eq(message))
        .one(db)
        .await
        .unwrap();
    assert!(none.is_none(), "nothing half-written");

    db.execute_unprepared("ALTER TABLE order_items_away RENAME TO order_items")
        .await
        .unwrap();
    let order = eventually(Duration::from_secs(10), "the retry to succeed", || async {
        orders::Entity::find()
            .filter(orders::Column::InboundMessageId.eq(message))
            .one(db)
            .await
            .unwrap()
    })
    .await;
    assert_eq!(shop.replies(order.id).await.len(), 1);
    let handled = shop.handled(message).await;
    assert_eq!(handled.status, InboundStatus::Processed);
    assert_eq!(handled.last_error, None);
}

async fn racing_pipelines_make_each_order_once(engine: Engine) {
    let shop = shop(engine).await;
    let mut ids = Vec::new();
    for n in 0..120 {
        ids.push(
            shop.message(&format!("P{n}"), &format!("1555100{n:04}"), ORDER, None)
                .await,
        );
    }
    // Three more pipelines besides the server's own, all at once over the same messages.
    let racers = (0..3).map(|_| {
        let pipeline = Pipeline::new(
            shop.app.db.clone(),
            Outlets::new(EventHub::default(), "http://localhost"),
        );
        tokio::spawn(async move {
            // A racer may lose a lock to another; the point is what the database ends up with.
            for _ in 0..1_000 {
                if matches!(pipeline.run_once(16).await, Ok(0)) {
                    break;
                }
            }
        })
    });
    for racer in racers.collect::<Vec<_>>() {
        racer.await.unwrap();
    }
    for id in &ids {
        shop.handled(*id).await;
    }
    let made = orders::Entity::find()
        .filter(orders::Column::InboundMessageId.is_in(ids.clone()))
        .all(&shop.app.db)
        .await
        .unwrap();
    assert_eq!(made.len(), ids.len(), "one order per message");
    let numbers: std::collections::HashSet<i64> = made.iter().map(|order| order.order_number).collect();
    assert_eq!(numbers.len(), made.len(), "every order has its own number");
    let replies = outbound_messages::Entity::find()
        .filter(outbound_messages::Column::OrderId.is_in(made.iter().map(|order| order.id)))
        .all(&shop.app.db)
        .await
        .unwrap();
    assert_eq!(replies.len(), ids.len(), "one reply per message");
}
