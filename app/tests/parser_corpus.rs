//! The labelled corpus (`fixtures/parser/corpus.jsonl`): every message parsed against its
//! catalog and compared with what a person reads in it. Prints an accuracy report (exact
//! orders, and precision and recall per field, per language) and fails when accuracy falls
//! under the floors below. Run `cargo test -p app --test parser_corpus -- --nocapture` to see
//! the report and every miss.

mod support;

use std::{collections::BTreeMap, fs};

use app::parser::{ParsedOrder, parse};
use serde::Deserialize;

/// Share of messages whose every field must come out exactly as labelled.
const EXACT_FLOOR: f64 = 0.85;
/// Item precision and recall floors over the whole corpus.
const ITEM_FLOOR: f64 = 0.92;
/// No language may fall far behind the others.
const LANGUAGE_EXACT_FLOOR: f64 = 0.80;

#[derive(Deserialize)]
struct Case {
    id: String,
    lang: String,
    catalog: String,
    message: String,
    expect: Expected,
}

#[derive(Deserialize)]
struct Expected {
    customer_name: Option<String>,
    phone: Option<String>,
    address: Option<String>,
    items: Vec<ExpectedItem>,
    unmatched: usize,
}

#[derive(Deserialize, Debug, Clone, PartialEq)]
struct ExpectedItem {
    product: String,
    quantity: f64,
    unit: Option<String>,
    variant: Option<String>,
    modifiers: Vec<ExpectedModifier>,
}

#[derive(Deserialize, Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ExpectedModifier {
    name: String,
    action: String,
}

/// One item reduced to what the corpus labels, so expected and parsed items compare alike.
#[derive(Debug, Clone, PartialEq)]
struct Key {
    product: String,
    quantity: f64,
    unit: Option<String>,
    variant: Option<String>,
    modifiers: Vec<(String, String)>,
}

impl Key {
    fn of_expected(item: &ExpectedItem) -> Self {
        let mut modifiers: Vec<(String, String)> = item
            .modifiers
            .iter()
            .map(|m| (m.name.clone(), m.action.clone()))
            .collect();
        modifiers.sort();
        Self {
            product: item.product.clone(),
            quantity: item.quantity,
            unit: item.unit.clone(),
            variant: item.variant.clone(),
            modifiers,
        }
    }

    /// Parsed items read through their JSON, the parser's stable output, as the labels are.
    fn of_parsed(order: &ParsedOrder) -> Vec<Self> {
        order
            .items
            .iter()
            .map(|item| {
                let json = serde_json::to_value(item).expect("an item serialises");
                Self::of_expected(&serde_json::from_value(json).expect("an item reads as a label"))
            })
            .collect()
    }

    fn same(&self, other: &Self) -> bool {
        self.product == other.product
            && (self.quantity - other.quantity).abs() < 1e-6
            && self.unit == other.unit
            && self.variant == other.variant
            && self.modifiers == other.modifiers
    }
}

/// Matched, predicted and expected counts for one field.
#[derive(Default, Clone, Copy)]
struct Score {
    hit: usize,
    predicted: usize,
    expected: usize,
}

impl Score {
    fn add(&mut self, hit: usize, predicted: usize, expected: usize) {
        self.hit += hit;
        self.predicted += predicted;
        self.expected += expected;
    }

    fn precision(&self) -> f64 {
        if self.predicted == 0 {
            1.0
        } else {
            self.hit as f64 / self.predicted as f64
        }
    }

    fn recall(&self) -> f64 {
        if self.expected == 0 {
            1.0
        } else {
            self.hit as f64 / self.expected as f64
        }
    }
}

#[derive(Default, Clone)]
struct Tally {
    messages: usize,
    exact: usize,
    items: Score,
    name: Score,
    phone: Score,
    address: Score,
    orders: Score,
    unmatched_right: usize,
}

impl Tally {
    fn exact_rate(&self) -> f64 {
        self.exact as f64 / self.messages.max(1) as f64
    }
}

fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

fn compare_text(score: &mut Score, got: &Option<String>, want: &Option<String>) -> bool {
    let same = got.as_deref().map(normalise) == want.as_deref().map(normalise);
    score.add(
        usize::from(same && want.is_some()),
        usize::from(got.is_some()),
        usize::from(want.is_some()),
    );
    same
}

