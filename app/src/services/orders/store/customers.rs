//! The customers of new orders, by phone: new ones inserted together, known ones stamped with
//! their latest order and given the name and address it brought.

use std::collections::HashMap;

use chrono::Utc;
use entity::customers;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, Set, sea_query::Expr,
};

use crate::error::ServiceError;

/// Who placed an order, as it says.
pub struct Placed<'a> {
    pub phone: &'a str,
    pub name: Option<&'a str>,
    pub address: Option<&'a str>,
}

/// Customer ids by phone for these orders of one business (the last one of a phone says who
/// they are now): one read, then one write per changed customer and one for the rest.
pub async fn upsert(
    txn: &DatabaseTransaction,
    business_id: i64,
    placed: impl IntoIterator<Item = Placed<'_>>,
) -> Result<HashMap<String, i64>, ServiceError> {
    let mut latest: HashMap<&str, Placed<'_>> = HashMap::new();
    for order in placed {
        latest.insert(order.phone, order);
    }
    if latest.is_empty() {
        return Ok(HashMap::new());
    }
    let now = Utc::now();
    let known = customers::Entity::find()
        .filter(customers::Column::BusinessId.eq(business_id))
        .filter(customers::Column::Phone.is_in(latest.keys().copied()))
        .all(txn)
        .await?;
    let mut ids: HashMap<String, i64> = HashMap::new();
    let mut unchanged = Vec::new();
    for customer in known {
        let order = &latest[customer.phone.as_str()];
        let name = order.name.filter(|name| customer.name.as_deref() != Some(*name));
        let address = order
            .address
            .filter(|address| customer.default_address.as_deref() != Some(*address));
        ids.insert(customer.phone.clone(), customer.id);
        if name.is_none() && address.is_none() {
            unchanged.push(customer.id);
            continue;
        }
        let mut row = customer.into_active_model();
        if let Some(name) = name {
            row.name = Set(Some(name.to_string()));
        }
        if let Some(address) = address {
            row.default_address = Set(Some(address.to_string()));
        }
        row.last_order_at = Set(Some(now));
        row.update(txn).await?;
    }
    if !unchanged.is_empty() {
        customers::Entity::update_many()
            .col_expr(customers::Column::LastOrderAt, Expr::value(now))
            .filter(customers::Column::Id.is_in(unchanged))
            .exec(txn)
            .await?;
    }
    let new: Vec<customers::ActiveModel> = latest
        .values()
        .filter(|order| !ids.contains_key(order.phone))
        .map(|order| customers::ActiveModel {
            business_id: Set(business_id),
            phone: Set(order.phone.to_string()),
            name: Set(order.name.map(str::to_string)),
            default_address: Set(order.address.map(str::to_string)),
            created_at: Set(now),
            last_order_at: Set(Some(now)),
            ..Default::default()
        })
        .collect();
    if !new.is_empty() {
        for customer in customers::Entity::insert_many(new).exec_with_returning(txn).await? {
            ids.insert(customer.phone, customer.id);
        }
    }
    Ok(ids)
}
