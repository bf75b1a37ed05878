//! The catalog: products with variants, modifiers, aliases and availability.

use chrono::Utc;
use entity::products;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, ModelTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::{Value, json};

use crate::{
    dto::{OptionDto, ProductDto, ProductInput},
    error::{ServiceError, Validator},
    money,
    services::{
        access::{Caller, Permission},
        actor::User,
        audit::{self, AuditEntry},
    },
};

const TAKEN: &str = "a product with this name is already in the catalog";

pub async fn list(db: &DatabaseConnection, caller: &Caller) -> Result<Vec<ProductDto>, ServiceError> {
    caller.require(Permission::ViewBusiness)?;
    let (business_id, currency) = own_business_currency(db, caller).await?;
    let rows = of_business(db, business_id).await?;
    Ok(rows.into_iter().map(|p| to_dto(p, &currency)).collect())
}

/// A business's products in menu order.
pub(crate) async fn of_business(
    db: &DatabaseConnection,
    business_id: i64,
) -> Result<Vec<products::Model>, ServiceError> {
    Ok(products::Entity::find()
        .filter(products::Column::BusinessId.eq(business_id))
        .order_by_asc(products::Column::SortOrder)
        .order_by_asc(products::Column::Name)
        .all(db)
        .await?)
}

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<ProductDto, ServiceError> {
    caller.require(Permission::ViewBusiness)?;
    let (product, currency) = visible(db, caller, id).await?;
    Ok(to_dto(product, &currency))
}

pub async fn create(db: &DatabaseConnection, user: &User, input: ProductInput) -> Result<ProductDto, ServiceError> {
    let caller = &user.caller;
    caller.require(Permission::ManageCatalog)?;
    let (business_id, currency) = own_business_currency(db, caller).await?;
    let mut check = Validator::default();
    let name = check.required("name", input.name, 120);
    check.check(input.price.is_some(), "price", "this field is required");
    let fields = Fields::parse(
        &mut check,
        "",
        &currency,
        input.price,
        input.variants,
        input.modifiers,
        input.aliases,
    );
    let category = check.text("category", input.category, 80);
    let description = check.text("description", input.description, 1000);
    check.finish()?;
    let now = Utc::now();
    let txn = crate::services::transaction::begin(db).await?;
    let product = products::ActiveModel {
        business_id: Set(business_id),
        name: Set(name),
        category: Set(category),
        description: Set(description),
        base_price: Set(fields.price.unwrap_or_default()),
        variants: Set(fields.variants.unwrap_or_else(|| json!([]))),
        modifiers: Set(fields.modifiers.unwrap_or_else(|| json!([]))),
        aliases: Set(fields.aliases.unwrap_or_else(|| json!([]))),
        is_available: Set(input.is_available.unwrap_or(true)),
        sort_order: Set(input.sort_order.unwrap_or(0)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| ServiceError::unique(e, TAKEN))?;
    audit::record(&txn, entry(user, "product_created", &product, None)).await?;
    txn.commit().await?;
    Ok(to_dto(product, &currency))
}

pub async fn update(
    db: &DatabaseConnection,
    user: &User,
    id: i64,
    input: ProductInput,
) -> Result<ProductDto, ServiceError> {
    let caller = &user.caller;
    caller.require(Permission::ManageCatalog)?;
    let (product, currency) = visible(db, caller, id).await?;
    let mut check = Validator::default();
    let name = check.text("name", input.name, 120);
    let fields = Fields::parse(
        &mut check,
        "",
        &currency,
        input.price,
        input.variants,
        input.modifiers,
        input.aliases,
    );
    let category = check.text("category", input.category, 80);
    let description = check.text("description", input.description, 1000);
    check.finish()?;
    let mut active: products::ActiveModel = product.clone().into();
    if let Some(name) = name {
        active.name = Set(name);
    }
    if category.is_some() {
        active.category = Set(category);
    }
    if description.is_some() {
        active.description = Set(description);
    }
    if let Some(price) = fields.price {
        active.base_price = Set(price);
    }
    if let Some(variants) = fields.variants {
        active.variants = Set(variants);
    }
    if let Some(modifiers) = fields.modifiers {
        active.modifiers = Set(modifiers);
    }
    if let Some(aliases) = fields.aliases {
        active.aliases = Set(aliases);
    }
    if let Some(available) = input.is_available {
        active.is_available = Set(available);
    }
    if let Some(order) = input.sort_order {
        active.sort_order = Set(order);
    }
    active.updated_at = Set(Utc::now());
    let txn = crate::services::transaction::begin(db).await?;
    let updated = active.update(&txn).await.map_err(|e| ServiceError::unique(e, TAKEN))?;
    audit::record(&txn, entry(user, "product_updated", &updated, Some(snapshot(&product)))).await?;
    txn.commit().await?;
    Ok(to_dto(updated, &currency))
}

pub async fn delete(db: &DatabaseConnection, user: &User, id: i64) -> Result<(), ServiceError> {
    let caller = &user.caller;
    caller.require(Permission::ManageCatalog)?;
    let (product, _) = visible(db, caller, id).await?;
    let txn = crate::services::transaction::begin(db).await?;
    let mut event = entry(user, "product_deleted", &product, Some(snapshot(&product)));
    event.after = None;
    product.delete(&txn).await?;
    audit::record(&txn, event).await?;
    txn.commit().await?;
    Ok(())
}

/// Prices and lists of a product input, checked and converted to what is stored.
pub(crate) struct Fields {
    pub price: Option<i64>,
    pub variants: Option<Value>,
    pub modifiers: Option<Value>,
    pub aliases: Option<Value>,
}

impl Fields {
    /// Checks the fields, naming errors `{prefix}price` and so on.
    pub fn parse(
        check: &mut Validator,
        prefix: &str,
        currency: &str,
        price: Option<f64>,
        variants: Option<Vec<OptionDto>>,
        modifiers: Option<Vec<OptionDto>>,
        aliases: Option<Vec<String>>,
    ) -> Self {
        let price = price.map(|p| money::from_decimal(p, currency).filter(|p| *p >= 0));
        check.check(
            !matches!(price, Some(None)),
            &format!("{prefix}price"),
            "use an amount of 0 or more",
        );
        let mut options = |field: &str, list: Option<Vec<OptionDto>>| {
            let field = format!("{prefix}{field}");
            let field = field.as_str();
            list.map(|list| {
                let mut stored = Vec::new();
                let mut names: Vec<String> = Vec::new();
                for option in list {
                    let name = option.name.trim().to_string();
                    let minor = money::from_decimal(option.price, currency).filter(|p| *p >= 0);
                    let fresh = !names.iter().any(|n| n.eq_ignore_ascii_case(&name));
                    check.check(
                        (1..=80).contains(&name.chars().count()) && fresh,
                        field,
                        "give each a distinct name of 1 to 80 characters",
                    );
                    check.check(minor.is_some(), field, "give each a price of 0 or more");
                    let aliases = clean_aliases(&mut *check, field, option.aliases);
                    let mut entry = json!({ "name": name, "price": minor.unwrap_or_default() });
                    if !aliases.is_empty() {
                        entry["aliases"] = json!(aliases);
                    }
                    stored.push(entry);
                    names.push(name);
                }
                check.check(stored.len() <= 50, field, "use at most 50");
                Value::Array(stored)
            })
        };
        let variants = options("variants", variants);
        let modifiers = options("modifiers", modifiers);
        let aliases = aliases.map(|list| json!(clean_aliases(check, &format!("{prefix}aliases"), list)));
        Self {
            price: price.flatten(),
            variants,
            modifiers,
            aliases,
        }
    }
}

/// Aliases trimmed and lower-cased, at most 20 of up to 80 characters.
fn clean_aliases(check: &mut Validator, field: &str, list: Vec<String>) -> Vec<String> {
    let list: Vec<String> = list
        .into_iter()
        .map(|a| a.trim().to_lowercase())
        .filter(|a| !a.is_empty())
        .collect();
    check.check(
        list.len() <= 20 && list.iter().all(|a| a.chars().count() <= 80),
        field,
        "use at most 20 aliases of up to 80 characters",
    );
    list
}

pub(crate) async fn own_business_currency(
    db: &DatabaseConnection,
    caller: &Caller,
) -> Result<(i64, String), ServiceError> {
    let business = entity::businesses::Entity::find_by_id(caller.own_business()?)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("business"))?;
    Ok((business.id, business.currency))
}

