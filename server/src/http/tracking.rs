//! `/t/{token}`: the customer's tracking page, open to anyone with the link, and
//! `/t/{token}/events`, which sends the page's changing part whenever the order moves.

use std::{convert::Infallible, time::Duration};

use app::{
    error::ServiceError,
    events::EventHub,
    services::tracking::{self, Tracking},
    state::AppState,
    tracking_page,
};
use axum::{
    Router,
    extract::{Path, State},
    http::{
        StatusCode,
        header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY},
    },
    response::{
        IntoResponse, Response,
        sse::{Event, KeepAlive, Sse},
    },
    routing::get,
};
use chrono::Utc;
use futures::Stream;
use sea_orm::DatabaseConnection;
use tokio::sync::broadcast::{Receiver, error::RecvError};

use super::error::ApiError;

/// Its own script and stylesheet, and its event stream; nothing else. The token is in the
/// address, so no link from the page may carry it on as a referrer.
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; \
                      base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/{token}", get(page))
        .route("/{token}/events", get(events))
}

async fn page(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let (status, html) = match tracking::view(&state.db, &token, Utc::now()).await {
        Ok(tracking) => (StatusCode::OK, tracking_page::page(&tracking)),
        Err(ServiceError::NotFound(_)) => (StatusCode::NOT_FOUND, tracking_page::missing()),
        Err(error) => return ApiError::from(error).into_response(),
    };
    (
        status,
        [
            (CONTENT_TYPE, "text/html; charset=utf-8"),
            (CONTENT_SECURITY_POLICY, POLICY),
            (CACHE_CONTROL, "no-store"),
            (REFERRER_POLICY, "no-referrer"),
        ],
        html,
    )
        .into_response()
}

/// `update` with the page's `#tracking` part, first as it is now and then after every change
/// to the order; `gone` once the link has expired, which ends the stream.
async fn events(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    // Subscribed before the first read, so no change can fall between the two.
    let receiver = state.outlets.events.subscribe();
    let now = tracking::view(&state.db, &token, Utc::now()).await?;
    let watch = Watch {
        db: state.db.clone(),
        hub: state.outlets.events.clone(),
        receiver,
        token,
        order_id: now.order_id,
        business_id: now.business_id,
        first: Some(now),
        ended: false,
    };
    let stream = futures::stream::unfold(watch, |mut watch| async move {
        let event = watch.next().await?;
        Some((Ok(event), watch))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

struct Watch {
    db: DatabaseConnection,
    hub: EventHub,
    receiver: Receiver<app::events::Event>,
    token: String,
    order_id: i64,
    business_id: i64,
    first: Option<Tracking>,
    ended: bool,
}

impl Watch {
    async fn next(&mut self) -> Option<Event> {
        if self.ended {
            return None;
        }
        if let Some(first) = self.first.take() {
            return Some(update(&first));
        }
        loop {
            let received = tokio::select! {
                () = self.hub.closed() => return None,
                received = self.receiver.recv() => received,
            };
            match received {
                Ok(event) if self.is_about_the_order(&event) => {}
                // Missed events may have been about this order: read it again to be sure.
                Err(RecvError::Lagged(_)) => {}
                Ok(_) => continue,
                Err(RecvError::Closed) => return None,
            }
            match tracking::view(&self.db, &self.token, Utc::now()).await {
                Ok(tracking) => return Some(update(&tracking)),
                Err(ServiceError::NotFound(_)) => {
                    self.ended = true;
                    return Some(Event::default().event("gone").data("expired"));
                }
                Err(error) => tracing::warn!(%error, order = self.order_id, "cannot read a tracked order"),
            }
        }
    }

    fn is_about_the_order(&self, event: &app::events::Event) -> bool {
        event.business_id == self.business_id
            && event.kind.is_order()
            && event.data.get("id").and_then(serde_json::Value::as_i64) == Some(self.order_id)
    }
}

fn update(tracking: &Tracking) -> Event {
    Event::default().event("update").data(tracking_page::live(tracking))
}
