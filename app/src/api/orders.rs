//! The orders board and order pages.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::{
    api::AppError,
    dto::{Conversation, DeliveryStep, NewOrder, OrderChanges, OrderDto, OrderPage, OrderQuery, ParserCatalog},
};
use entity::enums::OrderStatus;

#[server(prefix = "/rpc", endpoint = "orders/list", input = Json)]
pub async fn list_orders(query: OrderQuery) -> Result<OrderPage, AppError> {
    let (state, caller) = crate::api::session::signed_in().await?;
    Ok(crate::services::orders::list(&state.db, &state.outlets.answers.order_lists, &caller, query).await?)
}

#[server(prefix = "/rpc", endpoint = "orders/get", input = Json)]
pub async fn get_order(id: i64) -> Result<OrderDto, AppError> {
    let (state, caller) = crate::api::session::signed_in().await?;
    Ok(crate::services::orders::get(&state.db, &caller, id).await?)
}

/// The customer's message and the replies about an order.
#[server(prefix = "/rpc", endpoint = "orders/conversation", input = Json)]
pub async fn order_conversation(id: i64) -> Result<Conversation, AppError> {
    let (state, caller) = crate::api::session::signed_in().await?;
    Ok(crate::services::orders::conversation(&state.db, &caller, id).await?)
}

/// An order typed in by staff (source `manual`).
#[server(prefix = "/rpc", endpoint = "orders/create", input = Json)]
pub async fn create_order(order: NewOrder) -> Result<OrderDto, AppError> {
    let (state, user) = crate::api::session::acting().await?;
    let source = entity::enums::OrderSource::Manual;
    Ok(crate::services::orders::create(&state.db, &state.outlets, &user, order, source).await?)
}

#[server(prefix = "/rpc", endpoint = "orders/update", input = Json)]
pub async fn update_order(id: i64, changes: OrderChanges) -> Result<OrderDto, AppError> {
    let (state, user) = crate::api::session::acting().await?;
    Ok(crate::services::orders::update(&state.db, &state.outlets, &user, id, changes).await?)
}

#[server(prefix = "/rpc", endpoint = "orders/status", input = Json)]
pub async fn change_order_status(id: i64, status: OrderStatus) -> Result<OrderDto, AppError> {
    let (state, user) = crate::api::session::acting().await?;
    Ok(crate::services::orders::change_status(&state.db, &state.outlets, &user, id, status).await?)
}

/// Hands the order to a driver.
#[server(prefix = "/rpc", endpoint = "orders/assign", input = Json)]
pub async fn assign_driver(id: i64, driver_id: i64) -> Result<OrderDto, AppError> {
    let (state, user) = crate::api::session::acting().await?;
    Ok(crate::services::deliveries::assign(&state.db, &state.outlets, &user, id, driver_id).await?)
}

/// Today's deliveries: a driver's own, or the whole business's.
#[server(prefix = "/rpc", endpoint = "deliveries/runs", input = Json)]
pub async fn delivery_runs() -> Result<Vec<OrderDto>, AppError> {
    let (state, caller) = crate::api::session::signed_in().await?;
    Ok(crate::services::deliveries::runs(&state.db, &caller).await?)
}

/// The driver picked the order up, or delivered it.
#[server(prefix = "/rpc", endpoint = "deliveries/report", input = Json)]
pub async fn report_delivery(id: i64, step: DeliveryStep) -> Result<OrderDto, AppError> {
    let (state, user) = crate::api::session::acting().await?;
    Ok(crate::services::deliveries::report(&state.db, &state.outlets, &user, id, step).await?)
}

/// The catalog for the browser's own parser, behind the live preview of a typed-in order.
#[server(prefix = "/rpc", endpoint = "orders/parser_catalog", input = Json)]
pub async fn catalog_for_parser() -> Result<ParserCatalog, AppError> {
    let (state, caller) = crate::api::session::signed_in().await?;
    Ok(crate::services::catalog_file::for_parser(&state.db, &caller).await?)
}
