//! `novi seed`: the demo business, Pizza Palace, with everything a tour of Novi needs. Every
//! step looks for what it would create first, so running it again adds nothing.

mod catalog;
mod history;

use std::fmt;

use app::{dto::BusinessSettings, services::passwords};
use chrono::Utc;
use entity::{businesses, drivers, enums::Role, groups, orders, products, users};
use rand::{Rng, distr::Alphanumeric};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::json;

pub const SHORT_CODE: &str = "PIZZA001";
pub const OWNER_EMAIL: &str = "owner@pizzapalace.example";
pub const ADMIN_EMAIL: &str = "admin@novi.example";
/// The demo's people; the platform admin belongs to no business.
const USERS: &[(&str, &str, Role)] = &[
    (OWNER_EMAIL, "pizza_owner", Role::Owner),
    ("staff@pizzapalace.example", "pizza_staff", Role::Staff),
    ("driver@pizzapalace.example", "pizza_driver", Role::Driver),
    (ADMIN_EMAIL, "platform_admin", Role::Admin),
];
/// About 90 days of a busy neighbourhood pizzeria.
const DEFAULT_ORDERS: u64 = 3_600;

type SeedError = Box<dyn std::error::Error + Send + Sync>;

pub struct Options {
    /// The demo users' password; a random one is made (and reported once) when absent.
    pub password: Option<String>,
    pub orders: Option<u64>,
}

impl Options {
    pub fn from_env(orders: Option<u64>) -> Self {
        let password = std::env::var("NOVI_DEMO_PASSWORD").ok().filter(|p| !p.is_empty());
        Self { password, orders }
    }
}

/// What a seed run did, for the person who ran it. No `Debug`: it may hold a password.
#[derive(Default)]
pub struct Report {
    pub business_id: i64,
    pub business_created: bool,
    pub users_created: Vec<String>,
    /// Shown only when this run chose it; it is not stored anywhere in clear.
    pub generated_password: Option<String>,
    pub products_created: usize,
    pub groups_created: usize,
    pub drivers_created: usize,
    pub orders_created: u64,
    pub orders_existing: u64,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = if self.business_created {
            "created"
        } else {
            "already present"
        };
        writeln!(f, "Pizza Palace ({SHORT_CODE}, business {}): {verb}", self.business_id)?;
        writeln!(
            f,
            "  added {} users, {} products, {} groups, {} drivers, {} orders",
            self.users_created.len(),
            self.products_created,
            self.groups_created,
            self.drivers_created,
            self.orders_created
        )?;
        if self.orders_existing > 0 {
            writeln!(f, "  kept the {} orders already there", self.orders_existing)?;
        }
        if let Some(password) = &self.generated_password {
            writeln!(f, "  demo password (shown this once): {password}")?;
        }
        write!(
            f,
            "  sign in as {OWNER_EMAIL} (also staff@ and driver@pizzapalace.example; platform admin {ADMIN_EMAIL})"
        )
    }
}

pub async fn run(db: &DatabaseConnection, options: Options) -> Result<Report, SeedError> {
    let mut report = Report::default();
    let business = ensure_business(db, &mut report).await?;
    report.business_id = business.id;
    let driver_user = ensure_users(db, &business, options.password, &mut report).await?;
    let catalog = ensure_products(db, &business, &mut report).await?;
    let order_group = ensure_groups(db, &business, &mut report).await?;
    let drivers = ensure_drivers(db, &business, driver_user, &mut report).await?;

    report.orders_existing = orders::Entity::find()
        .filter(orders::Column::BusinessId.eq(business.id))
        .count(db)
        .await?;
    if report.orders_existing == 0 {
        let plan = history::Plan {
            business: &business,
            catalog: &catalog,
            drivers: &drivers,
            group_id: order_group,
            count: options.orders.unwrap_or(DEFAULT_ORDERS),
        };
        report.orders_created = history::generate(db, plan).await?;
    }
    Ok(report)
}

