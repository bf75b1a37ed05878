//! A parsed message as stored order lines and totals, in minor units.

use entity::order_items;
use sea_orm::{ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter};
use serde_json::json;

use super::catalogs::Priced;
use crate::{
    error::ServiceError,
    money,
    parser::{Action, ParsedOrder},
};

/// The lines of an order before they are stored (ids 0), with their totals.
pub struct Lines {
    pub items: Vec<order_items::Model>,
    pub subtotal: i64,
    pub delivery_fee: i64,
}

impl Lines {
    pub fn total(&self) -> i64 {
        self.subtotal.saturating_add(self.delivery_fee)
    }

    /// The items the parser matched, priced as the parser priced them (which is what the live
    /// preview showed), with the modifiers' own prices kept on each line.
    pub fn parsed(parsed: &ParsedOrder, priced: &Priced) -> Self {
        let currency = priced.catalog.currency();
        let minor = |amount: f64| money::from_decimal(amount, currency).unwrap_or(0).max(0);
        let clip = |text: &str, chars: usize| text.chars().take(chars).collect::<String>();
        let items: Vec<order_items::Model> = parsed
            .items
            .iter()
            .filter(|item| item.quantity.is_finite() && item.quantity > 0.0)
            .map(|item| order_items::Model {
                id: 0,
                order_id: 0,
                product_id: item.product_id,
                name: clip(&item.product, 160),
                variant: item.variant.as_deref().map(|variant| clip(variant, 80)),
                modifiers: item
                    .modifiers
                    .iter()
                    .map(|modifier| {
                        let price = match modifier.action {
                            Action::Remove => 0,
                            Action::Add | Action::Extra => priced.modifier_price(item.product_id, &modifier.name),
                        };
                        json!({ "name": modifier.name, "price": price, "action": modifier.action })
                    })
                    .collect(),
                quantity: item.quantity,
                unit: item.unit.as_deref().map(|unit| clip(unit, 16)),
                unit_price: minor(item.unit_price),
                line_total: minor(item.line_total),
                notes: item.notes.as_deref().map(|notes| clip(notes, 1000)),
            })
            .collect();
        let subtotal = items.iter().map(|line| line.line_total).sum();
        let delivery_fee = if items.is_empty() {
            0
        } else {
            minor(parsed.delivery_fee)
        };
        Self {
            items,
            subtotal,
            delivery_fee,
        }
    }
}

/// Replaces the stored lines of an order.
pub async fn replace(
    db: &impl ConnectionTrait,
    order_id: i64,
    lines: &[order_items::Model],
) -> Result<(), ServiceError> {
    order_items::Entity::delete_many()
        .filter(order_items::Column::OrderId.eq(order_id))
        .exec(db)
        .await?;
    insert(db, order_id, lines).await
}

/// Stores the lines of a new order.
pub async fn insert(
    db: &impl ConnectionTrait,
    order_id: i64,
    lines: &[order_items::Model],
) -> Result<(), ServiceError> {
    if lines.is_empty() {
        return Ok(());
    }
    let rows = lines.iter().cloned().map(|line| {
        let mut row = order_items::Model { order_id, ..line }.into_active_model();
        row.id = NotSet;
        row
    });
    order_items::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The stored lines of an order.
pub async fn of_order(db: &impl ConnectionTrait, order_id: i64) -> Result<Vec<order_items::Model>, ServiceError> {
    Ok(order_items::Entity::find()
        .filter(order_items::Column::OrderId.eq(order_id))
        .all(db)
        .await?)
}
