//! Building and running the whole server: database, migrations, router, listener.

use std::{future::Future, io, net::SocketAddr};

use app::{services::auth::TokenKeys, state::AppState};
use leptos::config::LeptosOptions;
use migration::{Migrator, MigratorTrait};
use rand::{Rng, distr::Alphanumeric};
use sea_orm::DbErr;
use tokio::net::TcpListener;

use crate::{config::Config, db, http, telemetry};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database: {0}")]
    Database(#[from] DbErr),
    #[error("JWT secret: {0}")]
    Secret(io::Error),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: io::Error },
}

/// A server bound to its port, ready to run.
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    state: AppState,
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
        let state = AppState {
            db,
            leptos_options,
            tokens: TokenKeys::new(jwt_secret(config)?.as_bytes()),
            secure_cookies: config.public_url.starts_with("https://"),
            max_upload_bytes: config.max_file_size,
        };
        Ok(Self {
            listener,
            router: http::router(state.clone()),
            state,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then lets requests in flight finish.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> io::Result<()> {
        axum::serve(
            self.listener,
            self.router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await?;
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
