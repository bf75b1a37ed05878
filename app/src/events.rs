//! Live events for the dashboard (`GET /api/events`): what changed, for which business. Within
//! one process they travel on a broadcast channel; a slow listener misses events rather than
//! holding up the ones who publish them. When several instances share PostgreSQL, published
//! events go out through a relay (LISTEN/NOTIFY, in the server) and come back to every
//! instance, this one included, which then delivers them to its listeners.

use serde::Serialize;
use serde_json::Value;
use tokio::sync::{broadcast, mpsc, watch};

/// How many events a listener may fall behind before it starts missing some.
const BACKLOG: usize = 1_024;

/// Every kind of event, so one that crossed between instances gets its name back.
pub const KINDS: &[&str] = &["order.created", "order.updated", "whatsapp.state", "whatsapp.qr"];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub business_id: i64,
    /// `whatsapp.state`, `whatsapp.qr`, …
    pub kind: &'static str,
    pub data: Value,
}

#[derive(Debug, Clone)]
pub struct EventHub {
    sender: broadcast::Sender<Event>,
    closing: watch::Sender<bool>,
    relay: Option<mpsc::UnboundedSender<Event>>,
}

impl Default for EventHub {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(BACKLOG).0,
            closing: watch::channel(false).0,
            relay: None,
        }
    }
}

impl EventHub {
    /// A hub whose published events go to the returned relay, which hands each back to
    /// `deliver` on every instance.
    pub fn relayed() -> (Self, mpsc::UnboundedReceiver<Event>) {
        let (relay, outgoing) = mpsc::unbounded_channel();
        let hub = Self {
            relay: Some(relay),
            ..Self::default()
        };
        (hub, outgoing)
    }

    pub fn publish(&self, event: Event) {
        match &self.relay {
            Some(relay) => {
                if let Err(unsent) = relay.send(event) {
                    // The relay is gone (shutting down): this instance's own listeners still hear.
                    self.deliver(unsent.0);
                }
            }
            None => self.deliver(event),
        }
    }

    /// Hands an event to this instance's listeners.
    pub fn deliver(&self, event: Event) {
        // No listener is not an error: nobody has the dashboard open.
        let _ = self.sender.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }

    /// Ends every stream: the server is shutting down and must not wait for open dashboards.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves once the hub is closing.
    pub async fn closed(&self) {
        let mut closing = self.closing.subscribe();
        let _ = closing.wait_for(|closing| *closing).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn listeners_hear_what_is_published_after_they_subscribe() {
        let hub = EventHub::default();
        hub.publish(Event {
            business_id: 1,
            kind: "whatsapp.state",
            data: Value::Null,
        });
        let mut listener = hub.subscribe();
        let event = Event {
            business_id: 2,
            kind: "whatsapp.qr",
            data: serde_json::json!({"qr": "2@x"}),
        };
        hub.publish(event.clone());
        assert_eq!(listener.recv().await.unwrap(), event);
    }
}
