//! Replies to customers: one of the business's templates filled from an order, queued in the
//! outbox in the same transaction as the change it answers. The idempotency key makes queueing
//! the same reply twice a no-op, so a retried step never messages the customer again.

use std::collections::BTreeMap;

use chrono::Utc;
use entity::{
    businesses, deliveries, drivers,
    enums::{Fulfilment, OrderStatus, OutboundStatus, PaymentMethod, Transport},
    inbound_messages, order_items, orders, outbound_messages,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set, sea_query::OnConflict,
};
use serde_json::Value;

use crate::{
    dto::MessageTemplates,
    error::ServiceError,
    money,
    outlets::Outlets,
    services::{
        access::{Caller, Permission},
        eta,
    },
    templates,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    OrderConfirmation,
    OrderReceived,
    NeedsReview,
    DeliveryUpdate,
    Delivered,
    OrderCancelled,
    CancelRequested,
    OrderUpdated,
    ChangeRequested,
}

impl Template {
    pub fn name(self) -> &'static str {
        match self {
            Self::OrderConfirmation => "order_confirmation",
            Self::OrderReceived => "order_received",
            Self::NeedsReview => "needs_review",
            Self::DeliveryUpdate => "delivery_update",
            Self::Delivered => "delivered",
            Self::OrderCancelled => "order_cancelled",
            Self::CancelRequested => "cancel_requested",
            Self::OrderUpdated => "order_updated",
            Self::ChangeRequested => "change_requested",
        }
    }

    fn text(self, templates: &MessageTemplates) -> &str {
        match self {
            Self::OrderConfirmation => &templates.order_confirmation,
            Self::OrderReceived => &templates.order_received,
            Self::NeedsReview => &templates.needs_review,
            Self::DeliveryUpdate => &templates.delivery_update,
            Self::Delivered => &templates.delivered,
            Self::OrderCancelled => &templates.order_cancelled,
            Self::CancelRequested => &templates.cancel_requested,
            Self::OrderUpdated => &templates.order_updated,
            Self::ChangeRequested => &templates.change_requested,
        }
    }

    /// What the customer hears when an order is in `status`: the confirmation once confirmed,
    /// otherwise that it is being looked at.
    pub fn for_status(status: OrderStatus) -> Self {
        match status {
            OrderStatus::NeedsReview => Self::NeedsReview,
            OrderStatus::Pending => Self::OrderReceived,
            _ => Self::OrderConfirmation,
        }
    }
}

/// Where replies about an order go: the chat its message came from, quoting that message in a
/// group so the customer sees which order is meant, and always on the Cloud API, whose replies
/// are meant to name the message they answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chat {
    pub transport: Transport,
    pub chat_id: String,
    pub quoted: Option<String>,
}

impl Chat {
    pub fn of(message: &inbound_messages::Model) -> Self {
        Self {
            transport: message.transport,
            chat_id: message.chat_id.clone(),
            quoted: (message.chat_id.ends_with("@g.us") || message.transport == Transport::Cloud)
                .then(|| message.external_id.clone()),
        }
    }

    /// The chat of an order that came in over WhatsApp.
    pub async fn of_order(db: &impl ConnectionTrait, order: &orders::Model) -> Result<Option<Self>, ServiceError> {
        let Some(message_id) = order.inbound_message_id else {
            return Ok(None);
        };
        Ok(inbound_messages::Entity::find_by_id(message_id)
            .one(db)
            .await?
            .map(|message| Self::of(&message)))
    }
}

/// Everything a template may draw on besides the order itself.
pub struct Context<'a> {
    pub business: &'a businesses::Model,
    pub templates: &'a MessageTemplates,
    pub outlets: &'a Outlets,
    pub eta_minutes: i64,
    /// Who is bringing the order, for the delivery update.
    pub driver: Option<&'a drivers::Model>,
    /// What the customer's latest message changed in the order, for `{changes}`.
    pub changes: Option<&'a str>,
    /// The address is the one the customer's earlier orders went to, not one they wrote now.
    pub saved_address: bool,
    /// What the customer asked for that the business marked unavailable.
    pub unavailable: &'a [String],
}

/// The template filled from the order and its lines.
pub fn body(template: Template, context: &Context<'_>, order: &orders::Model, lines: &[order_items::Model]) -> String {
    let values = values(context, order, lines);
    templates::render(template.text(context.templates), |name| {
        values.get(name).map(String::as_str)
    })
}

