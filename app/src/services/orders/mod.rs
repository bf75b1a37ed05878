//! Orders: reading them (`query`, with `positions` for deep pages and dates), pricing lines
//! against the catalog (`pricing`), staff's changes (`changes`), always within the caller's
//! business; and `store`, the one writer every change of anyone's goes through.

mod changes;
mod conversation;
mod positions;
mod pricing;
mod query;
pub(crate) mod store;

pub use changes::{change_status, create, update};
pub(crate) use changes::{publish, visible_order};
pub use conversation::of_order as conversation;
pub(crate) use query::with_items;
pub use store::tracking_token;

use entity::orders;
use serde_json::json;

use crate::{
    events::{Event, EventKind},
    money,
};

/// The live event for a change to an order (`order.created`, `order.updated`): what a
/// dashboard needs to show it in the list. Small, as PostgreSQL's NOTIFY carries at most 8 kB.
pub fn event(kind: EventKind, order: &orders::Model) -> Event {
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
