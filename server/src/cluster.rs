//! Several `novi serve` instances on one PostgreSQL database: live events cross between them
//! through LISTEN/NOTIFY, and each business's WhatsApp session is leased to one instance at a
//! time with a session-level advisory lock, which PostgreSQL frees when the holder's connection
//! ends — at once when its process dies, once TCP gives up when the network breaks — so
//! another instance takes over. On SQLite there is one instance, which holds every lease.

use std::{collections::HashSet, time::Duration};

use app::events::{Event, EventHub, EventKind};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, Statement,
    sqlx::{
        Connection, PgConnection, Row,
        postgres::{PgListener, PgPool},
    },
};
use serde_json::{Value, json};
use tokio::{
    sync::{mpsc, watch},
    task::JoinHandle,
};

const CHANNEL: &str = "novi_events";
/// NOTIFY carries at most 8000 bytes; larger events go out without their details.
const MAX_PAYLOAD: usize = 7_900;
/// The first half of every lease's advisory lock key ("Novi"); the business id is the second.
const LEASE_SPACE: i32 = 0x4e6f_7669;
/// How long a lease statement may take before its connection is given up as broken.
const LEASE_TIMEOUT: Duration = Duration::from_secs(5);

/// Relays published events through PostgreSQL until `stop`, delivering every event that comes
/// back (this instance's own included) to the hub's listeners.
pub fn relay_events(
    db: DatabaseConnection,
    hub: EventHub,
    mut outgoing: mpsc::UnboundedReceiver<Event>,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let pool = db.get_postgres_connection_pool().clone();
        let mut listener = None;
        loop {
            if listener.is_none() {
                listener = listen(&pool).await;
                if listener.is_some() {
                    // Other instances' changes went unheard while nobody listened.
                    hub.missed();
                }
            }
            tokio::select! {
                _ = stop.changed() => return,
                event = outgoing.recv() => {
                    let Some(event) = event else { return };
                    match notify(&db, &event).await {
                        // Not listening right now: it would not come back, so it is delivered here.
                        Ok(()) if listener.is_none() => hub.deliver(event),
                        Ok(()) => {}
                        Err(error) => {
                            tracing::warn!(%error, "cannot relay an event through PostgreSQL; delivering it here only");
                            hub.deliver(event);
                        }
                    }
                }
                heard = async { listener.as_mut().expect("listening").try_recv().await }, if listener.is_some() => {
                    match heard {
                        Ok(Some(notification)) => match decode(notification.payload()) {
                            Some(event) => hub.deliver(event),
                            None => tracing::warn!("an event from another instance could not be read"),
                        },
                        // The connection dropped; the next call listens again, and what was
                        // said in between is lost.
                        Ok(None) => {
                            tracing::warn!("the PostgreSQL event listener lost its connection; listening again");
                            hub.missed();
                        }
                        Err(error) => {
                            tracing::warn!(%error, "lost the PostgreSQL event listener; listening again");
                            listener = None;
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    }
                }
                () = tokio::time::sleep(Duration::from_secs(1)), if listener.is_none() => {}
            }
        }
    })
}

async fn listen(pool: &PgPool) -> Option<PgListener> {
    let listening = async {
        let mut listener = PgListener::connect_with(pool).await?;
        listener.listen(CHANNEL).await?;
        Ok::<_, sea_orm::sqlx::Error>(listener)
    };
    match listening.await {
        Ok(listener) => Some(listener),
        Err(error) => {
            tracing::warn!(%error, "cannot listen for events from other instances");
            None
        }
    }
}

async fn notify(db: &DatabaseConnection, event: &Event) -> Result<(), sea_orm::DbErr> {
    let mut payload = json!({ "b": event.business_id, "k": event.kind, "d": event.data }).to_string();
    if payload.len() > MAX_PAYLOAD {
        let id = event.data.get("id").cloned().unwrap_or(Value::Null);
        payload = json!({ "b": event.business_id, "k": event.kind, "d": { "id": id } }).to_string();
    }
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_notify($1, $2)",
        [CHANNEL.into(), payload.into()],
    ))
    .await?;
    Ok(())
}

fn decode(payload: &str) -> Option<Event> {
    let value: Value = serde_json::from_str(payload).ok()?;
    let kind = value.get("k")?.as_str()?;
    Some(Event {
        business_id: value.get("b")?.as_i64()?,
        kind: EventKind::parse(kind)?,
        data: value.get("d").cloned().unwrap_or(Value::Null),
    })
}