#[test]
fn corpus_accuracy() {
    let mut catalogs = BTreeMap::new();
    let corpus = fs::read_to_string(support::fixtures().join("corpus.jsonl")).expect("corpus");
    let mut by_language: BTreeMap<String, Tally> = BTreeMap::new();
    let mut misses = Vec::new();
    for line in corpus.lines().filter(|l| !l.trim().is_empty()) {
        let case: Case = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        let catalog = catalogs
            .entry(case.catalog.clone())
            .or_insert_with(|| support::catalog(&case.catalog));
        let order = parse(&case.message, catalog);
        let tally = by_language.entry(case.lang.clone()).or_default();
        tally.messages += 1;

        let expected: Vec<Key> = case.expect.items.iter().map(Key::of_expected).collect();
        let got = Key::of_parsed(&order);
        let mut remaining = expected.clone();
        let mut hit = 0;
        for item in &got {
            if let Some(at) = remaining.iter().position(|e| e.same(item)) {
                remaining.remove(at);
                hit += 1;
            }
        }
        tally.items.add(hit, got.len(), expected.len());
        let items_right = hit == got.len() && hit == expected.len();
        let name_right = compare_text(&mut tally.name, &order.customer_name, &case.expect.customer_name);
        let phone_right = compare_text(&mut tally.phone, &order.phone, &case.expect.phone);
        let address_right = compare_text(&mut tally.address, &order.address, &case.expect.address);
        let is_order = !case.expect.items.is_empty();
        let said_order = !order.items.is_empty();
        tally.orders.add(
            usize::from(is_order && said_order),
            usize::from(said_order),
            usize::from(is_order),
        );
        let unmatched_right = order.unmatched.len() == case.expect.unmatched;
        tally.unmatched_right += usize::from(unmatched_right);
        if items_right && name_right && phone_right && address_right && unmatched_right {
            tally.exact += 1;
        } else {
            misses.push(format!(
                "{} {:?}\n  expected: {:?} name={:?} phone={:?} address={:?} unmatched={}\n  parsed:   {:?} name={:?} phone={:?} address={:?} unmatched={:?}",
                case.id,
                case.message,
                expected,
                case.expect.customer_name,
                case.expect.phone,
                case.expect.address,
                case.expect.unmatched,
                got,
                order.customer_name,
                order.phone,
                order.address,
                order.unmatched
            ));
        }
    }

    let mut all = Tally::default();
    println!(
        "\nparser accuracy on {} messages",
        by_language.values().map(|t| t.messages).sum::<usize>()
    );
    println!(
        "{:<6} {:>5} {:>7}   {:>15} {:>15} {:>15} {:>15} {:>15} {:>9}",
        "lang", "msgs", "exact", "items P/R", "orders P/R", "name P/R", "phone P/R", "address P/R", "unmatched"
    );
    let row = |label: &str, t: &Tally| {
        let pr = |s: &Score| format!("{:.3}/{:.3}", s.precision(), s.recall());
        println!(
            "{:<6} {:>5} {:>7.3}   {:>15} {:>15} {:>15} {:>15} {:>15} {:>9.3}",
            label,
            t.messages,
            t.exact_rate(),
            pr(&t.items),
            pr(&t.orders),
            pr(&t.name),
            pr(&t.phone),
            pr(&t.address),
            t.unmatched_right as f64 / t.messages.max(1) as f64
        );
    };
    for (language, tally) in &by_language {
        row(language, tally);
        all.messages += tally.messages;
        all.exact += tally.exact;
        all.unmatched_right += tally.unmatched_right;
        for (total, part) in [
            (&mut all.items, tally.items),
            (&mut all.name, tally.name),
            (&mut all.phone, tally.phone),
            (&mut all.address, tally.address),
            (&mut all.orders, tally.orders),
        ] {
            total.add(part.hit, part.predicted, part.expected);
        }
    }
    row("all", &all);
    if std::env::var_os("PARSER_MISSES").is_some() {
        println!("\n{} misses:\n{}", misses.len(), misses.join("\n"));
    }

    assert!(
        all.messages >= 250,
        "the corpus has {} messages, fewer than 250",
        all.messages
    );
    assert!(
        all.exact_rate() >= EXACT_FLOOR,
        "exact match {:.3} under {EXACT_FLOOR}",
        all.exact_rate()
    );
    assert!(
        all.items.precision() >= ITEM_FLOOR,
        "item precision {:.3}",
        all.items.precision()
    );
    assert!(
        all.items.recall() >= ITEM_FLOOR,
        "item recall {:.3}",
        all.items.recall()
    );
    for (language, tally) in &by_language {
        assert!(
            tally.exact_rate() >= LANGUAGE_EXACT_FLOOR,
            "{language}: exact match {:.3} under {LANGUAGE_EXACT_FLOOR}",
            tally.exact_rate()
        );
    }
}
