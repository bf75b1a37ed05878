//! WhatsApp: the transports that connect a business's number to Novi, the worker that keeps
//! each business's connection running, and the simulator that stands in for WhatsApp in tests,
//! demos and development.

pub mod cloud;
pub mod sealed;
pub mod simulator;
pub mod transport;
pub mod web;
pub mod worker;

use std::{collections::HashMap, sync::Arc, time::Duration};

use app::{events::EventHub, services::whatsapp::Request};
use sea_orm::DatabaseConnection;
use tokio::{
    sync::{Notify, mpsc, watch},
    task::JoinHandle,
};

use worker::WorkerSettings;

use crate::cluster::Leases;

/// How often the supervisor looks for businesses that turned WhatsApp on or off.
const SUPERVISE_EVERY: Duration = Duration::from_secs(5);

struct Running {
    halt: watch::Sender<bool>,
    requests: mpsc::UnboundedSender<Request>,
    handle: JoinHandle<()>,
}

/// The businesses with WhatsApp on that use WhatsApp Web: those with a Cloud API account
/// use that instead (`cloud`).
async fn web_businesses(db: &DatabaseConnection) -> Result<Vec<i64>, app::error::ServiceError> {
    let on_cloud = app::services::cloud::business_ids(db).await?;
    let mut enabled = app::services::whatsapp::enabled_businesses(db).await?;
    enabled.retain(|business| !on_cloud.contains(business));
    Ok(enabled)
}

/// Runs one worker per active business with WhatsApp enabled — those enabled at start, and
/// those enabled later — while this instance holds the business's lease (see `cluster`), until
/// `stop` turns true, then stops them all and waits for their browsers to close. A connect
/// request restarts a worker that gave up.
pub fn supervise(
    db: DatabaseConnection,
    events: EventHub,
    settings: WorkerSettings,
    mut leases: Leases,
    mut requests: mpsc::UnboundedReceiver<(i64, Request)>,
    arrived: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut workers: HashMap<i64, Running> = HashMap::new();
        let mut listening = true;
        let start = |business: i64| {
            tracing::info!(business, url = %settings.url, "starting the WhatsApp worker");
            let (halt, halted) = watch::channel(false);
            let (sender, receiver) = mpsc::unbounded_channel();
            let handle = worker::spawn(
                db.clone(),
                events.clone(),
                arrived.clone(),
                business,
                settings.clone(),
                receiver,
                halted,
            );
            Running {
                halt,
                requests: sender,
                handle,
            }
        };
        loop {
            if !leases.intact().await {
                tracing::warn!("lost the WhatsApp leases; stopping this instance's workers");
                for running in workers.values() {
                    let _ = running.halt.send(true);
                }
            }
            match web_businesses(&db).await {
                Ok(enabled) => {
                    // A worker told to stop stays listed until it has closed its browser and
                    // sealed its profile, so a quick re-enable never shares the folder.
                    for (business, running) in &workers {
                        if !enabled.contains(business) {
                            let _ = running.halt.send(true);
                        }
                    }
                    let done: Vec<i64> = workers
                        .iter()
                        .filter(|(business, running)| {
                            running.handle.is_finished() && (!enabled.contains(business) || *running.halt.borrow())
                        })
                        .map(|(business, _)| *business)
                        .collect();
                    for business in done {
                        workers.remove(&business);
                        leases.give_back(business).await;
                    }
                    for business in enabled {
                        if !workers.contains_key(&business) && leases.take(business).await {
                            workers.insert(business, start(business));
                        }
                    }
                }
                Err(error) => tracing::error!(%error, "cannot list the businesses using WhatsApp"),
            }
            tokio::select! {
                _ = stop.changed() => break,
                request = requests.recv(), if listening => {
                    let Some((business, request)) = request else {
                        listening = false;
                        continue;
                    };
                    match workers.get(&business) {
                        Some(running) if running.handle.is_finished() && request == Request::Connect => {
                            if leases.take(business).await {
                                workers.insert(business, start(business));
                            }
                        }
                        Some(running) => {
                            let _ = running.requests.send(request);
                        }
                        None => tracing::warn!(business, "no WhatsApp worker for this business here (is WhatsApp enabled, or does another instance run it?)"),
                    }
                }
                () = tokio::time::sleep(SUPERVISE_EVERY) => {}
            }
        }
        for running in workers.values() {
            let _ = running.halt.send(true);
        }
        for (_, running) in workers {
            let _ = tokio::time::timeout(Duration::from_secs(15), running.handle).await;
        }
    })
}
