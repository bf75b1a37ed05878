//! `novi seed`: the demo business with everything in it, and no duplicates on a second run.

use entity::{
    businesses, customers, deliveries, drivers,
    enums::{OrderStatus, Role},
    groups, inbound_messages, order_items, orders, products, users,
};
use migration::{Migrator, MigratorTrait};
use novi_tests::{Engine, TestDatabase, on_every_engine, summaries};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait,
    QueryFilter, Set, Statement,
};
use server::seed::{self, Options};

on_every_engine!(
    seeding_twice_creates_the_demo_once,
    seeded_orders_add_up,
    a_seed_waits_for_a_writer_at_work
);

async fn seeding_twice_creates_the_demo_once(engine: Engine) {
    let database = TestDatabase::create(&engine).await;
    let db = database.connect().await;
    Migrator::up(&db, None).await.unwrap();

    let first = seed::run(&db, options(None)).await.unwrap();
    assert!(first.business_created);
    assert_eq!(first.users_created.len(), 4);
    assert_eq!(first.generated_password, None, "the given password is used");
    let before = counts(&db).await;
    assert_eq!(before[..6], [1, 4, 26, 2, 3, 3_600]);

    let second = seed::run(&db, options(None)).await.unwrap();
    assert!(!second.business_created);
    assert_eq!(second.orders_created, 0);
    assert_eq!(counts(&db).await, before, "nothing is added the second time");

    let owner = users::Entity::find()
        .filter(users::Column::Email.eq(seed::OWNER_EMAIL))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(owner.role, Role::Owner);
    assert!(
        app::services::passwords::verify("demo-password".into(), owner.password_hash)
            .await
            .unwrap()
    );
    for name in ["Pizza Margherita", "Pizza Pepperoni", "Coke"] {
        let product = products::Entity::find()
            .filter(products::Column::Name.eq(name))
            .one(&db)
            .await
            .unwrap();
        assert!(product.is_some(), "{name} is on the menu");
    }
    db.close().await.unwrap();
}

/// Every order adds up, and so do the running totals and summaries the seed works out at the
/// end instead of row by row; after it the triggers keep them again. On PostgreSQL the tests
/// seed as a superuser, who turns the triggers off for its own session.
async fn seeded_orders_add_up(engine: Engine) {
    let database = TestDatabase::create(&engine).await;
    let db = database.connect().await;
    Migrator::up(&db, None).await.unwrap();
    seed_and_check(&db, &db).await;
    db.close().await.unwrap();
}

