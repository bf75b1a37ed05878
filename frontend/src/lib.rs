//! The browser entry point of the `frontend` bundle: hydrates the server-rendered pages of
//! `app::OrdersApp`.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::OrdersApp);
}
