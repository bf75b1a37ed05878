//! WhatsApp: the transports that connect a business's number to Novi, the worker that keeps
//! each business's connection running, and the simulator that stands in for WhatsApp in tests,
//! demos and development.

pub mod simulator;
pub mod transport;
pub mod web;
pub mod worker;

use std::{collections::HashMap, time::Duration};

use sea_orm::DatabaseConnection;
use tokio::{sync::watch, task::JoinHandle};

use worker::WorkerSettings;

/// How often the supervisor looks for businesses that turned WhatsApp on or off.
const SUPERVISE_EVERY: Duration = Duration::from_secs(5);

/// Runs one worker per active business with WhatsApp enabled — those enabled at start, and
/// those enabled later — until `stop` turns true, then stops them all and waits for their
/// browsers to close.
pub fn supervise(db: DatabaseConnection, settings: WorkerSettings, mut stop: watch::Receiver<bool>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut workers: HashMap<i64, (watch::Sender<bool>, JoinHandle<()>)> = HashMap::new();
        loop {
            match app::services::whatsapp::enabled_businesses(&db).await {
                Ok(enabled) => {
                    workers.retain(|business, (halt, _)| {
                        let keep = enabled.contains(business);
                        if !keep {
                            let _ = halt.send(true);
                        }
                        keep
                    });
                    for business in enabled {
                        workers.entry(business).or_insert_with(|| {
                            tracing::info!(business, url = %settings.url, "starting the WhatsApp worker");
                            let (halt, halted) = watch::channel(false);
                            (halt, worker::spawn(db.clone(), business, settings.clone(), halted))
                        });
                    }
                }
                Err(error) => tracing::error!(%error, "cannot list the businesses using WhatsApp"),
            }
            tokio::select! {
                _ = stop.changed() => break,
                () = tokio::time::sleep(SUPERVISE_EVERY) => {}
            }
        }
        for (halt, _) in workers.values() {
            let _ = halt.send(true);
        }
        for (_, (_, handle)) in workers {
            let _ = tokio::time::timeout(Duration::from_secs(15), handle).await;
        }
    })
}
