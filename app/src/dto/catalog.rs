//! The catalog: products with their variants and modifiers, and catalog files.

use serde::{Deserialize, Serialize};

/// A product's variant or modifier with its price as a decimal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OptionDto {
    pub name: String,
    pub price: f64,
    /// Other ways customers write it ("big" for "Large").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProductDto {
    pub id: i64,
    pub name: String,
    pub category: Option<String>,
    pub description: Option<String>,
    pub price: f64,
    pub variants: Vec<OptionDto>,
    pub modifiers: Vec<OptionDto>,
    pub aliases: Vec<String>,
    pub is_available: bool,
    pub sort_order: i32,
}

/// `POST /api/products` (all required but `name` and `price` default) and `PATCH` (all optional).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ProductInput {
    pub name: Option<String>,
    pub category: Option<String>,
    pub description: Option<String>,
    pub price: Option<f64>,
    pub variants: Option<Vec<OptionDto>>,
    pub modifiers: Option<Vec<OptionDto>>,
    pub aliases: Option<Vec<String>>,
    pub is_available: Option<bool>,
    pub sort_order: Option<i32>,
}

/// A whole catalog as exported and imported (`format=json`), prices as decimals in `currency`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CatalogFile {
    pub currency: String,
    pub products: Vec<CatalogEntry>,
}

/// One product of a catalog file; `name` identifies it on import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CatalogEntry {
    pub name: String,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub price: f64,
    #[serde(default)]
    pub variants: Vec<OptionDto>,
    #[serde(default)]
    pub modifiers: Vec<OptionDto>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default = "available")]
    pub is_available: bool,
}

fn available() -> bool {
    true
}

/// What the browser needs to run the parser for a live preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParserCatalog {
    pub file: CatalogFile,
    pub delivery_fee: f64,
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
}
