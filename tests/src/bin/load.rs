//! `load`: drives a running Novi's REST API with a realistic mix of what staff and other
//! systems do, from a chosen number of concurrent connections, and reports throughput and
//! latency percentiles per kind of request. See docs/PERFORMANCE.md for runs and results.
//!
//! cargo run --release -p novi-tests --bin load -- --url http://127.0.0.1:3000 \
//!     --email owner@pizzapalace.example --password pizzapalace --concurrency 64 --seconds 30

use std::{
    collections::BTreeMap,
    sync::Arc,
    time::{Duration, Instant},
};

use clap::Parser;
use rand::{Rng, SeedableRng, rngs::StdRng, seq::IndexedRandom};
use serde_json::{Value, json};
use tokio::sync::Mutex;

#[derive(Debug, Parser)]
#[command(about = "Load a running Novi's REST API with a realistic mix and report latencies")]
struct Args {
    #[arg(long, default_value = "http://127.0.0.1:3000")]
    url: String,
    #[arg(long, default_value = "owner@pizzapalace.example")]
    email: String,
    #[arg(long)]
    password: String,
    /// Requests in flight at once, each on its own connection.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    #[arg(long, default_value_t = 30)]
    seconds: u64,
    /// Only this kind of request (see the report's names), instead of the mix.
    #[arg(long)]
    only: Option<String>,
    /// Also has customers write orders to this business WhatsApp number (`+15550001234`) through the simulator
    /// (`NOVI_WHATSAPP=simulator`), linking it first if it is not.
    #[arg(long)]
    whatsapp: Option<String>,
    /// Where the WhatsApp simulator answers, when it runs on its own (`novi simulator`) rather
    /// than inside Novi at `/dev/whatsapp`.
    #[arg(long)]
    simulator: Option<String>,
}

/// The mix: each kind with its share of requests. Reads dominate, as on a dashboard.
const MIX: &[(&str, u32)] = &[
    ("orders first page", 25),
    ("orders page 500", 10),
    ("orders by status", 15),
    ("orders by date", 10),
    ("order", 15),
    ("create order", 8),
    ("change status", 7),
    ("business stats", 6),
    ("analytics", 4),
    ("customer message", 10),
];

/// What customers write, one picked per message.
const MESSAGES: &[&str] = &[
    "2x margherita large, 1 coke 2L, address 123 Main St",
    "hi! can I get 1 pepperoni medium and garlic bread please",
    "3 lasagna\n2 tiramisu\ndeliver to 45 Oak Avenue apt 3",
    "one hawaiian small extra cheese, no onions. pick up at 7",
    "thanks, see you soon",
];

struct Shared {
    base: String,
    token: String,
    business: i64,
    /// Ids of orders seen in lists, to read one at random.
    seen: Vec<i64>,
    /// Products to order, by name.
    products: Vec<String>,
    /// Orders this run created, waiting to be confirmed.
    created: Mutex<Vec<i64>>,
    /// The business's WhatsApp number customers write to, when messages are in the mix.
    whatsapp: Option<String>,
    simulator: String,
    /// Starts every message id: a message id seen before is the same message to Novi, which
    /// records it once, so the ids of one run must not repeat another's.
    run: u128,
}

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    errors: BTreeMap<u16, u64>,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let setup = reqwest::Client::new();
    let shared = Arc::new(prepare(&setup, &args).await);
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let started = Instant::now();
    let workers: Vec<_> = (0..args.concurrency)
        .map(|worker| {
            let shared = shared.clone();
            let only = args.only.clone();
            tokio::spawn(async move {
                // One connection per worker, as a browser tab or an integration would hold.
                let client = reqwest::Client::builder().pool_max_idle_per_host(1).build().unwrap();
                let mut rng = StdRng::seed_from_u64(worker as u64);
                let mut tallies: BTreeMap<&'static str, Tally> = BTreeMap::new();
                while Instant::now() < deadline {
                    let kind = pick(&mut rng, only.as_deref(), shared.whatsapp.is_some());
                    let began = Instant::now();
                    let status = request(&client, &shared, kind, &mut rng).await;
                    let tally = tallies.entry(kind).or_default();
                    tally.latencies.push(began.elapsed());
                    if !(200..300).contains(&status) {
                        *tally.errors.entry(status).or_default() += 1;
                    }
                }
                tallies
            })
        })
        .collect();
    let mut all: BTreeMap<&'static str, Tally> = BTreeMap::new();
    for worker in workers {
        for (kind, tally) in worker.await.unwrap() {
            let total = all.entry(kind).or_default();
            total.latencies.extend(tally.latencies);
            for (status, count) in tally.errors {
                *total.errors.entry(status).or_default() += count;
            }
        }
    }
    report(&all, started.elapsed(), args.concurrency);
}

