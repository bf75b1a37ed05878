//! Orders from whole conversations. The labelled conversations of
//! `app/tests/fixtures/conversations/corpus.json` (messages with their timing, staff steps
//! between them, and the orders a person would end up with) run through the real pipeline, in
//! each of the parser's languages, and are scored as exact final orders (run with
//! `--nocapture` to see the score and every miss); then each rule on its own, with what the
//! customer is told: follow-ups said back with the new total, saved addresses, pickup and
//! payment, unavailable items, and messages that name the menu without reading as an order.

use std::{collections::BTreeMap, time::Duration};

use app::{
    events::EventHub,
    outlets::Outlets,
    services::{
        pipeline::Pipeline,
        whatsapp::{self as records, Incoming, Stored},
    },
};
use chrono::Utc;
use entity::{
    businesses,
    enums::{GroupKind, InboundStatus, Transport},
    groups, inbound_messages, order_items, orders, outbound_messages,
};
use novi_tests::{DEMO_PASSWORD, Engine, TestApp, chat_message, eventually, on_every_engine, spawn_app};
use reqwest::Method;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set};
use serde::Deserialize;
use serde_json::{Value, json};

on_every_engine!(
    conversations_end_in_the_orders_a_person_reads,
    a_follow_up_is_said_back_with_the_new_total,
    a_returning_customer_hears_where_the_order_goes,
    pickup_payment_and_change_are_read_and_kept,
    an_unavailable_item_is_named_and_waits_for_a_person,
    a_message_naming_the_menu_goes_to_a_person,
    the_menu_is_sent_on_request,
);

/// Share of conversations whose every order must come out exactly as labelled.
const EXACT_FLOOR: f64 = 0.95;

#[derive(Deserialize)]
struct Conversation {
    id: String,
    lang: String,
    catalog: String,
    #[serde(default)]
    chat: Option<String>,
    #[serde(default)]
    merge_window: Option<u32>,
    steps: Vec<Step>,
    expect: Vec<Expected>,
}

/// A customer's message (`from`, `text`, perhaps quoting an earlier step), or what staff do
/// (`staff`: confirm or cancel the chat's latest order); `at` seconds into the conversation.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    at: i64,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    quotes: Option<usize>,
    #[serde(default)]
    staff: Option<String>,
}

#[derive(Deserialize, Debug, PartialEq)]
struct Expected {
    from: String,
    status: String,
    items: Vec<(String, f64, Option<String>)>,
    #[serde(default)]
    address: Option<String>,
    #[serde(default)]
    customer_name: Option<String>,
    #[serde(default)]
    attention: bool,
}

/// One business per catalog.
struct Shop {
    business: i64,
    owner: String,
}

async fn conversations_end_in_the_orders_a_person_reads(engine: Engine) {
    let app = spawn_app(engine).await;
    let corpus: Vec<Conversation> = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/tests/fixtures/conversations/corpus.json"),
        )
        .expect("the conversation corpus"),
    )
    .expect("a well-formed corpus");
    let pipeline = Pipeline::new(app.db.clone(), Outlets::new(EventHub::default(), "http://localhost"));
    let mut shops: BTreeMap<String, Shop> = BTreeMap::new();
    let mut exact = 0;
    let mut by_language: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (n, conversation) in corpus.iter().enumerate() {
        if !shops.contains_key(&conversation.catalog) {
            let shop = open_shop(&app, &conversation.catalog).await;
            shops.insert(conversation.catalog.clone(), shop);
        }
        let shop = &shops[&conversation.catalog];
        let got = play(&app, &pipeline, shop, conversation, n).await;
        let tally = by_language.entry(&conversation.lang).or_default();
        tally.1 += 1;
        if got == conversation.expect {
            exact += 1;
            tally.0 += 1;
        } else {
            println!(
                "MISS {}\n  expected {:?}\n  got      {:?}",
                conversation.id, conversation.expect, got
            );
        }
    }
    let share = exact as f64 / corpus.len() as f64;
    println!("conversations: {exact}/{} exact ({:.1}%)", corpus.len(), share * 100.0);
    for (language, (right, all)) in &by_language {
        println!("  {language}: {right}/{all}");
    }
    assert!(
        by_language.len() == 5,
        "every language the parser reads has conversations"
    );
    assert!(share >= EXACT_FLOOR, "{exact} of {} conversations exact", corpus.len());
}

