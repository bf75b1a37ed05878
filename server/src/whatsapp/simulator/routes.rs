//! The simulator's HTTP surface, relative to wherever it is mounted:
//! - `/` the fake WhatsApp Web page and `/client.js` its modules; `/phone` the customer's phone;
//! - `client/*` what the fake page talks to (its session, its event stream, its sends);
//! - `api/*` the control API for tests and the phone screen (documented in docs/whatsapp.md).

use std::{convert::Infallible, time::Duration};

use axum::{
    Json, Router,
    extract::{Path, Query, State},
    http::{StatusCode, header},
    response::{
        Html, IntoResponse, Response,
        sse::{Event, KeepAlive, Sse},
    },
    routing::{get, post},
};
use chrono::Utc;
use futures::Stream;
use serde::Deserialize;
use serde_json::json;

use super::{
    Simulator,
    world::{ClientEvent, Message, WorldError, chat_of, random_id},
};

const PAGE: &str = include_str!("assets/web.html");
const CLIENT: &str = include_str!("assets/client.js");
const PHONE: &str = include_str!("assets/phone.html");

pub fn router(simulator: Simulator) -> Router {
    Router::new()
        .route("/", get(|| async { Html(PAGE) }))
        .route(
            "/client.js",
            get(|| async { ([(header::CONTENT_TYPE, "text/javascript")], CLIENT) }),
        )
        .route("/phone", get(|| async { Html(PHONE) }))
        .route("/client/session", post(open_session).get(session_status))
        .route("/client/events", get(events))
        .route("/client/send", post(send))
        .route("/client/logout", post(client_logout))
        .route("/api/scan", post(scan))
        .route("/api/messages", post(receive).get(written))
        .route("/api/messages/{id}/edit", post(edit))
        .route("/api/messages/{id}/revoke", post(revoke))
        .route("/api/groups", post(create_group))
        .route("/api/sent", get(sent))
        .route("/api/disconnect", post(disconnect))
        .route("/api/logout", post(logout))
        .route("/api/reset", post(reset))
        .with_state(simulator)
}

impl IntoResponse for WorldError {
    fn into_response(self) -> Response {
        let status = match self {
            WorldError::UnknownQr
            | WorldError::UnknownSession
            | WorldError::UnknownMessage(_)
            | WorldError::UnknownGroup(_) => StatusCode::NOT_FOUND,
            WorldError::NotLinked(_) => StatusCode::CONFLICT,
            WorldError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        };
        (status, Json(json!({ "error": self.to_string() }))).into_response()
    }
}

async fn open_session(State(simulator): State<Simulator>) -> Json<serde_json::Value> {
    let (token, qr) = simulator.change(|world| world.open_session());
    Json(json!({ "token": token, "qr": qr }))
}

#[derive(Deserialize)]
struct TokenQuery {
    token: String,
}

/// Whether a session the page remembers still exists (404 after a reset or a logout).
async fn session_status(
    State(simulator): State<Simulator>,
    Query(query): Query<TokenQuery>,
) -> Result<Json<serde_json::Value>, WorldError> {
    let phone = simulator.read(|world| world.phone_of(&query.token))?;
    Ok(Json(json!({ "linked": phone.is_some(), "phone": phone })))
}

/// The page's event stream. It ends when the simulator drops the client ("disconnect"); the
/// page then shows WhatsApp's "connecting" state until something reconnects it.
async fn events(
    State(simulator): State<Simulator>,
    Query(query): Query<TokenQuery>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, WorldError> {
    let receiver = simulator.connect(&query.token)?;
    let stream = futures::stream::unfold(receiver, |mut receiver| async move {
        let event = receiver.recv().await?;
        let data = serde_json::to_string(&event).unwrap_or_default();
        Some((Ok(Event::default().data(data)), receiver))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(10))))
}

#[derive(Deserialize)]
struct SendBody {
    token: String,
    chat: String,
    body: String,
    #[serde(default)]
    quoted_id: Option<String>,
    /// The message id the client chose; a retry with the same id is the same message.
    #[serde(default)]
    id: Option<String>,
}

/// A send from the linked session; its delivery receipt follows a moment later.
async fn send(
    State(simulator): State<Simulator>,
    Json(body): Json<SendBody>,
) -> Result<Json<serde_json::Value>, WorldError> {
    let sent = simulator.change(|world| world.send(&body.token, &body.chat, &body.body, body.quoted_id, body.id))?;
    let (token, id) = (body.token, sent.id.clone());
    let receipts = simulator.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        receipts.send_live(&token, ClientEvent::Ack { id, ack: 2 });
    });
    Ok(Json(json!({ "id": sent.id, "at": sent.at })))
}

#[derive(Deserialize)]
struct ScanBody {
    qr: String,
    phone: String,
}

