//! The one writer of orders. Every change to `orders`, `order_items`, an order's customer and
//! the order's audit rows goes through here, whoever makes it (an `Actor`): staff in the
//! dashboard or the API, a driver on the road, a customer in the chat, or Novi itself. The
//! caller brings the transaction, so a change commits with whatever else it belongs to (the
//! pipeline's message statuses, a reply in the outbox) or not at all.
//!
//! An order line is an `order_items::Model` before and after it is stored; one not stored yet
//! has ids 0.

mod create;
mod customers;
mod edit;
mod lines;
mod status;

pub use create::tracking_token;
pub(crate) use create::{Planned, create_many};
pub(crate) use edit::{Edit, edit, flag};
pub(crate) use lines::{of_order as lines_of, subtotal};
pub(crate) use status::{move_to, walk_to};

use entity::{order_items, orders};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::{
    error::ServiceError,
    services::{
        actor::Actor,
        audit::{self, AuditEntry},
    },
};

/// What the audit log keeps of an order and its lines.
pub(crate) fn snapshot(order: &orders::Model, lines: &[order_items::Model]) -> Value {
    json!({
        "order_number": order.order_number,
        "status": order.status,
        "customer_name": order.customer_name,
        "customer_phone": order.customer_phone,
        "delivery_address": order.delivery_address,
        "fulfilment": order.fulfilment,
        "payment_method": order.payment_method,
        "cash_change_for": order.cash_change_for,
        "notes": order.notes,
        "total_amount": order.total_amount,
        "items": lines
            .iter()
            .map(|line| json!({
                "name": line.name,
                "variant": line.variant,
                "quantity": line.quantity,
                "line_total": line.line_total,
            }))
            .collect::<Vec<_>>(),
    })
}

/// Records `action` on the order by `actor`. A customer or Novi has no account, so who they
/// are goes with what they did, under `by`.
pub(crate) async fn audit(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &'static str,
    order: &orders::Model,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<(), ServiceError> {
    audit::record(db, entry(actor, action, order.business_id, order.id, before, after)).await
}

fn entry(
    actor: &Actor,
    action: &'static str,
    business_id: i64,
    order_id: i64,
    before: Option<Value>,
    mut after: Option<Value>,
) -> AuditEntry {
    let by = match actor {
        Actor::Customer(customer) => Some(json!({ "customer": customer.sender, "chat": customer.chat_id })),
        Actor::System => Some(json!("novi")),
        Actor::Staff(_) | Actor::Driver(_) => None,
    };
    if let (Some(by), Some(Value::Object(after))) = (by, after.as_mut()) {
        after.insert("by".into(), by);
    }
    AuditEntry {
        business_id: Some(business_id),
        actor_user_id: actor.user_id(),
        action,
        entity_type: "order",
        entity_id: Some(order_id),
        before,
        after,
        ip: actor.ip(),
    }
}
