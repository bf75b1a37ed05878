//! Reading orders: the filtered, paginated list and one order, always within the caller's
//! business.

use std::{
    collections::{BTreeMap, HashMap},
    sync::Arc,
};

use chrono::{DateTime, NaiveDate, Utc};
use entity::{enums::OrderStatus, order_items, orders};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
};
use serde_json::Value;

use crate::{
    dto::{DeliveryDto, OrderDto, OrderItemDto, OrderPage, OrderQuery, Pagination},
    error::{ServiceError, Validator},
    money,
    services::{
        access::{Caller, Permission},
        products,
        recent::Recent,
        tallies,
    },
};

use super::positions::{self, Range, Start, in_status_between};

pub const DEFAULT_LIMIT: u64 = 20;
pub const MAX_LIMIT: u64 = 100;
/// Far past any real list; keeps the row offset well inside what the databases accept.
const MAX_PAGE: u64 = 1_000_000;
/// From here on a page's start is looked up in the summaries rather than skipped to: about a
/// slot's worth of a busy business's orders.
const DEEP_OFFSET: u64 = 200;

pub async fn list(
    db: &DatabaseConnection,
    lists: &Recent<OrderPage>,
    caller: &Caller,
    query: OrderQuery,
) -> Result<OrderPage, ServiceError> {
    caller.require(Permission::ViewOrders)?;
    let filter = Filter::parse(&query)?;
    // A platform admin's list across all businesses is rare and would be emptied by every
    // business's change: it is not kept.
    let Some(business_id) = caller.business_scope(query.business_id) else {
        return read(db, None, &filter).await;
    };
    let page = lists
        .get_or_compute(business_id, format!("{filter:?}"), || {
            read(db, Some(business_id), &filter)
        })
        .await?;
    Ok(Arc::unwrap_or_clone(page))
}

/// The page of orders `filter` asks for, from the database.
async fn read(db: &DatabaseConnection, business: Option<i64>, filter: &Filter) -> Result<OrderPage, ServiceError> {
    let mut select = orders::Entity::find();
    if let Some(business_id) = business {
        select = select.filter(orders::Column::BusinessId.eq(business_id));
    }
    select = in_status_between(select, filter.status, filter.from, filter.to);
    if let Some(pattern) = &filter.search {
        let lower = |column: orders::Column| Expr::expr(Func::lower(Expr::col(column)));
        select = select.filter(
            Condition::any()
                .add(lower(orders::Column::CustomerName).like(LikeExpr::new(pattern.as_str()).escape('\\')))
                .add(lower(orders::Column::CustomerPhone).like(LikeExpr::new(pattern.as_str()).escape('\\'))),
        );
    }
    // The id breaks ties so pages never overlap or skip rows.
    select = select
        .order_by(filter.sort, filter.direction.clone())
        .order_by(orders::Column::Id, filter.direction.clone());

    // Counting or skipping a business's orders one by one would read all of them; the running
    // totals and the 15-minute summaries already know, unless the list is searched (or, to
    // skip, sorted by something other than time).
    let range = business.filter(|_| filter.search.is_none()).map(|business_id| Range {
        business_id,
        status: filter.status,
        from: filter.from,
        to: filter.to,
    });
    let dated = filter.from.is_some() || filter.to.is_some();
    let total = match range {
        Some(range) if dated => positions::count(db, range).await?,
        _ if !dated && filter.search.is_none() => tallies::orders(db, business, filter.status).await?,
        _ => select.clone().count(db).await?,
    };
    let offset = (filter.page - 1) * filter.limit;
    let start = match range {
        _ if offset >= total => None,
        Some(range) if offset >= DEEP_OFFSET && matches!(filter.sort, orders::Column::CreatedAt) => {
            Some(positions::start(db, range, &filter.direction, offset).await?)
        }
        _ => Some(Start { boundary: None, offset }),
    };
    // Past the last order the page is empty, without asking.
    let rows = match start {
        Some(start) => {
            start
                .narrow(select, &filter.direction)
                .offset(start.offset)
                .limit(filter.limit)
                .all(db)
                .await?
        }
        None => Vec::new(),
    };
    let orders = with_items(db, rows).await?;
    Ok(OrderPage {
        orders,
        pagination: Pagination {
            page: filter.page,
            limit: filter.limit,
            total,
            pages: total.div_ceil(filter.limit),
        },
    })
}

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<OrderDto, ServiceError> {
    let order = visible(db, caller, id).await?;
    Ok(with_items(db, vec![order]).await?.remove(0))
}

/// An order the caller may look at; another business's answers like a missing one.
pub(super) async fn visible(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<orders::Model, ServiceError> {
    caller.require(Permission::ViewOrders)?;
    orders::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|order| caller.sees(order.business_id))
        .ok_or(ServiceError::NotFound("order"))
}

/// Attaches each order's items and delivery with one query each for the whole page.
pub(crate) async fn with_items(
    db: &impl sea_orm::ConnectionTrait,
    rows: Vec<orders::Model>,
) -> Result<Vec<OrderDto>, ServiceError> {
    let ids: Vec<i64> = rows.iter().map(|order| order.id).collect();
    let mut items: HashMap<i64, Vec<order_items::Model>> = HashMap::new();
    if !ids.is_empty() {
        for item in order_items::Entity::find()
            .filter(order_items::Column::OrderId.is_in(ids.iter().copied()))
            .order_by_asc(order_items::Column::Id)
            .all(db)
            .await?
        {
            items.entry(item.order_id).or_default().push(item);
        }
    }
    let mut deliveries = crate::services::deliveries::of_orders(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|order| {
            let lines = items.remove(&order.id).unwrap_or_default();
            let delivery = deliveries.remove(&order.id);
            to_dto(order, lines, delivery)
        })
        .collect())
}

