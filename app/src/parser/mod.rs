//! The order parser: a WhatsApp message and a business's catalog in, a priced order out.
//!
//! 1. `fold` lower-cases the message and strips accents, keeping a map back to the original.
//! 2. `grammar` (the pest grammar in `order.pest`) splits it into lines, labelled fields and
//!    clauses, and recognises amounts, prices, measures, multipliers, phones and emoji.
//! 3. `reader` walks the lines: names, phones, addresses, notes, and each clause's items
//!    (`items`), matched against the catalog (`catalog`, with typo tolerance from `fuzzy`)
//!    using the words of five languages (`lexicon`).
//! 4. `terms` reads pickup or delivery, the payment method and the change asked for.
//! 5. `pricing` prices the items from the catalog (no delivery fee for a pickup), checks prices
//!    the customer wrote, and scores the confidence.
//!
//! Pure Rust without I/O: the server runs it on every message, and the browser runs the same
//! code compiled to WASM for the live preview.

mod catalog;
mod fold;
mod fuzzy;
mod grammar;
mod intent;
mod items;
mod lexicon;
mod numbers;
mod output;
mod pricing;
mod reader;
mod terms;

pub use catalog::{Catalog, CatalogError, CatalogOption, CatalogProduct};
pub use intent::{Intent, intent};
pub use output::{Action, Fulfilment, ParsedItem, ParsedModifier, ParsedOrder, PaymentMethod};
pub use pricing::MAX_ITEMS;

/// WhatsApp caps a message at 65,536 characters; anything longer is cut there.
pub const MAX_MESSAGE_BYTES: usize = 65_536 * 4;

/// Parses one message against a catalog. Never fails: what it cannot read ends up in
/// `unmatched`, `warnings` and a lower `confidence`.
pub fn parse(message: &str, catalog: &Catalog) -> ParsedOrder {
    let mut warnings = Vec::new();
    let message = if message.len() > MAX_MESSAGE_BYTES {
        warnings.push(format!(
            "the message is longer than {MAX_MESSAGE_BYTES} bytes; the rest was not read"
        ));
        let mut end = MAX_MESSAGE_BYTES;
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        &message[..end]
    } else {
        message
    };
    let folded = fold::Folded::new(message);
    let lines = grammar::lex(&folded.text).unwrap_or_default();
    let reading = reader::Reader::new(message, &folded, catalog).read(&lines);
    let terms = terms::read(&folded.text);
    pricing::assemble(reading, message, &folded, catalog, terms, warnings)
}
