//! `novi serve` as real processes beside a WhatsApp simulator that outlives them: killed with
//! SIGKILL in the middle of a burst, it loses no message and repeats no reply, and a follow-up
//! sent after the restart still joins the order its customer began before; two instances on
//! one PostgreSQL database both stream every event, run the WhatsApp session once between
//! them, and the survivor takes it over when its holder dies.

use std::{collections::HashMap, time::Duration};

use novi_tests::{
    Engine, SseStream, TestDatabase, eventually, free_port,
    process::{self, Novi},
};
use serde_json::{Value, json};

const BUSINESS_PHONE: &str = "+15550000000";
const BURST: usize = 500;
/// Begins an order before the kill and adds to it after the restart.
const FOLLOWER: &str = "+15553999999";

async fn post(url: String, body: Value) -> Value {
    novi_tests::post_json(&url, body).await
}

/// Links the business's WhatsApp through `novi`'s QR.
async fn link(novi: &Novi, simulator: &str, token: &str) {
    let qr = novi.whatsapp_becomes(token, "qr", Duration::from_secs(60)).await["qr"]
        .as_str()
        .unwrap()
        .to_string();
    post(
        format!("{simulator}api/scan"),
        json!({"qr": qr, "phone": BUSINESS_PHONE}),
    )
    .await;
    novi.whatsapp_becomes(token, "connected", Duration::from_secs(60)).await;
}

fn customer(n: usize) -> String {
    format!("+1555300{n:04}")
}

/// What the business's number sent, per chat of the burst's customers.
async fn sent_per_chat(simulator: &str) -> HashMap<String, usize> {
    let follower = format!("{}@c.us", FOLLOWER.trim_start_matches('+'));
    let mut per_chat = sent_to_everyone(simulator).await;
    per_chat.remove(&follower);
    per_chat
}

