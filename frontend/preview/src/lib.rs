//! `load(catalog)` once, then `read(message)` at every keystroke: the same parser the server
//! runs on WhatsApp messages, answering the `ParsedOrder` as JSON.

use std::cell::RefCell;

use app::{
    dto::ParserCatalog,
    parser::{Catalog, parse},
};
use wasm_bindgen::prelude::*;

thread_local! {
    // Indexing a catalog costs far more than reading a message, so it is built once.
    static CATALOG: RefCell<Option<Catalog>> = const { RefCell::new(None) };
}

/// Takes the business's catalog (`ParserCatalog` as JSON) for the messages that follow.
#[wasm_bindgen]
pub fn load(catalog: &str) -> Result<(), JsError> {
    let given: ParserCatalog = serde_json::from_str(catalog)?;
    let built = Catalog::from_file(&given.file, given.delivery_fee)?;
    CATALOG.with(|slot| *slot.borrow_mut() = Some(built));
    Ok(())
}

/// The order read from `message`, as JSON.
#[wasm_bindgen]
pub fn read(message: &str) -> Result<String, JsError> {
    CATALOG.with(|slot| match slot.borrow().as_ref() {
        Some(catalog) => Ok(serde_json::to_string(&parse(message, catalog))?),
        None => Err(JsError::new("load a catalog first")),
    })
}
