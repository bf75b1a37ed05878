//! One business's WhatsApp worker: keeps a transport running, records the connection state
//! and every inbound message, drains the outbox, asks a dropped connection to come back with a
//! capped, jittered backoff, and restarts a browser that stops answering. After repeated
//! failures to start it gives up (`failed`: the business works in manual mode) and leaves a
//! note in the audit log for the owner.

use std::{collections::HashMap, path::PathBuf, sync::Arc, time::Duration};

use app::{
    events::{Event, EventHub, EventKind},
    services::{
        audit::{self, AuditEntry},
        whatsapp::{self as records, Incoming, Request},
    },
};
use entity::enums::{ConnectionState, Transport as TransportKind};
use rand::Rng;
use sea_orm::DatabaseConnection;
use serde_json::json;
use tokio::{
    sync::{Notify, mpsc, watch},
    task::JoinHandle,
    time::Instant,
};

use super::{
    sealed::{self, SealKey},
    transport::{Events, Transport, TransportEvent},
    web::{WebOptions, WebTransport},
};

/// Seconds before the last recorded message from which a new page reports messages again.
const CATCH_UP_MARGIN: i64 = 300;
/// How far back a business's very first connection looks.
const CATCH_UP_FIRST: i64 = 3_600;
/// When a new page is asked for missed messages the second time.
const CATCH_UP_AGAIN: Duration = Duration::from_secs(20);

/// How the workers run; the defaults keep a number well inside WhatsApp's tolerance.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub chromium: PathBuf,
    /// Each business gets `business-{id}` under this folder.
    pub sessions: PathBuf,
    pub url: String,
    /// At most one send per this interval, across all chats.
    pub send_interval: Duration,
    /// At most one send per this interval to the same chat.
    pub chat_interval: Duration,
    pub heartbeat: Duration,
    /// Launches that fail in a row before the worker gives up.
    pub max_failures: u32,
    /// Seals each profile at rest with this key (`NOVI_SESSION_KEY`).
    pub seal: Option<SealKey>,
    /// How often a running profile is sealed again.
    pub seal_every: Duration,
}

impl WorkerSettings {
    pub fn new(chromium: PathBuf, sessions: PathBuf, url: String) -> Self {
        Self {
            chromium,
            sessions,
            url,
            send_interval: Duration::from_secs(1),
            chat_interval: Duration::from_secs(3),
            heartbeat: Duration::from_secs(15),
            max_failures: 5,
            seal: None,
            seal_every: Duration::from_secs(600),
        }
    }
}

/// Starts the worker of one business; it runs until `stop` turns true.
pub fn spawn(
    db: DatabaseConnection,
    events: EventHub,
    arrived: Arc<Notify>,
    business_id: i64,
    settings: WorkerSettings,
    requests: mpsc::UnboundedReceiver<Request>,
    stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut worker = Worker {
            db,
            events,
            arrived,
            business_id,
            settings,
            requests,
            stop,
            phone: None,
            linked: false,
        };
        worker.run().await;
    })
}

struct Worker {
    db: DatabaseConnection,
    events: EventHub,
    /// Wakes the ingest pipeline when a message is recorded.
    arrived: Arc<Notify>,
    business_id: i64,
    settings: WorkerSettings,
    requests: mpsc::UnboundedReceiver<Request>,
    stop: watch::Receiver<bool>,
    phone: Option<String>,
    /// Whether this account has been connected since the worker started.
    linked: bool,
}

/// Why a transport stopped.
enum Ended {
    Stopped,
    /// The browser closed or stopped answering; `ready` tells whether its page ever ran.
    Lost {
        ready: bool,
    },
}

/// What a socket state means for sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    Up,
    /// Not connected, and waiting is right (a QR to scan, the page opening).
    Waiting,
    /// The connection dropped: ask it to come back.
    Dropped,
}

impl Worker {
    async fn run(&mut self) {
        let options = WebOptions {
            chromium: self.settings.chromium.clone(),
            profile: self.settings.sessions.join(format!("business-{}", self.business_id)),
            url: self.settings.url.clone(),
        };
        self.unseal(&options.profile).await;
        self.keep_running(&options).await;
        // Whichever way the worker ends, no plaintext profile stays behind.
        self.seal(&options.profile, true).await;
    }

