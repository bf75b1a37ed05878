//! Whole-catalog export and import, as JSON (`CatalogFile`) or CSV. An import matches products
//! by name (ignoring case), updates those and adds the rest, all or nothing.

use std::collections::HashMap;

use chrono::Utc;
use entity::{businesses, products};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde_json::json;

use crate::{
    dto::{CatalogEntry, CatalogFile, ImportReport, OptionDto, ParserCatalog},
    error::{ServiceError, Validator},
    money,
    services::{
        access::{Caller, Permission},
        actor::User,
        audit::{self, AuditEntry},
        products::{Fields, of_business, own_business_currency, to_dto},
    },
};

const CSV_HEADER: [&str; 8] = [
    "name",
    "category",
    "description",
    "price",
    "variants",
    "modifiers",
    "aliases",
    "is_available",
];
pub const MAX_PRODUCTS: usize = 2_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
}

pub async fn export(db: &DatabaseConnection, caller: &Caller, format: Format) -> Result<String, ServiceError> {
    caller.require(Permission::ViewBusiness)?;
    let (business_id, currency) = own_business_currency(db, caller).await?;
    let file = CatalogFile {
        products: entries(db, business_id, &currency).await?,
        currency,
    };
    match format {
        Format::Json => serde_json::to_string_pretty(&file).map_err(|error| ServiceError::Internal(error.to_string())),
        Format::Csv => to_csv(&file.products),
    }
}

/// The catalog and delivery fee the browser needs to run the parser itself (the live preview
/// of a typed-in order).
pub async fn for_parser(db: &DatabaseConnection, caller: &Caller) -> Result<ParserCatalog, ServiceError> {
    caller.require(Permission::ViewOrders)?;
    let business = businesses::Entity::find_by_id(caller.own_business()?)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("business"))?;
    let delivery_fee = crate::services::businesses::settings(&business).delivery_fee;
    Ok(ParserCatalog {
        delivery_fee: money::to_decimal(delivery_fee, &business.currency),
        file: CatalogFile {
            products: entries(db, business.id, &business.currency).await?,
            currency: business.currency,
        },
    })
}

async fn entries(db: &DatabaseConnection, business_id: i64, currency: &str) -> Result<Vec<CatalogEntry>, ServiceError> {
    Ok(of_business(db, business_id)
        .await?
        .into_iter()
        .map(|row| {
            let product = to_dto(row, currency);
            CatalogEntry {
                name: product.name,
                category: product.category,
                description: product.description,
                price: product.price,
                variants: product.variants,
                modifiers: product.modifiers,
                aliases: product.aliases,
                is_available: product.is_available,
            }
        })
        .collect())
}

