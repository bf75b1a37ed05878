//! A delivery as the people involved see it, in real browsers and the simulator: a customer
//! orders on their phone, the order is handed to a driver, the driver marks it picked up on
//! their phone-sized page, the customer's chat receives the update with a tracking link, the
//! link's page shows the order on its way, and when the driver marks it delivered the open
//! tracking page changes by itself. Staff see the run on the deliveries page, and read the settings.

use std::time::Duration;

use end2end::{TestBrowser, click, screenshot, sign_in, text_of, wait_for_hydration, wait_until};
use novi_tests::{DEMO_PASSWORD, Engine, Options, TestApp, spawn_app_with};
use reqwest::Method;
use serde_json::{Value, json};

const BUSINESS_PHONE: &str = "+15550000000";

const CUSTOMER: &str = "+15557654321";

/// The replies the customer's chat received, waiting until there are `count`.
async fn chat(app: &TestApp, count: usize) -> Vec<Value> {
    app.replies_in_chat(BUSINESS_PHONE, CUSTOMER, count).await
}

/// The text of an element of a page that the live stream may redraw at any moment.
async fn read(page: &chromiumoxide::Page, selector: &str) -> String {
    page.evaluate(format!("document.querySelector('{selector}').innerText"))
        .await
        .unwrap()
        .into_value()
        .unwrap()
}

#[tokio::test]
async fn a_driver_delivers_and_the_customer_follows_it_live() {
    let sessions = std::env::temp_dir().join(format!("novi-delivery-e2e-{}", std::process::id()));
    let app = spawn_app_with(
        Engine::Sqlite,
        Options {
            whatsapp_simulator: Some(sessions.clone()),
            ..Options::default()
        },
    )
    .await;
    app.seed_demo(3).await;
    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;
    let settings = json!({"auto_confirm": true});
    assert_eq!(
        app.send(Method::PATCH, "/api/businesses/1", &owner, settings).await.0,
        200
    );
    app.link_whatsapp(&owner, BUSINESS_PHONE).await;
    app.simulator(
        "api/messages",
        json!({"to": BUSINESS_PHONE, "from": CUSTOMER, "name": "Maria Lopes",
               "body": "2x margherita large, 1 coke 2L, address 123 Main St", "id": "delivery-1"}),
    )
    .await;
    chat(&app, 1).await;
    let (_, board) = app.get_json("/api/orders?status=confirmed", &owner).await;
    let order = board["orders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|order| order["customer_name"] == "Maria Lopes")
        .expect("the order is confirmed")
        .clone();
    let id = order["id"].as_i64().unwrap();
    let drivers = app.get_json("/api/drivers", &owner).await.1["drivers"].clone();
    let driver = drivers
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["user_id"].is_i64())
        .unwrap()
        .clone();
    let path = format!("/api/orders/{id}/delivery");
    let (status, body) = app
        .send(Method::POST, &path, &owner, json!({"driver_id": driver["id"]}))
        .await;
    assert_eq!(status, 200, "{body}");

    let browser = TestBrowser::launch().await;
    let driver_page = browser.open(&app.url("/driver")).await;
    sign_in(&driver_page, "driver@pizzapalace.example", DEMO_PASSWORD, "/driver").await;
    wait_until(
        &driver_page,
        "document.querySelectorAll('[data-test=run]').length === 1",
        Duration::from_secs(10),
    )
    .await;
    let run = text_of(&driver_page, "[data-test=run]").await;
    assert!(run.contains("Maria Lopes") && run.contains("123 Main St"), "{run}");
    let maps = driver_page
        .evaluate("document.querySelector('[data-test=maps]').href")
        .await
        .unwrap()
        .into_value::<String>()
        .unwrap();
    assert!(maps.ends_with("query=123+Main+St"), "{maps}");
    let call = driver_page
        .evaluate("document.querySelector('[data-test=call]').getAttribute('href')")
        .await
        .unwrap()
        .into_value::<String>()
        .unwrap();
    assert!(call.starts_with("tel:"), "{call}");
    screenshot(&driver_page, "driver").await;
    click(&driver_page, "[data-test=report-picked-up]").await;

    // The customer's chat: the delivery update with the driver and a link that works.
    let update = chat(&app, 2).await.remove(1);
    let text = update["body"].as_str().unwrap().to_string();
    let first_name = driver["name"].as_str().unwrap().split_whitespace().next().unwrap();
    assert!(text.contains(first_name), "{text}");
    let link = text
        .split_whitespace()
        .find(|word| word.contains("/t/"))
        .unwrap_or_else(|| panic!("a tracking link in {text}"));
    let tracking = &link[link.find("/t/").unwrap()..];
    let customer = browser.open(&app.url(tracking)).await;
    wait_until(
        &customer,
        "document.querySelector('[data-test=track-status]') !== null",
        Duration::from_secs(10),
    )
    .await;
    let status = read(&customer, "[data-test=track-status]").await;
    assert!(status.contains("Hi Maria") && status.contains("on its way"), "{status}");
    let whole = read(&customer, "main").await;
    assert!(!whole.contains("123 Main St") && !whole.contains("Lopes"), "{whole}");
    screenshot(&customer, "tracking-on-the-way").await;

    wait_until(
        &driver_page,
        "document.querySelector('[data-test=report-delivered]') !== null",
        Duration::from_secs(10),
    )
    .await;
    // The customer's tab came to the front; a click goes to the tab in front.
    driver_page.bring_to_front().await.unwrap();
    click(&driver_page, "[data-test=report-delivered]").await;
    wait_until(
        &customer,
        "document.querySelector('[data-test=track-status]').innerText.includes('delivered')",
        Duration::from_secs(10),
    )
    .await;
    screenshot(&customer, "tracking-delivered").await;
    let thanks = chat(&app, 3).await.remove(2);
    assert!(thanks["body"].as_str().unwrap().contains("delivered"), "{thanks}");

    // Staff see the finished run among today's deliveries.
    let office = TestBrowser::launch().await;
    let staff_page = office.open(&app.url("/deliveries")).await;
    sign_in(&staff_page, "staff@pizzapalace.example", DEMO_PASSWORD, "/deliveries").await;
    wait_until(
        &staff_page,
        "document.querySelectorAll('[data-test=run-row]').length >= 1",
        Duration::from_secs(10),
    )
    .await;
    let runs = text_of(&staff_page, "[data-test=runs]").await;
    assert!(runs.contains("Maria Lopes") && runs.contains("Delivered"), "{runs}");
    screenshot(&staff_page, "deliveries").await;

    // Staff read the settings they work by, and are offered no change they may not make.
    staff_page.goto(app.url("/settings")).await.expect("the settings");
    wait_for_hydration(&staff_page).await;
    wait_until(
        &staff_page,
        "document.querySelector('[data-test=preview-order_confirmation]') !== null \
            && document.querySelector('#business-name').matches(':disabled') \
            && document.querySelector('#team-title') === null \
            && document.querySelector('[data-test=backups]') === null",
        Duration::from_secs(10),
    )
    .await;
    screenshot(&staff_page, "settings-staff").await;

    office.close().await;
    browser.close().await;
    app.stop().await;
    let _ = std::fs::remove_dir_all(sessions);
}
