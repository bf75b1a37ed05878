//! The WhatsApp connection's records: each business's session state, every inbound message
//! (written before anything else happens to it), and the outbox the worker drains. The worker
//! in `server::whatsapp` calls these; the dashboard and the API read the session.

use chrono::{DateTime, Duration, TimeZone, Utc};
use entity::{
    enums::{ConnectionState, InboundStatus, OutboundStatus, Transport},
    groups, inbound_messages, outbound_messages, whatsapp_sessions,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter, QueryOrder, Set,
    UpdateMany, sea_query::Expr,
};
use tokio::sync::mpsc;

use crate::{
    dto::SessionView,
    error::{ServiceError, is_unique_violation},
    services::{
        access::Permission,
        audit::{self, AuditEntry},
        auth::Caller,
        businesses,
    },
};

pub async fn view(db: &DatabaseConnection, caller: &Caller) -> Result<SessionView, ServiceError> {
    caller.require(Permission::ViewBusiness)?;
    let session = whatsapp_sessions::Entity::find()
        .filter(whatsapp_sessions::Column::BusinessId.eq(caller.own_business()?))
        .one(db)
        .await?;
    Ok(match session {
        Some(session) => SessionView {
            qr: (session.state == ConnectionState::Qr)
                .then_some(session.last_qr)
                .flatten(),
            state: session.state,
            phone: session.phone,
            since: session.updated_at,
        },
        None => SessionView {
            state: ConnectionState::Disconnected,
            qr: None,
            phone: None,
            since: Utc::now(),
        },
    })
}

/// The active businesses whose settings turn WhatsApp on.
pub async fn enabled_businesses(db: &DatabaseConnection) -> Result<Vec<i64>, ServiceError> {
    let all = entity::businesses::Entity::find()
        .filter(entity::businesses::Column::IsActive.eq(true))
        .order_by_asc(entity::businesses::Column::Id)
        .all(db)
        .await?;
    Ok(all
        .into_iter()
        .filter(|business| businesses::settings(business).whatsapp_enabled)
        .map(|business| business.id)
        .collect())
}