pub async fn import(
    db: &DatabaseConnection,
    user: &User,
    format: Format,
    body: &[u8],
) -> Result<ImportReport, ServiceError> {
    let caller = &user.caller;
    caller.require(Permission::ManageCatalog)?;
    let (business_id, currency) = own_business_currency(db, caller).await?;
    let text = std::str::from_utf8(body).map_err(|_| ServiceError::field("file", "the file is not UTF-8 text"))?;
    let entries = match format {
        Format::Json => {
            let file: CatalogFile = serde_json::from_str(text)
                .map_err(|error| ServiceError::field("file", format!("not a catalog file: {error}")))?;
            if file.currency != currency {
                return Err(ServiceError::field(
                    "currency",
                    format!("this catalog is in {}, the business uses {currency}", file.currency),
                ));
            }
            file.products
        }
        Format::Csv => from_csv(text)?,
    };

    let mut check = Validator::default();
    check.check(!entries.is_empty(), "products", "the file has no products");
    check.check(
        entries.len() <= MAX_PRODUCTS,
        "products",
        format!("import at most {MAX_PRODUCTS} products at once"),
    );
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut checked = Vec::with_capacity(entries.len());
    for (index, entry) in entries.into_iter().enumerate() {
        let prefix = format!("products[{index}].");
        let name = check.required(&format!("{prefix}name"), Some(entry.name), 120);
        let fresh = seen.insert(name.to_lowercase(), index).is_none();
        check.check(
            fresh || name.is_empty(),
            &format!("{prefix}name"),
            "this name appears twice in the file",
        );
        let fields = Fields::parse(
            &mut check,
            &prefix,
            &currency,
            Some(entry.price),
            Some(entry.variants),
            Some(entry.modifiers),
            Some(entry.aliases),
        );
        let category = check.text(&format!("{prefix}category"), entry.category, 80);
        let description = check.text(&format!("{prefix}description"), entry.description, 1000);
        checked.push((name, category, description, fields, entry.is_available));
    }
    check.finish()?;

    let txn = crate::services::transaction::begin(db).await?;
    let mut existing: HashMap<String, products::Model> = products::Entity::find()
        .filter(products::Column::BusinessId.eq(business_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|product| (product.name.to_lowercase(), product))
        .collect();
    let mut report = ImportReport { created: 0, updated: 0 };
    let now = Utc::now();
    for (name, category, description, fields, is_available) in checked {
        let mut model = match existing.remove(&name.to_lowercase()) {
            Some(product) => {
                report.updated += 1;
                product.into()
            }
            None => {
                report.created += 1;
                products::ActiveModel {
                    business_id: Set(business_id),
                    sort_order: Set(0),
                    created_at: Set(now),
                    ..Default::default()
                }
            }
        };
        model.name = Set(name);
        model.category = Set(category);
        model.description = Set(description);
        model.base_price = Set(fields.price.unwrap_or_default());
        model.variants = Set(fields.variants.unwrap_or_else(|| json!([])));
        model.modifiers = Set(fields.modifiers.unwrap_or_else(|| json!([])));
        model.aliases = Set(fields.aliases.unwrap_or_else(|| json!([])));
        model.is_available = Set(is_available);
        model.updated_at = Set(now);
        model.save(&txn).await?;
    }
    audit::record(
        &txn,
        AuditEntry {
            business_id: Some(business_id),
            actor_user_id: Some(caller.user_id),
            action: "catalog_imported",
            entity_type: "catalog",
            after: Some(json!({ "created": report.created, "updated": report.updated })),
            ip: user.ip.clone(),
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await?;
    Ok(report)
}

fn to_csv(products: &[CatalogEntry]) -> Result<String, ServiceError> {
    let internal = |error: csv::Error| ServiceError::Internal(error.to_string());
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(CSV_HEADER).map_err(internal)?;
    for product in products {
        writer
            .write_record([
                product.name.clone(),
                product.category.clone().unwrap_or_default(),
                product.description.clone().unwrap_or_default(),
                product.price.to_string(),
                join_options(&product.variants),
                join_options(&product.modifiers),
                product.aliases.join("|"),
                product.is_available.to_string(),
            ])
            .map_err(internal)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|error| ServiceError::Internal(error.to_string()))?;
    String::from_utf8(bytes).map_err(|error| ServiceError::Internal(error.to_string()))
}

/// `Small=9.99|Large=15.99`.
fn join_options(options: &[OptionDto]) -> String {
    options
        .iter()
        .map(|o| format!("{}={}", o.name, o.price))
        .collect::<Vec<_>>()
        .join("|")
}

fn from_csv(text: &str) -> Result<Vec<CatalogEntry>, ServiceError> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|error| ServiceError::field("file", format!("not CSV: {error}")))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    if header != CSV_HEADER {
        return Err(ServiceError::field(
            "file",
            format!("the first line must be: {}", CSV_HEADER.join(",")),
        ));
    }
    let mut entries = Vec::new();
    let mut check = Validator::default();
    for (index, record) in reader.records().enumerate() {
        let row = index + 2;
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                check.check(false, &format!("row {row}"), format!("unreadable: {error}"));
                continue;
            }
        };
        let cell = |i: usize| record.get(i).unwrap_or_default().trim().to_string();
        let optional = |i: usize| Some(cell(i)).filter(|v| !v.is_empty());
        let price = cell(3).parse::<f64>();
        check.check(
            price.is_ok(),
            &format!("row {row}"),
            "price must be a number such as 9.99",
        );
        let variants = split_options(&cell(4));
        let modifiers = split_options(&cell(5));
        check.check(
            variants.is_some() && modifiers.is_some(),
            &format!("row {row}"),
            "write options as Name=9.99|Other=1.50",
        );
        let is_available = match cell(7).to_lowercase().as_str() {
            "" | "true" | "yes" | "1" => Some(true),
            "false" | "no" | "0" => Some(false),
            _ => None,
        };
        check.check(
            is_available.is_some(),
            &format!("row {row}"),
            "is_available must be true or false",
        );
        entries.push(CatalogEntry {
            name: cell(0),
            category: optional(1),
            description: optional(2),
            price: price.unwrap_or_default(),
            variants: variants.unwrap_or_default(),
            modifiers: modifiers.unwrap_or_default(),
            aliases: cell(6)
                .split('|')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_string)
                .collect(),
            is_available: is_available.unwrap_or(true),
        });
    }
    check.finish()?;
    Ok(entries)
}

fn split_options(cell: &str) -> Option<Vec<OptionDto>> {
    cell.split('|')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (name, price) = part.rsplit_once('=')?;
            Some(OptionDto {
                name: name.trim().to_string(),
                price: price.trim().parse().ok()?,
                aliases: Vec::new(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_round_trips() {
        let entries = vec![CatalogEntry {
            name: "Pizza, \"special\"".into(),
            category: Some("Pizza".into()),
            description: None,
            price: 9.99,
            variants: vec![
                OptionDto {
                    name: "Small".into(),
                    price: 9.99,
                    aliases: Vec::new(),
                },
                OptionDto {
                    name: "Large".into(),
                    price: 15.99,
                    aliases: Vec::new(),
                },
            ],
            modifiers: vec![OptionDto {
                name: "Extra cheese".into(),
                price: 1.5,
                aliases: Vec::new(),
            }],
            aliases: vec!["special".into(), "house pizza".into()],
            is_available: false,
        }];
        let text = to_csv(&entries).unwrap();
        assert_eq!(from_csv(&text).unwrap(), entries);
    }

    #[test]
    fn bad_csv_rows_are_named() {
        let text =
            "name,category,description,price,variants,modifiers,aliases,is_available\nBread,,,cheap,Small,,,maybe\n";
        let Err(ServiceError::Validation(fields)) = from_csv(text) else {
            panic!("expected field errors")
        };
        assert!(fields.contains_key("row 2"), "{fields:?}");
        assert!(matches!(from_csv("a,b\n1,2\n"), Err(ServiceError::Validation(_))));
    }
}
