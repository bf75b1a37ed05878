//! Typing an order in and running the business, in a real browser: the parser's reading of a
//! message appears as it is typed (the browser's own WASM parser, no round trip), the reading
//! becomes an order, the order is confirmed, handed to a driver and edited from its page; a
//! product is added to the catalog; the WhatsApp page shows the connection and says when
//! orders must be typed in by hand; a reply template is previewed from that order.

use std::time::Duration;

use end2end::{TestBrowser, click, screenshot, sign_in, text_of, type_into, wait_for_hydration, wait_until};
use entity::{deliveries, orders, products};
use novi_tests::{DEMO_PASSWORD, Engine, spawn_app};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

const ASSIGN_FIRST_DRIVER: &str = "(() => { \
    const name = document.querySelector('[data-test=driver-name]'); \
    if (name && name.innerText !== 'No driver yet.') return true; \
    const choice = document.querySelector('#driver-choice'); \
    const assign = document.querySelector('[data-test=assign]'); \
    if (choice && assign && !assign.disabled) { \
        choice.selectedIndex = 1; \
        choice.dispatchEvent(new Event('change', { bubbles: true })); \
        assign.click(); \
    } \
    return false; \
})()";

const MESSAGE: &str = "Hi, this is Maria. 2x margherita large, 1 coke 2L, address 123 Main St";

#[tokio::test]
async fn a_typed_message_becomes_an_order_that_is_confirmed_assigned_and_edited() {
    let app = spawn_app(Engine::Sqlite).await;
    app.seed_demo(5).await;
    let browser = TestBrowser::launch().await;
    let page = browser.open(&app.url("/orders/new")).await;
    sign_in(&page, "owner@pizzapalace.example", DEMO_PASSWORD, "/orders/new").await;

    // The preview module loads, then reads the message as it is typed.
    wait_until(
        &page,
        "document.querySelector('[data-test=preview-loading]') === null",
        Duration::from_secs(10),
    )
    .await;
    type_into(&page, "[data-test=message]", MESSAGE).await;
    wait_until(
        &page,
        "document.querySelector('[data-test=preview]') !== null",
        Duration::from_secs(5),
    )
    .await;
    let preview = text_of(&page, "[data-test=preview]").await;
    assert!(preview.contains("Pizza Margherita (Large)"), "{preview}");
    assert!(preview.contains("Coke (2L)"), "{preview}");
    let total = text_of(&page, "[data-test=preview-total]").await;
    screenshot(&page, "new-order").await;

    click(&page, "[data-test=use-reading]").await;
    wait_until(
        &page,
        "document.querySelectorAll('[data-test=edit-lines] li').length === 2",
        Duration::from_secs(5),
    )
    .await;
    click(&page, "[data-test=save-new]").await;
    wait_until(
        &page,
        "/^\\/orders\\/\\d+$/.test(location.pathname)",
        Duration::from_secs(10),
    )
    .await;
    wait_for_hydration(&page).await;
    let order = orders::Entity::find()
        .filter(orders::Column::CustomerName.eq("Maria"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the order was saved");
    assert_eq!(order.delivery_address.as_deref(), Some("123 Main St"));
    assert_eq!(order.source.as_str(), "manual");
    assert_eq!(text_of(&page, "[data-test=total]").await, total, "saved as previewed");

    // Confirm, hand it to a driver, then add a line.
    click(&page, "[data-test=to-confirmed]").await;
    wait_until(
        &page,
        "document.querySelector('[data-test=status]').innerText === 'Confirmed'",
        Duration::from_secs(10),
    )
    .await;
    // The order re-renders as the confirmation's live event arrives; choosing the driver is
    // repeated until the page shows one (assigning the same driver again changes nothing).
    wait_until(&page, ASSIGN_FIRST_DRIVER, Duration::from_secs(15)).await;
    let delivery = deliveries::Entity::find()
        .filter(deliveries::Column::OrderId.eq(order.id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("a delivery");
    assert!(delivery.driver_id.is_some());

    click(&page, "[data-test=edit]").await;
    wait_until(
        &page,
        "document.querySelector('[data-test=add-product]') !== null",
        Duration::from_secs(10),
    )
    .await;
    page.evaluate(
        "(() => { const s = document.querySelector('[data-test=add-product]'); \
         s.value = 'Garlic Bread'; s.dispatchEvent(new Event('change', { bubbles: true })); })()",
    )
    .await
    .unwrap();
    click(&page, "[data-test=add-line]").await;
    click(&page, "[data-test=save-order]").await;
    wait_until(
        &page,
        "document.querySelector('[data-test=edit-order]') === null \
         && document.querySelector('.lines').innerText.includes('Garlic Bread')",
        Duration::from_secs(10),
    )
    .await;
    screenshot(&page, "order-edited").await;

    // The catalog: a new product, saved and listed.
    page.goto(app.url("/catalog")).await.expect("the catalog");
    wait_for_hydration(&page).await;
    click(&page, "[data-test=new-product]").await;
    type_into(&page, "[data-test=product-name]", "Panna Cotta").await;
    page.evaluate("document.querySelector('[data-test=product-price]').value = ''")
        .await
        .unwrap();
    type_into(&page, "[data-test=product-price]", "6.50").await;
    type_into(&page, "[data-test=product-variants]", "Slice = 6.50").await;
    page.find_element("[data-test=product-variants]")
        .await
        .unwrap()
        .press_key("Enter")
        .await
        .unwrap();
    type_into(&page, "[data-test=product-variants]", "Whole = 30; cake").await;
    click(&page, "[data-test=save-product]").await;
    wait_until(
        &page,
        "document.querySelector('[data-product=\"Panna Cotta\"]') !== null",
        Duration::from_secs(10),
    )
    .await;
    let panna_cotta = products::Entity::find()
        .filter(products::Column::Name.eq("Panna Cotta"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("saved");
    assert_eq!(panna_cotta.base_price, 650);
    assert_eq!(panna_cotta.variants[1]["name"], "Whole", "{}", panna_cotta.variants);
    assert_eq!(panna_cotta.variants[1]["aliases"][0], "cake");
    screenshot(&page, "catalog").await;

    // WhatsApp is off in this test server: the page and the board say orders come in by hand.
    page.goto(app.url("/whatsapp")).await.expect("the WhatsApp page");
    wait_for_hydration(&page).await;
    assert!(text_of(&page, "[data-test=manual-mode]").await.contains("Manual mode"));
    page.goto(app.url("/orders")).await.expect("the board");
    wait_for_hydration(&page).await;
    wait_until(
        &page,
        "document.querySelector('[data-test=manual-mode]') !== null",
        Duration::from_secs(10),
    )
    .await;
    screenshot(&page, "whatsapp").await;

    // Settings: a reply template previewed from the latest order (Maria's) as it is written.
    page.goto(app.url("/settings")).await.expect("the settings");
    wait_for_hydration(&page).await;
    wait_until(
        &page,
        "document.querySelector('[data-test=preview-order_received]')?.innerText.startsWith('Got it, Maria')",
        Duration::from_secs(10),
    )
    .await;
    type_into(
        &page,
        "[data-test=template-order_received]",
        " Total {total}, {nonsense}",
    )
    .await;
    wait_until(
        &page,
        "document.querySelector('[data-test=templates-form]').innerText.includes('Novi does not know {nonsense}')",
        Duration::from_secs(5),
    )
    .await;
    screenshot(&page, "settings").await;

    browser.close().await;
    app.stop().await;
}
