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

use app::error::UNREACHABLE_MARK;
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use sea_orm::DatabaseConnection;

use super::error::ApiError;

/// The routes that read or write the database; pages and static files fail on their own.
const GATED_PATHS: [&str; 4] = ["/api/", "/rpc/", "/webhooks/", "/t/"];
const PROBE_EVERY: Duration = Duration::from_millis(500);
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

pub struct Gate {
    db: DatabaseConnection,
    closed: AtomicBool,
}

impl Gate {
    pub fn new(db: DatabaseConnection) -> Arc<Self> {
        Arc::new(Self {
            db,
            closed: AtomicBool::new(false),
        })
    }

    /// Closes the gate and probes until the database answers; a second close while one probe
    /// runs does nothing.
    fn close(self: &Arc<Self>) {
        if self.closed.swap(true, Ordering::AcqRel) {
            return;
        }
        tracing::warn!("the database cannot be reached: answering 503 until it can");
        let gate = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(PROBE_EVERY).await;
                if matches!(tokio::time::timeout(PROBE_TIMEOUT, gate.db.ping()).await, Ok(Ok(()))) {
                    gate.closed.store(false, Ordering::Release);
                    tracing::info!("the database answers again");
                    return;
                }
            }
        });
    }
}

pub async fn guard(State(gate): State<Arc<Gate>>, request: Request, next: Next) -> Response {
    let gated = GATED_PATHS
        .iter()
        .any(|prefix| request.uri().path().starts_with(prefix));
    if gated && gate.closed.load(Ordering::Acquire) {
        return ApiError::DatabaseUnreachable.into_response();
    }
    let mut response = next.run(request).await;
    if response.headers_mut().remove(UNREACHABLE_MARK).is_some() {
        gate.close();
    }
    response
}
