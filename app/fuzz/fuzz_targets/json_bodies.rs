//! Any bytes as the JSON body of each REST route and server function that takes one: reading
//! a body never panics, whatever it reads survives being written out and read back, and a
//! catalog file that reads becomes a catalog the parser can use, or a clear refusal. (What the
//! services then do with a body, against a real database, schemathesis checks:
//! `tests/tests/api_schema.rs`.) The first byte picks the body; the rest is the JSON.
//! `cargo +nightly fuzz run json_bodies` from `app/`.

#![no_main]

use app::{dto, parser::Catalog};
use libfuzzer_sys::fuzz_target;
use serde::{Serialize, de::DeserializeOwned};

/// Reads `json` as the API does (a JSON object, then `T`); what reads must be written out and
/// read back as the same JSON.
fn body<T: Serialize + DeserializeOwned>(json: &[u8]) -> Option<T> {
    let object: serde_json::Value = serde_json::from_slice(json).ok().filter(serde_json::Value::is_object)?;
    let value: T = serde_json::from_value(object).ok()?;
    let written = serde_json::to_value(&value).expect("a body that reads can be written");
    let again: T = serde_json::from_value(written.clone()).expect("a written body reads back");
    assert_eq!(serde_json::to_value(&again).expect("written again"), written);
    Some(value)
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, json)) = data.split_first() else {
        return;
    };
    match pick % 19 {
        0 => {
            if let Some(file) = body::<dto::CatalogFile>(json)
                && let Ok(catalog) = Catalog::from_file(&file, 2.5)
            {
                let order = app::parser::parse("2x margherita large, 1 coke\naddress 1 Main St", &catalog);
                assert!(order.total.is_finite());
            }
        }
        1 => drop(body::<dto::NewOrder>(json)),
        2 => drop(body::<dto::OrderChanges>(json)),
        3 => drop(body::<dto::StatusChange>(json)),
        4 => drop(body::<dto::ProductInput>(json)),
        5 => drop(body::<dto::GroupInput>(json)),
        6 => drop(body::<dto::DriverInput>(json)),
        7 => drop(body::<dto::BusinessChanges>(json)),
        8 => drop(body::<dto::TemplateChanges>(json)),
        9 => drop(body::<dto::Registration>(json)),
        10 => drop(body::<dto::Credentials>(json)),
        11 => drop(body::<dto::Invitation>(json)),
        12 => drop(body::<dto::PasswordChange>(json)),
        13 => drop(body::<dto::CloudAccountInput>(json)),
        14 => drop(body::<dto::DeliveryAssignment>(json)),
        15 => drop(body::<dto::DeliveryReport>(json)),
        16 => drop(body::<dto::OrderQuery>(json)),
        17 => drop(body::<dto::UserChanges>(json)),
        _ => drop(body::<dto::AnalyticsQuery>(json)),
    }
});
