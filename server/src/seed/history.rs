//! Order history with the rhythm of a real pizzeria: lunch and dinner peaks, busy weekends,
//! slow growth, regulars who come back, and every status an order can be in. Rows are written
//! in batches with ids chosen up front, all in one transaction with the summary triggers off
//! (`migration::bulk`), fast enough for a million orders; a seed cut short leaves nothing.

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc, Weekday};
use entity::{
    businesses, customers, deliveries, drivers,
    enums::{DeliveryStatus, Fulfilment, InboundStatus, OrderSource, OrderStatus, Transport},
    inbound_messages, order_items, orders, products,
};
use migration::bulk;
use rand::{Rng, SeedableRng, rngs::StdRng, seq::IndexedRandom};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter,
    QuerySelect, Set,
    sea_query::{Expr, Func},
};
use serde_json::{Map, Value, json};

use app::services::{products::stored_options, transaction};

use super::{SeedError, catalog};

const DAYS: i64 = 90;
const BATCH: usize = 1_000;
/// Hour-of-day weights in the business's local time: lunch and dinner peaks.
const HOURS: [f64; 24] = [
    0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.15, 0.6, 1.0, 0.8, 0.4, 0.25, 0.3, 0.6, 1.0, 1.3, 1.1, 0.7,
    0.3, 0.05,
];
/// The demo business is in New York; a fixed offset keeps the rhythm without a tz database.
const UTC_OFFSET_HOURS: i64 = -5;

pub struct Plan<'a> {
    pub business: &'a businesses::Model,
    pub catalog: &'a [products::Model],
    pub drivers: &'a [drivers::Model],
    pub group_id: i64,
    pub count: u64,
}

struct Product {
    id: i64,
    name: String,
    is_pizza: bool,
    base_price: i64,
    variants: Vec<(String, i64)>,
    modifiers: Vec<(String, i64)>,
}

struct Line {
    product: usize,
    variant: Option<usize>,
    modifiers: Vec<usize>,
    quantity: u32,
}

/// Ids to hand out, one counter per table.
struct Ids {
    inbound: i64,
    order: i64,
    item: i64,
    delivery: i64,
}

pub async fn generate(db: &DatabaseConnection, plan: Plan<'_>) -> Result<u64, SeedError> {
    if plan.count == 0 || plan.catalog.is_empty() {
        return Ok(0);
    }
    let mut rng = StdRng::seed_from_u64(0x5EED_0000 ^ plan.business.id as u64);
    let now = Utc::now();
    let products: Vec<Product> = plan.catalog.iter().map(Product::from_model).collect();
    let instants = order_instants(&mut rng, plan.count, now);
    // Immediate on SQLite: the load reads the triggers before its first write, and a plain
    // BEGIN fails that write at once if the running server wrote in between.
    let txn = transaction::begin(db).await?;
    let load = bulk::Load::begin(&txn).await?;
    let customer_ids = insert_customers(&txn, &mut rng, plan.business.id, plan.count, now).await?;
    let delivery_fee = plan
        .business
        .settings
        .get("delivery_fee")
        .and_then(Value::as_i64)
        .unwrap_or(0);

    let mut ids = Ids {
        inbound: next_id::<inbound_messages::Entity>(&txn, inbound_messages::Column::Id).await?,
        order: next_id::<orders::Entity>(&txn, orders::Column::Id).await?,
        item: next_id::<order_items::Entity>(&txn, order_items::Column::Id).await?,
        delivery: next_id::<deliveries::Entity>(&txn, deliveries::Column::Id).await?,
    };
    let context = Context {
        plan: &plan,
        products: &products,
        now,
        delivery_fee,
    };
    let mut order_number = 0i64;
    for chunk in instants.chunks(BATCH) {
        let mut batch = Batch::default();
        for &created_at in chunk {
            order_number += 1;
            // Regulars: squaring a uniform draw favours the first customers.
            let u: f64 = rng.random();
            let customer = customer_ids[(u * u * customer_ids.len() as f64) as usize];
            batch.add(&mut rng, &context, &mut ids, order_number, customer, created_at);
        }
        batch.insert(&txn).await?;
    }
    load.finish(&txn, plan.business.id).await?;
    finish(&txn, plan.business.id).await?;
    txn.commit().await?;
    Ok(plan.count)
}

