//! Runs the ingest pipeline in the background: waiting messages are handled as soon as a
//! WhatsApp worker of this process records one, and otherwise every `POLL` (messages recorded
//! by another instance, retries that came due).

use std::{sync::Arc, time::Duration};

use app::{error::ServiceError, services::pipeline::Pipeline};
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
    let pipeline = Arc::new(pipeline);
    tokio::spawn(async move {
        let mut batch = BATCH;
        loop {
            let pause = match run(&pipeline, batch).await {
                // More may be waiting.
                Ok(Ok(handled)) if handled > 0 => {
                    batch = BATCH;
                    Duration::ZERO
                }
                Ok(Ok(_)) => POLL,
                Ok(Err(error)) => {
                    tracing::error!(%error, "the ingest pipeline cannot reach the database");
                    Duration::from_secs(1)
                }
                // A message crashed the batch (nothing of it committed). Narrow down to one
                // message at a time; the one that crashes alone is set aside for staff.
                Err(()) if batch > 1 => {
                    batch = 1;
                    Duration::ZERO
                }
                Err(()) => {
                    if let Err(error) = pipeline
                        .set_aside_next("handling this message crashed Novi's pipeline")
                        .await
                    {
                        tracing::error!(%error, "cannot set aside the message that crashed the pipeline");
                    }
                    Duration::ZERO
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

/// One batch on a task of its own, so a panic ends the batch, not the pipeline.
async fn run(pipeline: &Arc<Pipeline>, batch: u64) -> Result<Result<usize, ServiceError>, ()> {
    let pipeline = pipeline.clone();
    tokio::spawn(async move { pipeline.run_once(batch).await })
        .await
        .map_err(|error| tracing::error!(%error, batch, "the ingest pipeline crashed on a batch"))
}
