//! Parser throughput: every corpus message against one 300-product catalog (the five fixture
//! catalogs together, filled up with generated products). `cargo bench -p app --bench parser`;
//! the numbers are in docs/PERFORMANCE.md.

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::HashSet;

use app::{
    dto::{CatalogEntry, CatalogFile, OptionDto},
    parser::{Catalog, parse},
};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const PRODUCTS: usize = 300;

fn big_catalog() -> Catalog {
    let mut products: Vec<CatalogEntry> = Vec::new();
    let mut names = HashSet::new();
    for file in ["pizza_en", "pizzaria_pt", "panaderia_es", "dhaba_hi", "warung_id"] {
        for product in support::catalog_file(file).products {
            if names.insert(product.name.to_lowercase()) {
                products.push(product);
            }
        }
    }
    let dishes = [
        "Bowl", "Wrap", "Burger", "Curry", "Salad", "Noodles", "Platter", "Sandwich", "Taco", "Soup",
    ];
    let flavours = [
        "Teriyaki",
        "Smoky",
        "Garden",
        "Spicy Tuna",
        "Lemon Herb",
        "Korean",
        "Cajun",
        "Pesto",
        "Tandoori",
        "Chipotle",
        "Sesame",
        "Mediterranean",
        "Hoisin",
        "Jerk",
        "Miso",
        "Harissa",
        "Ranch",
        "Peri Peri",
        "Szechuan",
        "Honey Mustard",
    ];
    'fill: for flavour in flavours {
        for dish in dishes {
            if products.len() >= PRODUCTS {
                break 'fill;
            }
            products.push(CatalogEntry {
                name: format!("{flavour} {dish}"),
                category: Some(dish.to_string()),
                description: None,
                price: 9.5,
                variants: vec![option("Regular", 9.5), option("Large", 12.5)],
                modifiers: vec![
                    option("Extra Sauce", 0.5),
                    option("Avocado", 1.5),
                    option("Onions", 0.0),
                ],
                aliases: Vec::new(),
                is_available: true,
            });
        }
    }
    assert_eq!(
        products.len(),
        PRODUCTS,
        "the benchmark catalog has {PRODUCTS} products"
    );
    let file = CatalogFile {
        currency: "USD".into(),
        products,
    };
    Catalog::from_file(&file, 0.0).expect("valid catalog")
}

fn option(name: &str, price: f64) -> OptionDto {
    OptionDto {
        name: name.into(),
        price,
        aliases: Vec::new(),
    }
}

fn corpus(c: &mut Criterion) {
    let catalog = big_catalog();
    let messages: Vec<String> = support::messages().into_iter().map(|(_, message)| message).collect();
    let mut group = c.benchmark_group("parser");
    group.throughput(Throughput::Elements(messages.len() as u64));
    group.bench_function("corpus, 300-product catalog", |b| {
        b.iter(|| {
            for message in &messages {
                std::hint::black_box(parse(message, &catalog));
            }
        })
    });
    group.finish();
    c.bench_function("catalog build, 300 products", |b| b.iter(big_catalog));
}

criterion_group!(benches, corpus);
criterion_main!(benches);