/// `count` instants over the last `DAYS` days, weighted by weekday, hour and growth, sorted.
fn order_instants(rng: &mut StdRng, count: u64, now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let local_now = now + Duration::hours(UTC_OFFSET_HOURS);
    let first_day = local_now.date_naive() - Duration::days(DAYS - 1);
    let day_weights: Vec<f64> = (0..DAYS)
        .map(|d| {
            let weekday = match (first_day + Duration::days(d)).weekday() {
                Weekday::Mon => 0.8,
                Weekday::Tue => 0.85,
                Weekday::Wed => 0.9,
                Weekday::Thu => 1.0,
                Weekday::Fri => 1.35,
                Weekday::Sat => 1.5,
                Weekday::Sun => 1.2,
            };
            weekday * (0.8 + 0.3 * d as f64 / (DAYS - 1) as f64)
        })
        .collect();
    let days = rand::distr::weighted::WeightedIndex::new(&day_weights).expect("weights are positive");
    let hours = rand::distr::weighted::WeightedIndex::new(HOURS).expect("weights are positive");
    let mut instants: Vec<DateTime<Utc>> = (0..count)
        .map(|_| {
            loop {
                let day = first_day + Duration::days(rng.sample(&days) as i64);
                let seconds = rng.sample(&hours) as i64 * 3600 + rng.random_range(0..3600);
                let local = day.and_hms_opt(0, 0, 0).expect("midnight exists") + Duration::seconds(seconds);
                let instant = Utc.from_utc_datetime(&local) - Duration::hours(UTC_OFFSET_HOURS);
                if instant <= now {
                    break instant;
                }
            }
        })
        .collect();
    // Whatever the hour the demo is opened, a few orders are still in flight, so every status
    // shows up on the live board.
    let in_flight = instants.len().min(20);
    let start = instants.len() - in_flight;
    for instant in &mut instants[start..] {
        *instant = now - Duration::seconds(rng.random_range(30..75 * 60));
    }
    instants.sort_unstable();
    instants
}

async fn insert_customers(
    db: &DatabaseTransaction,
    rng: &mut StdRng,
    business_id: i64,
    orders: u64,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, SeedError> {
    let count = (orders / 12).clamp(40, 200_000) as i64;
    let first = next_id::<customers::Entity>(db, customers::Column::Id).await?;
    let models: Vec<customers::ActiveModel> = (0..count)
        .map(|n| customers::ActiveModel {
            id: Set(first + n),
            business_id: Set(business_id),
            phone: Set(format!("+1555{:07}", 2_000_000 + n)),
            name: Set(Some(format!(
                "{} {}",
                catalog::FIRST_NAMES.choose(rng).expect("names"),
                catalog::LAST_INITIALS.choose(rng).expect("initials")
            ))),
            default_address: Set(Some(address(rng))),
            created_at: Set(now - Duration::days(DAYS)),
            last_order_at: Set(None),
        })
        .collect();
    for chunk in models.chunks(BATCH) {
        customers::Entity::insert_many(chunk.to_vec()).exec(db).await?;
    }
    Ok((first..first + count).collect())
}

fn address(rng: &mut StdRng) -> String {
    let street = catalog::STREETS.choose(rng).expect("streets");
    match rng.random_range(0..3) {
        0 => format!(
            "{} {street}, Apt {}{}",
            rng.random_range(1..999),
            rng.random_range(1..20),
            ['A', 'B', 'C'][rng.random_range(0..3)]
        ),
        _ => format!("{} {street}", rng.random_range(1..999)),
    }
}

/// What every order of one run shares.
struct Context<'a> {
    plan: &'a Plan<'a>,
    products: &'a [Product],
    now: DateTime<Utc>,
    delivery_fee: i64,
}

#[derive(Default)]
struct Batch {
    inbound: Vec<inbound_messages::ActiveModel>,
    orders: Vec<orders::ActiveModel>,
    items: Vec<order_items::ActiveModel>,
    deliveries: Vec<deliveries::ActiveModel>,
}

