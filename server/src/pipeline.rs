//! Runs the ingest pipeline in the background: waiting messages are handled as soon as a
//! WhatsApp worker of this process records one, and otherwise every `POLL` (messages recorded
//! by another instance, retries that came due).

use std::{sync::Arc, time::Duration};

use app::services::pipeline::Pipeline;
use tokio::{
    sync::{Notify, watch},
    task::JoinHandle,
};

/// How often the pipeline looks for work nobody announced.
const POLL: Duration = Duration::from_millis(250);
/// Messages per transaction: enough to share a commit among many, few enough that one slow
/// batch holds nobody up for long.
pub const BATCH: u64 = 64;

/// Runs until `stop` turns true, finishing the batch in hand.
pub fn spawn(pipeline: Pipeline, arrived: Arc<Notify>, mut stop: watch::Receiver<bool>) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let pause = match pipeline.run_once(BATCH).await {
                // More may be waiting.
                Ok(handled) if handled > 0 => Duration::ZERO,
                Ok(_) => POLL,
                Err(error) => {
                    tracing::error!(%error, "the ingest pipeline cannot reach the database");
                    Duration::from_secs(1)
                }
            };
            if *stop.borrow() {
                return;
            }
            if pause.is_zero() {
                continue;
            }
            tokio::select! {
                _ = stop.changed() => return,
                () = arrived.notified() => {}
                () = tokio::time::sleep(pause) => {}
            }
        }
    })
}