async fn scan(
    State(simulator): State<Simulator>,
    Json(body): Json<ScanBody>,
) -> Result<Json<serde_json::Value>, WorldError> {
    let token = simulator.change(|world| world.scan(body.qr.trim(), &body.phone))?;
    simulator.send_live(
        &token,
        ClientEvent::Paired {
            phone: body.phone.clone(),
            pushname: "Novi".into(),
        },
    );
    Ok(Json(json!({ "phone": body.phone, "linked": true })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IncomingBody {
    to: String,
    from: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    group: Option<String>,
    body: String,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    quoted_id: Option<String>,
}

/// A customer writes to a business account. Posting an `id` again redelivers that message.
async fn receive(
    State(simulator): State<Simulator>,
    Json(body): Json<IncomingBody>,
) -> Result<Json<serde_json::Value>, WorldError> {
    let chat = body.group.clone().unwrap_or_else(|| chat_of(&body.from));
    let message = Message {
        id: body
            .id
            .unwrap_or_else(|| format!("false_{chat}_{}", random_id(20).to_uppercase())),
        chat,
        to: body.to,
        from: body.from,
        name: body.name,
        group: body.group,
        body: body.body,
        quoted_id: body.quoted_id,
        at: Utc::now(),
    };
    let message = simulator.change(|world| world.receive(message))?;
    simulator.deliver_to_account(&message.to, ClientEvent::Message(message.clone()));
    Ok(Json(json!({ "id": message.id })))
}

#[derive(Deserialize)]
struct EditBody {
    body: String,
}

async fn edit(
    State(simulator): State<Simulator>,
    Path(id): Path<String>,
    Json(body): Json<EditBody>,
) -> Result<Json<serde_json::Value>, WorldError> {
    if body.body.trim().is_empty() {
        return Err(WorldError::Invalid("`body` is empty"));
    }
    let message = simulator.change(|world| world.edit(&id, &body.body))?;
    simulator.deliver_to_account(
        &message.to,
        ClientEvent::Edit {
            id: message.id.clone(),
            body: message.body,
        },
    );
    Ok(Json(json!({ "id": message.id })))
}

async fn revoke(
    State(simulator): State<Simulator>,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, WorldError> {
    let message = simulator.read(|world| world.message(&id))?;
    simulator.deliver_to_account(&message.to, ClientEvent::Revoke { id: message.id.clone() });
    Ok(Json(json!({ "id": message.id })))
}

#[derive(Deserialize)]
struct GroupBody {
    name: String,
    phone: String,
    #[serde(default)]
    members: Vec<String>,
}

async fn create_group(
    State(simulator): State<Simulator>,
    Json(body): Json<GroupBody>,
) -> Result<Json<serde_json::Value>, WorldError> {
    let id = simulator.change(|world| world.create_group(&body.name, &body.phone, body.members))?;
    Ok(Json(json!({ "id": id })))
}

#[derive(Deserialize)]
struct SentQuery {
    from: String,
}

/// Everything a customer wrote, oldest first (for the phone screen).
async fn written(State(simulator): State<Simulator>, Query(query): Query<SentQuery>) -> Json<serde_json::Value> {
    Json(json!(simulator.read(|world| {
        world
            .messages
            .iter()
            .filter(|m| m.from == query.from)
            .cloned()
            .collect::<Vec<_>>()
    })))
}

async fn sent(State(simulator): State<Simulator>, Query(query): Query<SentQuery>) -> Json<serde_json::Value> {
    Json(json!(simulator.read(|world| world.sent_by(&query.from))))
}

#[derive(Deserialize)]
struct PhoneBody {
    phone: String,
}

/// The connection drops; the client has to reconnect.
async fn disconnect(
    State(simulator): State<Simulator>,
    Json(body): Json<PhoneBody>,
) -> Result<Json<serde_json::Value>, WorldError> {
    let token = simulator.read(|world| world.linked_session(&body.phone))?;
    simulator.drop_client(&token);
    Ok(Json(json!({ "phone": body.phone, "connected": false })))
}

#[derive(Deserialize)]
struct TokenBody {
    token: String,
}

/// The linked device logs itself out.
async fn client_logout(
    State(simulator): State<Simulator>,
    Json(body): Json<TokenBody>,
) -> Result<Json<serde_json::Value>, WorldError> {
    let phone = simulator
        .read(|world| world.phone_of(&body.token))?
        .ok_or(WorldError::Invalid("the session is not linked"))?;
    simulator.change(|world| world.logout(&phone))?;
    simulator.send_live(&body.token, ClientEvent::LoggedOut);
    simulator.drop_client(&body.token);
    Ok(Json(json!({ "phone": phone, "linked": false })))
}

/// The phone unlinks the session: the client hears it and shows a new QR.
async fn logout(
    State(simulator): State<Simulator>,
    Json(body): Json<PhoneBody>,
) -> Result<Json<serde_json::Value>, WorldError> {
    let token = simulator.change(|world| world.logout(&body.phone))?;
    simulator.send_live(&token, ClientEvent::LoggedOut);
    simulator.drop_client(&token);
    Ok(Json(json!({ "phone": body.phone, "linked": false })))
}

async fn reset(State(simulator): State<Simulator>) -> StatusCode {
    simulator.reset();
    StatusCode::NO_CONTENT
}
