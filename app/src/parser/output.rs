//! What the parser returns: a stable, serde shape shared by the CLI, the pipeline and the live
//! preview in the browser. Amounts are decimals in the catalog's currency.

use serde::{Deserialize, Serialize};

pub use super::lexicon::Action;
pub use entity::enums::{Fulfilment, PaymentMethod};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedOrder {
    pub customer_name: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
    /// "pickup", "vou retirar": collected, so no delivery fee; `None` when not said.
    #[serde(default)]
    pub fulfilment: Option<Fulfilment>,
    #[serde(default)]
    pub payment_method: Option<PaymentMethod>,
    /// "change for 50": the note a cash payment needs change for.
    #[serde(default)]
    pub cash_change_for: Option<f64>,
    pub items: Vec<ParsedItem>,
    /// Lines that look like order lines but name nothing in the catalog, as written.
    pub unmatched: Vec<String>,
    pub subtotal: f64,
    pub delivery_fee: f64,
    pub total: f64,
    pub currency: String,
    /// 0 (not an order, or nothing understood) to 1 (every line matched exactly).
    pub confidence: f64,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedItem {
    /// The catalog's name for the product.
    pub product: String,
    /// The product's database id, when the catalog came from the database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<i64>,
    /// Fractional for weighed goods, with `unit` "kg" or "l".
    pub quantity: f64,
    pub unit: Option<String>,
    pub variant: Option<String>,
    pub modifiers: Vec<ParsedModifier>,
    pub unit_price: f64,
    pub line_total: f64,
    pub confidence: f64,
    /// What the customer wrote for this item.
    pub text: String,
    /// Requests for this item that the catalog has no modifier for ("sem cebola").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedModifier {
    /// The catalog's name for the modifier.
    pub name: String,
    pub action: Action,
}

impl ParsedOrder {
    /// True when the message asked for something: it has items or order lines that did not
    /// match.
    pub fn is_order(&self) -> bool {
        !self.items.is_empty() || !self.unmatched.is_empty()
    }
}