/// What each placeholder stands for in replies about this order.
pub fn values(context: &Context<'_>, order: &orders::Model, lines: &[order_items::Model]) -> BTreeMap<String, String> {
    let customer = order.customer_name.as_deref().map_or("there", first_name);
    let items = lines
        .iter()
        .map(|line| item_line(line, &order.currency))
        .collect::<Vec<_>>()
        .join("\n");
    let total = money::display(order.total_amount, &order.currency);
    let address = match (order.fulfilment, order.delivery_address.as_deref()) {
        (Fulfilment::Pickup, _) => Some("for pickup at the shop".to_string()),
        (Fulfilment::Delivery, Some(address)) if context.saved_address => Some(format!(
            "to {address} (where your last order went; reply with a new address to change it)"
        )),
        (Fulfilment::Delivery, Some(address)) => Some(format!("to {address}")),
        (Fulfilment::Delivery, None) => None,
    };
    let fulfilment = match order.fulfilment {
        Fulfilment::Pickup => "for pickup at the shop",
        Fulfilment::Delivery => "for delivery",
    };
    let paying = (order.payment_method.is_some() || order.cash_change_for.is_some())
        .then(|| payment(order.payment_method, order.cash_change_for, &order.currency));
    let mut values = BTreeMap::from([
        ("customer_name", customer.to_string()),
        ("order_number", order.order_number.to_string()),
        ("order_items", items),
        ("summary", summary(lines, &total, &[address.clone(), paying.clone()])),
        ("total", total),
        ("delivery_time", format!("about {} minutes", context.eta_minutes)),
        ("estimated_time", format!("{} minutes", context.eta_minutes)),
        ("business_name", context.business.name.clone()),
    ]);
    if let Some(token) = order.tracking_token.as_deref() {
        values.insert("tracking_link", context.outlets.tracking_link(token));
    }
    values.extend(address.map(|address| ("address", address)));
    values.insert("fulfilment", fulfilment.to_string());
    values.extend(paying.map(|paying| ("payment", paying)));
    values.extend(context.changes.map(|changes| ("changes", changes.to_string())));
    if let Some(names) = unavailable(context.unavailable) {
        values.insert("unavailable", names);
    }
    match context.driver {
        Some(driver) => {
            values.insert("driver_name", first_name(&driver.name).to_string());
            values.extend(driver.vehicle_info.clone().map(|vehicle| ("vehicle_info", vehicle)));
        }
        // Staff sent the order out without naming a driver.
        None => {
            values.insert("driver_name", "Our driver".to_string());
        }
    }
    values
        .into_iter()
        .map(|(name, value)| (name.to_string(), value))
        .collect()
}

/// Placeholder values from the business's latest order, for previewing templates as they are
/// written; none until the business has an order.
pub async fn sample(
    db: &DatabaseConnection,
    outlets: &Outlets,
    caller: &Caller,
) -> Result<BTreeMap<String, String>, ServiceError> {
    caller.require(Permission::ViewBusiness)?;
    let business = businesses::Entity::find_by_id(caller.own_business()?)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("business"))?;
    let Some(order) = orders::Entity::find()
        .filter(orders::Column::BusinessId.eq(business.id))
        .order_by_desc(orders::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(BTreeMap::new());
    };
    let lines = order_items::Entity::find()
        .filter(order_items::Column::OrderId.eq(order.id))
        .all(db)
        .await?;
    let settings = crate::services::businesses::settings(&business);
    let driver = sample_driver(db, &order).await?;
    let context = Context {
        business: &business,
        templates: &settings.templates,
        outlets,
        eta_minutes: eta::from_confirmation(db, business.id, Utc::now()).await?,
        driver: driver.as_ref(),
        changes: None,
        saved_address: false,
        unavailable: &[],
    };
    let mut values = values(&context, &order, &lines);
    // A change such as a follow-up would make, so its reply can be previewed too.
    if let Some(line) = lines.first() {
        values.insert("changes".into(), format!("added {}", short_item(line)));
    }
    Ok(values)
}

/// The order's driver, or any of the business's, stands in for the delivery update.
async fn sample_driver(db: &DatabaseConnection, order: &orders::Model) -> Result<Option<drivers::Model>, ServiceError> {
    let assigned = deliveries::Entity::find()
        .filter(deliveries::Column::OrderId.eq(order.id))
        .find_also_related(drivers::Entity)
        .one(db)
        .await?
        .and_then(|(_, driver)| driver);
    if assigned.is_some() {
        return Ok(assigned);
    }
    Ok(drivers::Entity::find()
        .filter(drivers::Column::BusinessId.eq(order.business_id))
        .filter(drivers::Column::IsActive.eq(true))
        .order_by_asc(drivers::Column::Name)
        .one(db)
        .await?)
}

/// "Ana" of "Ana Maria Souza": replies and the tracking page say no more of a person.
pub fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or(name)
}

/// `• 2× Margherita (Large), extra cheese, no onions — $25.98`
fn item_line(line: &order_items::Model, currency: &str) -> String {
    let mut text = format!("• {} {}", quantity(line), line.name);
    if let Some(variant) = &line.variant {
        text.push_str(&format!(" ({variant})"));
    }
    for modifier in modifiers(line) {
        text.push_str(&format!(", {modifier}"));
    }
    text.push_str(&format!(" — {}", money::display(line.line_total, currency)));
    text
}