impl Batch {
    fn add(
        &mut self,
        rng: &mut StdRng,
        context: &Context<'_>,
        ids: &mut Ids,
        order_number: i64,
        customer_id: i64,
        created_at: DateTime<Utc>,
    ) {
        let Context {
            plan,
            products,
            now,
            delivery_fee,
        } = *context;
        let order_id = ids.order;
        ids.order += 1;
        let source = match rng.random_range(0..100) {
            0..75 => OrderSource::Whatsapp,
            75..95 => OrderSource::Manual,
            _ => OrderSource::Api,
        };
        let lines = pick_lines(rng, products);
        let is_delivery = rng.random_bool(0.8);
        let address = is_delivery.then(|| address(rng));
        let notes = rng
            .random_bool(0.15)
            .then(|| catalog::NOTES.choose(rng).expect("notes").to_string());
        let name = format!(
            "{} {}",
            catalog::FIRST_NAMES[(customer_id as usize) % catalog::FIRST_NAMES.len()],
            catalog::LAST_INITIALS[(customer_id as usize) % catalog::LAST_INITIALS.len()]
        );
        let phone = format!("+1555{:07}", 2_000_000 + customer_id);
        let (status, steps) = life_cycle(rng, created_at, now, source, is_delivery);
        let confidence = (source == OrderSource::Whatsapp).then(|| match status {
            OrderStatus::NeedsReview => rng.random_range(0.3..0.65),
            _ => rng.random_range(0.75..0.99),
        });

        let inbound_message_id = (source == OrderSource::Whatsapp).then(|| {
            let id = ids.inbound;
            ids.inbound += 1;
            self.inbound.push(inbound_messages::ActiveModel {
                id: Set(id),
                business_id: Set(plan.business.id),
                transport: Set(Transport::Web),
                external_id: Set(format!("seed-{order_id}")),
                chat_id: Set(catalog::GROUPS[0].0.into()),
                group_id: Set(Some(plan.group_id)),
                author: Set(format!("{}@c.us", phone.trim_start_matches('+'))),
                push_name: Set(Some(name.clone())),
                body: Set(message_text(
                    rng,
                    &name,
                    products,
                    &lines,
                    address.as_deref(),
                    notes.as_deref(),
                )),
                message_type: Set("chat".into()),
                quoted_external_id: Set(None),
                status: Set(InboundStatus::Processed),
                attempts: Set(1),
                last_error: Set(None),
                sent_at: Set(created_at),
                edited_at: Set(None),
                revoked_at: Set(None),
                created_at: Set(created_at),
                process_after: Set(None),
                order_id: Set(None),
            });
            id
        });

        let mut subtotal = 0;
        for line in &lines {
            let product = &products[line.product];
            let base = line.variant.map_or(product.base_price, |v| product.variants[v].1);
            let unit_price = base + line.modifiers.iter().map(|&m| product.modifiers[m].1).sum::<i64>();
            let line_total = unit_price * i64::from(line.quantity);
            subtotal += line_total;
            self.items.push(order_items::ActiveModel {
                id: Set(ids.item),
                order_id: Set(order_id),
                product_id: Set(Some(product.id)),
                name: Set(product.name.clone()),
                variant: Set(line.variant.map(|v| product.variants[v].0.clone())),
                modifiers: Set(json!(
                    line.modifiers
                        .iter()
                        .map(|&m| json!({"name": product.modifiers[m].0, "price": product.modifiers[m].1}))
                        .collect::<Vec<_>>()
                )),
                quantity: Set(f64::from(line.quantity)),
                unit: Set(None),
                unit_price: Set(unit_price),
                line_total: Set(line_total),
                notes: Set(None),
            });
            ids.item += 1;
        }
        let fee = if is_delivery { delivery_fee } else { 0 };
        let updated_at = steps.last().map_or(created_at, |(_, at)| *at);

        if let Some(out_at) = step_at(&steps, "out_for_delivery").filter(|_| is_delivery) {
            let delivered_at = step_at(&steps, "delivered");
            let driver = plan.drivers.choose(rng).map(|d| d.id);
            self.deliveries.push(deliveries::ActiveModel {
                id: Set(ids.delivery),
                business_id: Set(plan.business.id),
                order_id: Set(order_id),
                driver_id: Set(driver),
                status: Set(match (status, delivered_at) {
                    (OrderStatus::Cancelled, _) => DeliveryStatus::Cancelled,
                    (_, Some(_)) => DeliveryStatus::Delivered,
                    _ => DeliveryStatus::PickedUp,
                }),
                tracking_token: Set(tracking_token()),
                eta_minutes: Set(Some(rng.random_range(15..40))),
                assigned_at: Set(out_at - Duration::minutes(rng.random_range(2..8))),
                picked_up_at: Set(Some(out_at)),
                delivered_at: Set(delivered_at),
                tracking_expires_at: Set(delivered_at.map(|at| at + Duration::days(7))),
            });
            ids.delivery += 1;
        }

        let response_times: Map<String, Value> = steps
            .iter()
            .map(|(step, at)| ((*step).to_string(), json!(at.to_rfc3339())))
            .collect();
        self.orders.push(orders::ActiveModel {
            id: Set(order_id),
            business_id: Set(plan.business.id),
            order_number: Set(order_number),
            customer_id: Set(Some(customer_id)),
            group_id: Set((source == OrderSource::Whatsapp).then_some(plan.group_id)),
            inbound_message_id: Set(inbound_message_id),
            source: Set(source),
            status: Set(status),
            customer_name: Set(Some(name)),
            customer_phone: Set(Some(phone)),
            delivery_address: Set(address),
            fulfilment: Set(if is_delivery {
                Fulfilment::Delivery
            } else {
                Fulfilment::Pickup
            }),
            payment_method: Set(None),
            cash_change_for: Set(None),
            notes: Set(notes),
            subtotal: Set(subtotal),
            delivery_fee: Set(fee),
            total_amount: Set(subtotal + fee),
            currency: Set(plan.business.currency.clone()),
            confidence: Set(confidence),
            response_times: Set(Value::Object(response_times)),
            created_at: Set(created_at),
            updated_at: Set(updated_at),
            // Random, not from the seeded generator: a demo's links must not be guessable either.
            tracking_token: Set(Some(app::services::orders::tracking_token())),
            attention: Set(None),
        });
    }

