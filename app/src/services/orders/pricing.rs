//! Prices order lines against a business's catalog: names and aliases find the product, the
//! variant sets the price, modifiers add to it.

use entity::{order_items, products};
use serde_json::{Value, json};

use crate::{
    dto::NewOrderItem,
    error::{ServiceError, Validator},
    money,
    services::products::stored_options,
};

pub const MAX_LINES: usize = crate::parser::MAX_ITEMS;
const MAX_QUANTITY: f64 = 10_000.0;
/// The largest line total in minor units; a hundred of them still add up far below i64::MAX.
const MAX_LINE_TOTAL: f64 = 1.0e13;

pub fn price(
    catalog: &[products::Model],
    currency: &str,
    items: &[NewOrderItem],
) -> Result<Vec<order_items::Model>, ServiceError> {
    let mut check = Validator::default();
    check.check(!items.is_empty(), "items", "add at least one item");
    check.check(
        items.len() <= MAX_LINES,
        "items",
        format!("use at most {MAX_LINES} items"),
    );
    let mut lines = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let field = |name: &str| format!("items[{index}].{name}");
        let name = item.name.trim();
        check.check(
            (1..=160).contains(&name.chars().count()),
            &field("name"),
            "use 1 to 160 characters",
        );
        let quantity_ok = item.quantity.is_finite() && item.quantity > 0.0 && item.quantity <= MAX_QUANTITY;
        check.check(
            quantity_ok,
            &field("quantity"),
            format!("use a quantity above 0 and up to {MAX_QUANTITY}"),
        );
        match find(catalog, name) {
            Some(product) => match price_from_catalog(product, item, currency) {
                Ok((variant, modifiers, unit_price)) => lines.push(line(
                    Some(product.id),
                    &product.name,
                    variant,
                    modifiers,
                    item,
                    unit_price,
                )),
                Err((what, message)) => {
                    check.check(false, &field(what), message);
                }
            },
            None => {
                let unit_price = item
                    .price
                    .filter(|p| *p >= 0.0)
                    .and_then(|p| money::from_decimal(p, currency));
                check.check(
                    unit_price.is_some(),
                    &field("price"),
                    "not in the catalog: give its price",
                );
                if let Some(unit_price) = unit_price {
                    lines.push(line(None, name, item.variant.clone(), json!([]), item, unit_price));
                }
            }
        }
    }
    for (index, line) in lines.iter().enumerate() {
        check.check(
            line.line_total <= MAX_LINE_TOTAL as i64,
            &format!("items[{index}].quantity"),
            "this line costs too much",
        );
    }
    check.finish()?;
    Ok(lines)
}

fn line(
    product_id: Option<i64>,
    name: &str,
    variant: Option<String>,
    modifiers: Value,
    item: &NewOrderItem,
    unit_price: i64,
) -> order_items::Model {
    order_items::Model {
        id: 0,
        order_id: 0,
        product_id,
        name: name.to_string(),
        variant,
        modifiers,
        quantity: item.quantity,
        unit: None,
        unit_price,
        // Float-to-int casts saturate, so an absurd line cannot wrap around; it is refused above.
        line_total: (unit_price as f64 * item.quantity).round().min(MAX_LINE_TOTAL + 1.0) as i64,
        notes: item
            .notes
            .as_ref()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty()),
    }
}

/// The product called `name`, by its name or one of its aliases, ignoring case.
pub fn find<'a>(catalog: &'a [products::Model], name: &str) -> Option<&'a products::Model> {
    let wanted = name.trim().to_lowercase();
    catalog
        .iter()
        .find(|product| product.name.to_lowercase() == wanted)
        .or_else(|| {
            catalog.iter().find(|product| {
                product
                    .aliases
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .any(|a| a.to_lowercase() == wanted)
            })
        })
}

type Priced = (Option<String>, Value, i64);

fn price_from_catalog(
    product: &products::Model,
    item: &NewOrderItem,
    currency: &str,
) -> Result<Priced, (&'static str, String)> {
    let variants = stored_options(&product.variants);
    // A client that names no variant but sends the price it saw means the variant at that price.
    let priced_at = item
        .price
        .and_then(|price| money::from_decimal(price, currency))
        .and_then(|price| variants.iter().find(|(_, variant_price)| *variant_price == price));
    let (variant, base) = match (&item.variant, priced_at.or(variants.first())) {
        (Some(wanted), _) => {
            let found = variants
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(wanted.trim()));
            let names = variants
                .iter()
                .map(|(name, _)| name.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            match found {
                Some((name, price)) => (Some(name.clone()), *price),
                None if variants.is_empty() => return Err(("variant", format!("{} has no variants", product.name))),
                None => return Err(("variant", format!("{} comes as {names}", product.name))),
            }
        }
        // Without a variant or its price the first (usually the smallest) is meant.
        (None, Some((name, price))) => (Some(name.clone()), *price),
        (None, None) => (None, product.base_price),
    };
    let available = stored_options(&product.modifiers);
    if item.modifiers.len() > available.len() {
        return Err((
            "modifiers",
            format!("{} has {} modifiers; each counts once", product.name, available.len()),
        ));
    }
    let mut chosen: Vec<Value> = Vec::new();
    let mut extra: i64 = 0;
    for wanted in &item.modifiers {
        match available
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(wanted.trim()))
        {
            Some((name, _)) if chosen.iter().any(|c| c["name"] == name.as_str()) => {
                return Err(("modifiers", format!("`{name}` is listed twice")));
            }
            Some((name, price)) => {
                // Stored prices are bounded, and at most one of each is added.
                extra = extra.saturating_add(*price);
                chosen.push(json!({"name": name, "price": price}));
            }
            None => return Err(("modifiers", format!("{} has no modifier `{wanted}`", product.name))),
        }
    }
    Ok((variant, Value::Array(chosen), base.saturating_add(extra)))
}
