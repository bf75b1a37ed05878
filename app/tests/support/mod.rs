//! Catalogs and messages from the labelled corpus, shared by the parser's tests and benchmark.
//! Each test crate uses its own part of it.
#![allow(dead_code)]

use std::{fs, path::PathBuf};

use app::{dto::CatalogFile, parser::Catalog};

pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parser")
}

pub fn catalog_file(name: &str) -> CatalogFile {
    let path = fixtures().join("catalogs").join(format!("{name}.json"));
    serde_json::from_str(&fs::read_to_string(&path).expect("catalog fixture")).expect("valid catalog")
}

pub fn catalog(name: &str) -> Catalog {
    Catalog::from_file(&catalog_file(name), 0.0).expect("valid catalog")
}

/// Every corpus message with the name of its catalog.
pub fn messages() -> Vec<(String, String)> {
    fs::read_to_string(fixtures().join("corpus.jsonl"))
        .expect("corpus")
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let case: serde_json::Value = serde_json::from_str(line).expect("corpus line");
            (
                case["catalog"].as_str().expect("catalog").to_string(),
                case["message"].as_str().expect("message").to_string(),
            )
        })
        .collect()
}
