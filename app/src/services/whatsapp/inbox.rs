//! Inbound messages, each written once before anything else happens to it, and the edits
//! and deletions that follow.

use chrono::{DateTime, TimeZone, Utc};
use entity::{
    enums::{InboundStatus, Transport},
    groups, inbound_messages,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set, UpdateMany,
    sea_query::Expr,
};

use crate::error::{ServiceError, is_unique_violation};

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
