//! The built bundles and the public files, as a browser fetches them: compressed when asked,
//! and every bundle within the size budget.

use novi_tests::{Engine, spawn_app};

/// The most a phone on a slow connection should download to start a page of the dashboard:
/// the page's WASM bundle as served with gzip. Each page loads exactly one bundle (see
/// `app::bundle_for`); the new-order page fetches the parser preview module afterwards.
const WASM_BUDGET: usize = 400 * 1024;

const BUNDLES: [&str; 7] = [
    "frontend_bg.wasm",
    "order_bg.wasm",
    "entry_bg.wasm",
    "business_bg.wasm",
    "analytics_bg.wasm",
    "people_bg.wasm",
    "preview/preview_bg.wasm",
];

#[tokio::test]
async fn the_bundles_are_served_compressed_and_public_files_from_the_root() {
    let app = spawn_app(Engine::Sqlite).await;
    for (bundle, encoding) in BUNDLES.iter().flat_map(|bundle| [(bundle, "br"), (bundle, "gzip")]) {
        let response = app
            .client
            .get(app.url(&format!("/pkg/{bundle}")))
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "run `make frontend` first");
        assert_eq!(response.headers()["content-encoding"], encoding);
        let compressed = response.bytes().await.unwrap().len();
        let original = std::fs::metadata(novi_tests::site_root().join("pkg").join(bundle))
            .unwrap()
            .len();
        assert!(
            (compressed as u64) < original / 2,
            "{bundle} {encoding}: {compressed} of {original} bytes"
        );
        if encoding == "gzip" {
            eprintln!("{bundle} served with gzip: {compressed} bytes (budget {WASM_BUDGET})");
            assert!(
                compressed <= WASM_BUDGET,
                "{bundle} is {compressed} bytes gzipped, over {WASM_BUDGET}"
            );
        }
    }
    for path in [
        "/pkg/novi.css",
        "/favicon.svg",
        "/manifest.webmanifest",
        "/icon-192.png",
        "/icon-512.png",
    ] {
        assert_eq!(app.get(path).await.status(), 200, "{path}");
    }
    let worker = app.get("/sw.js").await;
    assert_eq!(worker.status(), 200);
    assert_eq!(worker.headers()["content-security-policy"], "default-src 'self'");
    app.stop().await;
}
