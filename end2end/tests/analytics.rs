//! The analytics page in a real browser: the owner signs in and lands on it, every chart is an
//! inline SVG that takes up room (the page's CSP lets it draw), a range chosen in the form
//! ends up in the address, a range without orders says so, and a phone-sized screen never
//! scrolls sideways.

use std::time::Duration;

use chromiumoxide::cdp::browser_protocol::emulation::SetDeviceMetricsOverrideParams;
use end2end::{TestBrowser, screenshot, sign_in, text_of, wait_for_hydration, wait_until};
use novi_tests::{DEMO_PASSWORD, Engine, spawn_app};

/// Every chart card holds an SVG that the browser laid out at a real size.
const CHARTS_DRAWN: &str = "(() => { \
    const cards = [...document.querySelectorAll('.chart-card')]; \
    return cards.length === 11 && cards.every(card => { \
        const svg = card.querySelector('.chart svg'); \
        if (!svg) return false; \
        const box = svg.getBoundingClientRect(); \
        return box.width > 100 && box.height > 50; \
    }); \
})()";

#[tokio::test]
async fn the_owner_reads_the_charts_of_a_chosen_range() {
    let app = spawn_app(Engine::Sqlite).await;
    app.seed_demo(400).await;
    let browser = TestBrowser::launch().await;
    let page = browser.open(&app.url("/analytics")).await;

    sign_in(&page, "owner@pizzapalace.example", DEMO_PASSWORD, "/analytics").await;
    wait_until(&page, CHARTS_DRAWN, Duration::from_secs(15)).await;
    let orders: u64 = text_of(&page, "[data-test=orders]").await.parse().expect("a count");
    assert!(orders > 0, "the last 30 days of the demo have orders");
    let csv = page
        .evaluate("document.querySelector('[data-chart=revenue_by_day] a[download]').getAttribute('href')")
        .await
        .unwrap()
        .into_value::<String>()
        .unwrap();
    assert!(csv.starts_with("/api/analytics/revenue_by_day.csv?from="), "{csv}");
    let downloaded = page
        .evaluate(format!(
            "fetch('{csv}').then(r => r.status + ' ' + r.headers.get('content-type'))"
        ))
        .await
        .unwrap()
        .into_value::<String>()
        .unwrap();
    assert_eq!(
        downloaded, "200 text/csv; charset=utf-8",
        "the session cookie opens the CSV"
    );
    screenshot(&page, "analytics").await;

    // A range chosen in the form is the page's address.
    page.evaluate(
        "document.querySelector('#from').value = '2020-01-01'; \
         document.querySelector('#to').value = '2020-01-31'; \
         document.querySelector('[data-test=range] button').click();",
    )
    .await
    .unwrap();
    wait_until(
        &page,
        "location.search === '?from=2020-01-01&to=2020-01-31'",
        Duration::from_secs(10),
    )
    .await;
    wait_until(
        &page,
        "document.querySelector('[data-test=no-orders]') !== null \
         && document.querySelectorAll('.chart-empty').length === 11",
        Duration::from_secs(10),
    )
    .await;
    assert_eq!(text_of(&page, "[data-test=orders]").await, "0");

    // A range the service refuses is explained, not a broken page.
    page.goto(app.url("/analytics?from=2026-03-10&to=2026-03-01"))
        .await
        .expect("a backwards range");
    wait_for_hydration(&page).await;
    let error = text_of(&page, "[data-test=analytics-error]").await;
    assert!(error.contains("from"), "{error}");

    // On a phone the charts shrink to the screen and nothing scrolls sideways.
    page.execute(SetDeviceMetricsOverrideParams::new(390, 844, 2.0, true))
        .await
        .expect("phone viewport");
    page.goto(app.url("/analytics")).await.expect("analytics again");
    wait_for_hydration(&page).await;
    wait_until(&page, CHARTS_DRAWN, Duration::from_secs(15)).await;
    wait_until(
        &page,
        "document.documentElement.scrollWidth <= 390",
        Duration::from_secs(5),
    )
    .await;
    screenshot(&page, "analytics-phone").await;

    browser.close().await;
    app.stop().await;
}