/// Records what the worker sees. The QR is kept only while one is shown; the phone once known.
pub async fn record_state(
    db: &DatabaseConnection,
    business_id: i64,
    transport: Transport,
    state: ConnectionState,
    qr: Option<String>,
    phone: Option<String>,
) -> Result<(), ServiceError> {
    let now = Utc::now();
    let existing = whatsapp_sessions::Entity::find()
        .filter(whatsapp_sessions::Column::BusinessId.eq(business_id))
        .one(db)
        .await?;
    let connected_at = (state == ConnectionState::Connected).then_some(now);
    match existing {
        Some(session) => {
            let phone = phone.or(session.phone.clone());
            let mut row: whatsapp_sessions::ActiveModel = session.into();
            row.transport = Set(transport);
            row.state = Set(state);
            row.last_qr = Set(qr);
            row.phone = Set(phone);
            if connected_at.is_some() {
                row.last_connected_at = Set(connected_at);
            }
            row.updated_at = Set(now);
            row.update(db).await?;
        }
        None => {
            whatsapp_sessions::ActiveModel {
                business_id: Set(business_id),
                transport: Set(transport),
                state: Set(state),
                phone: Set(phone),
                last_qr: Set(qr),
                owner_instance: Set(None),
                last_connected_at: Set(connected_at),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// A message as the transport saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    pub external_id: String,
    pub chat_id: String,
    pub author: String,
    pub push_name: Option<String>,
    pub body: String,
    pub message_type: String,
    pub quoted_external_id: Option<String>,
    /// Seconds since the epoch.
    pub sent_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    New(i64),
    /// WhatsApp delivered it again; the first copy stands.
    Duplicate,
    /// Not for Novi: a status broadcast, the business's own message, a group nobody linked.
    Ignored(&'static str),
}

/// Writes an inbound message, once, before anything else happens to it.
pub async fn record_inbound(
    db: &DatabaseConnection,
    business_id: i64,
    transport: Transport,
    own_phone: Option<&str>,
    message: Incoming,
) -> Result<Stored, ServiceError> {
    let own_chat = own_phone.map(|phone| format!("{}@c.us", phone.trim_start_matches('+')));
    if message.chat_id == "status@broadcast" {
        return Ok(Stored::Ignored("status broadcast"));
    }
    if own_chat.as_deref() == Some(message.author.as_str()) {
        return Ok(Stored::Ignored("the business's own number"));
    }
    let group_id = if message.chat_id.ends_with("@g.us") {
        let group = groups::Entity::find()
            .filter(groups::Column::BusinessId.eq(business_id))
            .filter(groups::Column::WhatsappGroupId.eq(&message.chat_id))
            .filter(groups::Column::IsActive.eq(true))
            .one(db)
            .await?;
        match group {
            Some(group) => Some(group.id),
            None => return Ok(Stored::Ignored("a group not linked to the business")),
        }
    } else {
        None
    };
    let sent_at = Utc.timestamp_opt(message.sent_at, 0).single().unwrap_or_else(Utc::now);
    let clip = |text: String, chars: usize| storable(&text).chars().take(chars).collect::<String>();
    let row = inbound_messages::ActiveModel {
        business_id: Set(business_id),
        transport: Set(transport),
        external_id: Set(clip(message.external_id, 191)),
        chat_id: Set(clip(message.chat_id, 128)),
        group_id: Set(group_id),
        author: Set(clip(message.author, 128)),
        push_name: Set(message.push_name.map(|name| clip(name, 120))),
        message_type: Set(clip(message.message_type, 32)),
        quoted_external_id: Set(message.quoted_external_id.map(|id| clip(id, 191))),
        body: Set(storable(&message.body)),
        status: Set(InboundStatus::Received),
        attempts: Set(0),
        last_error: Set(None),
        sent_at: Set(sent_at),
        edited_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    match row.insert(db).await {
        Ok(row) => Ok(Stored::New(row.id)),
        Err(error) if is_unique_violation(&error) => Ok(Stored::Duplicate),
        Err(error) => Err(error.into()),
    }
}

/// Text as both databases keep it: PostgreSQL refuses NUL characters in text, and a message
/// refused by the database would be a message lost.
fn storable(text: &str) -> String {
    text.replace('\0', "")
}

/// When the business's latest recorded message was sent, in seconds since the epoch.
pub async fn last_inbound_at(db: &DatabaseConnection, business_id: i64) -> Result<Option<i64>, ServiceError> {
    let last = inbound_messages::Entity::find()
        .filter(inbound_messages::Column::BusinessId.eq(business_id))
        .order_by_desc(inbound_messages::Column::Id)
        .one(db)
        .await?;
    Ok(last.map(|message| message.sent_at.timestamp()))
}

/// An edit of a message already received: the new text and when.
pub async fn record_edit(
    db: &DatabaseConnection,
    business_id: i64,
    transport: Transport,
    external_id: &str,
    body: &str,
) -> Result<bool, ServiceError> {
    let updated = update_inbound(business_id, transport, external_id)
        .col_expr(inbound_messages::Column::Body, Expr::value(storable(body)))
        .col_expr(inbound_messages::Column::EditedAt, Expr::value(Utc::now()))
        .exec(db)
        .await?;
    Ok(updated.rows_affected > 0)
}

/// A message the customer deleted for everyone.
pub async fn record_revoke(
    db: &DatabaseConnection,
    business_id: i64,
    transport: Transport,
    external_id: &str,
) -> Result<bool, ServiceError> {
    let updated = update_inbound(business_id, transport, external_id)
        .col_expr(inbound_messages::Column::RevokedAt, Expr::value(Utc::now()))
        .exec(db)
        .await?;
    Ok(updated.rows_affected > 0)
}

/// An update of the inbound message with this WhatsApp id, which the pipeline then handles
/// again to bring its order in step.
fn update_inbound(business_id: i64, transport: Transport, external_id: &str) -> UpdateMany<inbound_messages::Entity> {
    inbound_messages::Entity::update_many()
        .col_expr(inbound_messages::Column::Status, Expr::value(InboundStatus::Received))
        .col_expr(inbound_messages::Column::Attempts, Expr::value(0))
        .col_expr(
            inbound_messages::Column::ProcessAfter,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(inbound_messages::Column::BusinessId.eq(business_id))
        .filter(inbound_messages::Column::Transport.eq(transport))
        .filter(inbound_messages::Column::ExternalId.eq(external_id))
}

/// The id a reply goes out with, chosen before the first attempt and kept for every retry so
/// WhatsApp never shows it twice.
fn message_id_for(row: &outbound_messages::Model) -> String {
    format!("3EB0{:08X}{:012X}", row.business_id as u32, row.id)
}

/// Takes the next reply that is due, marking it `sending` with its message id. A reply left
/// in `sending` by a crash comes back first, with the same id.
pub async fn next_outbound(
    db: &DatabaseConnection,
    business_id: i64,
    transport: Transport,
) -> Result<Option<outbound_messages::Model>, ServiceError> {
    let now = Utc::now();
    let due = outbound_messages::Entity::find()
        .filter(outbound_messages::Column::BusinessId.eq(business_id))
        .filter(outbound_messages::Column::Transport.eq(transport))
        .filter(outbound_messages::Column::Status.is_in([OutboundStatus::Pending, OutboundStatus::Sending]))
        .filter(outbound_messages::Column::NextAttemptAt.lte(now))
        .order_by_desc(outbound_messages::Column::Status.eq(OutboundStatus::Sending))
        .order_by_asc(outbound_messages::Column::Id)
        .one(db)
        .await?;
    let Some(row) = due else {
        return Ok(None);
    };
    if row.attempts >= MAX_ATTEMPTS {
        // Left in `sending` by crash after crash: give up on it rather than block the outbox.
        outbound_failed(db, &row, "given up after repeated attempts that never completed").await?;
        return Ok(None);
    }
    let id = row.external_id.clone().unwrap_or_else(|| message_id_for(&row));
    claim(db, &row, id).await
}

/// Marks a due reply `sending` under the message id it goes out with, stamping when it was
/// claimed. Conditional on the status and attempt count it was read with: one claimer wins,
/// also for a row already in `sending`.
async fn claim(
    db: &DatabaseConnection,
    row: &outbound_messages::Model,
    id: String,
) -> Result<Option<outbound_messages::Model>, ServiceError> {
    let claimed = outbound_messages::Entity::update_many()
        .col_expr(outbound_messages::Column::Status, Expr::value(OutboundStatus::Sending))
        .col_expr(outbound_messages::Column::ExternalId, Expr::value(id))
        .col_expr(outbound_messages::Column::NextAttemptAt, Expr::value(Utc::now()))
        .col_expr(
            outbound_messages::Column::Attempts,
            Expr::col(outbound_messages::Column::Attempts).add(1),
        )
        .filter(outbound_messages::Column::Id.eq(row.id))
        .filter(outbound_messages::Column::Status.eq(row.status))
        .filter(outbound_messages::Column::Attempts.eq(row.attempts))
        .exec(db)
        .await?;
    if claimed.rows_affected == 0 {
        return Ok(None);
    }
    Ok(outbound_messages::Entity::find_by_id(row.id).one(db).await?)
}

/// Takes the next pending reply for the Cloud API, marking it `sending` with Novi's id for it. Unlike WhatsApp Web, the Cloud API chooses the message id
/// itself, so a reply whose send may have gone out is never tried again (see
/// `interrupted_cloud_sends`): only `pending` rows are taken here.
pub async fn next_cloud_outbound(
    db: &DatabaseConnection,
    business_id: i64,
) -> Result<Option<outbound_messages::Model>, ServiceError> {
    let now = Utc::now();
    let due = outbound_messages::Entity::find()
        .filter(outbound_messages::Column::BusinessId.eq(business_id))
        .filter(outbound_messages::Column::Transport.eq(Transport::Cloud))
        .filter(outbound_messages::Column::Status.eq(OutboundStatus::Pending))
        .filter(outbound_messages::Column::NextAttemptAt.lte(now))
        .order_by_asc(outbound_messages::Column::Id)
        .one(db)
        .await?;
    match due {
        Some(row) => claim(db, &row, message_id_for(&row)).await,
        None => Ok(None),
    }
}

/// Cloud API replies claimed before `claimed_before` and still `sending`: the instance that
/// sent them stopped before hearing back. Whether WhatsApp took them is unknown, so they are not
/// sent again; they wait as `failed` for WhatsApp's status webhook, which names them by Novi's
/// id and marks them sent if they went out.
pub async fn interrupted_cloud_sends(
    db: &DatabaseConnection,
    business_id: i64,
    claimed_before: DateTime<Utc>,
) -> Result<u64, ServiceError> {
    let result = outbound_messages::Entity::update_many()
        .col_expr(outbound_messages::Column::Status, Expr::value(OutboundStatus::Failed))
        .col_expr(
            outbound_messages::Column::LastError,
            Expr::value("the send was interrupted; not sent again, in case it went out (WhatsApp's receipt will say)"),
        )
        .filter(outbound_messages::Column::BusinessId.eq(business_id))
        .filter(outbound_messages::Column::Transport.eq(Transport::Cloud))
        .filter(outbound_messages::Column::Status.eq(OutboundStatus::Sending))
        .filter(outbound_messages::Column::NextAttemptAt.lt(claimed_before))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// A reply that can never go out as it is (an invalid number, outside the 24-hour window with
/// no template): failed at once, with the reason for staff.
pub async fn outbound_given_up(db: &DatabaseConnection, id: i64, reason: &str) -> Result<(), ServiceError> {
    outbound_messages::Entity::update_many()
        .col_expr(outbound_messages::Column::Status, Expr::value(OutboundStatus::Failed))
        .col_expr(
            outbound_messages::Column::LastError,
            Expr::value(reason.chars().take(500).collect::<String>()),
        )
        .filter(outbound_messages::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// A reply WhatsApp took; a receipt that came first (delivered, read) is not undone.
pub async fn outbound_sent(db: &DatabaseConnection, id: i64, external_id: &str) -> Result<(), ServiceError> {
    outbound_messages::Entity::update_many()
        .col_expr(outbound_messages::Column::Status, Expr::value(OutboundStatus::Sent))
        .col_expr(outbound_messages::Column::ExternalId, Expr::value(external_id))
        .col_expr(outbound_messages::Column::SentAt, Expr::value(Utc::now()))
        .col_expr(
            outbound_messages::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .filter(outbound_messages::Column::Id.eq(id))
        .filter(outbound_messages::Column::Status.is_not_in([OutboundStatus::Delivered, OutboundStatus::Read]))
        .exec(db)
        .await?;
    Ok(())
}

/// Attempts before a reply is given up on.
pub const MAX_ATTEMPTS: i32 = 5;

/// A failed attempt: tried again later with a growing delay, or failed for good.
pub async fn outbound_failed(
    db: &DatabaseConnection,
    row: &outbound_messages::Model,
    error: &str,
) -> Result<(), ServiceError> {
    let final_attempt = row.attempts >= MAX_ATTEMPTS;
    let delay = Duration::seconds(5 * 2i64.pow(row.attempts.clamp(0, 10) as u32));
    outbound_messages::Entity::update_many()
        .col_expr(
            outbound_messages::Column::Status,
            Expr::value(if final_attempt {
                OutboundStatus::Failed
            } else {
                OutboundStatus::Pending
            }),
        )
        .col_expr(
            outbound_messages::Column::NextAttemptAt,
            Expr::value(Utc::now() + delay),
        )
        .col_expr(
            outbound_messages::Column::LastError,
            Expr::value(error.chars().take(500).collect::<String>()),
        )
        .filter(outbound_messages::Column::Id.eq(row.id))
        .exec(db)
        .await?;
    Ok(())
}

/// A receipt from WhatsApp: 2 delivered, 3 read.
pub async fn record_ack(
    db: &DatabaseConnection,
    business_id: i64,
    external_id: &str,
    ack: u8,
) -> Result<(), ServiceError> {
    let status = match ack {
        2 => OutboundStatus::Delivered,
        3.. => OutboundStatus::Read,
        _ => return Ok(()),
    };
    let mut update = outbound_messages::Entity::update_many()
        .col_expr(outbound_messages::Column::Status, Expr::value(status))
        .filter(outbound_messages::Column::BusinessId.eq(business_id))
        .filter(outbound_messages::Column::ExternalId.eq(external_id));
    if status == OutboundStatus::Delivered {
        update = update
            .col_expr(outbound_messages::Column::DeliveredAt, Expr::value(Utc::now()))
            .filter(outbound_messages::Column::Status.eq(OutboundStatus::Sent));
    }
    update.exec(db).await?;
    Ok(())
}

/// What an owner can ask of the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// Start it again after a failure, or reconnect now.
    Connect,
    /// Unlink the phone; a new QR follows.
    Logout,
}

/// The way from the API to this instance's WhatsApp workers: an owner's connect or logout, by
/// business. Without workers (WhatsApp off) it takes nothing.
#[derive(Clone, Debug, Default)]
pub struct Control(Option<mpsc::UnboundedSender<(i64, Request)>>);

impl Control {
    pub fn new() -> (Self, mpsc::UnboundedReceiver<(i64, Request)>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        (Self(Some(sender)), receiver)
    }

    /// Whether WhatsApp runs on this server.
    pub fn available(&self) -> bool {
        self.0.as_ref().is_some_and(|sender| !sender.is_closed())
    }
}

/// Records an owner's request and passes it to the business's worker; answers the session as
/// it is now (the worker reports its progress as live events).
pub async fn ask(
    db: &DatabaseConnection,
    control: &Control,
    caller: &Caller,
    wanted: Request,
    ip: Option<String>,
) -> Result<SessionView, ServiceError> {
    if !control.available() {
        return Err(ServiceError::Conflict(
            "WhatsApp is off on this server (set NOVI_WHATSAPP)".into(),
        ));
    }
    let business = request(db, caller, wanted, ip).await?;
    if let Some(sender) = &control.0 {
        let _ = sender.send((business, wanted));
    }
    view(db, caller).await
}

/// Checks that the caller may ask (owners) and records the request; answers the business
/// whose worker should act.
async fn request(
    db: &DatabaseConnection,
    caller: &Caller,
    request: Request,
    ip: Option<String>,
) -> Result<i64, ServiceError> {
    caller.require(Permission::ManageSettings)?;
    let business_id = caller.own_business()?;
    let business = entity::businesses::Entity::find_by_id(business_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("business"))?;
    if !businesses::settings(&business).whatsapp_enabled {
        return Err(ServiceError::Conflict(
            "WhatsApp is not enabled in this business's settings".into(),
        ));
    }
    audit::record(
        db,
        AuditEntry {
            business_id: Some(business_id),
            actor_user_id: Some(caller.user_id),
            action: match request {
                Request::Connect => "whatsapp_connect",
                Request::Logout => "whatsapp_logout",
            },
            entity_type: "whatsapp_session",
            entity_id: None,
            before: None,
            after: None,
            ip,
        },
    )
    .await?;
    Ok(business_id)
}