/// Which WhatsApp sessions this instance may run.
pub enum Leases {
    /// SQLite: one instance, every lease.
    Sole,
    Postgres {
        url: String,
        /// The connection holding this instance's advisory locks; they go with it.
        holder: Option<PgConnection>,
        held: HashSet<i64>,
        /// Leases went with a broken connection and the workers have not been told yet.
        lost: bool,
    },
}

impl Leases {
    pub fn for_database(db: &DatabaseConnection, url: &str) -> Self {
        match db.get_database_backend() {
            DbBackend::Postgres => Self::Postgres {
                url: url.to_string(),
                holder: None,
                held: HashSet::new(),
                lost: false,
            },
            _ => Self::Sole,
        }
    }

    /// Takes the lease on a business's session, unless another instance holds it.
    pub async fn take(&mut self, business: i64) -> bool {
        let Self::Postgres {
            url,
            holder,
            held,
            lost,
        } = self
        else {
            return true;
        };
        if held.contains(&business) {
            return true;
        }
        let Ok(key) = i32::try_from(business) else {
            tracing::error!(business, "a business id beyond 2^31 cannot be leased");
            return false;
        };
        if holder.is_none() {
            match tokio::time::timeout(LEASE_TIMEOUT, PgConnection::connect(url)).await {
                Ok(Ok(connection)) => *holder = Some(connection),
                Ok(Err(error)) => {
                    tracing::warn!(%error, "cannot connect to take WhatsApp leases");
                    return false;
                }
                Err(_) => {
                    tracing::warn!("timed out connecting to take WhatsApp leases");
                    return false;
                }
            }
        }
        let connection = holder.as_mut().expect("connected above");
        let query = sea_orm::sqlx::query("SELECT pg_try_advisory_lock($1, $2)")
            .bind(LEASE_SPACE)
            .bind(key)
            .fetch_one(&mut *connection);
        match tokio::time::timeout(LEASE_TIMEOUT, query).await {
            Ok(Ok(row)) if row.try_get::<bool, _>(0).unwrap_or(false) => {
                held.insert(business);
                true
            }
            Ok(Ok(_)) => false,
            _ => {
                tracing::warn!("the WhatsApp lease connection failed");
                drop_holder(holder, held, lost);
                false
            }
        }
    }

    /// Gives a lease back once its worker has stopped.
    pub async fn give_back(&mut self, business: i64) {
        let Self::Postgres { holder, held, lost, .. } = self else {
            return;
        };
        if !held.remove(&business) {
            return;
        }
        let (Some(connection), Ok(key)) = (holder.as_mut(), i32::try_from(business)) else {
            return;
        };
        let released = sea_orm::sqlx::query("SELECT pg_advisory_unlock($1, $2)")
            .bind(LEASE_SPACE)
            .bind(key)
            .execute(&mut *connection);
        if !matches!(tokio::time::timeout(LEASE_TIMEOUT, released).await, Ok(Ok(_))) {
            tracing::warn!("cannot give a WhatsApp lease back");
            drop_holder(holder, held, lost);
        }
    }

    /// Whether the leases still stand. When their connection broke they are gone (another
    /// instance may hold them already): every worker must stop.
    pub async fn intact(&mut self) -> bool {
        let Self::Postgres { holder, held, lost, .. } = self else {
            return true;
        };
        if let Some(connection) = holder.as_mut()
            && !matches!(tokio::time::timeout(LEASE_TIMEOUT, connection.ping()).await, Ok(Ok(())))
        {
            drop_holder(holder, held, lost);
        }
        !std::mem::take(lost)
    }
}

/// Forgets a broken lease connection; if it held leases, the workers are told at the next look.
fn drop_holder(holder: &mut Option<PgConnection>, held: &mut HashSet<i64>, lost: &mut bool) {
    *holder = None;
    *lost |= !held.is_empty();
    held.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_cross_as_compact_json() {
        let event = Event {
            business_id: 7,
            kind: EventKind::OrderCreated,
            data: json!({"id": 3}),
        };
        let payload = json!({ "b": 7, "k": "order.created", "d": {"id": 3} }).to_string();
        assert_eq!(decode(&payload), Some(event));
        assert_eq!(decode(r#"{"b":1,"k":"unknown","d":{}}"#), None);
        assert_eq!(decode("not json"), None);
    }
}