/// What Novi read, said back in one line so the customer can correct it: `2× Margherita
/// (Large, no onions), 1× Coke 2L — $38.46, to 12 Harbour Rd`; empty when nothing was read.
fn summary(lines: &[order_items::Model], total: &str, terms: &[Option<String>]) -> String {
    if lines.is_empty() {
        return String::new();
    }
    let items = lines.iter().map(short_item).collect::<Vec<_>>().join(", ");
    std::iter::once(format!("{items} — {total}"))
        .chain(terms.iter().flatten().cloned())
        .collect::<Vec<_>>()
        .join(", ")
}

/// "paying by card", "paying in cash, change for $50.00".
pub fn payment(method: Option<PaymentMethod>, change_for: Option<i64>, currency: &str) -> String {
    let how = match method {
        Some(PaymentMethod::Cash) | None => "paying in cash",
        Some(PaymentMethod::Card) => "paying by card",
        Some(PaymentMethod::Pix) => "paying by Pix",
        Some(PaymentMethod::Transfer) => "paying by bank transfer",
        Some(PaymentMethod::Other) => "paying another way",
    };
    match change_for {
        Some(note) => format!("{how}, change for {}", money::display(note, currency)),
        None => how.to_string(),
    }
}

/// "Sorry, Tiramisu is not available right now…", or nothing when all is.
fn unavailable(names: &[String]) -> Option<String> {
    let (last, rest) = names.split_last()?;
    let listed = if rest.is_empty() {
        format!("{last} is")
    } else {
        format!("{} and {last} are", rest.join(", "))
    };
    Some(format!(
        "Sorry, {listed} not available right now; a person will suggest something else."
    ))
}

/// `2× Margherita (Large, extra cheese, no onions)`
pub(crate) fn short_item(line: &order_items::Model) -> String {
    let details: Vec<String> = line.variant.iter().cloned().chain(modifiers(line)).collect();
    if details.is_empty() {
        format!("{} {}", quantity(line), line.name)
    } else {
        format!("{} {} ({})", quantity(line), line.name, details.join(", "))
    }
}

/// A line's modifiers as the customer would say them: "extra cheese", "no onions".
fn modifiers(line: &order_items::Model) -> impl Iterator<Item = String> + '_ {
    line.modifiers.as_array().into_iter().flatten().filter_map(|modifier| {
        let name = modifier.get("name").and_then(Value::as_str)?.to_lowercase();
        Some(match modifier.get("action").and_then(Value::as_str) {
            Some("remove") => format!("no {name}"),
            Some("extra") => format!("extra {name}"),
            _ => name,
        })
    })
}

/// `2×`, or `1.5 kg` for what is sold by measure.
pub(crate) fn quantity(line: &order_items::Model) -> String {
    if line.quantity.fract() == 0.0 {
        format!("{}×", line.quantity)
    } else {
        format!("{} {}", line.quantity, line.unit.as_deref().unwrap_or("×"))
    }
}

/// Queues a reply unless one with the same key was queued before; answers whether it was new.
pub async fn queue(
    db: &impl ConnectionTrait,
    order: &orders::Model,
    chat: &Chat,
    template: Template,
    body: String,
    key: String,
) -> Result<bool, ServiceError> {
    let about = About {
        business_id: order.business_id,
        order_id: Some(order.id),
        template: template.name(),
    };
    queue_about(db, about, chat, body, key).await
}

/// What a queued reply is about: an order, or only the chat (the menu a customer asked for).
pub struct About<'a> {
    pub business_id: i64,
    pub order_id: Option<i64>,
    /// The template's name, or what else the reply is ("menu").
    pub template: &'a str,
}

/// Queues a reply about anything, once per key.
pub async fn queue_about(
    db: &impl ConnectionTrait,
    about: About<'_>,
    chat: &Chat,
    body: String,
    key: String,
) -> Result<bool, ServiceError> {
    let now = Utc::now();
    let row = outbound_messages::ActiveModel {
        business_id: Set(about.business_id),
        order_id: Set(about.order_id),
        transport: Set(chat.transport),
        chat_id: Set(chat.chat_id.clone()),
        body: Set(body),
        template: Set(Some(about.template.to_string())),
        quoted_external_id: Set(chat.quoted.clone()),
        idempotency_key: Set(key),
        status: Set(OutboundStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        external_id: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        delivered_at: Set(None),
        ..Default::default()
    };
    let inserted = outbound_messages::Entity::insert(row)
        .on_conflict(
            OnConflict::column(outbound_messages::Column::IdempotencyKey)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(inserted > 0)
}

/// The idempotency key of the reply `template` sends for an order: each is sent once.
pub fn key(order_id: i64, template: Template) -> String {
    format!("order:{order_id}:{}", template.name())
}
