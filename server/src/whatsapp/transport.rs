//! What every WhatsApp transport does for the worker: report what happens on the account and
//! send texts. `web` drives WhatsApp Web in Chromium and the simulator stands in for it in
//! development. The Cloud API (`super::cloud`) shares the inbox and outbox but not this trait:
//! it is a stateless sender plus a webhook, with no session to run.

use serde::Deserialize;
use tokio::sync::mpsc;

/// Something that happened on the account, as the transport reports it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TransportEvent {
    /// The transport's page is running and can send.
    Ready,
    /// WhatsApp Web's socket state (`OPENING`, `PAIRING`, `UNPAIRED`, `CONNECTED`,
    /// `TIMEOUT`, …) and the linked number once there is one.
    State {
        state: String,
        phone: Option<String>,
    },
    /// A new QR string to scan, while unlinked.
    Qr {
        qr: String,
    },
    Message(IncomingMessage),
    Edit {
        id: String,
        body: String,
    },
    Revoke {
        id: String,
    },
    /// A receipt for a sent message: 1 server, 2 delivered, 3 read.
    Ack {
        id: String,
        ack: u8,
    },
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct IncomingMessage {
    pub id: String,
    /// The chat: a person (`…@c.us`) or a group (`…@g.us`).
    pub chat: String,
    pub group: bool,
    /// Who wrote it (in a group, the member).
    pub author: String,
    pub push_name: Option<String>,
    pub body: String,
    pub msg_type: String,
    /// Seconds since the epoch.
    pub timestamp: i64,
    pub quoted_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("cannot start the browser: {0}")]
    Launch(String),
    #[error("the browser page failed: {0}")]
    Page(String),
    #[error("the send failed: {0}")]
    Send(String),
}

/// A running connection to one business's WhatsApp account.
pub trait Transport: Send + Sync {
    /// Sends a text to a chat, quoting a message when given. `id` is the message id Novi chose
    /// for this outbox row: sending the same id twice delivers one message.
    fn send(
        &self,
        chat: &str,
        body: &str,
        quoted: Option<&str>,
        id: &str,
    ) -> impl Future<Output = Result<String, TransportError>> + Send;

    /// Asks a dropped connection to come back.
    fn reconnect(&self) -> impl Future<Output = Result<(), TransportError>> + Send;

    /// Unlinks this device from the phone; a new QR follows.
    fn logout(&self) -> impl Future<Output = Result<(), TransportError>> + Send;

    /// Reports again the customers' messages since `since` (seconds since the epoch) that
    /// WhatsApp already holds: those that reached a browser whose Novi died before recording
    /// them. Recording is idempotent, so repeats cost nothing.
    fn catch_up(&self, since: i64) -> impl Future<Output = Result<(), TransportError>> + Send;

    /// Whether the page still answers (the heartbeat).
    fn alive(&self) -> impl Future<Output = bool> + Send;
}

/// The receiving end of a transport's events.
pub type Events = mpsc::UnboundedReceiver<TransportEvent>;
