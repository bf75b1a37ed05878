//! `POST /webhooks/whatsapp`: what Meta reports for the business numbers on the Cloud API.
//! The body is checked against an app secret before it is read, read whole before anything is
//! written, and then each customer's message is recorded once (WhatsApp's `wamid` is the key, so
//! a redelivered webhook changes nothing) and each status lands on its outbox row.

use chrono::Utc;
use entity::{
    enums::{OutboundStatus, Transport},
    outbound_messages,
};
use hmac::{Hmac, Mac};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, sea_query::Expr};
use serde::Deserialize;
use serde_json::Value;
use sha2::Sha256;

use super::Account;
use crate::{
    error::ServiceError,
    services::whatsapp::{self, Incoming, Stored},
};

#[derive(Debug, Deserialize)]
struct Payload {
    object: String,
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    #[serde(default)]
    changes: Vec<Change>,
}

/// A change of any subscribed field; only `messages` is read further.
#[derive(Debug, Deserialize)]
struct Change {
    field: String,
    value: Value,
}

#[derive(Debug, Deserialize)]
struct ChangeValue {
    metadata: Metadata,
    #[serde(default)]
    contacts: Vec<Contact>,
    #[serde(default)]
    messages: Vec<Message>,
    #[serde(default)]
    statuses: Vec<Status>,
}

#[derive(Debug, Deserialize)]
struct Metadata {
    display_phone_number: Option<String>,
    phone_number_id: String,
}

#[derive(Debug, Deserialize)]
struct Contact {
    wa_id: String,
    profile: Option<Profile>,
}

#[derive(Debug, Deserialize)]
struct Profile {
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Message {
    from: String,
    id: String,
    timestamp: String,
    #[serde(rename = "type")]
    kind: String,
    text: Option<Text>,
    order: Option<CartOrder>,
    context: Option<Context>,
}

#[derive(Debug, Deserialize)]
struct Text {
    body: String,
}

/// A cart sent from the business's WhatsApp catalog.
#[derive(Debug, Deserialize)]
struct CartOrder {
    text: Option<String>,
    #[serde(default)]
    product_items: Vec<CartItem>,
}

#[derive(Debug, Deserialize)]
struct CartItem {
    product_retailer_id: String,
    /// A number or a string of one, depending on the API version.
    quantity: Value,
}

#[derive(Debug, Deserialize)]
struct Context {
    id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Status {
    id: String,
    status: String,
    biz_opaque_callback_data: Option<String>,
    #[serde(default)]
    errors: Vec<StatusError>,
}

#[derive(Debug, Deserialize)]
struct StatusError {
    code: Option<i64>,
    title: Option<String>,
    message: Option<String>,
}

/// What one webhook call came to.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Received {
    pub messages: usize,
    pub duplicates: usize,
    pub statuses: usize,
}

/// The accounts whose app secret signed `body` (`X-Hub-Signature-256: sha256=<hex>`).
pub fn signed_by<'a>(accounts: &'a [Account], body: &[u8], signature: Option<&str>) -> Vec<&'a Account> {
    let Some(digest) = signature
        .and_then(|header| header.strip_prefix("sha256="))
        .and_then(decode_hex)
    else {
        return Vec::new();
    };
    accounts
        .iter()
        .filter(|account| {
            let mut mac = Hmac::<Sha256>::new_from_slice(account.app_secret.as_bytes()).expect("HMAC takes any key");
            mac.update(body);
            mac.verify_slice(&digest).is_ok()
        })
        .collect()
}

/// Records what a signed webhook body reports for the numbers of `signers`; a number signed
/// for by another app's secret is left alone.
pub async fn receive(db: &DatabaseConnection, signers: &[&Account], body: &[u8]) -> Result<Received, ServiceError> {
    let payload: Payload = serde_json::from_slice(body)
        .map_err(|error| ServiceError::field("body", format!("not a WhatsApp webhook: {error}")))?;
    if payload.object != "whatsapp_business_account" {
        return Err(ServiceError::field("object", "expected whatsapp_business_account"));
    }
    // Every change is read before the first is written: a malformed one refuses the body whole.
    let changes = payload
        .entry
        .into_iter()
        .flat_map(|entry| entry.changes)
        .filter(|change| change.field == "messages")
        .map(|change| serde_json::from_value::<ChangeValue>(change.value))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| ServiceError::field("body", format!("not a WhatsApp messages change: {error}")))?;
    let mut received = Received::default();
    for value in changes {
        let Some(account) = signers
            .iter()
            .find(|account| account.phone_number_id == value.metadata.phone_number_id)
        else {
            tracing::warn!(phone_number_id = %value.metadata.phone_number_id, "a webhook for a number no signing account has");
            continue;
        };
        let own_phone = value.metadata.display_phone_number.as_deref();
        for message in value.messages {
            let name = value
                .contacts
                .iter()
                .find(|contact| contact.wa_id == message.from)
                .and_then(|contact| contact.profile.as_ref()?.name.clone());
            match whatsapp::record_inbound(
                db,
                account.business_id,
                Transport::Cloud,
                own_phone,
                incoming(message, name),
            )
            .await?
            {
                Stored::New(_) => received.messages += 1,
                Stored::Duplicate => received.duplicates += 1,
                Stored::Ignored(_) => {}
            }
        }
        for status in value.statuses {
            record_status(db, account.business_id, status).await?;
            received.statuses += 1;
        }
    }
    Ok(received)
}

