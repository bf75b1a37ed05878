//! The live preview's parser in the browser: a separate WASM module (`frontend/preview`), fetched
//! only when a page needs it, so the parser's weight stays out of the dashboard's bundle.

use crate::{dto::ParserCatalog, parser::ParsedOrder};

/// A loaded parser with the business's catalog.
pub struct Reader {
    // The browser runs the app on one thread; the wrapper lets signals hold the module.
    #[cfg(feature = "hydrate")]
    module: send_wrapper::SendWrapper<browser::PreviewModule>,
}

impl Reader {
    /// Fetches the module and gives it the catalog; `ready` runs with the reader or why not.
    /// Does nothing on the server, where pages render without a preview.
    pub fn load(catalog: &ParserCatalog, ready: impl FnOnce(Result<Reader, String>) + 'static) {
        #[cfg(feature = "hydrate")]
        browser::load(catalog, ready);
        #[cfg(not(feature = "hydrate"))]
        let _ = (catalog, ready);
    }

    pub fn read(&self, message: &str) -> Result<ParsedOrder, String> {
        #[cfg(feature = "hydrate")]
        return browser::read(&self.module, message);
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = message;
            Err("the preview runs in the browser".into())
        }
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use wasm_bindgen::prelude::*;

    use super::Reader;
    use crate::{dto::ParserCatalog, parser::ParsedOrder};

    const MODULE: &str = "/pkg/preview/preview.js";

    #[wasm_bindgen(inline_js = "export async function load_preview(url, catalog) { \
        const module = await import(url); await module.default(); module.load(catalog); return module; }")]
    extern "C" {
        #[wasm_bindgen(catch)]
        async fn load_preview(url: &str, catalog: &str) -> Result<JsValue, JsValue>;
    }

    #[wasm_bindgen]
    extern "C" {
        #[derive(Clone)]
        pub type PreviewModule;

        #[wasm_bindgen(method, catch)]
        fn read(this: &PreviewModule, message: &str) -> Result<String, JsValue>;
    }

    pub fn load(catalog: &ParserCatalog, ready: impl FnOnce(Result<Reader, String>) + 'static) {
        let catalog = serde_json::to_string(catalog).unwrap_or_default();
        leptos::task::spawn_local(async move {
            let loaded = load_preview(MODULE, &catalog)
                .await
                .map(|module| Reader {
                    module: send_wrapper::SendWrapper::new(module.unchecked_into()),
                })
                .map_err(|error| describe(&error));
            ready(loaded);
        });
    }

    pub fn read(module: &PreviewModule, message: &str) -> Result<ParsedOrder, String> {
        let json = module.read(message).map_err(|error| describe(&error))?;
        serde_json::from_str(&json).map_err(|error| error.to_string())
    }

    fn describe(error: &JsValue) -> String {
        error
            .dyn_ref::<js_sys::Error>()
            .map(|error| String::from(error.message()))
            .or_else(|| error.as_string())
            .unwrap_or_else(|| "the preview could not start".into())
    }
}
