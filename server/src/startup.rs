//! Building and running the whole server: database, migrations, router, listener.

use std::{future::Future, io, net::SocketAddr, sync::Arc, time::Duration};

use app::{
    events::{Event, EventHub},
    outlets::Outlets,
    services::{
        auth::TokenKeys,
        callers::Callers,
        pipeline::Pipeline,
        secrets::SecretBox,
        whatsapp::{Control, Request},
    },
    state::AppState,
};
use leptos::config::LeptosOptions;
use migration::{Migrator, MigratorTrait};
use rand::{Rng, distr::Alphanumeric};
use sea_orm::{DbBackend, DbErr};
use tokio::net::TcpListener;
use tokio::sync::{Notify, mpsc};

use crate::{
    backup::{self, Sources},
    cluster::{self, Leases},
    config::{Config, WhatsappMode},
    db, http, ingest_runner, telemetry,
    whatsapp::{self, cloud::GraphSettings, sealed::SealKey, simulator::Simulator, worker::WorkerSettings},
};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database: {0}")]
    Database(#[from] DbErr),
    #[error("JWT secret: {0}")]
    Secret(io::Error),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: io::Error },
    #[error("WhatsApp: {0}")]
    Whatsapp(String),
}

/// A server bound to its port, ready to run.
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    state: AppState,
    /// The WhatsApp workers' settings and the owners' requests to them, when WhatsApp is on.
    whatsapp: Option<(WorkerSettings, mpsc::UnboundedReceiver<(i64, Request)>)>,
    /// The Cloud API sender's settings, when WhatsApp is on.
    cloud: Option<GraphSettings>,
    /// The simulator mounted under `/dev/whatsapp/`, in simulator mode.
    simulator: Option<Simulator>,
    /// Events on their way to the other instances, on PostgreSQL.
    relay: Option<mpsc::UnboundedReceiver<Event>>,
    leases: Leases,
    /// Scheduled backups, when `BACKUP_DIR` is set.
    backups: Option<backup::schedule::Settings>,
}