async fn prepare(client: &reqwest::Client, args: &Args) -> Shared {
    let base = args.url.trim_end_matches('/').to_string();
    let login: Value = client
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"email": args.email, "password": args.password}))
        .send()
        .await
        .expect("Novi answers")
        .json()
        .await
        .expect("a sign-in answer");
    let token = login["token"]
        .as_str()
        .unwrap_or_else(|| panic!("cannot sign in: {login}"))
        .to_string();
    let business = login["user"]["business_id"].as_i64().expect("a business account");
    let get = |path: String| {
        let token = token.clone();
        async move {
            client
                .get(path)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let page = get(format!("{base}/api/orders?limit=100")).await;
    let seen = page["orders"]
        .as_array()
        .map(|orders| orders.iter().filter_map(|order| order["id"].as_i64()).collect())
        .unwrap_or_default();
    let catalog = get(format!("{base}/api/products")).await;
    let products = catalog["products"]
        .as_array()
        .map(|products| {
            products
                .iter()
                .filter(|product| product["is_available"].as_bool().unwrap_or(true))
                .filter_map(|product| product["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let simulator = args.simulator.as_deref().map_or_else(
        || format!("{base}/dev/whatsapp"),
        |url| url.trim_end_matches('/').to_string(),
    );
    if let Some(phone) = &args.whatsapp {
        link(client, &base, &simulator, &token, phone).await;
    }
    Shared {
        base,
        token,
        business,
        seen,
        products,
        created: Mutex::new(Vec::new()),
        whatsapp: args.whatsapp.clone(),
        simulator,
        run: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis(),
    }
}

/// Scans the business's QR with the simulator's phone unless it is connected already.
async fn link(client: &reqwest::Client, base: &str, simulator: &str, token: &str, phone: &str) {
    for _ in 0..60 {
        let state: Value = client
            .get(format!("{base}/api/whatsapp"))
            .bearer_auth(token)
            .send()
            .await
            .expect("Novi answers")
            .json()
            .await
            .expect("the WhatsApp state");
        match (state["state"].as_str(), state["qr"].as_str()) {
            (Some("connected"), _) => return,
            (Some("qr"), Some(qr)) => {
                let scan = client
                    .post(format!("{simulator}/api/scan"))
                    .json(&json!({"qr": qr, "phone": phone}))
                    .send()
                    .await
                    .expect("the simulator answers");
                if !scan.status().is_success() {
                    panic!(
                        "the simulator refused the scan: {}",
                        scan.text().await.unwrap_or_default()
                    );
                }
            }
            _ => {}
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("WhatsApp did not connect: is Novi running with NOVI_WHATSAPP=simulator?");
}

fn pick(rng: &mut StdRng, only: Option<&str>, messages: bool) -> &'static str {
    if let Some(only) = only {
        return MIX
            .iter()
            .find(|(kind, _)| *kind == only)
            .map(|(kind, _)| *kind)
            .unwrap_or_else(|| panic!("no request kind `{only}`"));
    }
    let mix = || {
        MIX.iter()
            .filter(move |(kind, _)| messages || *kind != "customer message")
    };
    let total: u32 = mix().map(|(_, share)| share).sum();
    let mut roll = rng.random_range(0..total);
    for (kind, share) in mix() {
        if roll < *share {
            return kind;
        }
        roll -= share;
    }
    MIX[0].0
}

/// Sends one request of `kind` and answers its status (599 when it never got one).
async fn request(client: &reqwest::Client, shared: &Shared, kind: &str, rng: &mut StdRng) -> u16 {
    let base = &shared.base;
    let (method, path, body) = match kind {
        "orders first page" => ("GET", "/api/orders?limit=20".to_string(), None),
        "orders page 500" => ("GET", "/api/orders?limit=20&page=500".to_string(), None),
        "orders by status" => {
            let status = ["pending", "confirmed", "delivered", "cancelled"].choose(rng).unwrap();
            ("GET", format!("/api/orders?limit=20&status={status}"), None)
        }
        "orders by date" => {
            let day = chrono::Utc::now().date_naive() - chrono::Duration::days(rng.random_range(0..60));
            (
                "GET",
                format!("/api/orders?limit=20&date_from={day}&date_to={day}"),
                None,
            )
        }
        "order" => match shared.seen.choose(rng) {
            Some(id) => ("GET", format!("/api/orders/{id}"), None),
            None => ("GET", "/api/orders?limit=1".to_string(), None),
        },
        "create order" => {
            let mut items = Vec::new();
            for _ in 0..rng.random_range(1..4) {
                if let Some(name) = shared.products.choose(rng) {
                    items.push(json!({"name": name, "quantity": rng.random_range(1..3)}));
                }
            }
            let body = json!({
                "customer_name": "Load Test",
                "customer_phone": format!("+1555{:07}", rng.random_range(0..10_000_000)),
                "items": items,
                "delivery_address": "1 Load Street",
            });
            ("POST", "/api/orders".to_string(), Some(body))
        }
        "change status" => match shared.created.lock().await.pop() {
            Some(id) => (
                "POST",
                format!("/api/orders/{id}/status"),
                Some(json!({"status": "confirmed"})),
            ),
            None => ("GET", "/api/orders?limit=20&status=pending".to_string(), None),
        },
        "business stats" => ("GET", format!("/api/businesses/{}", shared.business), None),
        "customer message" => {
            let (customer, from) = loop {
                let customer = rng.random_range(0..5_000);
                let from = format!("+1555{customer:07}");
                // The business's own messages are not orders: no customer writes from its number.
                if shared.whatsapp.as_deref() != Some(from.as_str()) {
                    break (customer, from);
                }
            };
            let body = json!({
                "to": shared.whatsapp,
                "from": from,
                "name": format!("Customer {customer}"),
                "body": MESSAGES.choose(rng).unwrap(),
                "id": format!("load-{}-{}", shared.run, rng.random::<u64>()),
            });
            ("POST", format!("{}/api/messages", shared.simulator), Some(body))
        }
        _ => {
            let to = chrono::Utc::now().date_naive();
            let from = to - chrono::Duration::days(30);
            ("GET", format!("/api/analytics?from={from}&to={to}"), None)
        }
    };
    let url = if path.starts_with('/') {
        format!("{base}{path}")
    } else {
        path
    };
    let mut builder = match method {
        "POST" => client.post(url),
        _ => client.get(url),
    }
    .bearer_auth(&shared.token);
    if let Some(body) = body {
        builder = builder.json(&body);
    }
    match builder.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            // The whole body is read either way: its time is part of the request's.
            let body = response.bytes().await.unwrap_or_default();
            if kind == "create order"
                && status == 201
                && let Some(id) = serde_json::from_slice::<Value>(&body)
                    .ok()
                    .and_then(|created| created["order"]["id"].as_i64())
            {
                shared.created.lock().await.push(id);
            }
            status
        }
        Err(_) => 599,
    }
}

fn report(tallies: &BTreeMap<&'static str, Tally>, elapsed: Duration, concurrency: usize) {
    let seconds = elapsed.as_secs_f64();
    let count: usize = tallies.values().map(|tally| tally.latencies.len()).sum();
    println!(
        "{count} requests in {seconds:.1} s from {concurrency} connections: {:.0} requests/s\n",
        count as f64 / seconds
    );
    println!("| request | count | errors | p50 ms | p95 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|---|---|");
    let mut everything = Tally::default();
    for (kind, tally) in tallies {
        row(kind, tally);
        everything.latencies.extend(&tally.latencies);
        for (status, count) in &tally.errors {
            *everything.errors.entry(*status).or_default() += count;
        }
    }
    row("all", &everything);
}

fn row(kind: &str, tally: &Tally) {
    let mut sorted = tally.latencies.clone();
    sorted.sort();
    let at = |q: f64| {
        sorted
            .get(((sorted.len() as f64 * q).ceil() as usize).saturating_sub(1))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    let errors = if tally.errors.is_empty() {
        "0".to_string()
    } else {
        tally
            .errors
            .iter()
            .map(|(status, count)| format!("{count}×{status}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    println!(
        "| {kind} | {} | {errors} | {:.1} | {:.1} | {:.1} | {:.1} |",
        sorted.len(),
        at(0.50),
        at(0.95),
        at(0.99),
        at(1.0)
    );
}
