//! The new orders of a batch, written together through the order store, with their replies:
//! per business a handful of statements however many messages the batch holds.

use std::{collections::BTreeMap, sync::Arc};

use chrono::Utc;
use entity::{
    enums::{Fulfilment, OrderSource, OrderStatus, OutboundStatus},
    inbound_messages, orders, outbound_messages,
};
use sea_orm::{DatabaseTransaction, EntityTrait, Set, sea_query::OnConflict};
use serde_json::{Map, Value, json};

use super::{
    Scope,
    business::{Business, notes_of},
    lines::Lines,
};
use crate::{
    error::ServiceError,
    events::Event,
    events::EventKind,
    money,
    parser::ParsedOrder,
    services::{
        actor::{Actor, ChatCustomer},
        orders::{event, store},
        replies::{self, Chat, Template},
    },
};

/// A message that is a new order, parsed and waiting to be written with the others.
pub struct ParsedMessage {
    pub message: inbound_messages::Model,
    pub business: Arc<Business>,
    pub parsed: ParsedOrder,
    /// The address is the customer's saved one, not one the message gave.
    pub saved_address: bool,
}

/// Writes every message's order with its customer, lines and reply; answers their events.
pub async fn write(
    txn: &DatabaseTransaction,
    scope: &Scope<'_>,
    parsed: Vec<ParsedMessage>,
) -> Result<Vec<Event>, ServiceError> {
    let mut by_business: BTreeMap<i64, Vec<ParsedMessage>> = BTreeMap::new();
    for message in parsed {
        by_business.entry(message.business.model.id).or_default().push(message);
    }
    let mut events = Vec::new();
    for parsed in by_business.into_values() {
        events.extend(write_for_business(txn, scope, parsed).await?);
    }
    Ok(events)
}

async fn write_for_business(
    txn: &DatabaseTransaction,
    scope: &Scope<'_>,
    parsed: Vec<ParsedMessage>,
) -> Result<Vec<Event>, ServiceError> {
    let business = parsed[0].business.clone();
    let now = Utc::now();
    let orders = parsed.iter().map(|message| order_of(message, now)).collect();
    let made = store::create_many(txn, business.model.id, orders).await?;

    let context = business.reply_context(scope.outlets);
    let mut replies = Vec::with_capacity(made.len());
    let mut events = Vec::with_capacity(made.len());
    for ((order, lines), message) in made.iter().zip(&parsed) {
        let template = Template::for_status(order.status);
        let chat = Chat::of(&message.message);
        replies.push(outbound_messages::ActiveModel {
            business_id: Set(order.business_id),
            order_id: Set(Some(order.id)),
            transport: Set(chat.transport),
            chat_id: Set(chat.chat_id),
            body: Set(replies::body(
                template,
                &replies::Context {
                    saved_address: message.saved_address,
                    unavailable: &business.unavailable(&message.parsed),
                    ..context
                },
                order,
                lines,
            )),
            template: Set(Some(template.name().to_string())),
            quoted_external_id: Set(chat.quoted),
            idempotency_key: Set(replies::key(order.id, template)),
            status: Set(OutboundStatus::Pending),
            attempts: Set(0),
            next_attempt_at: Set(now),
            created_at: Set(now),
            ..Default::default()
        });
        events.push(event(EventKind::OrderCreated, order));
    }
    outbound_messages::Entity::insert_many(replies)
        .on_conflict(
            OnConflict::column(outbound_messages::Column::IdempotencyKey)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    Ok(events)
}

/// The order a message makes, as the store writes it.
fn order_of(message: &ParsedMessage, now: chrono::DateTime<Utc>) -> store::Planned {
    let clip = |text: &str, chars: usize| text.chars().take(chars).collect::<String>();
    let parsed = &message.parsed;
    let row = &message.message;
    let lines = Lines::parsed(parsed, &message.business.priced);
    let status = message.business.status_for(parsed);
    let mut times = Map::new();
    times.insert("received".into(), json!(row.created_at.to_rfc3339()));
    times.insert("parsed".into(), json!(now.to_rfc3339()));
    if status == OrderStatus::Confirmed {
        times.insert("confirmed".into(), json!(now.to_rfc3339()));
    }
    let name = parsed
        .customer_name
        .as_deref()
        .or(row.push_name.as_deref())
        .map(|name| clip(name.trim(), 120))
        .filter(|name| !name.is_empty());
    let phone = phone_of(&row.author).or_else(|| parsed.phone.as_deref().map(|phone| clip(phone, 32)));
    store::Planned {
        order: orders::ActiveModel {
            group_id: Set(row.group_id),
            inbound_message_id: Set(Some(row.id)),
            source: Set(OrderSource::Whatsapp),
            status: Set(status),
            customer_name: Set(name),
            customer_phone: Set(phone),
            delivery_address: Set(parsed.address.as_deref().map(|address| clip(address, 500))),
            fulfilment: Set(parsed.fulfilment.unwrap_or(Fulfilment::Delivery)),
            payment_method: Set(parsed.payment_method),
            cash_change_for: Set(parsed
                .cash_change_for
                .and_then(|amount| money::from_decimal(amount, &message.business.model.currency))),
            notes: Set(notes_of(parsed)),
            subtotal: Set(lines.subtotal),
            delivery_fee: Set(lines.delivery_fee),
            total_amount: Set(lines.total()),
            currency: Set(message.business.model.currency.clone()),
            confidence: Set(Some(parsed.confidence)),
            response_times: Set(Value::Object(times)),
            created_at: Set(now),
            updated_at: Set(now),
            tracking_token: Set(Some(store::tracking_token())),
            attention: Set(unavailable_note(&message.business.unavailable(parsed))),
            ..Default::default()
        },
        lines: lines.items,
        actor: Actor::Customer(ChatCustomer::of(row)),
    }
}

/// What staff are told about items the business marked unavailable.
pub fn unavailable_note(names: &[String]) -> Option<String> {
    (!names.is_empty()).then(|| format!("Asked for what is marked unavailable: {}", names.join(", ")))
}

/// `15551234567@c.us` → `+15551234567`; ids that are not phone numbers give none.
pub fn phone_of(author: &str) -> Option<String> {
    let user = author.split('@').next()?.split(':').next()?;
    (author.ends_with("@c.us") && (6..=15).contains(&user.len()) && user.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("+{user}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_come_from_personal_chat_ids_only() {
        assert_eq!(phone_of("15551234567@c.us").as_deref(), Some("+15551234567"));
        assert_eq!(phone_of("15551234567:12@c.us").as_deref(), Some("+15551234567"));
        assert_eq!(phone_of("120363041234567890@g.us"), None);
        assert_eq!(phone_of("98765432109876@lid"), None);
    }
}
