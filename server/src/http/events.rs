//! `/api/events`: the caller's business's live events as Server-Sent Events (`event:` the
//! kind, `data:` its JSON). Signed in by Bearer token or the session cookie.

use std::{convert::Infallible, time::Duration};

use app::{events::EventKind, services::access::Permission, state::AppState};
use axum::{
    Router,
    extract::State,
    response::sse::{Event, KeepAlive, Sse},
    routing::get,
};
use futures::Stream;
use tokio::sync::broadcast::error::RecvError;

use super::{error::ApiError, extract::Authenticated};

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(stream))
}

/// Streams `whatsapp.state` and `whatsapp.qr` (and, with the order pipeline, order events) for
/// the caller's business only.
#[utoipa::path(get, path = "/api/events", tag = "events", security(("bearer" = [])), responses(
    (status = 200, content_type = "text/event-stream", description = "the business's events as they happen"),
    (status = 401, body = super::responses::ErrorBody),
))]
pub async fn stream(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    // Drivers hear only that an order changed, which is their cue to reload their deliveries.
    let driver = !caller.may(Permission::ViewBusiness);
    if driver {
        caller.require(Permission::Deliver)?;
    }
    let receiver = state.outlets.events.subscribe();
    let hub = state.outlets.events.clone();
    let events = futures::stream::unfold((receiver, caller, hub), move |(mut receiver, caller, hub)| async move {
        loop {
            let received = tokio::select! {
                () = hub.closed() => return None,
                received = receiver.recv() => received,
            };
            match received {
                // A platform admin sees every business's events, but never a QR code to link
                // someone else's number.
                Ok(event)
                    if caller.sees(event.business_id)
                        && (event.kind != EventKind::WhatsappQr || caller.business_id == Some(event.business_id))
                        && (!driver || event.kind.is_order()) =>
                {
                    let data = if driver {
                        serde_json::json!({ "id": event.data.get("id") }).to_string()
                    } else {
                        serde_json::to_string(&event.data).unwrap_or_default()
                    };
                    let sse = Event::default().event(event.kind.as_str()).data(data);
                    return Some((Ok(sse), (receiver, caller, hub)));
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return None,
            }
        }
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
