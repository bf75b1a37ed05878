//! A parsed message as stored order lines and totals, in minor units.

use entity::order_items;
use serde_json::json;

use super::catalogs::Priced;
use crate::{
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
