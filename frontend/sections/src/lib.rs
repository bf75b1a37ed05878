//! The browser entry point of the dashboard's other bundles: built once per feature, each
//! hydrates the server-rendered pages of its part of the app (see `app::bundle_for`).

use wasm_bindgen::prelude::wasm_bindgen;

#[cfg(not(any(
    feature = "order",
    feature = "entry",
    feature = "business",
    feature = "analytics",
    feature = "people"
)))]
compile_error!("build with one of the features `order`, `entry`, `business`, `analytics` or `people`");

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    #[cfg(feature = "order")]
    leptos::mount::hydrate_body(app::OrderApp);
    #[cfg(feature = "entry")]
    leptos::mount::hydrate_body(app::EntryApp);
    #[cfg(feature = "business")]
    leptos::mount::hydrate_body(app::BusinessApp);
    #[cfg(feature = "analytics")]
    leptos::mount::hydrate_body(app::AnalyticsApp);
    #[cfg(feature = "people")]
    leptos::mount::hydrate_body(app::PeopleApp);
}