impl Application {
    /// Connects, migrates when `config.auto_migrate`, and binds `addr` (port 0 picks a free one).
    pub async fn build(config: &Config, addr: SocketAddr) -> Result<Self, StartError> {
        // Installed before the first request, so no count is lost to the no-op recorder.
        telemetry::metrics();
        let db = db::connect(&config.database_url).await?;
        if config.auto_migrate {
            Migrator::up(&db, None).await?;
        }
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| StartError::Bind { addr, source })?;
        let local_addr = listener
            .local_addr()
            .map_err(|source| StartError::Bind { addr, source })?;
        let leptos_options = LeptosOptions::builder()
            .output_name("frontend")
            .site_root(config.site_root.to_string_lossy().as_ref())
            .site_pkg_dir("pkg")
            .site_addr(local_addr)
            .build();
        // On PostgreSQL other instances may share the database: events go round through it.
        let (events, relay) = match db.get_database_backend() {
            DbBackend::Postgres => {
                let (events, relay) = EventHub::relayed();
                (events, Some(relay))
            }
            _ => (EventHub::default(), None),
        };
        let leases = Leases::for_database(&db, &config.database_url);
        let (control, requests) = match config.whatsapp {
            WhatsappMode::Web | WhatsappMode::Simulator => {
                let (control, requests) = Control::new();
                (control, Some(requests))
            }
            WhatsappMode::Off | WhatsappMode::Cloud => (Control::default(), None),
        };
        let jwt_secret = jwt_secret(config)?;
        let secrets = SecretBox::derive(
            config
                .session_key
                .as_ref()
                .map_or(jwt_secret.as_str(), |key| key.expose()),
        );
        let state = AppState {
            db,
            leptos_options,
            tokens: TokenKeys::new(jwt_secret.as_bytes()),
            callers: Callers::default(),
            secure_cookies: config.public_url.starts_with("https://"),
            max_upload_bytes: config.max_file_size,
            outlets: Outlets::new(events, &config.public_url),
            whatsapp: control,
            secrets,
            arrived: Arc::new(Notify::new()),
            backups: config.backup_dir.is_some().then_some(config.backup_schedule),
        };
        let mut router = http::router(
            state.clone(),
            http::rate_limit::Limits::new(config.rate_limit_per_minute),
        );
        let mut mounted_simulator = None;
        let whatsapp = match config.whatsapp {
            WhatsappMode::Off | WhatsappMode::Cloud => None,
            WhatsappMode::Web => Some(config.whatsapp_web_url.clone()),
            // The simulator answers on this very server; the workers open its page here.
            WhatsappMode::Simulator => {
                let simulator = Simulator::load(&config.whatsapp_session_path.join("simulator"))
                    .map_err(|error| StartError::Whatsapp(error.to_string()))?;
                router = router.nest_service("/dev/whatsapp/", whatsapp::simulator::router(simulator.clone()));
                whatsapp::simulator::spawn_qr_refresher(simulator.clone());
                mounted_simulator = Some(simulator);
                Some(format!("http://127.0.0.1:{}/dev/whatsapp/", local_addr.port()))
            }
        }
        .map(|url| WorkerSettings {
            send_interval: Duration::from_millis(config.send_interval_ms),
            chat_interval: Duration::from_millis(config.chat_interval_ms),
            seal: config.session_key.as_ref().map(|key| SealKey::derive(key.expose())),
            ..WorkerSettings::new(config.chromium_path.clone(), config.whatsapp_session_path.clone(), url)
        });
        let whatsapp = whatsapp.zip(requests);
        let cloud = (config.whatsapp != WhatsappMode::Off).then(|| GraphSettings {
            graph_url: config.whatsapp_graph_url.clone(),
            send_interval: Duration::from_millis(config.send_interval_ms),
        });
        Ok(Self {
            listener,
            router,
            state,
            whatsapp,
            cloud,
            simulator: mounted_simulator,
            relay,
            leases,
            backups: config.backup_dir.clone().map(|dir| backup::schedule::Settings {
                dir,
                schedule: config.backup_schedule,
                sources: Sources::from(config),
            }),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then lets requests in flight finish and the WhatsApp
    /// workers close their browsers.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> io::Result<()> {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let arrived = self.state.arrived.clone();
        let ingest = ingest_runner::spawn(
            Pipeline::new(self.state.db.clone(), self.state.outlets.clone()),
            arrived.clone(),
            stopped.clone(),
        );
        let relay = self.relay.map(|outgoing| {
            cluster::relay_events(
                self.state.db.clone(),
                self.state.outlets.events.clone(),
                outgoing,
                stopped.clone(),
            )
        });
        let cloud = self.cloud.map(|settings| {
            whatsapp::cloud::spawn(
                self.state.db.clone(),
                self.state.outlets.events.clone(),
                self.state.secrets.clone(),
                settings,
                stopped.clone(),
            )
        });
        let backups = self
            .backups
            .map(|settings| backup::schedule::spawn(self.state.db.clone(), settings, stopped.clone()));
        let leases = self.leases;
        let workers = self.whatsapp.map(|(settings, requests)| {
            whatsapp::supervise(
                self.state.db.clone(),
                self.state.outlets.events.clone(),
                settings,
                leases,
                requests,
                arrived,
                stopped,
            )
        });
        // The workers and the event streams stop with the signal, not after the drain: the
        // browsers hold streams open to the simulator mounted here, and dashboards to
        // `/api/events`.
        let events = self.state.outlets.events.clone();
        let simulator = self.simulator.clone();
        let shutdown = async move {
            shutdown.await;
            let _ = stop.send(true);
            events.close();
            if let Some(simulator) = simulator {
                simulator.disconnect_all();
            }
        };
        axum::serve(
            self.listener,
            self.router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await?;
        if let Some(workers) = workers {
            let _ = workers.await;
        }
        if let Some(cloud) = cloud {
            let _ = cloud.await;
        }
        let _ = ingest.await;
        if let Some(backups) = backups {
            let _ = backups.await;
        }
        if let Some(relay) = relay {
            let _ = relay.await;
        }
        self.state.db.close().await.map_err(io::Error::other)
    }
}

/// `JWT_SECRET`, or in development one generated on first start and kept in `data/jwt_secret`
/// so sessions survive restarts. (Production refuses to start without `JWT_SECRET`.)
fn jwt_secret(config: &Config) -> Result<String, StartError> {
    if let Some(secret) = &config.jwt_secret {
        return Ok(secret.expose().to_string());
    }
    let path = std::path::Path::new("data/jwt_secret");
    match std::fs::read_to_string(path) {
        Ok(secret) if secret.trim().len() >= 32 => Ok(secret.trim().to_string()),
        _ => {
            let secret: String = rand::rng()
                .sample_iter(&Alphanumeric)
                .take(48)
                .map(char::from)
                .collect();
            std::fs::create_dir_all("data").map_err(StartError::Secret)?;
            std::fs::write(path, &secret).map_err(StartError::Secret)?;
            tracing::info!("generated a development JWT secret in data/jwt_secret");
            Ok(secret)
        }
    }
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down; finishing requests in flight");
}
