//! Several `novi serve` instances on one PostgreSQL database: live events cross between them
//! through LISTEN/NOTIFY, and each business's WhatsApp session is leased to one instance at a
//! time with a session-level advisory lock, which PostgreSQL frees the moment the holder's
//! connection ends (its process died or lost the network), so another instance takes over.
//! On SQLite there is one instance, which holds every lease.

use std::{collections::HashSet, time::Duration};

use app::events::{Event, EventHub, KINDS};
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
            }
            tokio::select! {
                _ = stop.changed() => return,
                event = outgoing.recv() => {
                    let Some(event) = event else { return };
                    if let Err(error) = notify(&db, &event).await {
                        tracing::warn!(%error, "cannot relay an event through PostgreSQL; delivering it here only");
                        hub.deliver(event);
                    }
                }
                heard = async { listener.as_mut().expect("listening").recv().await }, if listener.is_some() => {
                    match heard {
                        Ok(notification) => match decode(notification.payload()) {
                            Some(event) => hub.deliver(event),
                            None => tracing::warn!("an event from another instance could not be read"),
                        },
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
        kind: KINDS.iter().find(|known| **known == kind)?,
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
    },
}

impl Leases {
    pub fn for_database(db: &DatabaseConnection, url: &str) -> Self {
        match db.get_database_backend() {
            DbBackend::Postgres => Self::Postgres {
                url: url.to_string(),
                holder: None,
                held: HashSet::new(),
            },
            _ => Self::Sole,
        }
    }

    /// Takes the lease on a business's session, unless another instance holds it.
    pub async fn take(&mut self, business: i64) -> bool {
        let Self::Postgres { url, holder, held } = self else {
            return true;
        };
        if held.contains(&business) {
            return true;
        }
        if holder.is_none() {
            match PgConnection::connect(url).await {
                Ok(connection) => *holder = Some(connection),
                Err(error) => {
                    tracing::warn!(%error, "cannot connect to take WhatsApp leases");
                    return false;
                }
            }
        }
        let connection = holder.as_mut().expect("connected above");
        let taken = sea_orm::sqlx::query("SELECT pg_try_advisory_lock($1, $2)")
            .bind(LEASE_SPACE)
            .bind(business as i32)
            .fetch_one(&mut *connection)
            .await
            .and_then(|row| row.try_get::<bool, _>(0));
        match taken {
            Ok(true) => {
                held.insert(business);
                true
            }
            Ok(false) => false,
            Err(error) => {
                tracing::warn!(%error, "the WhatsApp lease connection failed");
                *holder = None;
                held.clear();
                false
            }
        }
    }

    /// Gives a lease back once its worker has stopped.
    pub async fn give_back(&mut self, business: i64) {
        let Self::Postgres { holder, held, .. } = self else {
            return;
        };
        if !held.remove(&business) {
            return;
        }
        if let Some(connection) = holder.as_mut() {
            let released = sea_orm::sqlx::query("SELECT pg_advisory_unlock($1, $2)")
                .bind(LEASE_SPACE)
                .bind(business as i32)
                .execute(&mut *connection)
                .await;
            if let Err(error) = released {
                tracing::warn!(%error, "cannot give a WhatsApp lease back");
                *holder = None;
                held.clear();
            }
        }
    }

    /// Whether the leases still stand. When their connection broke they are gone (another
    /// instance may hold them already): every worker must stop.
    pub async fn intact(&mut self) -> bool {
        let Self::Postgres { holder, held, .. } = self else {
            return true;
        };
        let Some(connection) = holder.as_mut() else {
            return held.is_empty();
        };
        if connection.ping().await.is_ok() {
            return true;
        }
        *holder = None;
        held.clear();
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_cross_as_compact_json() {
        let event = Event {
            business_id: 7,
            kind: "order.created",
            data: json!({"id": 3}),
        };
        let payload = json!({ "b": 7, "k": "order.created", "d": {"id": 3} }).to_string();
        assert_eq!(decode(&payload), Some(event));
        assert_eq!(decode(r#"{"b":1,"k":"unknown","d":{}}"#), None);
        assert_eq!(decode("not json"), None);
    }
}
