//! The kinds of live event `GET /api/events` sends, named once for the server that publishes
//! them, the relay between instances and the browser that listens.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventKind {
    #[serde(rename = "order.created")]
    OrderCreated,
    #[serde(rename = "order.updated")]
    OrderUpdated,
    #[serde(rename = "whatsapp.state")]
    WhatsappState,
    #[serde(rename = "whatsapp.qr")]
    WhatsappQr,
}

impl EventKind {
    pub const ALL: [EventKind; 4] = [
        Self::OrderCreated,
        Self::OrderUpdated,
        Self::WhatsappState,
        Self::WhatsappQr,
    ];
    pub const ORDERS: &'static [EventKind] = &[Self::OrderCreated, Self::OrderUpdated];

    /// The SSE event name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OrderCreated => "order.created",
            Self::OrderUpdated => "order.updated",
            Self::WhatsappState => "whatsapp.state",
            Self::WhatsappQr => "whatsapp.qr",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    pub fn is_order(self) -> bool {
        Self::ORDERS.contains(&self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
        assert_eq!(EventKind::parse("order.deleted"), None);
    }
}
