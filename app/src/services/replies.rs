//! Replies to customers: one of the business's templates filled from an order, queued in the
//! outbox in the same transaction as the change it answers. The idempotency key makes queueing
//! the same reply twice a no-op, so a retried step never messages the customer again.

use std::collections::BTreeMap;

use chrono::Utc;
use entity::{
    businesses, deliveries, drivers,
    enums::{OrderStatus, OutboundStatus, Transport},
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
    let mut values = BTreeMap::from([
        ("customer_name", customer.to_string()),
        ("order_number", order.order_number.to_string()),
        ("order_items", items),
        ("total", money::display(order.total_amount, &order.currency)),
        ("delivery_time", format!("about {} minutes", context.eta_minutes)),
        ("estimated_time", format!("{} minutes", context.eta_minutes)),
        ("business_name", context.business.name.clone()),
    ]);
    if let Some(token) = order.tracking_token.as_deref() {
        values.insert("tracking_link", context.outlets.tracking_link(token));
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
    };
    Ok(values(&context, &order, &lines))
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
    for modifier in line.modifiers.as_array().into_iter().flatten() {
        let Some(name) = modifier.get("name").and_then(Value::as_str) else {
            continue;
        };
        let removed = modifier.get("action").and_then(Value::as_str) == Some("remove");
        text.push_str(&if removed {
            format!(", no {}", name.to_lowercase())
        } else {
            format!(", {}", name.to_lowercase())
        });
    }
    text.push_str(&format!(" — {}", money::display(line.line_total, currency)));
    text
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
    let now = Utc::now();
    let row = outbound_messages::ActiveModel {
        business_id: Set(order.business_id),
        order_id: Set(Some(order.id)),
        transport: Set(chat.transport),
        chat_id: Set(chat.chat_id.clone()),
        body: Set(body),
        template: Set(Some(template.name().to_string())),
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
