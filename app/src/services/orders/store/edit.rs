//! Changing what an order holds: its lines, address, notes, fee, and the notes for staff.

use chrono::Utc;
use entity::{
    customers,
    enums::{Fulfilment, PaymentMethod},
    order_items, orders,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, Set, sea_query::Expr,
};
use serde_json::json;

use super::{audit, lines, snapshot};
use crate::{error::ServiceError, services::actor::Actor};

/// A change to an order; what is `None` stays as it is.
#[derive(Debug, Default)]
pub struct Edit {
    pub lines: Option<Vec<order_items::Model>>,
    pub customer_name: Option<String>,
    pub customer_phone: Option<String>,
    pub delivery_address: Option<String>,
    /// `Some(None)` clears them.
    pub notes: Option<Option<String>>,
    pub delivery_fee: Option<i64>,
    /// A pickup drops the delivery address and fee.
    pub fulfilment: Option<Fulfilment>,
    pub payment_method: Option<PaymentMethod>,
    /// In minor units; `Some(None)` clears it.
    pub cash_change_for: Option<Option<i64>>,
    pub confidence: Option<f64>,
    /// Added for staff after the notes already there.
    pub attention: Option<String>,
    /// The customer's words that asked for the change, kept in the audit log.
    pub message: Option<String>,
}

/// Applies `edit` as `action` by `actor`, audited with the order before and after; answers
/// the order and its lines as they now are.
pub async fn edit(
    txn: &DatabaseTransaction,
    actor: &Actor,
    action: &'static str,
    order: orders::Model,
    edit: Edit,
) -> Result<(orders::Model, Vec<order_items::Model>), ServiceError> {
    let old_lines = lines::of_order(txn, order.id).await?;
    let before = snapshot(&order, &old_lines);
    let mut row = order.clone().into_active_model();
    let new_lines = match edit.lines {
        Some(new_lines) => {
            lines::replace(txn, order.id, &new_lines).await?;
            new_lines
        }
        None => old_lines,
    };
    let subtotal = lines::subtotal(&new_lines);
    let pickup = edit.fulfilment.unwrap_or(order.fulfilment) == Fulfilment::Pickup;
    let fee = if pickup {
        0
    } else {
        edit.delivery_fee.unwrap_or(order.delivery_fee)
    };
    if let Some(fulfilment) = edit.fulfilment {
        row.fulfilment = Set(fulfilment);
    }
    if let Some(method) = edit.payment_method {
        row.payment_method = Set(Some(method));
    }
    if let Some(change) = edit.cash_change_for {
        row.cash_change_for = Set(change);
    }
    row.subtotal = Set(subtotal);
    row.delivery_fee = Set(fee);
    row.total_amount = Set(subtotal.saturating_add(fee));
    if let Some(name) = edit.customer_name {
        row.customer_name = Set(Some(name));
    }
    if let Some(phone) = edit.customer_phone {
        row.customer_phone = Set(Some(phone));
    }
    let new_address = edit
        .delivery_address
        .filter(|address| !pickup && order.delivery_address.as_ref() != Some(address));
    if let Some(address) = &new_address {
        row.delivery_address = Set(Some(address.clone()));
    } else if pickup {
        row.delivery_address = Set(None);
    }
    if let Some(notes) = edit.notes {
        row.notes = Set(notes);
    }
    if let Some(confidence) = edit.confidence {
        row.confidence = Set(Some(confidence));
    }
    if let Some(note) = edit.attention {
        row.attention = Set(Some(noted(&order, note)));
    }
    row.updated_at = Set(Utc::now());
    let updated = row.update(txn).await?;
    // The customer's saved address is where their latest order goes.
    if let (Some(address), Some(customer)) = (new_address, updated.customer_id) {
        customers::Entity::update_many()
            .col_expr(customers::Column::DefaultAddress, Expr::value(address))
            .filter(customers::Column::Id.eq(customer))
            .exec(txn)
            .await?;
    }
    let mut after = snapshot(&updated, &new_lines);
    if let Some(message) = edit.message {
        after["message"] = json!(message);
    }
    audit(txn, actor, action, &updated, Some(before), Some(after)).await?;
    Ok((updated, new_lines))
}

/// Asks staff to look at the order, keeping earlier notes.
pub async fn flag(
    txn: &DatabaseTransaction,
    order: orders::Model,
    note: String,
) -> Result<orders::Model, ServiceError> {
    let attention = noted(&order, note);
    let mut row = order.into_active_model();
    row.attention = Set(Some(attention));
    row.updated_at = Set(Utc::now());
    Ok(row.update(txn).await?)
}

/// The order's notes for staff with `note` added after the earlier ones.
fn noted(order: &orders::Model, note: String) -> String {
    let attention = match &order.attention {
        Some(earlier) => format!("{earlier}\n{note}"),
        None => note,
    };
    attention.chars().take(2000).collect()
}
