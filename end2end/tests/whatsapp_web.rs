//! The `web` transport in real Chromium against the simulator's WhatsApp Web: the injected
//! script reports the QR, the link, messages and receipts; sends are idempotent on their id; a
//! dropped connection comes back on request; a restarted browser on the same profile is still
//! linked, without a QR.

use std::{path::PathBuf, time::Duration};

use novi_tests::post_json;
use serde_json::{Value, json};
use server::whatsapp::{
    simulator::{Simulator, serve_with},
    transport::{Events, Transport, TransportEvent},
    web::{WebOptions, WebTransport},
};
use tokio::net::TcpListener;

const BUSINESS: &str = "+15550000000";

async fn start_simulator() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(serve_with(listener, Simulator::in_memory()));
    format!("http://{address}/")
}

/// The next event that `wanted` accepts, skipping the others.
async fn expect(events: &mut Events, what: &str, wanted: impl Fn(&TransportEvent) -> bool) -> TransportEvent {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let event = tokio::time::timeout_at(deadline, events.recv())
            .await
            .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
            .expect("the transport is running");
        if wanted(&event) {
            return event;
        }
    }
}

fn state_is(state: &'static str) -> impl Fn(&TransportEvent) -> bool {
    move |event| matches!(event, TransportEvent::State { state: s, .. } if s == state)
}

async fn post(base: &str, path: &str, body: Value) -> Value {
    post_json(&format!("{base}{path}"), body).await
}

async fn sent(base: &str) -> Vec<Value> {
    let url = format!("{base}api/sent?from=%2B{}", &BUSINESS[1..]);
    reqwest::get(url).await.unwrap().json::<Vec<Value>>().await.unwrap()
}

#[tokio::test]
async fn the_web_transport_links_receives_sends_reconnects_and_remembers() {
    let base = start_simulator().await;
    let profile = std::env::temp_dir().join(format!("novi-wa-profile-{}", std::process::id()));
    let options = WebOptions {
        chromium: PathBuf::from(std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into())),
        profile: profile.clone(),
        url: base.clone(),
    };
    let (transport, mut events) = WebTransport::launch(&options).await.expect("Chromium starts");

    let TransportEvent::Qr { qr } = expect(&mut events, "a QR", |e| matches!(e, TransportEvent::Qr { .. })).await
    else {
        unreachable!()
    };
    assert!(qr.starts_with("2@"), "{qr}");
    post(&base, "api/scan", json!({"qr": qr, "phone": BUSINESS})).await;
    let linked = expect(&mut events, "CONNECTED", state_is("CONNECTED")).await;
    assert_eq!(
        linked,
        TransportEvent::State {
            state: "CONNECTED".into(),
            phone: Some(BUSINESS.into())
        }
    );
    assert!(transport.alive().await);

    post(
        &base,
        "api/messages",
        json!({"to": BUSINESS, "from": "+15551234567", "name": "Maria", "body": "2x margherita", "id": "in-1"}),
    )
    .await;
    let TransportEvent::Message(message) =
        expect(&mut events, "a message", |e| matches!(e, TransportEvent::Message(_))).await
    else {
        unreachable!()
    };
    assert_eq!(
        (message.id.as_str(), message.chat.as_str(), message.group),
        ("in-1", "15551234567@c.us", false)
    );
    assert_eq!(
        (message.body.as_str(), message.push_name.as_deref()),
        ("2x margherita", Some("Maria"))
    );

    let id = transport
        .send("15551234567@c.us", "Got it, Maria!", Some("in-1"), "NOVI0001")
        .await
        .expect("sent");
    let again = transport
        .send("15551234567@c.us", "Got it, Maria!", Some("in-1"), "NOVI0001")
        .await
        .expect("sent");
    assert_eq!(id, again);
    assert_eq!(sent(&base).await.len(), 1, "one message for one outbox id");
    let ack = expect(&mut events, "a receipt", |e| matches!(e, TransportEvent::Ack { .. })).await;
    assert_eq!(ack, TransportEvent::Ack { id: id.clone(), ack: 2 });

    post(&base, "api/disconnect", json!({"phone": BUSINESS})).await;
    expect(&mut events, "TIMEOUT", state_is("TIMEOUT")).await;
    post(
        &base,
        "api/messages",
        json!({"to": BUSINESS, "from": "+15551234567", "body": "are you there?"}),
    )
    .await;
    transport.reconnect().await.expect("reconnect");
    expect(&mut events, "CONNECTED again", state_is("CONNECTED")).await;
    let waited = expect(&mut events, "the message that waited", |e| {
        matches!(e, TransportEvent::Message(_))
    })
    .await;
    assert!(matches!(waited, TransportEvent::Message(m) if m.body == "are you there?"));

    transport.close().await;
    let (transport, mut events) = WebTransport::launch(&options).await.expect("Chromium starts again");
    let relinked = expect(&mut events, "CONNECTED without a QR", |e| {
        assert!(
            !matches!(e, TransportEvent::Qr { .. }),
            "a restart must not ask for a QR"
        );
        state_is("CONNECTED")(e)
    })
    .await;
    assert!(matches!(relinked, TransportEvent::State { phone: Some(p), .. } if p == BUSINESS));

    post(&base, "api/logout", json!({"phone": BUSINESS})).await;
    expect(&mut events, "a new QR after the phone logs out", |e| {
        matches!(e, TransportEvent::Qr { .. })
    })
    .await;
    transport.close().await;
    let _ = std::fs::remove_dir_all(profile);
}