    async fn keep_running(&mut self, options: &WebOptions) {
        let mut failures = 0;
        while !*self.stop.borrow() {
            self.state(ConnectionState::Starting, None).await;
            let failure = match WebTransport::launch(options).await {
                Ok((transport, events)) => {
                    let ended = self.drive(&transport, events, &options.profile).await;
                    transport.close().await;
                    match ended {
                        Ended::Stopped => return,
                        // A page that ran and then died is restarted afresh; one that never ran
                        // counts against giving up.
                        Ended::Lost { ready: true } => {
                            failures = 0;
                            tracing::warn!(
                                business = self.business_id,
                                "the WhatsApp browser stopped answering; restarting it"
                            );
                            None
                        }
                        Ended::Lost { ready: false } => Some("the WhatsApp page never became ready".to_string()),
                    }
                }
                Err(error) => Some(error.to_string()),
            };
            if let Some(error) = failure {
                failures += 1;
                tracing::error!(business = self.business_id, %error, failures, "cannot start WhatsApp");
                if failures >= self.settings.max_failures {
                    self.give_up(&error).await;
                    return;
                }
            }
            self.state(ConnectionState::Reconnecting, None).await;
            if self.pause(backoff(failures)).await {
                return;
            }
        }
    }

    async fn drive(&mut self, transport: &WebTransport, mut events: Events, profile: &std::path::Path) -> Ended {
        let mut heartbeat = tokio::time::interval(self.settings.heartbeat);
        heartbeat.tick().await;
        let mut reseal = tokio::time::interval(self.settings.seal_every);
        reseal.tick().await;
        let mut outbox = tokio::time::interval(self.settings.send_interval);
        let mut connected = false;
        let mut caught_up = false;
        // WhatsApp Web keeps loading what arrived while it was away after it reports connected,
        // so the page is asked once more a little later.
        let mut catch_up_again: Option<Instant> = None;
        let mut ready = false;
        let mut drops = 0;
        let mut reconnect_at: Option<Instant> = None;
        let mut last_send: HashMap<String, Instant> = HashMap::new();
        loop {
            let reconnect = sleep_until(reconnect_at);
            let again = sleep_until(catch_up_again);
            // In order: a stop first, then what WhatsApp reports (a burst of messages is
            // recorded before the next reply goes out), then the rest.
            tokio::select! {
                biased;
                _ = self.stop.changed() => return Ended::Stopped,
                event = events.recv() => {
                    let Some(event) = event else { return Ended::Lost { ready } };
                    ready |= event == TransportEvent::Ready;
                    match self.handle(event).await {
                        Some(Link::Up) => {
                            connected = true;
                            drops = 0;
                            reconnect_at = None;
                            if !caught_up {
                                caught_up = true;
                                catch_up_again = Some(Instant::now() + CATCH_UP_AGAIN);
                                self.catch_up(transport).await;
                            }
                        }
                        Some(Link::Waiting) => connected = false,
                        Some(Link::Dropped) => {
                            connected = false;
                            drops += 1;
                            reconnect_at = Some(Instant::now() + backoff(drops));
                        }
                        None => {}
                    }
                }
                () = again => {
                    catch_up_again = None;
                    self.catch_up(transport).await;
                }
                () = reconnect => {
                    reconnect_at = None;
                    self.state(ConnectionState::Reconnecting, None).await;
                    if let Err(error) = transport.reconnect().await {
                        tracing::warn!(business = self.business_id, %error, "reconnect failed");
                        return Ended::Lost { ready };
                    }
                }
                request = self.requests.recv() => {
                    let done = match request {
                        Some(Request::Connect) => transport.reconnect().await,
                        Some(Request::Logout) => transport.logout().await,
                        None => Ok(()),
                    };
                    if let Err(error) = done {
                        tracing::warn!(business = self.business_id, %error, "a WhatsApp request failed");
                    }
                }
                () = transport.gone() => return Ended::Lost { ready },
                _ = reseal.tick(), if self.settings.seal.is_some() => self.seal(profile, false).await,
                _ = heartbeat.tick() => {
                    if !transport.alive().await {
                        return Ended::Lost { ready };
                    }
                }
                _ = outbox.tick(), if connected => self.send_next(transport, &mut last_send).await,
            }
        }
    }

    /// Asks a freshly opened page for what arrived since the last message recorded, with a
    /// margin for clocks that disagree: a Novi that died may have missed some.
    async fn catch_up(&self, transport: &WebTransport) {
        let since = match records::last_inbound_at(&self.db, self.business_id).await {
            Ok(Some(last)) => last - CATCH_UP_MARGIN,
            Ok(None) => chrono::Utc::now().timestamp() - CATCH_UP_FIRST,
            Err(error) => {
                tracing::error!(business = self.business_id, %error, "cannot read the last inbound message");
                return;
            }
        };
        if let Err(error) = transport.catch_up(since).await {
            tracing::warn!(business = self.business_id, %error, "cannot catch up on missed messages");
        }
    }

