//! The parser never panics, keeps its invariants on any input, and takes time in proportion
//! to the length of the message.

mod support;

use std::time::{Duration, Instant};

use app::parser::{Catalog, ParsedOrder, parse};
use proptest::prelude::*;

fn check_invariants(order: &ParsedOrder, catalog_names: &[String]) {
    assert!(
        (0.0..=1.0).contains(&order.confidence),
        "confidence {}",
        order.confidence
    );
    let subtotal: f64 = order.items.iter().map(|i| i.line_total).sum();
    assert!(
        (subtotal - order.subtotal).abs() < 0.02,
        "{subtotal} vs {}",
        order.subtotal
    );
    assert!((order.subtotal + order.delivery_fee - order.total).abs() < 1e-6);
    for item in &order.items {
        assert!(
            catalog_names.contains(&item.product),
            "{} is not in the catalog",
            item.product
        );
        assert!(item.quantity.is_finite() && item.quantity >= 0.0);
        assert!((0.0..=1.0).contains(&item.confidence));
    }
    if order.items.is_empty() {
        assert_eq!(order.confidence, 0.0);
    }
}

fn names(catalog: &str) -> Vec<String> {
    support::catalog_file(catalog)
        .products
        .into_iter()
        .map(|p| p.name)
        .collect()
}

fn time_of(catalog: &Catalog, message: &str) -> Duration {
    (0..3)
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(parse(message, catalog));
            started.elapsed()
        })
        .min()
        .expect("three runs")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_text_parses_without_panic(text in any::<String>()) {
        let catalog = support::catalog("pizza_en");
        check_invariants(&parse(&text, &catalog), &names("pizza_en"));
    }

    #[test]
    fn any_bytes_parse_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let catalog = support::catalog("warung_id");
        let text = String::from_utf8_lossy(&bytes);
        check_invariants(&parse(&text, &catalog), &names("warung_id"));
    }

    #[test]
    fn order_like_noise_parses_without_panic(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("2x".to_string()), Just("margherita".to_string()), Just("large".to_string()),
                Just(",".to_string()), Just(" and ".to_string()), Just("\n- ".to_string()),
                Just("no onions".to_string()), Just("½".to_string()), Just("R$ 32,90".to_string()),
                Just("+55 11 98765-4321".to_string()), Just("Address:".to_string()), Just("😊".to_string()),
                Just("x2".to_string()), Just("dozen".to_string()), Just("?".to_string()),
                "[a-z]{1,8}", "[0-9]{1,6}", "[ ,.;:!?()/+-]{1,3}",
            ],
            0..60,
        )
    ) {
        let catalog = support::catalog("pizza_en");
        let text = parts.join(" ");
        check_invariants(&parse(&text, &catalog), &names("pizza_en"));
    }
}

#[test]
fn a_megabyte_of_text_is_read_up_to_the_limit() {
    let catalog = support::catalog("pizza_en");
    let line = "2x Pizza Margherita (large), 1 coke 2L and garlic bread, no onions pls 😊\n";
    let text = line.repeat(1_000_000 / line.len() + 1);
    let order = parse(&text, &catalog);
    assert!(!order.items.is_empty());
    assert!(order.warnings.iter().any(|w| w.contains("the rest was not read")));
    check_invariants(&order, &names("pizza_en"));
}

#[test]
fn a_message_listing_more_items_than_any_order_is_read_up_to_the_cap_for_review() {
    let catalog = support::catalog("pizza_en");
    let order = parse(&"1 coke 2L\n".repeat(app::parser::MAX_ITEMS + 20), &catalog);
    assert_eq!(order.items.len(), app::parser::MAX_ITEMS);
    assert_eq!(order.confidence, 0.0);
    assert!(
        order.warnings.iter().any(|w| w.contains("only the first")),
        "{:?}",
        order.warnings
    );
    let within = parse(&"1 coke 2L\n".repeat(app::parser::MAX_ITEMS), &catalog);
    assert_eq!(within.items.len(), app::parser::MAX_ITEMS);
    assert!(within.confidence > 0.0);
}

#[test]
fn emoji_and_separators_alone_are_not_orders() {
    let catalog = support::catalog("pizza_en");
    for text in [
        "😊".repeat(10_000),
        "👍🏽🍕🥤❤️‍🔥".repeat(2_000),
        ",".repeat(100_000),
        " and ".repeat(20_000),
        "\n".repeat(100_000),
        "- \n".repeat(30_000),
        "(".repeat(50_000),
        "1.".repeat(30_000),
        "x".repeat(100_000),
    ] {
        let order = parse(&text, &catalog);
        assert!(order.items.is_empty(), "{:?}…", &text[..text.len().min(20)]);
        check_invariants(&order, &names("pizza_en"));
    }
}

/// Four times the text takes about four times as long: well under the sixteen that a
/// quadratic step would cost.
#[test]
fn parse_time_grows_linearly() {
    let catalog = support::catalog("pizza_en");
    let messages: Vec<String> = support::messages()
        .into_iter()
        .filter(|(catalog, _)| catalog == "pizza_en")
        .map(|(_, message)| message)
        .collect();
    let sample = messages.join("\n");
    // Order text, one endless word, and one endless clause of numbers and words.
    for unit in [sample.as_str(), "margheritaaaaaaaaaaaa", "2 pizza margherita 3 "] {
        let small = unit.repeat(20_000 / unit.len() + 1);
        let large = unit.repeat(4 * (20_000 / unit.len() + 1));
        assert!(
            large.len() < app::parser::MAX_MESSAGE_BYTES,
            "keep the large text under the limit"
        );
        let _ = time_of(&catalog, &small);
        let ratio = time_of(&catalog, &large).as_secs_f64() / time_of(&catalog, &small).as_secs_f64();
        assert!(
            ratio < 8.0,
            "4x the text took {ratio:.1}x the time: {:?}",
            &unit[..unit.len().min(20)]
        );
    }
}
