//! Analytics over the REST API and the dashboard's server function: every series counted
//! exactly from orders placed at known local times, days in the business's time zone (across
//! a clock change too), other businesses never counted, ranges and roles checked, CSV files.

use chrono::Duration;
use entity::{
    businesses, customers, deliveries, drivers,
    enums::{DeliveryStatus, OrderSource, OrderStatus},
    order_items, orders,
};
use novi_tests::{DEMO_PASSWORD, Engine, TestApp, at, on_every_engine, spawn_app, summaries};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};

on_every_engine!(
    every_series_is_counted_exactly,
    days_follow_the_local_clock_and_stay_within_the_business,
    csv_files_and_charts_hold_the_same_numbers,
    ranges_and_roles_are_checked,
    summaries_follow_every_change,
);

const WEEK: &str = "from=2026-03-01&to=2026-03-07";

/// A business made by registering its owner, filled straight into the database.
struct Shop {
    db: DatabaseConnection,
    id: i64,
    token: String,
    orders: i64,
}

impl Shop {
    async fn open(app: &TestApp, email: &str, name: &str, timezone: &str) -> Self {
        let token = app.register_owner(email, name).await;
        let business = businesses::Entity::find()
            .filter(businesses::Column::Name.eq(name))
            .one(&app.db)
            .await
            .unwrap()
            .expect("the business");
        let mut changed: businesses::ActiveModel = business.clone().into();
        changed.timezone = Set(timezone.into());
        changed.update(&app.db).await.unwrap();
        Self {
            db: app.db.clone(),
            id: business.id,
            token,
            orders: 0,
        }
    }

