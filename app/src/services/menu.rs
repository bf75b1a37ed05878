//! The menu a customer asks for ("menu", "cardápio", "daftar menu"): the available products by
//! category, with their sizes and prices, as one WhatsApp message and as a public page
//! (`/m/{short_code}`) that the message links to when it is too long for a chat.

use entity::{businesses, products};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::{error::ServiceError, money, services::products::stored_options};

/// WhatsApp's Cloud API takes a text of at most 4,096 characters; the rest goes to the page.
const MESSAGE_CHARS: usize = 3_800;

/// What a business sells now, grouped as its catalog groups it.
#[derive(Debug, Clone, PartialEq)]
pub struct Menu {
    pub business_name: String,
    pub short_code: String,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The catalog's category, or "More" for products without one.
    pub title: String,
    pub items: Vec<Item>,
}

/// One product: "Pizza Margherita — Small $9.99 · Large $15.99".
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub name: String,
    pub description: Option<String>,
    /// Each size with its price, or the one price of a product without sizes.
    pub prices: Vec<(Option<String>, String)>,
}

impl Item {
    pub fn prices_text(&self) -> String {
        self.prices
            .iter()
            .map(|(size, price)| match size {
                Some(size) => format!("{size} {price}"),
                None => price.clone(),
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

impl Menu {
    /// The menu of the available products among `products` (in any order). Unavailable
    /// products are left out, prices and all.
    pub fn of<'a>(business: &businesses::Model, products: impl IntoIterator<Item = &'a products::Model>) -> Self {
        let mut available: Vec<&products::Model> = products.into_iter().filter(|p| p.is_available).collect();
        available.sort_by(|a, b| {
            (a.category.is_none(), &a.category, a.sort_order, &a.name).cmp(&(
                b.category.is_none(),
                &b.category,
                b.sort_order,
                &b.name,
            ))
        });
        let mut sections: Vec<Section> = Vec::new();
        for product in available {
            let title = product.category.clone().unwrap_or_else(|| "More".into());
            let price = |minor: i64| money::display(minor, &business.currency);
            let sizes = stored_options(&product.variants);
            let prices = if sizes.is_empty() {
                vec![(None, price(product.base_price))]
            } else {
                sizes
                    .into_iter()
                    .map(|(size, minor)| (Some(size), price(minor)))
                    .collect()
            };
            let item = Item {
                name: product.name.clone(),
                description: product.description.clone(),
                prices,
            };
            match sections.last_mut() {
                Some(section) if section.title == title => section.items.push(item),
                _ => sections.push(Section {
                    title,
                    items: vec![item],
                }),
            }
        }
        Self {
            business_name: business.name.clone(),
            short_code: business.short_code.clone(),
            sections,
        }
    }

    /// The menu as one WhatsApp message, cut short with "…and N more" and a link to the whole
    /// page when it would not fit in one.
    pub fn message(&self, page_link: &str) -> String {
        let total: usize = self.sections.iter().map(|section| section.items.len()).sum();
        if total == 0 {
            return format!("{} has nothing on the menu right now, sorry.", self.business_name);
        }
        let mut text = format!("{} — menu\n", self.business_name);
        let mut shown = 0;
        'sections: for section in &self.sections {
            let heading = format!("\n*{}*\n", section.title);
            if text.chars().count() + heading.chars().count() > MESSAGE_CHARS {
                break;
            }
            text.push_str(&heading);
            for item in &section.items {
                let line = format!("• {} — {}\n", item.name, item.prices_text());
                if text.chars().count() + line.chars().count() > MESSAGE_CHARS {
                    break 'sections;
                }
                text.push_str(&line);
                shown += 1;
            }
        }
        if shown < total {
            text.push_str(&format!("…and {} more\n", total - shown));
        }
        text.push_str(&format!(
            "\nThe whole menu: {page_link}\nReply with what you would like."
        ));
        text
    }
}

/// The menu of the business with this short code, for its public page.
pub async fn by_short_code(db: &DatabaseConnection, short_code: &str) -> Result<Menu, ServiceError> {
    let business = businesses::Entity::find()
        .filter(businesses::Column::ShortCode.eq(short_code))
        .filter(businesses::Column::IsActive.eq(true))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("menu"))?;
    let products = products::Entity::find()
        .filter(products::Column::BusinessId.eq(business.id))
        .filter(products::Column::IsAvailable.eq(true))
        .order_by_asc(products::Column::Id)
        .all(db)
        .await?;
    Ok(Menu::of(&business, &products))
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use serde_json::json;

    use super::*;

    fn business() -> businesses::Model {
        businesses::Model {
            id: 1,
            name: "Pizza Palace".into(),
            description: None,
            short_code: "PIZZA".into(),
            phone: None,
            email: None,
            address: None,
            currency: "USD".into(),
            timezone: "UTC".into(),
            settings: json!({}),
            is_active: true,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn product(id: i64, name: &str, category: Option<&str>, available: bool) -> products::Model {
        products::Model {
            id,
            business_id: 1,
            name: name.into(),
            category: category.map(str::to_string),
            description: None,
            base_price: 999,
            variants: if name.starts_with("Pizza") {
                json!([{ "name": "Small", "price": 999 }, { "name": "Large", "price": 1599 }])
            } else {
                json!([])
            },
            modifiers: json!([]),
            aliases: json!([]),
            is_available: available,
            sort_order: 0,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn lists_what_is_available_by_category() {
        let products = [
            product(1, "Coke", Some("Drinks"), true),
            product(2, "Pizza Margherita", Some("Pizza"), true),
            product(3, "Tiramisu", Some("Desserts"), false),
        ];
        let text = Menu::of(&business(), &products).message("https://novi.example/m/PIZZA");
        assert_eq!(
            text,
            "Pizza Palace — menu\n\n*Drinks*\n• Coke — $9.99\n\n*Pizza*\n• Pizza Margherita — Small $9.99 · Large $15.99\n\n\
             The whole menu: https://novi.example/m/PIZZA\nReply with what you would like."
        );
    }

    #[test]
    fn a_long_menu_is_cut_short_with_a_link() {
        let products: Vec<_> = (0..400)
            .map(|n| product(n, &format!("Pizza Number {n}"), Some("Pizza"), true))
            .collect();
        let text = Menu::of(&business(), &products).message("https://novi.example/m/PIZZA");
        assert!(text.chars().count() <= 4_096, "{}", text.chars().count());
        assert!(
            text.contains("more\n\nThe whole menu: https://novi.example/m/PIZZA"),
            "{text}"
        );
    }
}