fn incoming(message: Message, push_name: Option<String>) -> Incoming {
    let body = match (message.kind.as_str(), message.text, message.order) {
        (_, Some(text), _) => text.body,
        // A cart: one line per product, which the parser reads like a typed order.
        (_, None, Some(order)) => {
            let mut lines: Vec<String> = order
                .product_items
                .iter()
                .map(|item| {
                    let quantity = match &item.quantity {
                        Value::String(text) => text.clone(),
                        other => other.to_string(),
                    };
                    format!("{quantity}x {}", item.product_retailer_id)
                })
                .collect();
            lines.extend(order.text);
            lines.join("\n")
        }
        _ => String::new(),
    };
    let chat = format!("{}@c.us", message.from);
    Incoming {
        external_id: message.id,
        chat_id: chat.clone(),
        author: chat,
        push_name,
        body,
        message_type: if message.kind == "text" {
            "chat".into()
        } else {
            message.kind
        },
        quoted_external_id: message.context.and_then(|context| context.id),
        sent_at: message.timestamp.parse().unwrap_or_else(|_| Utc::now().timestamp()),
    }
}

/// A status for a reply: found by WhatsApp's id, or by the id Novi gave it (sent as
/// `biz_opaque_callback_data`) when the send's answer was lost. Never moves a row backwards.
async fn record_status(db: &DatabaseConnection, business_id: i64, status: Status) -> Result<(), ServiceError> {
    let (next, earlier): (OutboundStatus, &[OutboundStatus]) = match status.status.as_str() {
        "sent" => (OutboundStatus::Sent, &[OutboundStatus::Sending, OutboundStatus::Failed]),
        "delivered" => (
            OutboundStatus::Delivered,
            &[OutboundStatus::Sending, OutboundStatus::Failed, OutboundStatus::Sent],
        ),
        "read" => (
            OutboundStatus::Read,
            &[
                OutboundStatus::Sending,
                OutboundStatus::Failed,
                OutboundStatus::Sent,
                OutboundStatus::Delivered,
            ],
        ),
        "failed" => (
            OutboundStatus::Failed,
            &[OutboundStatus::Sending, OutboundStatus::Sent, OutboundStatus::Delivered],
        ),
        _ => return Ok(()),
    };
    let mut which = Condition::any().add(outbound_messages::Column::ExternalId.eq(&status.id));
    if let Some(ours) = &status.biz_opaque_callback_data {
        which = which.add(outbound_messages::Column::ExternalId.eq(ours));
    }
    let now = Utc::now();
    let mut update = outbound_messages::Entity::update_many()
        .col_expr(outbound_messages::Column::Status, Expr::value(next))
        .col_expr(outbound_messages::Column::ExternalId, Expr::value(status.id.clone()))
        .filter(outbound_messages::Column::BusinessId.eq(business_id))
        .filter(outbound_messages::Column::Transport.eq(Transport::Cloud))
        .filter(outbound_messages::Column::Status.is_in(earlier.iter().copied()))
        .filter(which);
    match next {
        OutboundStatus::Sent => {
            update = update
                .col_expr(outbound_messages::Column::SentAt, Expr::value(now))
                .col_expr(
                    outbound_messages::Column::LastError,
                    Expr::value(Option::<String>::None),
                );
        }
        OutboundStatus::Delivered => {
            update = update.col_expr(outbound_messages::Column::DeliveredAt, Expr::value(now));
        }
        OutboundStatus::Failed => {
            let reason = status
                .errors
                .first()
                .map(|error| {
                    format!(
                        "WhatsApp could not deliver it ({}): {}",
                        error.code.unwrap_or_default(),
                        error
                            .message
                            .as_deref()
                            .or(error.title.as_deref())
                            .unwrap_or("no reason given")
                    )
                })
                .unwrap_or_else(|| "WhatsApp could not deliver it".into());
            update = update.col_expr(outbound_messages::Column::LastError, Expr::value(reason));
        }
        _ => {}
    }
    update.exec(db).await?;
    Ok(())
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(text.get(at..at + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(secret: &str) -> Account {
        Account {
            business_id: 1,
            phone_number_id: "106540352242922".into(),
            access_token: "token".into(),
            app_secret: secret.into(),
            verify_token: "verify-me".into(),
            template: None,
        }
    }

    #[test]
    fn only_the_right_secret_signs_the_body() {
        let accounts = [account("app-secret"), account("another")];
        let body = br#"{"object":"whatsapp_business_account","entry":[]}"#;
        let mut mac = Hmac::<Sha256>::new_from_slice(b"app-secret").unwrap();
        mac.update(body);
        let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        let signed = signed_by(&accounts, body, Some(&format!("sha256={hex}")));
        assert_eq!(signed, vec![&accounts[0]]);
        assert!(signed_by(&accounts, b"tampered", Some(&format!("sha256={hex}"))).is_empty());
        assert!(signed_by(&accounts, body, None).is_empty());
        assert!(signed_by(&accounts, body, Some("sha256=zz")).is_empty());
    }

    #[test]
    fn a_cart_reads_like_a_typed_order() {
        let message: Message = serde_json::from_value(serde_json::json!({
            "from": "16505551234", "id": "wamid.CART", "timestamp": "1749416383", "type": "order",
            "order": {"catalog_id": "1", "text": "address 123 Main St", "product_items": [
                {"product_retailer_id": "margherita large", "quantity": 2, "item_price": 15.99, "currency": "USD"},
                {"product_retailer_id": "coke 2l", "quantity": "1", "item_price": 3.49, "currency": "USD"}
            ]}
        }))
        .unwrap();
        let read = incoming(message, Some("Sheena".into()));
        assert_eq!(read.body, "2x margherita large\n1x coke 2l\naddress 123 Main St");
        assert_eq!(read.chat_id, "16505551234@c.us");
        assert_eq!(read.message_type, "order");
        assert_eq!(read.sent_at, 1_749_416_383);
    }
}
