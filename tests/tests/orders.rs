//! Reading orders over the REST API: filters, pagination, roles and tenant isolation.

use chrono::{DateTime, Duration, Utc};
use entity::orders;
use novi_tests::{DEMO_PASSWORD, Engine, on_every_engine, spawn_app};
use reqwest::Method;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Statement, sea_query::Expr};
use serde_json::{Value, json};

on_every_engine!(
    the_order_list_pages_and_filters,
    another_business_sees_nothing_of_pizza_palace,
    roles_and_bad_filters_are_answered_clearly,
    the_business_shows_its_settings_and_stats,
    the_running_totals_follow_every_write,
    deep_pages_and_dated_totals_match_the_orders,
    each_write_shows_in_the_next_list,
);

async fn the_order_list_pages_and_filters(engine: Engine) {
    let app = spawn_app(engine).await;
    app.seed_demo(120).await;
    let token = app.token("staff@pizzapalace.example", DEMO_PASSWORD).await;

    let (status, body) = app.get_json("/api/orders?limit=50", &token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["success"], true);
    assert_eq!(
        body["pagination"],
        serde_json::json!({"page": 1, "limit": 50, "total": 120, "pages": 3})
    );
    let orders = body["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 50);
    let created: Vec<&str> = orders.iter().map(|o| o["created_at"].as_str().unwrap()).collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let first = &orders[0];
    assert!(
        first["items"].as_array().is_some_and(|items| !items.is_empty()),
        "{first}"
    );
    assert!(first["total_amount"].is_f64(), "amounts are decimals: {first}");

    let (_, last_page) = app.get_json("/api/orders?limit=50&page=3", &token).await;
    assert_eq!(last_page["orders"].as_array().unwrap().len(), 20);
    let ids = |body: &Value| {
        body["orders"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    let (_, second_page) = app.get_json("/api/orders?limit=50&page=2", &token).await;
    let mut all = [ids(&body), ids(&second_page), ids(&last_page)].concat();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), 120, "pages neither overlap nor skip");

    let (_, delivered) = app.get_json("/api/orders?status=delivered&limit=100", &token).await;
    assert!(
        delivered["orders"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["status"] == "delivered")
    );
    assert!(delivered["pagination"]["total"].as_u64().unwrap() > 0);

    let (_, future) = app.get_json("/api/orders?date_from=2999-01-01", &token).await;
    assert_eq!(future["pagination"]["total"], 0);
    let (_, past) = app.get_json("/api/orders?date_to=2000-01-01", &token).await;
    assert_eq!(past["pagination"]["total"], 0);

    let name = first["customer_name"]
        .as_str()
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_lowercase();
    let (_, found) = app.get_json(&format!("/api/orders?q={name}&limit=100"), &token).await;
    let matches = found["orders"].as_array().unwrap();
    assert!(!matches.is_empty());
    assert!(
        matches
            .iter()
            .all(|o| o["customer_name"].as_str().unwrap().to_lowercase().contains(&name))
    );
    let (_, wildcard) = app.get_json("/api/orders?q=%25", &token).await;
    assert_eq!(wildcard["pagination"]["total"], 0, "% is searched for literally");

    let (_, by_total) = app.get_json("/api/orders?sort=total_amount&limit=100", &token).await;
    let totals: Vec<f64> = by_total["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["total_amount"].as_f64().unwrap())
        .collect();
    assert!(totals.windows(2).all(|w| w[0] <= w[1]), "ascending by total");

    let id = first["id"].as_i64().unwrap();
    let (status, one) = app.get_json(&format!("/api/orders/{id}"), &token).await;
    assert_eq!(status, 200);
    assert_eq!(one["order"]["id"], id);
    assert_eq!(one["order"]["items"], first["items"]);
    app.stop().await;
}

async fn another_business_sees_nothing_of_pizza_palace(engine: Engine) {
    let app = spawn_app(engine).await;
    let report = app.seed_demo(30).await;
    let pizza_owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;
    let (_, list) = app.get_json("/api/orders?limit=1", &pizza_owner).await;
    let pizza_order = list["orders"][0]["id"].as_i64().unwrap();

    let other = app.register_owner("owner@bakery.example", "Corner Bakery").await;
    let (status, body) = app
        .get_json(&format!("/api/orders?business_id={}", report.business_id), &other)
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["pagination"]["total"], 0,
        "business_id from a non-admin is ignored"
    );

    for path in [
        format!("/api/orders/{pizza_order}"),
        format!("/api/businesses/{}", report.business_id),
    ] {
        let (status, body) = app.get_json(&path, &other).await;
        assert_eq!(status, 404, "{path}: {body}");
        assert_eq!(body["error"]["code"], "not_found");
    }
    let (status, _) = app.get_json("/api/orders/999999", &pizza_owner).await;
    assert_eq!(status, 404, "a missing order looks the same as another tenant's");
    app.stop().await;
}

async fn roles_and_bad_filters_are_answered_clearly(engine: Engine) {
    let app = spawn_app(engine).await;
    app.seed_demo(5).await;
    let driver = app.token("driver@pizzapalace.example", DEMO_PASSWORD).await;
    let (status, body) = app.get_json("/api/orders", &driver).await;
    assert_eq!(status, 403, "drivers see deliveries, not the order board: {body}");
    assert_eq!(body["error"]["code"], "forbidden");

    let staff = app.token("staff@pizzapalace.example", DEMO_PASSWORD).await;
    let (status, body) = app
        .get_json("/api/orders?status=shipped&limit=1000&page=0&sort=price", &staff)
        .await;
    assert_eq!(status, 422);
    for field in ["status", "limit", "page", "sort"] {
        assert!(body["error"]["fields"][field].is_string(), "{field}: {body}");
    }
    let (status, _) = app.get_json("/api/orders?page=18446744073709551615", &staff).await;
    assert_eq!(status, 422, "a page past any list");
    let (status, _) = app.get_json("/api/orders?page=two", &staff).await;
    assert_eq!(status, 422, "a page that is not a number");
    let (status, body) = app.get_json("/api/orders/abc", &staff).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(app.get("/api/orders").await.status(), 401, "signed out");
    app.stop().await;
}

async fn the_business_shows_its_settings_and_stats(engine: Engine) {
    let app = spawn_app(engine).await;
    let report = app.seed_demo(200).await;
    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;
    let (status, body) = app
        .get_json(&format!("/api/businesses/{}", report.business_id), &owner)
        .await;
    assert_eq!(status, 200, "{body}");
    let business = &body["business"];
    assert_eq!(business["short_code"], "PIZZA001");
    assert_eq!(business["currency"], "USD");
    assert_eq!(business["settings"]["delivery_fee"], 2.99, "amounts are decimals");
    assert_eq!(business["stats"]["total_orders"], 200);
    let revenue = business["stats"]["total_revenue"].as_f64().unwrap();
    assert!(revenue > 200.0 * 5.0, "{revenue}");
    let active = business["stats"]["active_customers"].as_u64().unwrap();
    assert!(active > 0 && active <= 40, "{active}");
    app.stop().await;
}

/// Orders per status and what they add up to, counted from `orders` itself and as kept.
async fn totals(db: &DatabaseConnection) -> (Vec<(String, i64, i64)>, Vec<(String, i64, i64)>) {
    let rows = |sql: &str| {
        let statement = Statement::from_string(db.get_database_backend(), sql.to_string());
        async move {
            db.query_all_raw(statement)
                .await
                .unwrap()
                .iter()
                .map(|row| {
                    (
                        row.try_get_by_index::<String>(0).unwrap(),
                        row.try_get_by_index::<i64>(1).unwrap(),
                        row.try_get_by_index::<i64>(2).unwrap(),
                    )
                })
                .collect()
        }
    };
    let counted =
        rows("SELECT status, COUNT(*), CAST(SUM(total_amount) AS BIGINT) FROM orders GROUP BY status ORDER BY status")
            .await;
    let kept = rows("SELECT status, orders, amount FROM order_tallies WHERE orders > 0 ORDER BY status").await;
    (counted, kept)
}

async fn the_running_totals_follow_every_write(engine: Engine) {
    let app = spawn_app(engine).await;
    let report = app.seed_demo(60).await;
    let (counted, kept) = totals(&app.db).await;
    assert_eq!(kept, counted, "seeded orders are tallied");

    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;
    let new_order = json!({"customer_name": "Tally", "items": [{"name": "Garlic Bread", "quantity": 2}]});
    let (status, created) = app.send(Method::POST, "/api/orders", &owner, new_order).await;
    assert_eq!(status, 201, "{created}");
    let id = created["order"]["id"].as_i64().unwrap();
    let bigger = json!({"items": [{"name": "Garlic Bread", "quantity": 5}]});
    let (status, edited) = app
        .send(Method::PATCH, &format!("/api/orders/{id}"), &owner, bigger)
        .await;
    assert_eq!(status, 200, "{edited}");
    for step in ["confirmed", "cancelled"] {
        let path = format!("/api/orders/{id}/status");
        let (status, body) = app.send(Method::POST, &path, &owner, json!({"status": step})).await;
        assert_eq!(status, 200, "{body}");
    }
    let (counted, kept) = totals(&app.db).await;
    assert_eq!(
        kept, counted,
        "created, edited, confirmed and cancelled orders are tallied"
    );

    let (_, listed) = app.get_json("/api/orders?status=cancelled", &owner).await;
    let cancelled = counted.iter().find(|(status, ..)| status == "cancelled").unwrap().1;
    assert_eq!(listed["pagination"]["total"], cancelled);
    let (_, business) = app
        .get_json(&format!("/api/businesses/{}", report.business_id), &owner)
        .await;
    assert_eq!(business["business"]["stats"]["total_orders"], 61);
    app.stop().await;
}

/// Pages past the first few begin where the 15-minute summaries say, and dated totals are summed
/// from them: every page of every filter is checked against the orders sorted here, with many
/// orders to a slot, orders sharing an instant, and ranges that start and end inside a slot.
async fn deep_pages_and_dated_totals_match_the_orders(engine: Engine) {
    let app = spawn_app(engine).await;
    let report = app.seed_demo(700).await;
    let token = app.token("staff@pizzapalace.example", DEMO_PASSWORD).await;
    let base: DateTime<Utc> = "2026-11-20T10:05:00Z".parse().unwrap();
    let ids: Vec<i64> = orders::Entity::find()
        .filter(orders::Column::BusinessId.eq(report.business_id))
        .all(&app.db)
        .await
        .unwrap()
        .iter()
        .map(|order| order.id)
        .collect();
    // 50 instants three minutes apart (ten slots), about 14 orders at each.
    for step in 0..50 {
        let at = base + Duration::minutes(3 * step) + Duration::milliseconds(step * 7);
        let group: Vec<i64> = ids.iter().copied().filter(|id| id * 37 % 50 == step).collect();
        orders::Entity::update_many()
            .col_expr(orders::Column::CreatedAt, Expr::value(at))
            .filter(orders::Column::Id.is_in(group))
            .exec(&app.db)
            .await
            .unwrap();
    }
    let all = orders::Entity::find()
        .filter(orders::Column::BusinessId.eq(report.business_id))
        .all(&app.db)
        .await
        .unwrap();

    let ranges = [
        (None, None),
        (Some("2026-11-20"), Some("2026-11-20")),
        (Some("2026-11-20T10:20:00Z"), Some("2026-11-20T12:07:30Z")),
        (Some("2026-11-20T10:50:00Z"), None),
    ];
    for status in [None, Some("pending"), Some("delivered")] {
        for (from, to) in ranges {
            for ascending in [false, true] {
                let mut expected: Vec<&orders::Model> = all
                    .iter()
                    .filter(|order| status.is_none_or(|status| order.status.as_str() == status))
                    .filter(|order| from.is_none_or(|from| order.created_at >= bound(from, false)))
                    .filter(|order| to.is_none_or(|to| order.created_at <= bound(to, true)))
                    .collect();
                expected.sort_by_key(|order| (order.created_at, order.id));
                if !ascending {
                    expected.reverse();
                }
                let expected: Vec<i64> = expected.iter().map(|order| order.id).collect();
                let mut query = format!(
                    "/api/orders?limit=23&sort={}",
                    if ascending { "created_at" } else { "-created_at" }
                );
                for (name, value) in [("status", status), ("date_from", from), ("date_to", to)] {
                    if let Some(value) = value {
                        query.push_str(&format!("&{name}={value}"));
                    }
                }
                let mut listed = Vec::new();
                for page in 1.. {
                    let (status, body) = app.get_json(&format!("{query}&page={page}"), &token).await;
                    assert_eq!(status, 200, "{query}: {body}");
                    assert_eq!(body["pagination"]["total"], expected.len(), "{query}");
                    let orders = body["orders"].as_array().unwrap();
                    if orders.is_empty() {
                        break;
                    }
                    listed.extend(orders.iter().map(|order| order["id"].as_i64().unwrap()));
                }
                assert_eq!(listed, expected, "{query}");
            }
        }
    }
    app.stop().await;
}

/// What the API makes of a `date_from` or `date_to`: a date is its whole UTC day.
fn bound(raw: &str, end_of_day: bool) -> DateTime<Utc> {
    match raw.parse::<DateTime<Utc>>() {
        Ok(at) => at,
        Err(_) if end_of_day => format!("{raw}T23:59:59.999999999Z").parse().unwrap(),
        Err(_) => format!("{raw}T00:00:00Z").parse().unwrap(),
    }
}

/// Lists are kept for a moment after they are answered, yet every write shows in the very next
/// list: the same page, asked again right after each change.
async fn each_write_shows_in_the_next_list(engine: Engine) {
    let app = spawn_app(engine).await;
    let business = format!("/api/businesses/{}", app.seed_demo(30).await.business_id);
    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;
    let newest = "/api/orders?limit=5";
    let confirmed = "/api/orders?status=confirmed&limit=100";
    let (_, before) = app.get_json(newest, &owner).await;
    let (_, confirmed_before) = app.get_json(confirmed, &owner).await;
    let (_, stats_before) = app.get_json(&business, &owner).await;
    let total = before["pagination"]["total"].as_i64().unwrap();
    let confirmed_total = confirmed_before["pagination"]["total"].as_i64().unwrap();

    let new_order = json!({"customer_name": "Kept", "items": [{"name": "Garlic Bread", "quantity": 1}]});
    let (status, created) = app.send(Method::POST, "/api/orders", &owner, new_order).await;
    assert_eq!(status, 201, "{created}");
    let id = created["order"]["id"].as_i64().unwrap();
    let (_, listed) = app.get_json(newest, &owner).await;
    assert_eq!(listed["orders"][0]["id"], id, "a new order heads the list");
    assert_eq!(listed["pagination"]["total"], total + 1);
    let (_, stats) = app.get_json(&business, &owner).await;
    assert_eq!(
        stats["business"]["stats"]["total_orders"],
        stats_before["business"]["stats"]["total_orders"].as_i64().unwrap() + 1,
        "the business's numbers count it"
    );

    let path = format!("/api/orders/{id}");
    let (status, body) = app
        .send(Method::PATCH, &path, &owner, json!({"notes": "ring twice"}))
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, listed) = app.get_json(newest, &owner).await;
    assert_eq!(listed["orders"][0]["notes"], "ring twice", "an edit shows");

    let (status, body) = app
        .send(
            Method::POST,
            &format!("{path}/status"),
            &owner,
            json!({"status": "confirmed"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, listed) = app.get_json(confirmed, &owner).await;
    assert_eq!(
        listed["pagination"]["total"],
        confirmed_total + 1,
        "a status change shows"
    );
    assert!(
        listed["orders"]
            .as_array()
            .unwrap()
            .iter()
            .any(|order| order["id"] == id)
    );

    let drivers = app.get_json("/api/drivers", &owner).await.1["drivers"].clone();
    let driver = drivers[0]["id"].clone();
    let (status, body) = app
        .send(
            Method::POST,
            &format!("{path}/delivery"),
            &owner,
            json!({"driver_id": driver}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, listed) = app.get_json(newest, &owner).await;
    assert_eq!(listed["orders"][0]["delivery"]["driver_id"], driver, "a delivery shows");
    app.stop().await;
}
