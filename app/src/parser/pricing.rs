//! Prices the items read from a message from the catalog, checks the prices the customer
//! wrote, and scores how sure the parser is.

use super::{
    catalog::Catalog,
    fold::{Folded, fold},
    items::Draft,
    lexicon::Action,
    output::{Fulfilment, ParsedItem, ParsedModifier, ParsedOrder},
    reader::Reading,
    terms::{self, Terms},
};
use crate::money;

/// Each line that named nothing, and each price that disagrees, costs this much confidence.
const UNMATCHED_PENALTY: f64 = 0.85;
const WARNING_PENALTY: f64 = 0.9;
/// No order has more lines than this (the cap on orders entered by hand too): a message that
/// lists more is read up to it, with no confidence, so it goes to review.
pub const MAX_ITEMS: usize = 100;

pub fn assemble(
    reading: Reading,
    original: &str,
    folded: &Folded,
    catalog: &Catalog,
    terms: Terms,
    mut warnings: Vec<String>,
) -> ParsedOrder {
    let currency = catalog.currency();
    let decimal = |minor: i64| money::to_decimal(minor, currency);
    let quote = |span: std::ops::Range<usize>| {
        original[folded.original_range(span.start, span.end)]
            .trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '-' | '.'))
            .to_string()
    };
    let listed = reading.drafts.len();
    if listed > MAX_ITEMS {
        warnings.push(format!(
            "the message lists {listed} items; only the first {MAX_ITEMS} were read"
        ));
    }
    let mut items = Vec::with_capacity(listed.min(MAX_ITEMS));
    let mut subtotal: i64 = 0;
    let mut price_warnings = 0;
    for draft in reading.drafts.iter().take(MAX_ITEMS) {
        let product = catalog.product(draft.product);
        let text = quote(draft.span.clone());
        let unit_price = unit_price(catalog, draft);
        let line_total = (unit_price as f64 * draft.quantity).round() as i64;
        subtotal = subtotal.saturating_add(line_total);
        if let Some(stated) = draft.stated_price.and_then(|p| money::from_decimal(p, currency))
            && (stated - line_total).abs() > 1
            && (stated - unit_price).abs() > 1
        {
            price_warnings += 1;
            warnings.push(format!(
                "\"{text}\": the message says {}, the catalog price is {}",
                format_amount(decimal(stated), currency),
                format_amount(decimal(line_total), currency)
            ));
        }
        if !product.available {
            warnings.push(format!("{} is marked unavailable", product.name));
        }
        let notes: Vec<String> = draft.requests.iter().map(|span| quote(span.clone())).collect();
        items.push(ParsedItem {
            product: product.name.clone(),
            product_id: product.id,
            quantity: round(draft.quantity, 3),
            unit: draft.unit.map(str::to_string),
            variant: draft.variant.map(|v| product.variants[v].name.clone()),
            modifiers: draft
                .modifiers
                .iter()
                .map(|(m, action)| ParsedModifier {
                    name: product.modifiers[*m].name.clone(),
                    action: *action,
                })
                .collect(),
            unit_price: decimal(unit_price),
            line_total: decimal(line_total),
            confidence: round(f64::from(draft.confidence).clamp(0.0, 1.0), 2),
            text,
            notes: (!notes.is_empty()).then(|| notes.join("; ")),
        });
    }
    let delivery_fee = if items.is_empty() || terms.fulfilment == Some(Fulfilment::Pickup) {
        0
    } else {
        catalog.delivery_fee()
    };
    let total = subtotal.saturating_add(delivery_fee);
    if let Some(stated) = reading.stated_total.and_then(|p| money::from_decimal(p, currency))
        && !items.is_empty()
        && (stated - total).abs() > 1
        && (stated - subtotal).abs() > 1
    {
        price_warnings += 1;
        warnings.push(format!(
            "the message says the total is {}, the catalog prices come to {}",
            format_amount(decimal(stated), currency),
            format_amount(decimal(total), currency)
        ));
    }
    let confidence = if items.is_empty() || listed > MAX_ITEMS {
        0.0
    } else {
        let mean = items.iter().map(|i| i.confidence).sum::<f64>() / items.len() as f64;
        mean * UNMATCHED_PENALTY.powi(reading.unmatched.len().min(10) as i32)
            * WARNING_PENALTY.powi(price_warnings.min(10))
    };
    let notes: Vec<&str> = reading
        .notes
        .iter()
        .map(String::as_str)
        .filter(|note| !terms::only_terms(&fold(note)))
        .collect();
    let notes = (!notes.is_empty()).then(|| notes.join("\n"));
    ParsedOrder {
        customer_name: reading.customer_name,
        phone: reading.phone,
        address: reading
            .address
            .filter(|_| terms.fulfilment != Some(Fulfilment::Pickup))
            .map(|address| terms::address_without_terms(&address))
            .filter(|address| !address.is_empty()),
        notes,
        fulfilment: terms.fulfilment,
        payment_method: terms.payment_method,
        cash_change_for: terms.cash_change_for,
        items,
        unmatched: reading.unmatched,
        subtotal: decimal(subtotal),
        delivery_fee: decimal(delivery_fee),
        total: decimal(total),
        currency: currency.to_string(),
        confidence: round(confidence, 2),
        warnings,
    }
}

/// The variant's price (else the base price) plus every added or doubled modifier.
fn unit_price(catalog: &Catalog, draft: &Draft) -> i64 {
    let product = catalog.product(draft.product);
    let base = draft.variant.map_or(product.price, |v| product.variants[v].price);
    let extras: i64 = draft
        .modifiers
        .iter()
        .filter(|(_, action)| *action != Action::Remove)
        .map(|(m, _)| product.modifiers[*m].price)
        .sum();
    base.saturating_add(extras)
}

fn round(value: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (value * scale).round() / scale
}

fn format_amount(amount: f64, currency: &str) -> String {
    let digits = money::minor_digits(currency) as usize;
    format!("{currency} {amount:.digits$}")
}
