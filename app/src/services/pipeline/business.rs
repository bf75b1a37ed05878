//! A business as the pipeline reads messages for it: its settings and priced catalog, how it
//! judges a parsed order, and what staff are shown beside the items.

use std::sync::Arc;

use entity::{businesses, enums::OrderStatus};

use super::catalogs::Priced;
use crate::{
    dto::BusinessSettings,
    outlets::Outlets,
    parser::{self, ParsedOrder},
    services::replies,
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

    /// Whether a message is for a person to read as an order: it reads as one, or it names
    /// something on the catalog that Novi could not make an order of.
    pub fn is_order_like(&self, text: &str, parsed: &ParsedOrder) -> bool {
        parsed.is_order() || self.priced.catalog.is_named_in(text)
    }

    /// The products asked for that the business marked unavailable, by name.
    pub fn unavailable(&self, parsed: &ParsedOrder) -> Vec<String> {
        let mut names: Vec<String> = parsed
            .items
            .iter()
            .filter(|item| {
                item.product_id
                    .and_then(|id| self.priced.products.get(&id))
                    .is_some_and(|product| !product.is_available)
            })
            .map(|item| item.product.clone())
            .collect();
        names.dedup();
        names
    }

    /// Where a parsed order starts: review when unsure, when nothing matched or something asked
    /// for is unavailable, confirmed at once when the business lets Novi confirm, otherwise
    /// waiting for staff.
    pub fn status_for(&self, parsed: &ParsedOrder) -> OrderStatus {
        if parsed.items.is_empty()
            || parsed.confidence < self.settings.confidence_threshold
            || !self.unavailable(parsed).is_empty()
        {
            OrderStatus::NeedsReview
        } else if self.settings.auto_confirm {
            OrderStatus::Confirmed
        } else {
            OrderStatus::Pending
        }
    }

    pub fn reply_context<'a>(&'a self, outlets: &'a Outlets) -> replies::Context<'a> {
        replies::Context {
            business: &self.model,
            templates: &self.settings.templates,
            outlets,
            eta_minutes: self.eta_minutes,
            driver: None,
            changes: None,
            saved_address: false,
            unavailable: &[],
        }
    }
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
