//! Orders: reading them (`query`, with `positions` for deep pages and dates), pricing lines against the catalog (`pricing`) and changing
//! them (`changes`), always within the caller's business.

mod changes;
mod conversation;
mod positions;
mod pricing;
mod query;

pub use changes::{change_status, create, tracking_token, update};
pub(crate) use changes::{move_to, next_order_number, publish, visible_order};
pub use conversation::of_order as conversation;
pub(crate) use query::with_items;

use entity::orders;
use serde_json::json;

use crate::{events::Event, money};

/// The live event for a change to an order (`order.created`, `order.updated`): what a
/// dashboard needs to show it in the list. Small, as PostgreSQL's NOTIFY carries at most 8 kB.
pub fn event(kind: &'static str, order: &orders::Model) -> Event {
    Event {
        business_id: order.business_id,
        kind,
        data: json!({
            "id": order.id,
            "order_number": order.order_number,
            "status": order.status,
            "source": order.source,
            "customer_name": order.customer_name,
            "total_amount": money::to_decimal(order.total_amount, &order.currency),
            "currency": order.currency,
            "confidence": order.confidence,
            "attention": order.attention.as_ref().map(|note| note.chars().take(500).collect::<String>()),
            "created_at": order.created_at,
            "updated_at": order.updated_at,
        }),
    }
}
pub use query::{DEFAULT_LIMIT, MAX_LIMIT, get, list};
