//! The parser's view of each business's catalog, built once and kept until the products
//! change: building one indexes every name, far more work than parsing a message.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use chrono::{DateTime, Utc};
use entity::products;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, Func},
};
use serde_json::Value;

use crate::{
    error::ServiceError,
    parser::{Catalog, CatalogOption, CatalogProduct},
    services::products::{stored_options, string_list},
};

/// A business's catalog for the parser, with the stored products by id for pricing lines.
pub struct Priced {
    pub catalog: Catalog,
    pub products: HashMap<i64, products::Model>,
}

impl Priced {
    /// The price of a product's modifier, by the name the parser reports.
    pub fn modifier_price(&self, product_id: Option<i64>, name: &str) -> i64 {
        product_id
            .and_then(|id| self.products.get(&id))
            .and_then(|product| {
                stored_options(&product.modifiers)
                    .into_iter()
                    .find(|(option, _)| option.eq_ignore_ascii_case(name))
            })
            .map_or(0, |(_, price)| price)
    }
}

/// What changes whenever a product is added, edited or removed.
type Version = (i64, Option<DateTime<Utc>>);

/// A built catalog with the product version and delivery fee it was built for.
struct Built {
    version: Version,
    delivery_fee: i64,
    priced: Arc<Priced>,
}

#[derive(Default, Clone)]
pub struct Catalogs {
    built: Arc<Mutex<HashMap<i64, Built>>>,
}

impl Catalogs {
    /// The catalog of a business priced in `currency` with `delivery_fee`, rebuilt only when
    /// its products changed since last time.
    pub async fn get(
        &self,
        db: &impl ConnectionTrait,
        business_id: i64,
        currency: &str,
        delivery_fee: i64,
    ) -> Result<Arc<Priced>, ServiceError> {
        let version: Option<(i64, Option<DateTime<Utc>>)> = products::Entity::find()
            .filter(products::Column::BusinessId.eq(business_id))
            .select_only()
            .column_as(Expr::expr(Func::count(Expr::col(products::Column::Id))), "count")
            .column_as(Expr::expr(Func::max(Expr::col(products::Column::UpdatedAt))), "changed")
            .into_tuple()
            .one(db)
            .await?;
        let version = version.unwrap_or((0, None));
        if let Some(built) = self.lock().get(&business_id)
            && built.version == version
            && built.delivery_fee == delivery_fee
            && built.priced.catalog.currency() == currency
        {
            return Ok(built.priced.clone());
        }
        let stored = products::Entity::find()
            .filter(products::Column::BusinessId.eq(business_id))
            .all(db)
            .await?;
        let priced = Arc::new(build(stored, currency, delivery_fee));
        let built = Built {
            version,
            delivery_fee,
            priced: priced.clone(),
        };
        self.lock().insert(business_id, built);
        Ok(priced)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Built>> {
        // A panic while holding the lock leaves a map that is still whole.
        self.built.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn build(stored: Vec<products::Model>, currency: &str, delivery_fee: i64) -> Priced {
    let options = |value: &Value| -> Vec<CatalogOption> {
        value
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|entry| {
                Some(CatalogOption {
                    name: entry.get("name")?.as_str()?.to_string(),
                    aliases: string_list(entry.get("aliases")),
                    price: entry.get("price")?.as_i64()?,
                })
            })
            .collect()
    };
    let for_parser = stored
        .iter()
        .map(|product| CatalogProduct {
            id: Some(product.id),
            name: product.name.clone(),
            aliases: string_list(Some(&product.aliases)),
            price: product.base_price,
            variants: options(&product.variants),
            modifiers: options(&product.modifiers),
            available: product.is_available,
        })
        .collect();
    Priced {
        catalog: Catalog::new(currency, delivery_fee, for_parser),
        products: stored.into_iter().map(|product| (product.id, product)).collect(),
    }
}
