//! The dashboard's server functions: the same services as the REST API, over the session
//! cookie, with the same statuses for the same failures.

use novi_tests::{Engine, on_every_engine, spawn_app};
use serde_json::json;

on_every_engine!(the_dashboard_works_through_server_functions);

async fn the_dashboard_works_through_server_functions(engine: Engine) {
    let app = spawn_app(engine).await;
    let report = app.seed_demo(30).await;
    let staff = app.session_cookie("staff@pizzapalace.example").await;

    let (status, page, _) = app
        .rpc(
            "orders/list",
            &staff,
            json!({"query": {"status": "delivered", "limit": 5}}),
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(
        page["orders"].as_array().unwrap().len().min(5),
        page["orders"].as_array().unwrap().len()
    );
    assert!(
        page["orders"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["status"] == "delivered")
    );

    let order =
        json!({"order": {"customer_name": "Walk-in", "items": [{"name": "Coke", "quantity": 2, "variant": "Can"}]}});
    let (status, created, _) = app.rpc("orders/create", &staff, order).await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["source"], "manual");
    assert_eq!(created["total_amount"], 3.98);
    let id = created["id"].as_i64().unwrap();
    let (status, confirmed, _) = app
        .rpc("orders/status", &staff, json!({"id": id, "status": "confirmed"}))
        .await;
    assert_eq!((status, confirmed["status"].as_str()), (200, Some("confirmed")));
    let (status, error, _) = app
        .rpc("orders/status", &staff, json!({"id": id, "status": "delivered"}))
        .await;
    assert_eq!(status, 409, "the same conflict as the REST API: {error}");
    assert_eq!(error["code"], "conflict");

    let (status, products, _) = app.rpc("catalog/list", &staff, json!({})).await;
    assert_eq!((status, products.as_array().map(Vec::len)), (200, Some(26)));
    let change = json!({"id": report.business_id, "changes": {"auto_confirm": true}});
    let (status, error, _) = app.rpc("business/update", &staff, change.clone()).await;
    assert_eq!(status, 403, "{error}");
    let owner = app.session_cookie("owner@pizzapalace.example").await;
    let (status, business, _) = app.rpc("business/update", &owner, change).await;
    assert_eq!((status, &business["settings"]["auto_confirm"]), (200, &json!(true)));

    let (status, _, _) = app
        .rpc("orders/list", "novi_session=forged", json!({"query": {}}))
        .await;
    assert_eq!(status, 401);
    let (status, _, cleared) = app.rpc("account/logout", &staff, json!({})).await;
    assert_eq!(status, 200);
    assert!(cleared.unwrap().contains("Max-Age=0"));
    app.stop().await;
}
