//! Live events for the dashboard (`GET /api/events`): what changed, for which business. Within
//! one process they travel on a broadcast channel; a slow listener misses events rather than
//! holding up the ones who publish them. When several instances share PostgreSQL, published
//! events go out through a relay (LISTEN/NOTIFY, in the server) and come back to every
//! instance, this one included, which then delivers them to its listeners.
//!
//! Watchers (the kept answers of `services::recent`) hear each event on every instance before
//! the listeners do: the hub hears every change the dashboards hear.

use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;
use tokio::sync::{broadcast, mpsc, watch};

pub use crate::event_kind::EventKind;

/// How many events a listener may fall behind before it starts missing some.
const BACKLOG: usize = 1_024;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub business_id: i64,
    pub kind: EventKind,
    pub data: Value,
}

/// What must hear of every event on this instance as part of publishing or delivering it,
/// before any listener: what is kept from before a change must not outlive it.
pub trait Watcher: Send + Sync + std::fmt::Debug {
    fn heard(&self, event: &Event);
    /// Events may have gone unheard (the relay reconnecting, an order that could not be read).
    fn missed(&self);
}

#[derive(Debug, Clone)]
pub struct EventHub {
    sender: broadcast::Sender<Event>,
    closing: watch::Sender<bool>,
    relay: Option<mpsc::UnboundedSender<Event>>,
    watchers: Arc<[Arc<dyn Watcher>]>,
}

impl Default for EventHub {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(BACKLOG).0,
            closing: watch::channel(false).0,
            relay: None,
            watchers: Arc::new([]),
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

    /// The hub, with `watcher` hearing every event from now on.
    pub fn watched_by(mut self, watcher: Arc<dyn Watcher>) -> Self {
        self.watchers = self.watchers.iter().cloned().chain([watcher]).collect();
        self
    }

    pub fn publish(&self, event: Event) {
        // Before the relay brings it back, so the writer's next read already sees the change.
        self.tell_watchers(&event);
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
        self.tell_watchers(&event);
        // No listener is not an error: nobody has the dashboard open.
        let _ = self.sender.send(event);
    }

    /// Changes may have happened that this hub will never hear of.
    pub fn missed(&self) {
        for watcher in self.watchers.iter() {
            watcher.missed();
        }
    }

    fn tell_watchers(&self, event: &Event) {
        for watcher in self.watchers.iter() {
            watcher.heard(event);
        }
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
            kind: EventKind::WhatsappState,
            data: Value::Null,
        });
        let mut listener = hub.subscribe();
        let event = Event {
            business_id: 2,
            kind: EventKind::WhatsappQr,
            data: serde_json::json!({"qr": "2@x"}),
        };
        hub.publish(event.clone());
        assert_eq!(listener.recv().await.unwrap(), event);
    }

    #[tokio::test]
    async fn order_events_empty_their_business_answers_whoever_published_them() {
        let answers = crate::services::recent::Answers::default();
        let (hub, _relay) = EventHub::relayed();
        let hub = &hub.watched_by(Arc::new(answers.clone()));
        let answers = &answers;
        // Whether the business's first page had to be computed (was not kept).
        let computed = |business_id| async move {
            let mut computed = false;
            answers
                .order_lists
                .get_or_compute(business_id, "first".into(), || async {
                    computed = true;
                    Ok(crate::dto::OrderPage {
                        orders: Vec::new(),
                        pagination: crate::dto::Pagination {
                            page: 1,
                            limit: 20,
                            total: 0,
                            pages: 0,
                        },
                    })
                })
                .await
                .unwrap();
            computed
        };
        let order = |business_id| Event {
            business_id,
            kind: EventKind::OrderUpdated,
            data: Value::Null,
        };
        assert!(computed(1).await && computed(2).await);
        hub.publish(Event {
            kind: EventKind::WhatsappState,
            ..order(1)
        });
        assert!(!computed(1).await, "not an order event");
        hub.publish(order(1));
        assert!(computed(1).await, "published here");
        assert!(!computed(2).await);
        hub.deliver(order(2));
        assert!(computed(2).await, "relayed from another instance");
    }
}