/// `novi seed` may run beside a serving Novi, whose writes must not make it fail: it waits for a
/// write begun before its own and then loads the orders.
async fn a_seed_waits_for_a_writer_at_work(engine: Engine) {
    let database = TestDatabase::create(&engine).await;
    let db = database.connect().await;
    Migrator::up(&db, None).await.unwrap();
    seed::run(&db, options(Some(0))).await.unwrap();

    let writer = app::services::transaction::begin(&db).await.unwrap();
    writer
        .execute_unprepared("UPDATE businesses SET updated_at = updated_at")
        .await
        .unwrap();
    let seeding = tokio::spawn({
        let db = db.clone();
        async move { seed::run(&db, options(Some(20))).await.map_err(|e| e.to_string()) }
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    writer.commit().await.unwrap();
    let report = seeding.await.unwrap().expect("the seed waits for the writer");
    assert_eq!(report.orders_created, 20);
    db.close().await.unwrap();
}

/// An owner of the tables who is not a superuser turns the triggers off for the tables instead,
/// and on again before the seed commits.
#[tokio::test]
async fn an_owner_who_is_not_a_superuser_seeds_too() {
    seed_as_a_role(true).await;
}

/// A role that may only write the rows leaves the triggers on: they keep the summaries.
#[tokio::test]
async fn a_role_that_owns_nothing_seeds_too() {
    seed_as_a_role(false).await;
}

async fn seed_as_a_role(owns_the_tables: bool) {
    let Some(engine) = Engine::postgres() else {
        eprintln!("skipped: NOVI_TEST_POSTGRES_URL is not set");
        return;
    };
    let database = TestDatabase::create(&engine).await;
    let db = database.connect().await;
    Migrator::up(&db, None).await.unwrap();
    let role = format!("novi_seeder_{owns_the_tables}_{}", std::process::id());
    let tables = ["orders", "order_items", "deliveries"];
    let mut grant = vec![
        format!("CREATE ROLE {role} LOGIN NOSUPERUSER"),
        format!("GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}"),
        format!("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}"),
    ];
    if owns_the_tables {
        grant.extend(tables.map(|table| format!("ALTER TABLE {table} OWNER TO {role}")));
    }
    for statement in grant {
        db.execute_unprepared(&statement).await.unwrap();
    }
    let mut url = reqwest::Url::parse(&database.url).unwrap();
    url.set_username(&role).unwrap();
    url.set_password(None).unwrap();
    let seeder = server::db::connect(url.as_str()).await.unwrap();
    seed_and_check(&seeder, &db).await;
    seeder.close().await.unwrap();

    let disabled = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT COUNT(*) FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'D'",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap();
    assert_eq!(disabled, 0, "every trigger is on again");
    for statement in [
        format!("REASSIGN OWNED BY {role} TO CURRENT_USER"),
        format!("DROP OWNED BY {role}"),
        format!("DROP ROLE {role}"),
    ] {
        db.execute_unprepared(&statement).await.unwrap();
    }
    db.close().await.unwrap();
}

/// Seeds 500 orders through `seeder` and checks them, and a later change, through `db`.
async fn seed_and_check(seeder: &DatabaseConnection, db: &DatabaseConnection) {
    let report = seed::run(seeder, options(Some(500))).await.unwrap();
    assert_eq!(report.orders_created, 500);

    let all = orders::Entity::find().all(db).await.unwrap();
    assert_eq!(all.len(), 500);
    let items = order_items::Entity::find().all(db).await.unwrap();
    for order in &all {
        let lines: Vec<_> = items.iter().filter(|item| item.order_id == order.id).collect();
        assert!(!lines.is_empty(), "order {} has items", order.id);
        let subtotal: i64 = lines.iter().map(|item| item.line_total).sum();
        assert_eq!(order.subtotal, subtotal, "order {}", order.id);
        assert_eq!(order.total_amount, order.subtotal + order.delivery_fee);
        assert!(order.response_times.get("received").is_some());
    }
    let mut numbers: Vec<i64> = all.iter().map(|order| order.order_number).collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=500).collect::<Vec<_>>(), "order numbers count up from 1");
    for status in [OrderStatus::Delivered, OrderStatus::Cancelled] {
        assert!(
            all.iter().any(|order| order.status == status),
            "some orders are {status}"
        );
    }
    assert!(
        all.iter().any(|order| order.status.is_active()),
        "some orders are in flight"
    );
    let customers = all
        .iter()
        .filter_map(|order| order.customer_id)
        .collect::<std::collections::HashSet<_>>();
    assert!(customers.len() < all.len() / 2, "customers come back");
    summaries::expect_match(db, report.business_id).await;

    let delivered = all.iter().find(|order| order.status == OrderStatus::Delivered).unwrap();
    let mut cancelled: orders::ActiveModel = delivered.clone().into();
    cancelled.status = Set(OrderStatus::Cancelled);
    cancelled.update(db).await.unwrap();
    summaries::expect_match(db, report.business_id).await;
}

fn options(orders: Option<u64>) -> Options {
    Options {
        password: Some("demo-password".into()),
        orders,
    }
}

async fn counts(db: &DatabaseConnection) -> Vec<u64> {
    vec![
        businesses::Entity::find().count(db).await.unwrap(),
        users::Entity::find().count(db).await.unwrap(),
        products::Entity::find().count(db).await.unwrap(),
        groups::Entity::find().count(db).await.unwrap(),
        drivers::Entity::find().count(db).await.unwrap(),
        orders::Entity::find().count(db).await.unwrap(),
        order_items::Entity::find().count(db).await.unwrap(),
        customers::Entity::find().count(db).await.unwrap(),
        deliveries::Entity::find().count(db).await.unwrap(),
        inbound_messages::Entity::find().count(db).await.unwrap(),
    ]
}