    /// Records one event; a socket state also says what it means for sending.
    async fn handle(&mut self, event: TransportEvent) -> Option<Link> {
        let business = self.business_id;
        let result = match event {
            TransportEvent::Ready => Ok(()),
            TransportEvent::Qr { qr } => {
                self.state(ConnectionState::Qr, Some(qr)).await;
                Ok(())
            }
            TransportEvent::State { state, phone } => return Some(self.socket_state(&state, phone).await),
            TransportEvent::Message(message) => {
                let incoming = Incoming {
                    external_id: message.id,
                    chat_id: message.chat,
                    author: message.author,
                    push_name: message.push_name,
                    body: message.body,
                    message_type: message.msg_type,
                    quoted_external_id: message.quoted_id,
                    sent_at: message.timestamp,
                };
                self.record_inbound(incoming).await
            }
            TransportEvent::Edit { id, body } => {
                records::record_edit(&self.db, business, TransportKind::Web, &id, &body)
                    .await
                    .map(|_| self.arrived.notify_one())
            }
            TransportEvent::Revoke { id } => records::record_revoke(&self.db, business, TransportKind::Web, &id)
                .await
                .map(|_| self.arrived.notify_one()),
            TransportEvent::Ack { id, ack } => records::record_ack(&self.db, business, &id, ack).await,
        };
        if let Err(error) = result {
            tracing::error!(business, %error, "cannot record a WhatsApp event");
        }
        None
    }

    /// Writes an inbound message, retrying a failed write: WhatsApp will not deliver it again.
    async fn record_inbound(&self, incoming: Incoming) -> Result<(), app::error::ServiceError> {
        let mut attempt = 0;
        loop {
            let stored = records::record_inbound(
                &self.db,
                self.business_id,
                TransportKind::Web,
                self.phone.as_deref(),
                incoming.clone(),
            )
            .await;
            match stored {
                Ok(stored) => {
                    tracing::debug!(business = self.business_id, ?stored, "inbound message");
                    self.arrived.notify_one();
                    return Ok(());
                }
                Err(error) if attempt < 5 => {
                    attempt += 1;
                    tracing::warn!(business = self.business_id, %error, attempt, "retrying an inbound message");
                    tokio::time::sleep(Duration::from_millis(200 * (1 << attempt))).await;
                }
                Err(error) => return Err(error),
            }
        }
    }

    async fn socket_state(&mut self, state: &str, phone: Option<String>) -> Link {
        match state {
            "CONNECTED" => {
                self.phone = phone.or(self.phone.take());
                self.linked = true;
                self.state(ConnectionState::Connected, None).await;
                Link::Up
            }
            // Unlinked: either it never was (a QR follows) or the phone logged out.
            "UNPAIRED" | "UNPAIRED_IDLE" => {
                if std::mem::take(&mut self.linked) {
                    self.phone = None;
                    self.state(ConnectionState::LoggedOut, None).await;
                }
                Link::Waiting
            }
            "OPENING" | "PAIRING" => Link::Waiting,
            _ => {
                self.state(ConnectionState::Disconnected, None).await;
                Link::Dropped
            }
        }
    }

    /// Sends the next due reply, one at a time and never faster than the throttles allow.
    async fn send_next(&self, transport: &WebTransport, last_send: &mut HashMap<String, Instant>) {
        let row = match records::next_outbound(&self.db, self.business_id, TransportKind::Web).await {
            Ok(Some(row)) => row,
            Ok(None) => return,
            Err(error) => {
                tracing::error!(business = self.business_id, %error, "cannot read the outbox");
                return;
            }
        };
        if let Some(at) = last_send.get(&row.chat_id) {
            let wait = self.settings.chat_interval.saturating_sub(at.elapsed());
            tokio::time::sleep(wait).await;
        }
        let id = row.external_id.clone().unwrap_or_default();
        let sent = transport
            .send(&row.chat_id, &row.body, row.quoted_external_id.as_deref(), &id)
            .await;
        // Only chats written to within the interval matter; the rest would pile up, one per
        // customer ever answered, for as long as the worker runs.
        let interval = self.settings.chat_interval;
        last_send.retain(|_, at| at.elapsed() < interval);
        last_send.insert(row.chat_id.clone(), Instant::now());
        let recorded = match sent {
            Ok(external_id) => records::outbound_sent(&self.db, row.id, &external_id).await,
            Err(error) => records::outbound_failed(&self.db, &row, &error.to_string()).await,
        };
        if let Err(error) = recorded {
            tracing::error!(business = self.business_id, %error, "cannot record a send");
        }
    }

