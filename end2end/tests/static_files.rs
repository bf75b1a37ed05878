//! The built bundle and the public files, as a browser fetches them: compressed when asked,
//! and the bundle within its size budget.

use novi_tests::{Engine, spawn_app};

/// The most a phone on a slow connection should download to start the dashboard: the WASM
/// bundle as served with gzip.
const WASM_BUDGET: usize = 400 * 1024;

#[tokio::test]
async fn the_bundle_is_served_compressed_and_public_files_from_the_root() {
    let app = spawn_app(Engine::Sqlite).await;
    for encoding in ["br", "gzip"] {
        let response = app
            .client
            .get(app.url("/pkg/frontend_bg.wasm"))
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "run `make frontend` first");
        assert_eq!(response.headers()["content-encoding"], encoding);
        let compressed = response.bytes().await.unwrap().len();
        let original = std::fs::metadata(novi_tests::site_root().join("pkg/frontend_bg.wasm"))
            .unwrap()
            .len();
        assert!(
            (compressed as u64) < original / 2,
            "{encoding}: {compressed} of {original} bytes"
        );
        if encoding == "gzip" {
            eprintln!("the bundle served with gzip: {compressed} bytes (budget {WASM_BUDGET})");
            assert!(
                compressed <= WASM_BUDGET,
                "the WASM bundle is {compressed} bytes gzipped, over {WASM_BUDGET}"
            );
        }
    }
    for path in ["/pkg/novi.css", "/favicon.svg", "/manifest.webmanifest"] {
        assert_eq!(app.get(path).await.status(), 200, "{path}");
    }
    app.stop().await;
}
