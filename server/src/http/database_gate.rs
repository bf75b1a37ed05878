//! While the database cannot be reached, the requests that need it are answered 503 at once
//! instead of each waiting out the pool's timeout for a connection that will not come; a probe
//! opens the gate again as soon as the database answers, with no restart.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use app::error::Unreachable;
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use sea_orm::{DatabaseConnection, DbBackend};

use super::error::ApiError;

/// The routes that read or write the database; pages and static files fail on their own.
const GATED_PATHS: [&str; 4] = ["/api/", "/rpc/", "/webhooks/", "/t/"];
const PROBE_EVERY: Duration = Duration::from_millis(500);
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

pub struct Gate {
    db: DatabaseConnection,
    /// A check or a probe is running: one at a time.
    checking: AtomicBool,
    closed: AtomicBool,
}

impl Gate {
    pub fn new(db: DatabaseConnection) -> Arc<Self> {
        Arc::new(Self {
            db,
            checking: AtomicBool::new(false),
            closed: AtomicBool::new(false),
        })
    }

    /// A request could not reach the database. A pool holding every connection it may is busy,
    /// not cut off. A pool with room that still found no connection in its timeout is: the
    /// gate closes at once. One connection breaking is not an outage by itself: the gate closes
    /// only when the database does not answer a ping either. It stays closed until one works.
    fn suspect(self: &Arc<Self>, how: Unreachable) {
        if self.saturated() || self.checking.swap(true, Ordering::AcqRel) {
            return;
        }
        let gate = self.clone();
        tokio::spawn(async move {
            if how == Unreachable::NoConnection || !gate.answers().await {
                gate.closed.store(true, Ordering::Release);
                tracing::warn!("the database cannot be reached: answering 503 until it can");
                loop {
                    tokio::time::sleep(PROBE_EVERY).await;
                    if gate.answers().await {
                        break;
                    }
                }
                gate.closed.store(false, Ordering::Release);
                tracing::info!("the database answers again");
            }
            gate.checking.store(false, Ordering::Release);
        });
    }

    async fn answers(&self) -> bool {
        matches!(tokio::time::timeout(PROBE_TIMEOUT, self.db.ping()).await, Ok(Ok(())))
    }

    fn saturated(&self) -> bool {
        let (size, max) = match self.db.get_database_backend() {
            DbBackend::Postgres => {
                let pool = self.db.get_postgres_connection_pool();
                (pool.size(), pool.options().get_max_connections())
            }
            DbBackend::Sqlite => {
                let pool = self.db.get_sqlite_connection_pool();
                (pool.size(), pool.options().get_max_connections())
            }
            _ => (0, 1),
        };
        size >= max
    }
}

pub async fn guard(State(gate): State<Arc<Gate>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if gate.closed.load(Ordering::Acquire) && GATED_PATHS.iter().any(|prefix| path.starts_with(prefix)) {
        return ApiError::DatabaseUnreachable.refusal(path);
    }
    let mut response = next.run(request).await;
    if let Some(mark) = response.headers_mut().remove(Unreachable::MARK) {
        gate.suspect(Unreachable::from_mark(mark.as_bytes()));
    }
    response
}