async fn visible(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<(products::Model, String), ServiceError> {
    let product = products::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|product| caller.sees(product.business_id))
        .ok_or(ServiceError::NotFound("product"))?;
    let business = entity::businesses::Entity::find_by_id(product.business_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("product"))?;
    Ok((product, business.currency))
}

/// Variants and modifiers as stored: `[{"name", "price"}]` with prices in minor units.
pub fn stored_options(value: &Value) -> Vec<(String, i64)> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|entry| Some((entry.get("name")?.as_str()?.to_string(), entry.get("price")?.as_i64()?)))
        .collect()
}

/// Stored options as the API shows them, prices as decimals in `currency`.
pub fn option_dtos(value: &Value, currency: &str) -> Vec<OptionDto> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            Some(OptionDto {
                name: entry.get("name")?.as_str()?.to_string(),
                price: money::to_decimal(entry.get("price")?.as_i64()?, currency),
                aliases: string_list(entry.get("aliases")),
            })
        })
        .collect()
}

/// A stored JSON list of strings (aliases); anything else reads as empty.
pub fn string_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|a| a.as_str().map(str::to_string))
        .collect()
}

pub(crate) fn to_dto(product: products::Model, currency: &str) -> ProductDto {
    let options = |value: &Value| option_dtos(value, currency);
    ProductDto {
        id: product.id,
        price: money::to_decimal(product.base_price, currency),
        variants: options(&product.variants),
        modifiers: options(&product.modifiers),
        aliases: string_list(Some(&product.aliases)),
        name: product.name,
        category: product.category,
        description: product.description,
        is_available: product.is_available,
        sort_order: product.sort_order,
    }
}

fn snapshot(product: &products::Model) -> Value {
    json!({
        "name": product.name,
        "category": product.category,
        "base_price": product.base_price,
        "variants": product.variants,
        "modifiers": product.modifiers,
        "aliases": product.aliases,
        "is_available": product.is_available,
    })
}

fn entry(user: &User, action: &'static str, product: &products::Model, before: Option<Value>) -> AuditEntry {
    let _caller = &user.caller;
    AuditEntry {
        business_id: Some(product.business_id),
        actor_user_id: Some(user.caller.user_id),
        action,
        entity_type: "product",
        entity_id: Some(product.id),
        before,
        after: Some(snapshot(product)),
        ip: user.ip.clone(),
    }
}