    /// Restores a sealed profile into a private folder. A profile that cannot be unsealed
    /// (another key, a damaged file) is set aside and the account links again by QR.
    async fn unseal(&self, profile: &std::path::Path) {
        let profile = profile.to_path_buf();
        let key = self.settings.seal.clone();
        let business = self.business_id;
        let _ = tokio::task::spawn_blocking(move || {
            if let Err(error) = sealed::private_folder(&profile) {
                tracing::error!(business, %error, "cannot create the WhatsApp profile folder");
            }
            let Some(key) = key else { return };
            // A plaintext profile left by an unclean stop is newer than the sealed copy.
            let left_behind = std::fs::read_dir(&profile).is_ok_and(|mut entries| entries.next().is_some());
            if left_behind {
                return;
            }
            if let Err(error) = sealed::unseal(&profile, &key) {
                tracing::error!(business, %error, "cannot unseal the WhatsApp profile; it is set aside and a new QR will be needed");
                let sealed = sealed::sealed_path(&profile);
                let _ = std::fs::rename(&sealed, sealed.with_extension("refused"));
            }
        })
        .await;
    }

    /// Seals the profile (and, on shutdown, removes the plaintext).
    async fn seal(&self, profile: &std::path::Path, remove: bool) {
        let Some(key) = self.settings.seal.clone() else { return };
        let profile = profile.to_path_buf();
        let business = self.business_id;
        let _ = tokio::task::spawn_blocking(move || {
            let sealed = if remove {
                sealed::seal_and_remove(&profile, &key)
            } else {
                sealed::seal(&profile, &key)
            };
            if let Err(error) = sealed {
                tracing::error!(business, %error, "cannot seal the WhatsApp profile");
            }
        })
        .await;
    }

    /// Records the state and tells the business's dashboards (`whatsapp.state`, and
    /// `whatsapp.qr` with each new QR).
    async fn state(&self, state: ConnectionState, qr: Option<String>) {
        let recorded = records::record_state(
            &self.db,
            self.business_id,
            TransportKind::Web,
            state,
            qr.clone(),
            self.phone.clone(),
        )
        .await;
        if let Err(error) = recorded {
            tracing::error!(business = self.business_id, %error, "cannot record the WhatsApp state");
        }
        let event = |kind, data| Event {
            business_id: self.business_id,
            kind,
            data,
        };
        self.events.publish(event(
            EventKind::WhatsappState,
            json!({ "state": state, "phone": self.phone, "since": chrono::Utc::now() }),
        ));
        if let Some(qr) = qr {
            self.events.publish(event(EventKind::WhatsappQr, json!({ "qr": qr })));
        }
    }

    async fn give_up(&self, error: &str) {
        self.state(ConnectionState::Failed, None).await;
        let note = AuditEntry {
            business_id: Some(self.business_id),
            actor_user_id: None,
            action: "whatsapp_failed",
            entity_type: "whatsapp_session",
            entity_id: None,
            before: None,
            after: Some(serde_json::json!({
                "error": error,
                "advice": "WhatsApp could not start; orders come in from the dashboard until it is reconnected",
            })),
            ip: None,
        };
        if let Err(error) = audit::record(&self.db, note).await {
            tracing::error!(business = self.business_id, %error, "cannot record the WhatsApp failure");
        }
    }

    /// Waits (a connect request ends the wait early), or returns true at once when asked to
    /// stop.
    async fn pause(&mut self, duration: Duration) -> bool {
        tokio::select! {
            _ = self.stop.changed() => true,
            _ = self.requests.recv() => *self.stop.borrow(),
            () = tokio::time::sleep(duration) => *self.stop.borrow(),
        }
    }
}

/// Sleeps until `at`, or forever when there is nothing to wait for.
async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// 1 s, 2 s, 4 s … capped at a minute, each with up to a fifth more of jitter.
fn backoff(attempt: u32) -> Duration {
    let base = Duration::from_secs(1u64 << attempt.saturating_sub(1).min(6)).min(Duration::from_secs(60));
    base + base.mul_f64(rand::rng().random_range(0.0..0.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        assert!(backoff(1) >= Duration::from_secs(1) && backoff(1) < Duration::from_millis(1_200));
        assert!(backoff(3) >= Duration::from_secs(4));
        assert!(backoff(30) <= Duration::from_secs(72));
    }
}
