//! One inbound message through the pipeline: a new order, a change to the order it started
//! (edited or deleted in the chat), a reply amending an order, or nothing for Novi.

use std::sync::Arc;

use chrono::Utc;
use entity::{
    businesses,
    enums::{InboundStatus, OrderSource, OrderStatus},
    inbound_messages, orders,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};
use serde_json::{Map, Value, json};

use super::{Handled, Scope, catalogs::Priced, chat, lines::Lines};
use crate::{
    dto::BusinessSettings,
    error::ServiceError,
    parser::{self, ParsedOrder},
    services::{
        orders::{self as order_service, event},
        replies::{self, Chat, Template},
    },
};

/// A business as the pipeline needs it, read once per batch.
pub struct Business {
    pub model: businesses::Model,
    pub settings: BusinessSettings,
    pub priced: Arc<Priced>,
    pub eta_minutes: i64,
}

impl Business {
    pub fn parse(&self, text: &str) -> ParsedOrder {
        parser::parse(text, &self.priced.catalog)
    }

    /// Where a parsed order starts: review when unsure or nothing matched, confirmed at once
    /// when the business lets Novi confirm, otherwise waiting for staff.
    pub fn status_for(&self, parsed: &ParsedOrder) -> OrderStatus {
        if parsed.items.is_empty() || parsed.confidence < self.settings.confidence_threshold {
            OrderStatus::NeedsReview
        } else if self.settings.auto_confirm {
            OrderStatus::Confirmed
        } else {
            OrderStatus::Pending
        }
    }

    pub fn reply_context<'a>(&'a self, scope: &'a Scope<'_>) -> replies::Context<'a> {
        replies::Context {
            business: &self.model,
            templates: &self.settings.templates,
            outlets: scope.outlets,
            eta_minutes: self.eta_minutes,
        }
    }
}

pub async fn handle(
    txn: &DatabaseTransaction,
    scope: &mut Scope<'_>,
    message: &inbound_messages::Model,
) -> Result<Handled, ServiceError> {
    let business = scope.business(txn, message.business_id).await?;
    let started = orders::Entity::find()
        .filter(orders::Column::InboundMessageId.eq(message.id))
        .one(txn)
        .await?;
    if let Some(order) = started {
        return chat::changed(txn, scope, &business, message, order).await;
    }
    if message.revoked_at.is_some() {
        return Ok(nothing());
    }
    if let Some(handled) = chat::amendment(txn, scope, &business, message).await? {
        return Ok(handled);
    }
    let parsed = business.parse(&message.body);
    if !parsed.is_order() {
        return Ok(nothing());
    }
    let order = create(txn, scope, &business, message, &parsed).await?;
    Ok(Handled {
        events: vec![event("order.created", &order)],
        status: InboundStatus::Processed,
    })
}

/// Not an order ("thanks", "are you open?"): handled, and no reply.
pub fn nothing() -> Handled {
    Handled {
        events: Vec::new(),
        status: InboundStatus::Ignored,
    }
}

async fn create(
    txn: &DatabaseTransaction,
    scope: &Scope<'_>,
    business: &Business,
    message: &inbound_messages::Model,
    parsed: &ParsedOrder,
) -> Result<orders::Model, ServiceError> {
    let lines = Lines::parsed(parsed, &business.priced);
    let status = business.status_for(parsed);
    let clip = |text: &str, chars: usize| text.chars().take(chars).collect::<String>();
    let name = parsed
        .customer_name
        .as_deref()
        .or(message.push_name.as_deref())
        .map(|name| clip(name.trim(), 120))
        .filter(|name| !name.is_empty());
    let phone = phone_of(&message.author).or_else(|| parsed.phone.as_deref().map(|phone| clip(phone, 32)));
    let address = parsed.address.as_deref().map(|address| clip(address, 500));
    let now = Utc::now();
    let mut times = Map::new();
    times.insert("received".into(), json!(message.created_at.to_rfc3339()));
    times.insert("parsed".into(), json!(now.to_rfc3339()));
    if status == OrderStatus::Confirmed {
        times.insert("confirmed".into(), json!(now.to_rfc3339()));
    }
    let customer_id = match &phone {
        Some(phone) => Some(
            order_service::upsert_customer(txn, business.model.id, phone, name.as_deref(), address.as_deref()).await?,
        ),
        None => None,
    };
    let order = orders::ActiveModel {
        business_id: Set(business.model.id),
        order_number: Set(order_service::next_order_number(txn, business.model.id).await?),
        customer_id: Set(customer_id),
        group_id: Set(message.group_id),
        inbound_message_id: Set(Some(message.id)),
        source: Set(OrderSource::Whatsapp),
        status: Set(status),
        customer_name: Set(name),
        customer_phone: Set(phone),
        delivery_address: Set(address),
        notes: Set(notes_of(parsed)),
        subtotal: Set(lines.subtotal),
        delivery_fee: Set(lines.delivery_fee),
        total_amount: Set(lines.total()),
        currency: Set(business.model.currency.clone()),
        confidence: Set(Some(parsed.confidence)),
        response_times: Set(Value::Object(times)),
        created_at: Set(now),
        updated_at: Set(now),
        tracking_token: Set(Some(order_service::tracking_token())),
        attention: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    super::lines::insert(txn, order.id, &lines.items).await?;
    let template = Template::for_status(status);
    let body = replies::body(template, &business.reply_context(scope), &order, &lines.items);
    replies::queue(
        txn,
        &order,
        &Chat::of(message),
        template,
        body,
        replies::key(order.id, template),
    )
    .await?;
    Ok(order)
}

/// What staff should read beside the items: the customer's notes, and any order lines the
/// catalog has nothing for, as written.
pub fn notes_of(parsed: &ParsedOrder) -> Option<String> {
    let mut notes: Vec<String> = parsed.notes.iter().cloned().collect();
    if !parsed.unmatched.is_empty() {
        notes.push(format!("Not in the catalog: {}", parsed.unmatched.join("; ")));
    }
    let joined = notes.join("\n");
    (!joined.is_empty()).then(|| joined.chars().take(1000).collect())
}

/// `15551234567@c.us` → `+15551234567`; ids that are not phone numbers give none.
fn phone_of(author: &str) -> Option<String> {
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
