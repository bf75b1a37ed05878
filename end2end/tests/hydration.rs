//! The dashboard shell in a real browser: rendered by the server, hydrated by the WASM bundle,
//! and interactive afterwards.

use std::time::Duration;

use end2end::{TestBrowser, screenshot, text_of, wait_for_hydration, wait_until};
use novi_tests::{Engine, spawn_app};

#[tokio::test]
async fn the_home_page_hydrates_and_its_status_check_runs_again() {
    let app = spawn_app(Engine::Sqlite).await;
    let browser = TestBrowser::launch().await;
    let page = browser.open(&app.url("/")).await;

    wait_for_hydration(&page).await;
    assert!(
        text_of(&page, "[data-test=database]")
            .await
            .contains("SQLite (reachable)")
    );
    assert_eq!(
        text_of(&page, "[data-test=check-count]").await,
        "Checked when the page loaded."
    );

    page.find_element("[data-test=recheck]")
        .await
        .expect("button")
        .click()
        .await
        .expect("click");
    wait_until(
        &page,
        "document.querySelector('[data-test=check-count]').innerText === 'Checked 1 more time since the page loaded.'",
        Duration::from_secs(10),
    )
    .await;
    // The check ran again in the browser by calling the server function over HTTP (the first
    // reading was rendered on the server, so this route was never requested before).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let metrics = app.get("/metrics").await.text().await.unwrap();
        let called = metrics.lines().any(|line| {
            line.starts_with("http_requests_total")
                && line.contains("route=\"/rpc/system_status\"")
                && line.contains("status=\"200\"")
        });
        if called {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the browser never called the server: {metrics}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(text_of(&page, "[data-test=latency]").await.ends_with(" ms"));

    let shot = screenshot(&page, "home").await;
    assert!(std::fs::metadata(&shot).expect("screenshot exists").len() > 10_000);

    browser.close().await;
    app.stop().await;
}