fn to_dto(order: orders::Model, items: Vec<order_items::Model>, delivery: Option<DeliveryDto>) -> OrderDto {
    let currency = order.currency.clone();
    let amount = |minor: i64| money::to_decimal(minor, &currency);
    OrderDto {
        id: order.id,
        business_id: order.business_id,
        order_number: order.order_number,
        status: order.status,
        source: order.source,
        customer_name: order.customer_name,
        customer_phone: order.customer_phone,
        delivery_address: order.delivery_address,
        fulfilment: order.fulfilment,
        payment_method: order.payment_method,
        cash_change_for: order.cash_change_for.map(|note| money::to_decimal(note, &currency)),
        notes: order.notes,
        items: items
            .into_iter()
            .map(|item| OrderItemDto {
                id: item.id,
                product_id: item.product_id,
                name: item.name,
                variant: item.variant,
                modifiers: products::option_dtos(&item.modifiers, &currency),
                quantity: item.quantity,
                unit: item.unit,
                unit_price: amount(item.unit_price),
                line_total: amount(item.line_total),
                notes: item.notes,
            })
            .collect(),
        subtotal: amount(order.subtotal),
        delivery_fee: amount(order.delivery_fee),
        total_amount: amount(order.total_amount),
        confidence: order.confidence,
        response_times: response_times(&order.response_times),
        attention: order.attention,
        delivery,
        created_at: order.created_at,
        updated_at: order.updated_at,
        currency,
    }
}

fn response_times(value: &Value) -> BTreeMap<String, DateTime<Utc>> {
    value
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(step, at)| {
            let at = DateTime::parse_from_rfc3339(at.as_str()?).ok()?;
            Some((step.clone(), at.with_timezone(&Utc)))
        })
        .collect()
}

/// The list query, checked. Its `Debug` form keys the kept lists.
#[derive(Debug)]
struct Filter {
    status: Option<OrderStatus>,
    page: u64,
    limit: u64,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    search: Option<String>,
    sort: orders::Column,
    direction: Order,
}

impl Filter {
    fn parse(query: &OrderQuery) -> Result<Self, ServiceError> {
        let mut check = Validator::default();
        let status = query
            .status
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(str::parse::<OrderStatus>);
        check.check(
            !matches!(status, Some(Err(_))),
            "status",
            format!(
                "use one of {}",
                OrderStatus::ALL
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        let page = query.page.unwrap_or(1);
        check.check(
            (1..=MAX_PAGE).contains(&page),
            "page",
            format!("use a page from 1 to {MAX_PAGE}"),
        );
        let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
        check.check(
            (1..=MAX_LIMIT).contains(&limit),
            "limit",
            format!("use 1 to {MAX_LIMIT}"),
        );
        let from = query.date_from.as_deref().map(|raw| instant(raw, false));
        check.check(
            !matches!(from, Some(None)),
            "date_from",
            "use YYYY-MM-DD or an RFC 3339 time",
        );
        let to = query.date_to.as_deref().map(|raw| instant(raw, true));
        check.check(
            !matches!(to, Some(None)),
            "date_to",
            "use YYYY-MM-DD or an RFC 3339 time",
        );
        let (descending, key) = match query.sort.as_deref().unwrap_or("-created_at") {
            sort if sort.starts_with('-') => (true, &sort[1..]),
            sort => (false, sort),
        };
        let sort = match key {
            "created_at" => Some(orders::Column::CreatedAt),
            "total_amount" => Some(orders::Column::TotalAmount),
            "order_number" => Some(orders::Column::OrderNumber),
            "status" => Some(orders::Column::Status),
            _ => None,
        };
        check.check(
            sort.is_some(),
            "sort",
            "use created_at, total_amount, order_number or status, optionally with a leading -",
        );
        let search = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
        check.check(
            search.is_none_or(|q| q.chars().count() <= 100),
            "q",
            "use at most 100 characters",
        );
        check.finish()?;
        Ok(Self {
            status: status.and_then(Result::ok),
            page,
            limit,
            from: from.flatten(),
            to: to.flatten(),
            search: search.map(|q| format!("%{}%", escape_like(&q.to_lowercase()))),
            sort: sort.unwrap_or(orders::Column::CreatedAt),
            direction: if descending { Order::Desc } else { Order::Asc },
        })
    }
}

/// A date means its whole UTC day: the start for `from`, the last instant for `to`.
fn instant(raw: &str, end_of_day: bool) -> Option<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Some(at.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()?;
    let time = if end_of_day {
        day.and_hms_nano_opt(23, 59, 59, 999_999_999)?
    } else {
        day.and_hms_opt(0, 0, 0)?
    };
    Some(time.and_utc())
}

/// Searches for `%` or `_` as themselves rather than as wildcards.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_cover_whole_days() {
        assert_eq!(
            instant("2026-11-25", false).unwrap().to_rfc3339(),
            "2026-11-25T00:00:00+00:00"
        );
        assert!(
            instant("2026-11-25", true)
                .unwrap()
                .to_rfc3339()
                .starts_with("2026-11-25T23:59:59.999")
        );
        assert!(instant("2026-11-25T10:00:00-03:00", false).is_some());
        assert!(instant("25/11/2026", false).is_none());
    }

    #[test]
    fn bad_filters_are_named() {
        let query = OrderQuery {
            status: Some("shipped".into()),
            page: Some(0),
            limit: Some(500),
            date_from: Some("yesterday".into()),
            sort: Some("price".into()),
            ..OrderQuery::default()
        };
        let Err(ServiceError::Validation(fields)) = Filter::parse(&query) else {
            panic!("expected field errors")
        };
        assert_eq!(
            fields.keys().collect::<Vec<_>>(),
            ["date_from", "limit", "page", "sort", "status"]
        );
    }
}
