//! Any bytes as a message, against a catalog that has the hard parts: multi-word names with
//! "and" in them, sizes, measures, toppings with action words in their names, aliases.
//! `cargo +nightly fuzz run parse` from `app/`.

#![no_main]

use std::sync::LazyLock;

use app::{dto::CatalogFile, parser::Catalog};
use libfuzzer_sys::fuzz_target;

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    let file: CatalogFile = serde_json::from_str(
        r#"{"currency": "USD", "products": [
            {"name": "Pizza Margherita", "aliases": ["margherita", "marg"], "price": 12.0,
             "variants": [{"name": "Small", "price": 10.0}, {"name": "Large", "aliases": ["big", "l"], "price": 15.99}],
             "modifiers": [{"name": "Extra Cheese", "aliases": ["cheese"], "price": 1.5}, {"name": "Onions", "price": 0}]},
            {"name": "Empanada de Jamón y Queso", "aliases": ["jyq"], "price": 1.2},
            {"name": "Coca-Cola", "aliases": ["coke", "coca"], "price": 2.0,
             "variants": [{"name": "Lata", "price": 2.0}, {"name": "2L", "aliases": ["2 liter"], "price": 3.5}]},
            {"name": "Queso", "price": 12.0},
            {"name": "Gado-Gado", "price": 25000, "modifiers": [{"name": "Lontong", "price": 0}]}]}"#,
    )
    .expect("valid catalog");
    Catalog::from_file(&file, 1.0).expect("valid catalog")
});

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let order = app::parser::parse(&text, &CATALOG);
    assert!((0.0..=1.0).contains(&order.confidence));
    assert!(order.total.is_finite());
});