async fn sent_to_everyone(simulator: &str) -> HashMap<String, usize> {
    let sent: Vec<Value> = reqwest::get(format!("{simulator}api/sent?from=%2B15550000000"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut per_chat = HashMap::new();
    for message in sent {
        *per_chat.entry(message["to"].as_str().unwrap().to_string()).or_insert(0) += 1;
    }
    per_chat
}

async fn orders_of_burst(token: &str, novi: &Novi) -> usize {
    let mut total = 0;
    for page in 1.. {
        let answer: Value = reqwest::Client::new()
            .get(novi.url(&format!("/api/orders?source=whatsapp&limit=100&page={page}")))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let orders = answer["orders"].as_array().cloned().unwrap_or_default();
        total += orders
            .iter()
            .filter(|order| {
                order["customer_phone"]
                    .as_str()
                    .is_some_and(|phone| phone.starts_with("+1555300"))
            })
            .count();
        if orders.len() < 100 {
            break;
        }
    }
    total
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("novi-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sigkill_in_the_middle_of_a_burst_loses_no_message_and_repeats_no_reply() {
    let dir = scratch("sigkill");
    let database = TestDatabase::create(&Engine::Sqlite).await;
    let (simulator, stop_simulator) = process::start_simulator(&dir.join("simulator")).await;
    let sessions = dir.join("sessions");
    let env = process::environment(&database.url, &sessions, &simulator);
    process::seed(&env, &dir).await;
    let port = free_port();
    let mut first = Novi::start(&env, &dir, port, "first").await;
    let token = first.owner_token().await;
    link(&first, &simulator, &token).await;
    // Chromium keeps the linked session on disk a few seconds after the page stores it.
    tokio::time::sleep(Duration::from_secs(6)).await;

    let messages = format!("{simulator}api/messages");
    let follow =
        |id: &str, body: &str| json!({"to": BUSINESS_PHONE, "from": FOLLOWER, "name": "Fiona", "body": body, "id": id});
    post(messages.clone(), follow("follow-1", "1 lasagna please")).await;
    // The customers write at a steady pace while Novi is killed and comes back.
    let burst_messages = messages.clone();
    let burst = tokio::spawn(async move {
        let messages = burst_messages;
        for n in 0..BURST {
            let body = json!({
                "to": BUSINESS_PHONE,
                "from": customer(n),
                "name": format!("Customer {n}"),
                "body": format!("{} lasagna and 1 coke, address {n} Main St", 1 + n % 3),
                "id": format!("burst-{n}"),
            });
            post(messages.clone(), body).await;
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    });
    let db = database.connect().await;
    let taken = "SELECT COUNT(*) AS n FROM outbound_messages WHERE status <> 'pending'";
    // Killed while messages are arriving, orders being made and replies on the wire.
    eventually(Duration::from_secs(60), "the first replies to go out", || async {
        (count(&db, taken).await >= 20).then_some(())
    })
    .await;
    first.kill().await;
    let recorded = count(
        &db,
        "SELECT COUNT(*) AS n FROM inbound_messages WHERE external_id LIKE 'burst-%'",
    )
    .await;
    eprintln!(
        "when killed: {recorded} of {BURST} messages recorded, {} replies taken",
        count(&db, taken).await
    );
    assert!(recorded < BURST as i64, "killed in the middle of the burst");
    burst.await.unwrap();
    let second = Novi::start(&env, &dir, port, "second").await;
    second
        .whatsapp_becomes(&token, "connected", Duration::from_secs(60))
        .await;
    post(messages.clone(), follow("follow-2", "and a coke")).await;

    let chats = eventually(Duration::from_secs(180), "a reply to every message", || async {
        let chats = sent_per_chat(&simulator).await;
        (chats.len() >= BURST).then_some(chats)
    })
    .await;
    // Anything still in flight would show up now as a second reply.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let chats = sent_per_chat(&simulator)
        .await
        .into_iter()
        .chain(chats)
        .collect::<HashMap<_, _>>();
    let repeated: Vec<_> = chats.iter().filter(|(_, count)| **count != 1).collect();
    assert!(repeated.is_empty(), "chats with other than one reply: {repeated:?}");
    assert_eq!(chats.len(), BURST);
    assert_eq!(
        orders_of_burst(&token, &second).await,
        BURST,
        "exactly one order per message"
    );
    let follower = format!("{}@c.us", FOLLOWER.trim_start_matches('+'));
    assert_eq!(
        sent_to_everyone(&simulator).await.get(&follower),
        Some(&2),
        "one reply to the order, one to the follow-up"
    );
    let orders: Value = reqwest::Client::new()
        .get(second.url("/api/orders?q=Fiona"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let orders = orders["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 1, "the follow-up joined the order: {orders:?}");
    let items: Vec<&str> = orders[0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["name"].as_str().unwrap())
        .collect();
    assert_eq!(items, ["Lasagna", "Coke"]);

    second.stop().await;
    process::kill_browsers_on(&sessions.join("business-1"));
    let _ = stop_simulator.send(());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_events_and_one_runs_whatsapp_until_it_dies() {
    let Some(engine) = Engine::postgres() else {
        eprintln!("skipped: NOVI_TEST_POSTGRES_URL is not set");
        return;
    };
    let dir = scratch("instances");
    let database = TestDatabase::create(&engine).await;
    let (simulator, stop_simulator) = process::start_simulator(&dir.join("simulator")).await;
    let sessions = dir.join("sessions");
    let env = process::environment(&database.url, &sessions, &simulator);
    process::seed(&env, &dir).await;
    let a = Novi::start(&env, &dir, free_port(), "a").await;
    let b = Novi::start(&env, &dir, free_port(), "b").await;
    let token = a.owner_token().await;
    link(&a, &simulator, &token).await;
    // Chromium keeps the linked session on disk a few seconds after the page stores it.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let profile = sessions.join("business-1");
    let browsers = process::browsers_on(&profile);
    assert_eq!(browsers.len(), 1, "one instance runs the session: {browsers:?}");
    let holder_pid = browsers[0].1;
    assert!(holder_pid == a.pid() || holder_pid == b.pid(), "{browsers:?}");

    let mut on_a = SseStream::open(&a.url("/api/events"), Some(&token)).await;
    let mut on_b = SseStream::open(&b.url("/api/events"), Some(&token)).await;
    let order =
        |id: &str, from: &str| json!({"to": BUSINESS_PHONE, "from": from, "body": "2x margherita large", "id": id});
    post(format!("{simulator}api/messages"), order("two-1", "+15554000001")).await;
    for stream in [&mut on_a, &mut on_b] {
        let created = next_order(stream).await;
        assert_eq!(created["total_amount"], 34.97, "2 × 15.99 + 2.99 delivery");
    }

    // The holder dies; the other takes the session over and carries on.
    let (mut holder, survivor, mut survivor_events) = if holder_pid == a.pid() {
        (a, b, on_b)
    } else {
        (b, a, on_a)
    };
    holder.kill().await;
    eventually(Duration::from_secs(60), "the survivor to run the session", || async {
        let browsers = process::browsers_on(&profile);
        browsers
            .iter()
            .any(|(_, parent)| *parent == survivor.pid())
            .then_some(())
    })
    .await;
    survivor
        .whatsapp_becomes(&token, "connected", Duration::from_secs(60))
        .await;
    post(format!("{simulator}api/messages"), order("two-2", "+15554000002")).await;
    let created = next_order(&mut survivor_events).await;
    assert_eq!(created["status"], "pending");
    let replied = eventually(Duration::from_secs(30), "the survivor's reply", || async {
        let chats = sent_per_chat(&simulator).await;
        chats.contains_key("15554000002@c.us").then_some(chats)
    })
    .await;
    assert_eq!(replied["15554000002@c.us"], 1);

    survivor.stop().await;
    process::kill_browsers_on(&profile);
    let _ = stop_simulator.send(());
    drop(database);
    let _ = std::fs::remove_dir_all(&dir);
}

async fn count(db: &sea_orm::DatabaseConnection, sql: &str) -> i64 {
    use sea_orm::ConnectionTrait;
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

/// The next `order.created` on a stream, within 10 s.
async fn next_order(stream: &mut SseStream) -> Value {
    loop {
        let event = stream
            .next_within(Duration::from_secs(10))
            .await
            .expect("an order.created event");
        if event.name == "order.created" {
            return event.data;
        }
    }
}
