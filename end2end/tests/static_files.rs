//! The built bundle and the public files, as a browser fetches them: compressed when asked.

use novi_tests::{Engine, spawn_app};

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
    }
    for path in ["/pkg/novi.css", "/favicon.svg", "/manifest.webmanifest"] {
        assert_eq!(app.get(path).await.status(), 200, "{path}");
    }
    app.stop().await;
}
