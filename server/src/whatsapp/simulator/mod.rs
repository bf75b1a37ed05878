//! A faithful stand-in for WhatsApp: a fake WhatsApp Web page that offers the same internal
//! modules the injected script uses (`client.js`), the server behind it that links sessions by
//! QR, delivers messages (holding them while no client is connected, as WhatsApp does) and
//! records what the business sends, a phone screen for a person to play the customer, and a
//! control API for tests. `novi simulator` runs it alone; `NOVI_WHATSAPP=simulator` mounts it in
//! `novi serve` under `/dev/whatsapp/`.

mod routes;
mod world;

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};

use tokio::sync::mpsc;

pub use routes::router;
pub use world::{ClientEvent, Message, Sent, World, WorldError};

/// How often an unlinked session's QR changes.
pub const QR_REFRESH: Duration = Duration::from_secs(20);

/// The simulator's state, shared by its routes.
#[derive(Clone)]
pub struct Simulator {
    inner: Arc<Inner>,
}

struct Inner {
    world: Mutex<World>,
    file: Option<PathBuf>,
    /// The live event stream of each connected client, by session.
    clients: Mutex<HashMap<String, mpsc::UnboundedSender<ClientEvent>>>,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot use {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path} is not simulator state: {source}")]
    Format { path: PathBuf, source: serde_json::Error },
}

impl Simulator {
    /// A simulator that forgets everything when it stops.
    pub fn in_memory() -> Self {
        Self::with(World::default(), None)
    }