    async fn customer(&self, phone: &str) -> i64 {
        customers::ActiveModel {
            business_id: Set(self.id),
            phone: Set(phone.into()),
            created_at: Set(at("2026-01-01T00:00:00Z")),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .unwrap()
        .id
    }

    async fn driver(&self, name: &str) -> i64 {
        drivers::ActiveModel {
            business_id: Set(self.id),
            name: Set(name.into()),
            phone: Set("+15550000000".into()),
            is_active: Set(true),
            created_at: Set(at("2026-01-01T00:00:00Z")),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .unwrap()
        .id
    }

    /// An order received at `received`, with its later steps that many seconds after it and
    /// its lines as (name, quantity, line total in cents).
    async fn order(
        &mut self,
        received: &str,
        status: OrderStatus,
        total: i64,
        customer: Option<i64>,
        steps: &[(&str, i64)],
        lines: &[(&str, f64, i64)],
    ) -> i64 {
        self.orders += 1;
        let received = at(received);
        let mut times = serde_json::Map::new();
        times.insert("received".into(), json!(received.to_rfc3339()));
        for (step, seconds) in steps {
            times.insert(
                (*step).into(),
                json!((received + Duration::seconds(*seconds)).to_rfc3339()),
            );
        }
        let order = orders::ActiveModel {
            business_id: Set(self.id),
            order_number: Set(self.orders),
            customer_id: Set(customer),
            source: Set(OrderSource::Manual),
            status: Set(status),
            subtotal: Set(total),
            delivery_fee: Set(0),
            total_amount: Set(total),
            currency: Set("USD".into()),
            response_times: Set(Value::Object(times)),
            created_at: Set(received),
            updated_at: Set(received),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .unwrap();
        for (name, quantity, line_total) in lines {
            order_items::ActiveModel {
                order_id: Set(order.id),
                name: Set((*name).into()),
                modifiers: Set(json!([])),
                quantity: Set(*quantity),
                unit_price: Set((*line_total as f64 / quantity).round() as i64),
                line_total: Set(*line_total),
                ..Default::default()
            }
            .insert(&self.db)
            .await
            .unwrap();
        }
        order.id
    }

    async fn delivery(&self, order_id: i64, driver_id: i64, assigned: &str, delivered: Option<&str>) {
        deliveries::ActiveModel {
            business_id: Set(self.id),
            order_id: Set(order_id),
            driver_id: Set(Some(driver_id)),
            status: Set(if delivered.is_some() {
                DeliveryStatus::Delivered
            } else {
                DeliveryStatus::Assigned
            }),
            tracking_token: Set(format!("token-{order_id}")),
            assigned_at: Set(at(assigned)),
            delivered_at: Set(delivered.map(at)),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .unwrap();
    }
}

/// São Paulo (UTC−3 all year) and a week of orders, 2026-03-01 (a Sunday) to 03-07, plus some
/// just outside it. Local times are in the comments.
async fn pizza_week(app: &TestApp) -> Shop {
    use OrderStatus::*;
    let mut shop = Shop::open(app, "owner@pizza-sp.example", "Pizza SP", "America/Sao_Paulo").await;
    let (ana, bruno, carla) = (
        shop.customer("+5511900000001").await,
        shop.customer("+5511900000002").await,
        shop.customer("+5511900000003").await,
    );
    let (dana, eli) = (shop.driver("Dana").await, shop.driver("Eli").await);

    // Feb 20 09:00: Carla's first order, before the range.
    let before = shop
        .order("2026-02-20T12:00:00Z", Delivered, 999, Some(carla), &[], &[])
        .await;
    shop.delivery(before, dana, "2026-02-20T12:10:00Z", Some("2026-02-20T12:40:00Z"))
        .await;
    // Sun Mar 1 23:30: Ana's first order; confirmed after 60 s, delivered 1740 s later.
    let first = shop
        .order(
            "2026-03-02T02:30:00Z",
            Delivered,
            1000,
            Some(ana),
            &[("confirmed", 60), ("delivered", 1800)],
            &[("Margherita", 2.0, 800), ("Coke", 1.0, 200)],
        )
        .await;
    shop.delivery(first, dana, "2026-03-02T02:40:00Z", Some("2026-03-02T03:00:00Z"))
        .await;
    // Mon Mar 2 12:00: Ana again.
    let second = shop
        .order(
            "2026-03-02T15:00:00Z",
            Confirmed,
            2500,
            Some(ana),
            &[("confirmed", 120)],
            &[("Margherita", 1.0, 400), ("Pepperoni", 3.0, 2100)],
        )
        .await;
    shop.delivery(second, eli, "2026-03-02T15:05:00Z", None).await;
    // Mon Mar 2 13:00: Bruno's first order, cancelled: no revenue, no products.
    shop.order(
        "2026-03-02T16:00:00Z",
        Cancelled,
        5000,
        Some(bruno),
        &[("cancelled", 30)],
        &[("Pepperoni", 10.0, 5000)],
    )
    .await;
    // Wed Mar 4 15:00: four quick ones, confirmed after 10, 20, 30 and 40 s.
    for seconds in [40, 10, 30, 20] {
        shop.order(
            "2026-03-04T18:00:00Z",
            Confirmed,
            100,
            None,
            &[("confirmed", seconds)],
            &[],
        )
        .await;
    }
    // Thu Mar 5 09:00: Carla comes back; confirmed after 300 s, delivered 2400 s later.
    let fourth = shop
        .order(
            "2026-03-05T12:00:00Z",
            Delivered,
            1500,
            Some(carla),
            &[("confirmed", 300), ("delivered", 2700)],
            &[("Margherita", 1.0, 400), ("Coke", 5.0, 1100)],
        )
        .await;
    shop.delivery(fourth, dana, "2026-03-05T12:10:00Z", Some("2026-03-05T12:45:00Z"))
        .await;
    // Sat Mar 7 23:59, the last minute of the range.
    shop.order("2026-03-08T02:59:00Z", Pending, 700, None, &[], &[("Coke", 1.0, 700)])
        .await;
    // Sun Mar 8 00:00: the range is over.
    shop.order("2026-03-08T03:00:00Z", Pending, 100_000, Some(bruno), &[], &[])
        .await;
    shop
}

async fn every_series_is_counted_exactly(engine: Engine) {
    let app = spawn_app(engine).await;
    let shop = pizza_week(&app).await;

    let (status, body) = app.get_json(&format!("/api/analytics?{WEEK}"), &shop.token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["success"], true);
    let report = &body["analytics"];
    assert_eq!(report["business_id"], shop.id);
    assert_eq!(report["from"], "2026-03-01");
    assert_eq!(report["to"], "2026-03-07");
    assert_eq!(report["timezone"], "America/Sao_Paulo");
    assert_eq!(
        report["summary"],
        json!({
            "orders": 9, "cancelled": 1, "revenue": 61.0, "average_order": 7.625,
            "median_response_seconds": 40.0, "median_delivery_seconds": 2400.0, "new_customers": 2,
        })
    );
    assert_eq!(
        report["revenue_by_day"],
        json!([
            {"date": "2026-03-01", "orders": 1, "revenue": 10.0},
            {"date": "2026-03-02", "orders": 1, "revenue": 25.0},
            {"date": "2026-03-03", "orders": 0, "revenue": 0.0},
            {"date": "2026-03-04", "orders": 4, "revenue": 4.0},
            {"date": "2026-03-05", "orders": 1, "revenue": 15.0},
            {"date": "2026-03-06", "orders": 0, "revenue": 0.0},
            {"date": "2026-03-07", "orders": 1, "revenue": 7.0},
        ])
    );
    assert_eq!(
        report["revenue_by_week"],
        json!([
            {"date": "2026-02-23", "orders": 1, "revenue": 10.0},
            {"date": "2026-03-02", "orders": 7, "revenue": 51.0},
        ])
    );
    assert_eq!(
        report["orders_by_status"],
        json!([
            {"status": "pending", "orders": 1},
            {"status": "needs_review", "orders": 0},
            {"status": "confirmed", "orders": 5},
            {"status": "preparing", "orders": 0},
            {"status": "out_for_delivery", "orders": 0},
            {"status": "delivered", "orders": 2},
            {"status": "cancelled", "orders": 1},
        ])
    );
    assert_eq!(
        report["top_products_by_quantity"],
        json!([
            {"name": "Coke", "quantity": 7.0, "revenue": 20.0},
            {"name": "Margherita", "quantity": 4.0, "revenue": 16.0},
            {"name": "Pepperoni", "quantity": 3.0, "revenue": 21.0},
        ])
    );
    let by_revenue: Vec<&str> = report["top_products_by_revenue"]
        .as_array()
        .unwrap()
        .iter()
        .map(|product| product["name"].as_str().unwrap())
        .collect();
    assert_eq!(by_revenue, ["Pepperoni", "Coke", "Margherita"]);

    let hours: Vec<(u64, u64)> = report["orders_by_hour"]
        .as_array()
        .unwrap()
        .iter()
        .map(|count| (count["hour"].as_u64().unwrap(), count["orders"].as_u64().unwrap()))
        .filter(|(_, orders)| *orders > 0)
        .collect();
    assert_eq!(hours, [(9, 1), (12, 1), (13, 1), (15, 4), (23, 2)]);
    assert_eq!(report["orders_by_hour"].as_array().unwrap().len(), 24);
    assert_eq!(
        report["orders_by_weekday"],
        json!([
            {"weekday": "Mon", "orders": 2}, {"weekday": "Tue", "orders": 0},
            {"weekday": "Wed", "orders": 4}, {"weekday": "Thu", "orders": 1},
            {"weekday": "Fri", "orders": 0}, {"weekday": "Sat", "orders": 1},
            {"weekday": "Sun", "orders": 1},
        ])
    );

    let day = |series: &str, date: &str| {
        report[series]
            .as_array()
            .unwrap()
            .iter()
            .find(|point| point["date"] == date)
            .cloned()
            .unwrap_or_else(|| panic!("{series} has {date}"))
    };
    assert_eq!(report["response_times"].as_array().unwrap().len(), 7);
    assert_eq!(
        day("response_times", "2026-03-04"),
        json!({"date": "2026-03-04", "count": 4, "median_seconds": 30.0, "p90_seconds": 40.0})
    );
    assert_eq!(
        day("response_times", "2026-03-01"),
        json!({"date": "2026-03-01", "count": 1, "median_seconds": 60.0, "p90_seconds": 60.0})
    );
    assert_eq!(
        day("response_times", "2026-03-03"),
        json!({"date": "2026-03-03", "count": 0, "median_seconds": null, "p90_seconds": null})
    );
    assert_eq!(day("response_times", "2026-03-02")["median_seconds"], 120.0);
    assert_eq!(day("response_times", "2026-03-05")["median_seconds"], 300.0);
    assert_eq!(day("delivery_times", "2026-03-01")["median_seconds"], 1740.0);
    assert_eq!(day("delivery_times", "2026-03-05")["p90_seconds"], 2400.0);
    assert_eq!(day("delivery_times", "2026-03-04")["count"], 0);

    assert_eq!(
        day("customers", "2026-03-01"),
        json!({"date": "2026-03-01", "new": 1, "returning": 0})
    );
    assert_eq!(
        day("customers", "2026-03-02"),
        json!({"date": "2026-03-02", "new": 1, "returning": 1})
    );
    assert_eq!(
        day("customers", "2026-03-05"),
        json!({"date": "2026-03-05", "new": 0, "returning": 1})
    );
    assert_eq!(
        day("customers", "2026-03-07"),
        json!({"date": "2026-03-07", "new": 0, "returning": 0})
    );

    let drivers: Vec<Value> = report["deliveries_by_driver"]
        .as_array()
        .unwrap()
        .iter()
        .map(|driver| json!([driver["driver"], driver["deliveries"], driver["delivered"]]))
        .collect();
    assert_eq!(drivers, [json!(["Dana", 2, 2]), json!(["Eli", 1, 0])]);
    app.stop().await;
}

async fn days_follow_the_local_clock_and_stay_within_the_business(engine: Engine) {
    let app = spawn_app(engine).await;
    let pizza = pizza_week(&app).await;
    // New York moves its clocks forward at 02:00 on Sunday, March 8, 2026.
    let mut bakery = Shop::open(&app, "owner@night-owl.example", "Night Owl Bakery", "America/New_York").await;
    bakery
        .order(
            "2026-03-08T04:30:00Z",
            OrderStatus::Delivered,
            300,
            None,
            &[],
            &[("Bagel", 1.0, 300)],
        )
        .await; // Sat Mar 7 23:30 EST
    bakery
        .order(
            "2026-03-09T04:30:00Z",
            OrderStatus::Delivered,
            400,
            None,
            &[],
            &[("Bagel", 2.0, 400)],
        )
        .await; // Mon Mar 9 00:30 EDT
    bakery
        .order("2026-03-10T04:00:00Z", OrderStatus::Delivered, 900, None, &[], &[])
        .await; // Tue Mar 10 00:00 EDT: after the range

    let (status, body) = app
        .get_json("/api/analytics?from=2026-03-07&to=2026-03-09", &bakery.token)
        .await;
    assert_eq!(status, 200, "{body}");
    let report = &body["analytics"];
    assert_eq!(
        report["revenue_by_day"],
        json!([
            {"date": "2026-03-07", "orders": 1, "revenue": 3.0},
            {"date": "2026-03-08", "orders": 0, "revenue": 0.0},
            {"date": "2026-03-09", "orders": 1, "revenue": 4.0},
        ]),
        "Pizza SP's orders of those days are not the bakery's"
    );
    let hours: Vec<u64> = report["orders_by_hour"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|count| count["orders"] != 0)
        .map(|count| count["hour"].as_u64().unwrap())
        .collect();
    assert_eq!(hours, [0, 23]);
    assert_eq!(
        report["top_products_by_quantity"],
        json!([{"name": "Bagel", "quantity": 3.0, "revenue": 7.0}])
    );

    // Pizza SP's owner asking for the bakery gets Pizza SP all the same.
    let (status, body) = app
        .get_json(
            &format!("/api/analytics?{WEEK}&business_id={}", bakery.id),
            &pizza.token,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["analytics"]["business_id"], pizza.id);
    assert_eq!(body["analytics"]["summary"]["orders"], 9);
    assert!(
        !body["analytics"]["top_products_by_quantity"]
            .to_string()
            .contains("Bagel")
    );
    app.stop().await;
}

async fn csv_files_and_charts_hold_the_same_numbers(engine: Engine) {
    let app = spawn_app(engine).await;
    let shop = pizza_week(&app).await;
    let download = |path: String| app.client.get(app.url(&path)).bearer_auth(&shop.token).send();

    let response = download(format!("/api/analytics/revenue_by_day.csv?{WEEK}"))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"revenue_by_day-2026-03-01-2026-03-07.csv\""
    );
    assert_eq!(
        response.text().await.unwrap(),
        "date,orders,revenue\n2026-03-01,1,10.00\n2026-03-02,1,25.00\n2026-03-03,0,0.00\n\
         2026-03-04,4,4.00\n2026-03-05,1,15.00\n2026-03-06,0,0.00\n2026-03-07,1,7.00\n"
    );
    let csv = |chart: &'static str| {
        let request = download(format!("/api/analytics/{chart}.csv?{WEEK}"));
        async move {
            let response = request.await.unwrap();
            assert_eq!(response.status(), 200, "{chart}");
            response.text().await.unwrap()
        }
    };
    assert_eq!(
        csv("top_products_by_revenue").await,
        "rank,product,quantity,revenue\n1,Pepperoni,3,21.00\n2,Coke,7,20.00\n3,Margherita,4,16.00\n"
    );
    let responses = csv("response_times").await;
    assert!(
        responses.starts_with("date,orders,median_seconds,p90_seconds\n2026-03-01,1,60,60\n"),
        "{responses}"
    );
    assert!(responses.contains("\n2026-03-03,0,,\n"), "{responses}");
    assert!(responses.contains("\n2026-03-04,4,30,40\n"), "{responses}");
    let dana = driver_id(&app, "Dana").await;
    let eli = driver_id(&app, "Eli").await;
    assert_eq!(
        csv("deliveries_by_driver").await,
        format!("driver_id,driver,deliveries,delivered\n{dana},Dana,2,2\n{eli},Eli,1,0\n")
    );
    assert_eq!(
        csv("orders_by_weekday").await,
        "weekday,orders\nMon,2\nTue,0\nWed,4\nThu,1\nFri,0\nSat,1\nSun,1\n"
    );

    let response = download(format!("/api/analytics/orders.csv?{WEEK}")).await.unwrap();
    assert_eq!(response.status(), 404, "no such chart");
    let response = download(format!("/api/analytics/revenue_by_day?{WEEK}")).await.unwrap();
    assert_eq!(response.status(), 404, "CSV files end in .csv");
    let response = download("/api/analytics/customers.csv?from=2026-03-07&to=2026-03-01".into())
        .await
        .unwrap();
    assert_eq!(response.status(), 422);

    // The dashboard's server function: the same report, each chart drawn as SVG, and an
    // empty state where the range has nothing to show.
    let response = app
        .client
        .post(app.url("/rpc/analytics/page"))
        .header("cookie", format!("novi_session={}", shop.token))
        .json(&json!({"query": {"from": "2026-03-01", "to": "2026-03-07"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let page: Value = response.json().await.unwrap();
    assert_eq!(page["report"]["summary"]["orders"], 9);
    let charts = page["charts"].as_array().unwrap();
    assert_eq!(charts.len(), 11);
    for chart in charts {
        let svg = chart["svg"]
            .as_str()
            .unwrap_or_else(|| panic!("{} is drawn", chart["key"]));
        assert!(svg.starts_with("<svg ") && svg.trim_end().ends_with("</svg>"), "{svg}");
        assert!(svg.contains("viewBox=\"0 0 400 260\""), "{svg}");
        assert!(!svg.contains("style"), "no inline styles for the page's CSP: {svg}");
    }
    let coke = charts
        .iter()
        .find(|chart| chart["key"] == "top_products_by_quantity")
        .unwrap();
    assert!(coke["svg"].as_str().unwrap().contains("Margherita"));

    let response = app
        .client
        .post(app.url("/rpc/analytics/page"))
        .header("cookie", format!("novi_session={}", shop.token))
        .json(&json!({"query": {"from": "2025-03-01", "to": "2025-03-07"}}))
        .send()
        .await
        .unwrap();
    let page: Value = response.json().await.unwrap();
    assert_eq!(page["report"]["summary"]["orders"], 0);
    assert!(
        page["charts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|chart| chart["svg"].is_null())
    );
    app.stop().await;
}

async fn driver_id(app: &TestApp, name: &str) -> i64 {
    drivers::Entity::find()
        .filter(drivers::Column::Name.eq(name))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the driver")
        .id
}

async fn ranges_and_roles_are_checked(engine: Engine) {
    let app = spawn_app(engine).await;
    let demo = app.seed_demo(40).await;
    let staff = app.token("staff@pizzapalace.example", DEMO_PASSWORD).await;

    // The default: the last 30 days, today included, of the seeded history.
    let (status, body) = app.get_json("/api/analytics", &staff).await;
    assert_eq!(status, 200, "{body}");
    let report = &body["analytics"];
    assert_eq!(report["timezone"], "America/New_York");
    assert_eq!(report["revenue_by_day"].as_array().unwrap().len(), 30);
    let sold: u64 = report["revenue_by_day"]
        .as_array()
        .unwrap()
        .iter()
        .map(|day| day["orders"].as_u64().unwrap())
        .sum();
    assert_eq!(
        sold,
        report["summary"]["orders"].as_u64().unwrap() - report["summary"]["cancelled"].as_u64().unwrap()
    );

    for (query, field) in [
        ("from=2026-03-10&to=2026-03-01", "from"),
        ("from=2025-01-01&to=2026-01-02", "to"),
        ("from=yesterday", "from"),
        ("to=2026-02-30", "to"),
    ] {
        let (status, body) = app.get_json(&format!("/api/analytics?{query}"), &staff).await;
        assert_eq!(status, 422, "{query}: {body}");
        assert_eq!(body["error"]["code"], "validation");
        assert!(body["error"]["fields"][field].is_string(), "{query}: {body}");
    }
    let (status, _) = app
        .get_json("/api/analytics?from=2025-01-02&to=2026-01-02", &staff)
        .await;
    assert_eq!(status, 200, "366 days are allowed");
    let (status, body) = app.get_json("/api/analytics?business_id=abc", &staff).await;
    assert_eq!(status, 422, "{body}");

    let response = app.get("/api/analytics").await;
    assert_eq!(response.status(), 401);
    let driver = app.token("driver@pizzapalace.example", DEMO_PASSWORD).await;
    let (status, body) = app.get_json("/api/analytics", &driver).await;
    assert_eq!(status, 403, "{body}");

    // A platform admin names the business.
    let admin = app.token("admin@novi.example", DEMO_PASSWORD).await;
    let (status, body) = app.get_json("/api/analytics", &admin).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["error"]["fields"]["business_id"].is_string(), "{body}");
    let (status, body) = app
        .get_json(&format!("/api/analytics?business_id={}", demo.business_id), &admin)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["analytics"]["summary"], report["summary"]);
    let (status, _) = app.get_json("/api/analytics?business_id=999999", &admin).await;
    assert_eq!(status, 404);
    app.stop().await;
}

/// The 15-minute summaries the report reads must stay what summing the orders gives, through
/// everything that changes an order: created, edited, stamped step by step, delivered,
/// cancelled, and (straight in the database) brought back, its items changed.
async fn summaries_follow_every_change(engine: Engine) {
    let app = spawn_app(engine).await;
    let demo = app.seed_demo(30).await;
    let staff = app.token("staff@pizzapalace.example", DEMO_PASSWORD).await;
    let order = json!({"customer_phone": "+15550104444", "items": [{"name": "Coke", "quantity": 2}]});
    let mut ids = Vec::new();
    for _ in 0..3 {
        let (status, body) = app
            .send(reqwest::Method::POST, "/api/orders", &staff, order.clone())
            .await;
        assert_eq!(status, 201, "{body}");
        ids.push(body["order"]["id"].as_i64().unwrap());
    }
    let status_of = |id: i64, status: &str| {
        let (app, staff, status) = (&app, &staff, status.to_string());
        async move {
            let path = format!("/api/orders/{id}/status");
            let (code, body) = app
                .send(reqwest::Method::POST, &path, staff, json!({ "status": status }))
                .await;
            assert_eq!(code, 200, "{status}: {body}");
        }
    };
    let edit = json!({"items": [{"name": "Pizza Pepperoni", "quantity": 3, "variant": "Small"}, {"name": "Coke", "quantity": 1}]});
    let (code, body) = app
        .send(reqwest::Method::PATCH, &format!("/api/orders/{}", ids[0]), &staff, edit)
        .await;
    assert_eq!(code, 200, "{body}");
    for step in ["confirmed", "preparing", "out_for_delivery", "delivered"] {
        status_of(ids[0], step).await;
    }
    status_of(ids[1], "confirmed").await;
    status_of(ids[1], "cancelled").await;
    status_of(ids[2], "cancelled").await;
    summaries::expect_match(&app.db, demo.business_id).await;

    // What the API does not do, the triggers still follow.
    let mut back: orders::ActiveModel = orders::Entity::find_by_id(ids[2])
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    back.status = Set(OrderStatus::Pending);
    back.update(&app.db).await.unwrap();
    let item = order_items::Entity::find()
        .filter(order_items::Column::OrderId.eq(ids[0]))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut item: order_items::ActiveModel = item.into();
    item.quantity = Set(7.0);
    item.line_total = Set(7_000);
    item.name = Set("Renamed".into());
    item.update(&app.db).await.unwrap();
    summaries::expect_match(&app.db, demo.business_id).await;
    app.stop().await;
}
