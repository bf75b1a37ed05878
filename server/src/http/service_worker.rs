//! `/sw.js`, the dashboard's service worker (`public/sw.js`). A worker runs under its own
//! script's Content-Security-Policy, and the default one for non-pages (`default-src 'none'`)
//! would forbid it to fetch the app shell it caches; browsers must also check it for updates.

use app::state::AppState;
use axum::{
    extract::State,
    http::{
        StatusCode,
        header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE},
    },
    response::{IntoResponse, Response},
};

pub async fn script(State(state): State<AppState>) -> Response {
    let path = std::path::Path::new(state.leptos_options.site_root.as_ref()).join("sw.js");
    match tokio::fs::read(&path).await {
        Ok(body) => (
            [
                (CONTENT_TYPE, "text/javascript; charset=utf-8"),
                (CONTENT_SECURITY_POLICY, "default-src 'self'"),
                (CACHE_CONTROL, "no-cache"),
            ],
            body,
        )
            .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}