    /// A simulator whose state lives in `dir/state.json`.
    pub fn load(dir: &Path) -> Result<Self, LoadError> {
        std::fs::create_dir_all(dir).map_err(|source| LoadError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = dir.join("state.json");
        let world = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|source| LoadError::Format {
                path: path.clone(),
                source,
            })?,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => World::default(),
            Err(source) => return Err(LoadError::Io { path, source }),
        };
        Ok(Self::with(world, Some(path)))
    }

    fn with(world: World, file: Option<PathBuf>) -> Self {
        Self {
            inner: Arc::new(Inner {
                world: Mutex::new(world),
                file,
                clients: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Runs `change` on the world and saves it.
    pub fn change<T>(&self, change: impl FnOnce(&mut World) -> T) -> T {
        let mut world = lock(&self.inner.world);
        let result = change(&mut world);
        if let Some(path) = &self.inner.file {
            self.save(&world, path);
        }
        result
    }

    pub fn read<T>(&self, read: impl FnOnce(&World) -> T) -> T {
        read(&lock(&self.inner.world))
    }

    fn save(&self, world: &World, path: &Path) {
        let temporary = path.with_extension("json.tmp");
        let written = serde_json::to_vec_pretty(world)
            .map_err(std::io::Error::other)
            .and_then(|bytes| std::fs::write(&temporary, bytes))
            .and_then(|()| std::fs::rename(&temporary, path));
        if let Err(error) = written {
            tracing::error!(%error, path = %path.display(), "the WhatsApp simulator could not save its state");
        }
    }

    /// A client (the fake WhatsApp Web page) connects its event stream for a session. A linked
    /// session first hears who it is, then the recent history, then everything that waited
    /// for it.
    pub fn connect(&self, token: &str) -> Result<mpsc::UnboundedReceiver<ClientEvent>, WorldError> {
        let (sender, receiver) = mpsc::unbounded_channel();
        let first = self.change(|world| -> Result<Vec<ClientEvent>, WorldError> {
            let session = world.sessions.get(token).ok_or(WorldError::UnknownSession)?;
            let Some(phone) = session.phone.clone() else {
                return Ok(vec![ClientEvent::Qr { qr: session.qr.clone() }]);
            };
            let mut events = vec![ClientEvent::Paired {
                pushname: "Novi".into(),
                phone: phone.clone(),
            }];
            let pending: Vec<ClientEvent> = world
                .accounts
                .get_mut(&phone)
                .map(|account| account.pending.drain(..).collect())
                .unwrap_or_default();
            let waiting: Vec<&str> = pending
                .iter()
                .filter_map(|event| match event {
                    ClientEvent::Message(message) => Some(message.id.as_str()),
                    _ => None,
                })
                .collect();
            let messages = world.history(&phone, &waiting);
            if !messages.is_empty() {
                events.push(ClientEvent::History { messages });
            }
            events.extend(pending);
            Ok(events)
        })?;
        for event in first {
            let _ = sender.send(event);
        }
        lock(&self.inner.clients).insert(token.to_string(), sender);
        Ok(receiver)
    }

    /// Drops a client's stream, as a lost connection does.
    pub fn drop_client(&self, token: &str) {
        lock(&self.inner.clients).remove(token);
    }

    /// Tells a session's client, or keeps the event for the account until it connects.
    pub fn deliver_to_account(&self, phone: &str, event: ClientEvent) {
        let session = self.read(|world| world.accounts.get(phone).and_then(|a| a.session.clone()));
        let delivered = session.is_some_and(|token| self.send_live(&token, event.clone()));
        if !delivered {
            self.change(|world| {
                world
                    .accounts
                    .entry(phone.to_string())
                    .or_default()
                    .pending
                    .push_back(event)
            });
        }
    }

    /// Sends to a connected client; false when none is connected.
    pub fn send_live(&self, token: &str, event: ClientEvent) -> bool {
        let mut clients = lock(&self.inner.clients);
        match clients.get(token) {
            Some(sender) if sender.send(event).is_ok() => true,
            Some(_) => {
                clients.remove(token);
                false
            }
            None => false,
        }
    }

    /// Gives every connected, unlinked session a new QR.
    pub fn refresh_qrs(&self) {
        let connected: Vec<String> = lock(&self.inner.clients).keys().cloned().collect();
        for token in connected {
            if let Some(qr) = self.change(|world| world.refresh_qr(&token)) {
                self.send_live(&token, ClientEvent::Qr { qr });
            }
        }
    }

    /// Drops every client's stream, so a shutdown does not wait on open pages.
    pub fn disconnect_all(&self) {
        lock(&self.inner.clients).clear();
    }

    /// Forgets everything and drops every client.
    pub fn reset(&self) {
        self.change(|world| *world = World::default());
        lock(&self.inner.clients).clear();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves plain data behind; carry on with it.
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Refreshes QR codes for as long as the simulator runs.
pub fn spawn_qr_refresher(simulator: Simulator) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(QR_REFRESH);
        tick.tick().await;
        loop {
            tick.tick().await;
            simulator.refresh_qrs();
        }
    })
}

/// `novi simulator`: the simulator alone on `listener`, its state in `dir`, until `shutdown`
/// resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    dir: &Path,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let simulator = Simulator::load(dir)?;
    let address = listener.local_addr().map_err(ServeError::Io)?;
    tracing::info!(%address, data = %dir.display(), "the WhatsApp simulator is serving: its page at /, a phone at /phone");
    let refresher = spawn_qr_refresher(simulator.clone());
    let closing = simulator.clone();
    let shutdown = async move {
        shutdown.await;
        closing.disconnect_all();
    };
    let served = axum::serve(listener, router(simulator))
        .with_graceful_shutdown(shutdown)
        .await;
    refresher.abort();
    served.map_err(ServeError::Io)
}

/// Serves a simulator on `listener` until the task is dropped (tests, and `novi serve`'s own).
pub async fn serve_with(listener: tokio::net::TcpListener, simulator: Simulator) {
    let refresher = spawn_qr_refresher(simulator.clone());
    if let Err(error) = axum::serve(listener, router(simulator)).await {
        tracing::error!(%error, "the WhatsApp simulator stopped");
    }
    refresher.abort();
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("cannot serve: {0}")]
    Io(std::io::Error),
}