    async fn insert(self, txn: &DatabaseTransaction) -> Result<(), SeedError> {
        if !self.inbound.is_empty() {
            inbound_messages::Entity::insert_many(self.inbound).exec(txn).await?;
        }
        orders::Entity::insert_many(self.orders).exec(txn).await?;
        for chunk in self.items.chunks(BATCH) {
            order_items::Entity::insert_many(chunk.to_vec()).exec(txn).await?;
        }
        if !self.deliveries.is_empty() {
            deliveries::Entity::insert_many(self.deliveries).exec(txn).await?;
        }
        Ok(())
    }
}

/// The steps an order has been through by `now`, and where it stands.
fn life_cycle(
    rng: &mut StdRng,
    created_at: DateTime<Utc>,
    now: DateTime<Utc>,
    source: OrderSource,
    is_delivery: bool,
) -> (OrderStatus, Vec<(&'static str, DateTime<Utc>)>) {
    let mut steps = vec![("received", created_at)];
    let mut at = created_at;
    if source == OrderSource::Whatsapp {
        at += Duration::milliseconds(rng.random_range(300..2500));
        steps.push(("parsed", at));
        if rng.random_bool(0.08) {
            at += Duration::seconds(rng.random_range(60..600));
            if at > now {
                return (OrderStatus::NeedsReview, steps);
            }
            steps.push(("reviewed", at));
        }
    }
    if rng.random_bool(0.05) {
        at += Duration::minutes(rng.random_range(1..30));
        if at <= now {
            steps.push(("cancelled", at));
            return (OrderStatus::Cancelled, steps);
        }
    }
    let plan: [(&str, OrderStatus, i64, i64); 4] = [
        ("confirmed", OrderStatus::Confirmed, 1, 8),
        ("preparing", OrderStatus::Preparing, 2, 10),
        ("out_for_delivery", OrderStatus::OutForDelivery, 12, 25),
        ("delivered", OrderStatus::Delivered, 10, 35),
    ];
    let mut status = OrderStatus::Pending;
    for (step, next, min, max) in plan {
        if step == "out_for_delivery" && !is_delivery {
            // Pick-up orders go from the oven to the counter.
            at += Duration::minutes(rng.random_range(12..25));
            if at > now {
                return (status, steps);
            }
            steps.push(("delivered", at));
            return (OrderStatus::Delivered, steps);
        }
        at += Duration::minutes(rng.random_range(min..max));
        if at > now {
            return (status, steps);
        }
        steps.push((step, at));
        status = next;
    }
    (status, steps)
}

fn step_at(steps: &[(&str, DateTime<Utc>)], name: &str) -> Option<DateTime<Utc>> {
    steps.iter().find(|(step, _)| *step == name).map(|(_, at)| *at)
}

fn pick_lines(rng: &mut StdRng, products: &[Product]) -> Vec<Line> {
    let count = match rng.random_range(0..100) {
        0..35 => 1,
        35..70 => 2,
        70..90 => 3,
        _ => 4,
    };
    let pizzas: Vec<usize> = (0..products.len()).filter(|&i| products[i].is_pizza).collect();
    let mut lines: Vec<Line> = Vec::with_capacity(count);
    for n in 0..count {
        let product = if n == 0 && !pizzas.is_empty() && rng.random_bool(0.7) {
            *pizzas.choose(rng).expect("pizzas")
        } else {
            rng.random_range(0..products.len())
        };
        if lines.iter().any(|line| line.product == product) {
            continue;
        }
        let p = &products[product];
        let variant = (!p.variants.is_empty()).then(|| rng.random_range(0..p.variants.len()));
        let modifiers = if !p.modifiers.is_empty() && rng.random_bool(0.3) {
            let mut chosen = vec![rng.random_range(0..p.modifiers.len())];
            if rng.random_bool(0.3) {
                let second = rng.random_range(0..p.modifiers.len());
                if second != chosen[0] {
                    chosen.push(second);
                }
            }
            chosen
        } else {
            Vec::new()
        };
        let quantity = if rng.random_bool(0.75) {
            1
        } else {
            rng.random_range(2..4)
        };
        lines.push(Line {
            product,
            variant,
            modifiers,
            quantity,
        });
    }
    lines
}

/// What the customer typed, in the loose style of real WhatsApp orders.
fn message_text(
    rng: &mut StdRng,
    name: &str,
    products: &[Product],
    lines: &[Line],
    address: Option<&str>,
    notes: Option<&str>,
) -> String {
    let first_name = name.split(' ').next().unwrap_or(name);
    let mut text = match rng.random_range(0..4) {
        0 => format!("Hi! This is {first_name} 😊\n"),
        1 => "Hello, I'd like to order:\n".to_string(),
        2 => "Good evening!\n".to_string(),
        _ => String::new(),
    };
    for line in lines {
        let product = &products[line.product];
        let item = product.name.trim_start_matches("Pizza ").to_lowercase();
        let item = if product.is_pizza && rng.random_bool(0.5) {
            format!("Pizza {}", &product.name[6..])
        } else {
            item
        };
        let variant = line.variant.map(|v| product.variants[v].0.to_lowercase());
        let with = line
            .modifiers
            .iter()
            .map(|&m| product.modifiers[m].0.to_lowercase())
            .collect::<Vec<_>>()
            .join(" and ");
        let mut row = match (rng.random_bool(0.5), &variant) {
            (true, Some(variant)) => format!("{}x {item} ({variant})", line.quantity),
            (false, Some(variant)) => format!("{} {item} {variant}", line.quantity),
            (_, None) => format!("{} {item}", line.quantity),
        };
        if !with.is_empty() {
            row.push_str(&format!(" with {with}"));
        }
        text.push_str(&row);
        text.push('\n');
    }
    if let Some(address) = address {
        text.push_str(&format!("Address: {address}\n"));
    }
    if let Some(notes) = notes {
        text.push_str(notes);
        text.push('\n');
    }
    text.trim_end().to_string()
}

fn tracking_token() -> String {
    // Unguessable: from the OS-seeded generator, never from the seeded one above.
    let bytes: [u8; 16] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Product {
    fn from_model(model: &products::Model) -> Self {
        Self {
            id: model.id,
            name: model.name.clone(),
            is_pizza: model.category.as_deref() == Some("Pizza"),
            base_price: model.base_price,
            variants: stored_options(&model.variants),
            modifiers: stored_options(&model.modifiers),
        }
    }
}

async fn next_id<E: EntityTrait>(db: &DatabaseTransaction, id: E::Column) -> Result<i64, SeedError>
where
    E::Column: ColumnTrait,
{
    let max: Option<Option<i64>> = E::find()
        .select_only()
        .column_as(Expr::from(Func::max(Expr::col(id))), "max_id")
        .into_tuple()
        .one(db)
        .await?;
    Ok(max.flatten().unwrap_or(0) + 1)
}

/// Moves PostgreSQL's id sequences past the ids chosen here, and stamps each customer's last
/// order.
async fn finish(db: &DatabaseTransaction, business_id: i64) -> Result<(), SeedError> {
    if db.get_database_backend() == DatabaseBackend::Postgres {
        for table in ["customers", "inbound_messages", "orders", "order_items", "deliveries"] {
            db.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            ))
            .await?;
        }
    }
    customers::Entity::update_many()
        .col_expr(
            customers::Column::LastOrderAt,
            Expr::cust("(SELECT MAX(orders.created_at) FROM orders WHERE orders.customer_id = customers.id)"),
        )
        .filter(customers::Column::BusinessId.eq(business_id))
        .exec(db)
        .await?;
    Ok(())
}