async fn ensure_business(db: &DatabaseConnection, report: &mut Report) -> Result<businesses::Model, SeedError> {
    if let Some(found) = businesses::Entity::find()
        .filter(businesses::Column::ShortCode.eq(SHORT_CODE))
        .one(db)
        .await?
    {
        return Ok(found);
    }
    let settings = BusinessSettings {
        delivery_fee: 299,
        whatsapp_enabled: true,
        ..BusinessSettings::default()
    };
    let now = Utc::now();
    let created = businesses::ActiveModel {
        name: Set("Pizza Palace".into()),
        description: Set(Some("Wood-fired pizza, pasta and salads, delivered hot.".into())),
        short_code: Set(SHORT_CODE.into()),
        phone: Set(Some("+15550100100".into())),
        email: Set(Some("hello@pizzapalace.example".into())),
        address: Set(Some("500 Market St, Springfield".into())),
        currency: Set("USD".into()),
        timezone: Set("America/New_York".into()),
        settings: Set(serde_json::to_value(settings)?),
        is_active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    report.business_created = true;
    Ok(created)
}

/// Returns the driver user's id, for linking to the first driver.
async fn ensure_users(
    db: &DatabaseConnection,
    business: &businesses::Model,
    password: Option<String>,
    report: &mut Report,
) -> Result<i64, SeedError> {
    let mut password = password;
    let mut driver_user = 0;
    for (email, username, role) in USERS {
        let existing = users::Entity::find()
            .filter(users::Column::Email.eq(*email))
            .one(db)
            .await?;
        let id = match existing {
            Some(user) => user.id,
            None => {
                let password = password.get_or_insert_with(|| {
                    let generated: String = rand::rng()
                        .sample_iter(&Alphanumeric)
                        .take(16)
                        .map(char::from)
                        .collect();
                    report.generated_password = Some(generated.clone());
                    generated
                });
                let now = Utc::now();
                let user = users::ActiveModel {
                    business_id: Set((*role != Role::Admin).then_some(business.id)),
                    username: Set((*username).into()),
                    email: Set((*email).into()),
                    password_hash: Set(passwords::hash(password.clone()).await?),
                    role: Set(*role),
                    is_active: Set(true),
                    must_change_password: Set(false),
                    last_login_at: Set(None),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(db)
                .await?;
                report.users_created.push((*email).into());
                user.id
            }
        };
        if *role == Role::Driver {
            driver_user = id;
        }
    }
    Ok(driver_user)
}

async fn ensure_products(
    db: &DatabaseConnection,
    business: &businesses::Model,
    report: &mut Report,
) -> Result<Vec<products::Model>, SeedError> {
    let priced = |list: catalog::Priced| {
        json!(
            list.iter()
                .map(|(name, price)| json!({"name": name, "price": price}))
                .collect::<Vec<_>>()
        )
    };
    for (position, product) in catalog::PRODUCTS.iter().enumerate() {
        let exists = products::Entity::find()
            .filter(products::Column::BusinessId.eq(business.id))
            .filter(products::Column::Name.eq(product.name))
            .one(db)
            .await?
            .is_some();
        if exists {
            continue;
        }
        let now = Utc::now();
        products::ActiveModel {
            business_id: Set(business.id),
            name: Set(product.name.into()),
            category: Set(Some(product.category.into())),
            description: Set(None),
            base_price: Set(product.base_price),
            variants: Set(priced(product.variants)),
            modifiers: Set(priced(product.modifiers)),
            aliases: Set(json!(product.aliases)),
            is_available: Set(true),
            sort_order: Set(position as i32),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        report.products_created += 1;
    }
    Ok(products::Entity::find()
        .filter(products::Column::BusinessId.eq(business.id))
        .all(db)
        .await?)
}

/// Returns the id of the orders group.
async fn ensure_groups(
    db: &DatabaseConnection,
    business: &businesses::Model,
    report: &mut Report,
) -> Result<i64, SeedError> {
    let mut orders_group = 0;
    for (chat_id, name, kind) in catalog::GROUPS {
        let existing = groups::Entity::find()
            .filter(groups::Column::BusinessId.eq(business.id))
            .filter(groups::Column::WhatsappGroupId.eq(*chat_id))
            .one(db)
            .await?;
        let group = match existing {
            Some(group) => group,
            None => {
                report.groups_created += 1;
                groups::ActiveModel {
                    business_id: Set(business.id),
                    whatsapp_group_id: Set((*chat_id).into()),
                    name: Set((*name).into()),
                    kind: Set(*kind),
                    is_active: Set(true),
                    created_at: Set(Utc::now()),
                    ..Default::default()
                }
                .insert(db)
                .await?
            }
        };
        if *kind == entity::enums::GroupKind::Orders {
            orders_group = group.id;
        }
    }
    Ok(orders_group)
}

async fn ensure_drivers(
    db: &DatabaseConnection,
    business: &businesses::Model,
    driver_user: i64,
    report: &mut Report,
) -> Result<Vec<drivers::Model>, SeedError> {
    for (position, (name, phone, vehicle)) in catalog::DRIVERS.iter().enumerate() {
        let exists = drivers::Entity::find()
            .filter(drivers::Column::BusinessId.eq(business.id))
            .filter(drivers::Column::Phone.eq(*phone))
            .one(db)
            .await?
            .is_some();
        if exists {
            continue;
        }
        drivers::ActiveModel {
            business_id: Set(business.id),
            user_id: Set((position == 0).then_some(driver_user)),
            name: Set((*name).into()),
            phone: Set((*phone).into()),
            vehicle_info: Set(Some((*vehicle).into())),
            is_active: Set(true),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await?;
        report.drivers_created += 1;
    }
    Ok(drivers::Entity::find()
        .filter(drivers::Column::BusinessId.eq(business.id))
        .all(db)
        .await?)
}
