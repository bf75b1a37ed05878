//! The WhatsApp simulator's control API and the channel its fake WhatsApp Web page uses: a QR
//! scan links a session, messages reach the linked client (and wait for it while it is away),
//! sends are recorded with a receipt, a logout unlinks, and the state survives a restart.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use novi_tests::SseStream;
use reqwest::Client;
use serde_json::{Value, json};
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

const BUSINESS: &str = "+15550000000";
const CUSTOMER: &str = "+15551234567";

struct Simulator {
    base: String,
    dir: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
    http: Client,
}

impl Simulator {
    async fn start(dir: PathBuf) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address: SocketAddr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let state = dir.clone();
        let task = tokio::spawn(async move {
            server::whatsapp::simulator::serve(listener, &state, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
        Self {
            base: format!("http://{address}/"),
            dir,
            stop: Some(stop),
            task,
            http: Client::new(),
        }
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let response = self.http.get(format!("{}{path}", self.base)).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// A client session's event stream, as the fake page's EventSource reads it.
    async fn events(&self, token: &str) -> Events {
        Events(SseStream::open(&format!("{}client/events?token={token}", self.base), None).await)
    }

    /// Stops it; its state stays in its folder for a restart.
    async fn stop_keeping_state(mut self) -> PathBuf {
        let _ = self.stop.take().unwrap().send(());
        let _ = tokio::time::timeout(Duration::from_secs(5), &mut self.task).await;
        self.dir
    }

    async fn stop(self) {
        let dir = self.stop_keeping_state().await;
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// The fake page's events: only their data.
struct Events(SseStream);

impl Events {
    async fn next(&mut self) -> Option<Value> {
        self.0.next().await.map(|event| event.data)
    }
}

fn data_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("novi-simulator-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn linked_session(simulator: &Simulator) -> (String, Events) {
    let (status, session) = simulator.post("client/session", json!({})).await;
    assert_eq!(status, 200);
    let token = session["token"].as_str().unwrap().to_string();
    let mut events = simulator.events(&token).await;
    let qr = events.next().await.unwrap();
    assert_eq!(qr["type"], "qr");
    assert_eq!(qr["qr"], session["qr"]);
    let (status, body) = simulator
        .post("api/scan", json!({"qr": qr["qr"], "phone": BUSINESS}))
        .await;
    assert_eq!(status, 200, "{body}");
    let paired = events.next().await.unwrap();
    assert_eq!(
        (paired["type"].as_str(), paired["phone"].as_str()),
        (Some("paired"), Some(BUSINESS))
    );
    (token, events)
}

#[tokio::test]
async fn a_scanned_session_receives_messages_and_sends_with_receipts() {
    let simulator = Simulator::start(data_dir()).await;
    let (status, _) = simulator
        .post("api/scan", json!({"qr": "2@nothing", "phone": BUSINESS}))
        .await;
    assert_eq!(status, 404, "an unknown QR is refused");
    let (token, mut events) = linked_session(&simulator).await;

    let (status, sent) = simulator
        .post(
            "api/messages",
            json!({"to": BUSINESS, "from": CUSTOMER, "name": "Maria", "body": "2 margherita", "id": "m1"}),
        )
        .await;
    assert_eq!((status, sent["id"].as_str()), (200, Some("m1")));
    let message = events.next().await.unwrap();
    assert_eq!(message["type"], "message");
    assert_eq!(message["chat"], "15551234567@c.us");
    assert_eq!(message["body"], "2 margherita");
    simulator
        .post(
            "api/messages",
            json!({"to": BUSINESS, "from": CUSTOMER, "body": "changed?", "id": "m1"}),
        )
        .await;
    let again = events.next().await.unwrap();
    assert_eq!(
        (again["id"].as_str(), again["body"].as_str()),
        (Some("m1"), Some("2 margherita")),
        "a redelivery is the same message"
    );

    let (status, edited) = simulator
        .post("api/messages/m1/edit", json!({"body": "3 margherita"}))
        .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(
        events.next().await.unwrap(),
        json!({"type": "edit", "id": "m1", "body": "3 margherita"})
    );
    simulator.post("api/messages/m1/revoke", json!({})).await;
    assert_eq!(events.next().await.unwrap(), json!({"type": "revoke", "id": "m1"}));

    let send =
        json!({"token": token, "chat": "15551234567@c.us", "body": "Thanks Maria!", "quoted_id": "m1", "id": "NOVI1"});
    let (status, reply) = simulator.post("client/send", send.clone()).await;
    assert_eq!(status, 200, "{reply}");
    let (_, retry) = simulator.post("client/send", send).await;
    assert_eq!(retry["id"], reply["id"], "a retry with the same id is the same message");
    let ack = events.next().await.unwrap();
    assert_eq!(
        (ack["type"].as_str(), ack["id"].as_str(), ack["ack"].as_u64()),
        (Some("ack"), reply["id"].as_str(), Some(2))
    );
    let (_, sent) = simulator.get(&format!("api/sent?from=%2B{}", &BUSINESS[1..])).await;
    assert_eq!(sent.as_array().unwrap().len(), 1);
    assert_eq!(sent[0]["body"], "Thanks Maria!");
    assert_eq!(sent[0]["quoted_id"], "m1");
    simulator.stop().await;
}

#[tokio::test]
async fn messages_wait_for_a_disconnected_client() {
    let simulator = Simulator::start(data_dir()).await;
    let (token, mut events) = linked_session(&simulator).await;
    let (status, _) = simulator.post("api/disconnect", json!({"phone": BUSINESS})).await;
    assert_eq!(status, 200);
    assert!(events.0.ends_within(Duration::from_secs(5)).await, "the stream ends");
    let (status, body) = simulator
        .post(
            "client/send",
            json!({"token": token, "chat": "15551234567@c.us", "body": "x"}),
        )
        .await;
    assert_eq!(status, 200, "the account may still send over a new connection: {body}");

    for body in ["while away 1", "while away 2"] {
        simulator
            .post("api/messages", json!({"to": BUSINESS, "from": CUSTOMER, "body": body}))
            .await;
    }
    let mut events = simulator.events(&token).await;
    assert_eq!(events.next().await.unwrap()["type"], "paired");
    assert_eq!(events.next().await.unwrap()["body"], "while away 1");
    assert_eq!(events.next().await.unwrap()["body"], "while away 2");
    simulator.stop().await;
}

#[tokio::test]
async fn groups_logout_and_a_restart() {
    let simulator = Simulator::start(data_dir()).await;
    let (token, mut events) = linked_session(&simulator).await;
    let (status, group) = simulator
        .post(
            "api/groups",
            json!({"name": "Office lunch", "phone": BUSINESS, "members": [CUSTOMER]}),
        )
        .await;
    assert_eq!(status, 200);
    let group = group["id"].as_str().unwrap().to_string();
    assert!(group.ends_with("@g.us"));
    simulator
        .post(
            "api/messages",
            json!({"to": BUSINESS, "from": CUSTOMER, "group": group, "body": "1 coke"}),
        )
        .await;
    assert_eq!(events.next().await.unwrap()["chat"], group);
    let (status, _) = simulator
        .post(
            "api/messages",
            json!({"to": BUSINESS, "from": CUSTOMER, "group": "1@g.us", "body": "x"}),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = simulator
        .post("api/messages", json!({"to": "nope", "from": CUSTOMER, "body": "x"}))
        .await;
    assert_eq!(status, 422);

    let dir = simulator.stop_keeping_state().await;
    let simulator = Simulator::start(dir).await;
    let (status, session) = simulator.get(&format!("client/session?token={token}")).await;
    assert_eq!(
        (status, session["linked"].as_bool()),
        (200, Some(true)),
        "a restart keeps the link"
    );

    let mut events = simulator.events(&token).await;
    assert_eq!(events.next().await.unwrap()["type"], "paired");
    let history = events.next().await.unwrap();
    assert_eq!(history["type"], "history", "the page is given the recent messages");
    assert!(!history["messages"].as_array().unwrap().is_empty());
    let (status, _) = simulator.post("api/logout", json!({"phone": BUSINESS})).await;
    assert_eq!(status, 200);
    assert_eq!(events.next().await.unwrap()["type"], "logged_out");
    let (status, _) = simulator.get(&format!("client/session?token={token}")).await;
    assert_eq!(status, 404, "the unlinked session is gone");

    let (status, _) = simulator.post("api/reset", json!({})).await;
    assert_eq!(status, 204);
    simulator.stop().await;
}