async fn open_shop(app: &TestApp, catalog: &str) -> Shop {
    let owner = app
        .register_owner(
            &format!("owner.{}@example.com", catalog.replace('_', "-")),
            &format!("Shop {catalog}"),
        )
        .await;
    let business = businesses::Entity::find()
        .filter(businesses::Column::Name.eq(format!("Shop {catalog}")))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the registered business")
        .id;
    let file: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("../app/tests/fixtures/parser/catalogs/{catalog}.json")),
        )
        .expect("the catalog"),
    )
    .unwrap();
    let path = format!("/api/businesses/{business}");
    let (status, body) = app
        .send(Method::PATCH, &path, &owner, json!({ "currency": file["currency"] }))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app.send(Method::POST, "/api/products/import", &owner, file).await;
    assert_eq!(status, 200, "{body}");
    Shop { business, owner }
}

/// A group of the business's, linked for orders, for one conversation.
async fn linked_group(app: &TestApp, shop: &Shop, n: usize) -> String {
    let group = format!("120363{:06}{n:06}@g.us", shop.business);
    groups::ActiveModel {
        business_id: Set(shop.business),
        whatsapp_group_id: Set(group.clone()),
        name: Set(format!("Orders {n}")),
        kind: Set(GroupKind::Orders),
        is_active: Set(true),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    group
}

/// Plays the conversation's steps in order and answers the orders its chat ended with.
async fn play(app: &TestApp, pipeline: &Pipeline, shop: &Shop, conversation: &Conversation, n: usize) -> Vec<Expected> {
    let path = format!("/api/businesses/{}", shop.business);
    let window = conversation.merge_window.unwrap_or(10);
    let (status, body) = app
        .send(
            Method::PATCH,
            &path,
            &shop.owner,
            json!({ "merge_window_minutes": window }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let phone = |from: &str| format!("1555{n:04}{:03}", from.as_bytes()[0]);
    let group = match conversation.chat.as_deref() {
        Some("group") => Some(linked_group(app, shop, n).await),
        _ => None,
    };
    let chat = |from: &str| group.clone().unwrap_or_else(|| format!("{}@c.us", phone(from)));
    let start = Utc::now().timestamp() - 86_400;
    let mut external_ids = Vec::new();
    for (index, step) in conversation.steps.iter().enumerate() {
        let external = format!("{}-{index}", conversation.id);
        external_ids.push(external.clone());
        if let (Some(from), Some(text)) = (&step.from, &step.text) {
            let message = Incoming {
                chat_id: chat(from),
                sent_at: start + step.at,
                quoted_external_id: step.quotes.map(|quoted| external_ids[quoted].clone()),
                ..chat_message(external, &phone(from), &format!("Customer {from}"), text.as_str())
            };
            let stored = records::record_inbound(&app.db, shop.business, Transport::Web, None, message)
                .await
                .unwrap();
            let Stored::New(row) = stored else {
                panic!("{stored:?}");
            };
            // The server's own pipeline may take it first; either way it is read before the
            // next step.
            while pipeline.run_once(64).await.unwrap() > 0 {}
            eventually(Duration::from_secs(10), "the message to be read", || async {
                inbound_messages::Entity::find_by_id(row)
                    .one(&app.db)
                    .await
                    .unwrap()
                    .filter(|row| row.status != InboundStatus::Received)
            })
            .await;
        }
        if let Some(staff) = &step.staff {
            let (latest, _) = orders_of(app, shop, &chat("A"))
                .await
                .pop()
                .expect("an order to act on");
            let next = match staff.as_str() {
                "confirm" => "confirmed",
                "cancel" => "cancelled",
                other => panic!("unknown staff step {other}"),
            };
            let path = format!("/api/orders/{}/status", latest.id);
            let (status, body) = app
                .send(Method::POST, &path, &shop.owner, json!({ "status": next }))
                .await;
            assert_eq!(status, 200, "{body}");
        }
    }
    let senders: BTreeMap<String, String> = conversation
        .steps
        .iter()
        .filter_map(|step| step.from.as_ref())
        .map(|from| (format!("+{}", phone(from)), from.clone()))
        .collect();
    orders_of(app, shop, &chat("A"))
        .await
        .into_iter()
        .map(|(order, lines)| Expected {
            from: order
                .customer_phone
                .as_ref()
                .and_then(|phone| senders.get(phone).cloned())
                .unwrap_or_default(),
            status: order.status.as_str().to_string(),
            items: lines
                .into_iter()
                .map(|line| (line.name, line.quantity, line.variant))
                .collect(),
            address: order.delivery_address,
            customer_name: order.customer_name.filter(|name| !name.starts_with("Customer ")),
            attention: order.attention.is_some(),
        })
        .collect()
}

/// The orders made from a chat, oldest first, with their lines.
async fn orders_of(app: &TestApp, shop: &Shop, chat: &str) -> Vec<(orders::Model, Vec<order_items::Model>)> {
    let from_chat = inbound_messages::Entity::find()
        .select_only()
        .column(inbound_messages::Column::Id)
        .filter(inbound_messages::Column::ChatId.eq(chat))
        .into_query();
    let made = orders::Entity::find()
        .filter(orders::Column::BusinessId.eq(shop.business))
        .filter(orders::Column::InboundMessageId.in_subquery(from_chat))
        .order_by_asc(orders::Column::Id)
        .find_with_related(order_items::Entity)
        .all(&app.db)
        .await
        .unwrap();
    made.into_iter()
        .map(|(order, mut lines)| {
            lines.sort_by_key(|line| line.id);
            (order, lines)
        })
        .collect()
}

/// The demo shop (its delivery fee is $2.99), its owner, and a clock for the customers.
struct Demo {
    app: TestApp,
    business: i64,
    owner: String,
    start: i64,
}

async fn demo(engine: Engine) -> Demo {
    let app = spawn_app(engine).await;
    app.seed_demo(1).await;
    let business = businesses::Entity::find().one(&app.db).await.unwrap().unwrap().id;
    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;
    let start = Utc::now().timestamp() - 86_400;
    Demo {
        app,
        business,
        owner,
        start,
    }
}

impl Demo {
    /// `phone` writes `text` `at` seconds into the day, and the pipeline has read it.
    async fn says(&self, id: &str, phone: &str, at: i64, text: &str) -> inbound_messages::Model {
        let message = Incoming {
            sent_at: self.start + at,
            ..chat_message(id, phone, "Ana Souza", text)
        };
        let Stored::New(row) = records::record_inbound(&self.app.db, self.business, Transport::Web, None, message)
            .await
            .unwrap()
        else {
            panic!("{id} not stored");
        };
        eventually(Duration::from_secs(10), "the message to be read", || async {
            inbound_messages::Entity::find_by_id(row)
                .one(&self.app.db)
                .await
                .unwrap()
                .filter(|row| row.status != InboundStatus::Received)
        })
        .await
    }

    async fn orders_of(&self, phone: &str) -> Vec<Value> {
        let (status, page) = self
            .app
            .get_json(&format!("/api/orders?q=%2B{phone}&sort=created_at"), &self.owner)
            .await;
        assert_eq!(status, 200, "{page}");
        page["orders"].as_array().unwrap().clone()
    }

    /// The replies queued in a customer's chat, oldest first: (template, body).
    async fn replies(&self, phone: &str) -> Vec<(String, String)> {
        outbound_messages::Entity::find()
            .filter(outbound_messages::Column::ChatId.eq(format!("{phone}@c.us")))
            .order_by_asc(outbound_messages::Column::Id)
            .all(&self.app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|reply| (reply.template.unwrap_or_default(), reply.body))
            .collect()
    }

    async fn send(&self, method: Method, path: &str, body: Value) -> (u16, Value) {
        self.app.send(method, path, &self.owner, body).await
    }
}

fn items(order: &Value) -> Vec<(String, f64, Option<String>)> {
    order["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            (
                item["name"].as_str().unwrap().to_string(),
                item["quantity"].as_f64().unwrap(),
                item["variant"].as_str().map(str::to_string),
            )
        })
        .collect()
}

async fn a_follow_up_is_said_back_with_the_new_total(engine: Engine) {
    let shop = demo(engine).await;
    let phone = "15550007001";
    shop.says("F1", phone, 0, "2 large pepperoni").await;
    let follow_up = shop.says("F2", phone, 50, "and a coke 2L").await;
    assert_eq!(follow_up.status, InboundStatus::Processed);
    let orders = shop.orders_of(phone).await;
    assert_eq!(orders.len(), 1, "the follow-up joined the order: {orders:?}");
    let order = &orders[0];
    assert_eq!(
        items(order),
        [
            ("Pizza Pepperoni".to_string(), 2.0, Some("Large".to_string())),
            ("Coke".to_string(), 1.0, Some("2L".to_string()))
        ]
    );
    // 2 × 16.99 + 3.49 + 2.99 delivery.
    assert_eq!(order["total_amount"], 40.46);
    assert_eq!(
        follow_up.order_id,
        order["id"].as_i64(),
        "the order's page shows the follow-up"
    );
    let replies = shop.replies(phone).await;
    let templates: Vec<&str> = replies.iter().map(|(template, _)| template.as_str()).collect();
    assert_eq!(templates, ["order_received", "order_updated"]);
    assert_eq!(
        replies[0].1,
        "Got it, Ana: 2× Pizza Pepperoni (Large) — $36.97. Reply to change anything; we are confirming it now."
    );
    assert!(
        replies[1].1.starts_with("Updated, Ana: added 1× Coke (2L)."),
        "{}",
        replies[1].1
    );
    assert!(replies[1].1.contains("— $40.46"), "{}", replies[1].1);

    // Said again after the window: an order of its own.
    shop.says("F3", phone, 50 + 11 * 60, "and a garlic bread").await;
    assert_eq!(shop.orders_of(phone).await.len(), 2);
}

async fn a_returning_customer_hears_where_the_order_goes(engine: Engine) {
    let shop = demo(engine).await;
    let phone = "15550007002";
    shop.says("S1", phone, 0, "1 lasagna, deliver to 9 Elm St").await;
    let first = shop.orders_of(phone).await[0]["id"].as_i64().unwrap();
    let (status, body) = shop
        .send(
            Method::POST,
            &format!("/api/orders/{first}/status"),
            json!({ "status": "confirmed" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    shop.says("S2", phone, 3 * 3600, "2 cokes 2L").await;
    let orders = shop.orders_of(phone).await;
    assert_eq!(orders.len(), 2);
    assert_eq!(
        orders[1]["delivery_address"], "9 Elm St",
        "the address of their last order"
    );
    let said = shop.replies(phone).await.pop().unwrap().1;
    assert!(
        said.contains("to 9 Elm St (where your last order went; reply with a new address to change it)"),
        "{said}"
    );

    shop.says("S3", phone, 3 * 3600 + 40, "to 77 Park Ave").await;
    let now = &shop.orders_of(phone).await[1];
    assert_eq!(now["delivery_address"], "77 Park Ave");
    let said = shop.replies(phone).await.pop().unwrap().1;
    assert!(said.starts_with("Updated, Ana: delivery to 77 Park Ave."), "{said}");
    let customer = entity::customers::Entity::find()
        .filter(entity::customers::Column::Phone.eq(format!("+{phone}")))
        .one(&shop.app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(customer.default_address.as_deref(), Some("77 Park Ave"));
}

async fn pickup_payment_and_change_are_read_and_kept(engine: Engine) {
    let shop = demo(engine).await;
    let phone = "15550007003";
    shop.says(
        "P1",
        phone,
        0,
        "2 large pepperoni, I'll pick them up. Paying cash, change for 50",
    )
    .await;
    let order = shop.orders_of(phone).await.remove(0);
    assert_eq!(order["fulfilment"], "pickup");
    assert_eq!(order["delivery_fee"], 0.0);
    assert_eq!(order["total_amount"], 33.98);
    assert_eq!(order["payment_method"], "cash");
    assert_eq!(order["cash_change_for"], 50.0);
    let said = shop.replies(phone).await.pop().unwrap().1;
    assert!(
        said.contains("— $33.98, for pickup at the shop, paying in cash, change for $50.00"),
        "{said}"
    );
    let id = order["id"].as_i64().unwrap();
    let (status, body) = shop
        .send(
            Method::POST,
            &format!("/api/orders/{id}/status"),
            json!({ "status": "confirmed" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let driver = entity::drivers::Entity::find()
        .filter(entity::drivers::Column::BusinessId.eq(shop.business))
        .one(&shop.app.db)
        .await
        .unwrap()
        .unwrap();
    let (status, body) = shop
        .send(
            Method::POST,
            &format!("/api/orders/{id}/delivery"),
            json!({ "driver_id": driver.id }),
        )
        .await;
    assert_eq!(status, 409, "a pickup has no driver: {body}");

    // A follow-up switches a waiting order to delivery, and the fee comes back.
    let phone = "15550007004";
    shop.says("P2", phone, 0, "1 lasagna para llevar, pago con tarjeta")
        .await;
    shop.says("P3", phone, 30, "actually deliver to 5 Main St").await;
    let order = shop.orders_of(phone).await.remove(0);
    assert_eq!(order["fulfilment"], "delivery");
    assert_eq!(order["delivery_address"], "5 Main St");
    assert_eq!(order["payment_method"], "card");
    assert_eq!(order["total_amount"], 15.98, "12.99 and the delivery fee again");

    // Typed in by staff: a pickup has no delivery fee.
    let typed = |fee: f64| {
        json!({
            "customer_name": "Walk-in",
            "items": [{ "name": "Lasagna", "quantity": 1 }],
            "delivery_fee": fee,
            "fulfilment": "pickup",
            "payment_method": "pix",
        })
    };
    let (status, body) = shop.send(Method::POST, "/api/orders", typed(2.99)).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = shop.send(Method::POST, "/api/orders", typed(0.0)).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["order"]["fulfilment"], "pickup");
    assert_eq!(body["order"]["payment_method"], "pix");
    let id = body["order"]["id"].as_i64().unwrap();
    let (status, body) = shop
        .send(
            Method::PATCH,
            &format!("/api/orders/{id}"),
            json!({ "fulfilment": "delivery", "delivery_address": "1 Shore Rd", "cash_change_for": 20 }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["order"]["fulfilment"], "delivery");
    assert_eq!(body["order"]["delivery_fee"], 2.99);
    assert_eq!(body["order"]["cash_change_for"], 20.0);
}

async fn an_unavailable_item_is_named_and_waits_for_a_person(engine: Engine) {
    let shop = demo(engine).await;
    let tiramisu = entity::products::Entity::find()
        .filter(entity::products::Column::BusinessId.eq(shop.business))
        .filter(entity::products::Column::Name.eq("Tiramisu"))
        .one(&shop.app.db)
        .await
        .unwrap()
        .unwrap();
    let (status, body) = shop
        .send(
            Method::PATCH,
            &format!("/api/products/{}", tiramisu.id),
            json!({ "is_available": false }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let phone = "15550007005";
    shop.says("U1", phone, 0, "1 lasagna and 2 tiramisu, to 3 Bay Rd").await;
    let order = shop.orders_of(phone).await.remove(0);
    assert_eq!(order["status"], "needs_review");
    assert_eq!(items(&order).len(), 2, "nothing is dropped in silence");
    assert!(order["attention"].as_str().unwrap().contains("Tiramisu"), "{order}");
    let (template, said) = shop.replies(phone).await.pop().unwrap();
    assert_eq!(template, "needs_review");
    assert!(said.contains("Sorry, Tiramisu is not available right now"), "{said}");
}

async fn a_message_naming_the_menu_goes_to_a_person(engine: Engine) {
    let shop = demo(engine).await;
    let phone = "15550007006";
    let asked = shop
        .says("O1", phone, 0, "can I get a large ham and pineapple pizza, no onions")
        .await;
    assert_eq!(asked.status, InboundStatus::Processed, "not ignored in silence");
    let order = shop.orders_of(phone).await.remove(0);
    assert_eq!(order["status"], "needs_review");
    assert_eq!(shop.replies(phone).await.pop().unwrap().0, "needs_review");

    let question = shop.says("O2", "15550007007", 0, "what time do you close?").await;
    assert_eq!(question.status, InboundStatus::Ignored);
}

async fn the_menu_is_sent_on_request(engine: Engine) {
    let shop = demo(engine).await;
    let (status, body) = shop
        .send(Method::PATCH, "/api/products/1", json!({ "is_available": false }))
        .await;
    assert_eq!(status, 200, "{body}");
    let hidden = body["product"]["name"].as_str().unwrap().to_string();
    let phone = "15550007008";
    let asked = shop.says("M1", phone, 0, "me manda o cardápio por favor").await;
    assert_eq!(asked.status, InboundStatus::Processed);
    assert!(
        shop.orders_of(phone).await.is_empty(),
        "asking for the menu orders nothing"
    );
    let (template, menu) = shop.replies(phone).await.pop().expect("the menu");
    assert_eq!(template, "menu");
    let business = businesses::Entity::find_by_id(shop.business)
        .one(&shop.app.db)
        .await
        .unwrap()
        .unwrap();
    for part in [
        "Pizza Palace — menu",
        "*Drinks*",
        "• Coke — Can $1.99 · 2L $3.49",
        "/m/",
    ] {
        assert!(menu.contains(part), "{part} missing from {menu}");
    }
    assert!(menu.contains(&format!("/m/{}", business.short_code)), "{menu}");
    assert!(!menu.contains(&hidden), "{hidden} is unavailable: {menu}");

    let page = shop.app.get(&format!("/m/{}", business.short_code)).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Coke") && html.contains("Pizza Palace"), "{html}");
    assert!(!html.contains(&hidden), "{hidden} is unavailable");
    assert!(!html.contains("<script"), "no WebAssembly, no script");
    assert_eq!(shop.app.get("/m/NO-SUCH-SHOP").await.status(), 404);
}
