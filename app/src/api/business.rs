//! Settings, catalog, groups, drivers and people of the signed-in business.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::{
    api::AppError,
    dto::{
        BusinessChanges, BusinessDto, DriverDto, DriverInput, GroupDto, GroupInput, ImportReport, Invitation, Invited,
        ProductDto, ProductInput, UserDto,
    },
};

#[server(prefix = "/rpc", endpoint = "business/get", input = Json)]
pub async fn get_business(id: i64) -> Result<BusinessDto, AppError> {
    let (state, caller) = crate::api::session::signed_in().await?;
    Ok(crate::services::businesses::get(&state.db, &state.outlets.answers.stats, &caller, id).await?)
}

#[server(prefix = "/rpc", endpoint = "business/update", input = Json)]
pub async fn update_business(id: i64, changes: BusinessChanges) -> Result<BusinessDto, AppError> {
    let (state, user) = crate::api::session::acting().await?;
    Ok(crate::services::businesses::update(&state.db, &user, id, changes).await?)
}

#[server(prefix = "/rpc", endpoint = "catalog/list", input = Json)]
pub async fn list_products() -> Result<Vec<ProductDto>, AppError> {
    let (state, caller) = crate::api::session::signed_in().await?;
    Ok(crate::services::products::list(&state.db, &caller).await?)
}

#[server(prefix = "/rpc", endpoint = "catalog/create", input = Json)]
pub async fn create_product(product: ProductInput) -> Result<ProductDto, AppError> {
    let (state, user) = crate::api::session::acting().await?;
    Ok(crate::services::products::create(&state.db, &user, product).await?)
}

#[server(prefix = "/rpc", endpoint = "catalog/update", input = Json)]
pub async fn update_product(id: i64, product: ProductInput) -> Result<ProductDto, AppError> {
    let (state, user) = crate::api::session::acting().await?;
    Ok(crate::services::products::update(&state.db, &user, id, product).await?)
}

#[server(prefix = "/rpc", endpoint = "catalog/delete", input = Json)]
pub async fn delete_product(id: i64) -> Result<(), AppError> {
    let (state, user) = crate::api::session::acting().await?;
    Ok(crate::services::products::delete(&state.db, &user, id).await?)
}

/// A whole catalog file's text, JSON or CSV, imported all or nothing.
#[server(prefix = "/rpc", endpoint = "catalog/import", input = Json)]
pub async fn import_catalog(csv: bool, text: String) -> Result<ImportReport, AppError> {
    use crate::services::catalog_file::{self, Format};
    let (state, user) = crate::api::session::acting().await?;
    let format = if csv { Format::Csv } else { Format::Json };
    Ok(catalog_file::import(&state.db, &user, format, text.as_bytes()).await?)
}

#[server(prefix = "/rpc", endpoint = "groups/list", input = Json)]
pub async fn list_groups() -> Result<Vec<GroupDto>, AppError> {
    let (state, caller) = crate::api::session::signed_in().await?;
    Ok(crate::services::groups::list(&state.db, &caller).await?)
}

#[server(prefix = "/rpc", endpoint = "groups/create", input = Json)]
pub async fn link_group(group: GroupInput) -> Result<GroupDto, AppError> {
    let (state, caller) = crate::api::session::signed_in().await?;
    Ok(crate::services::groups::create(&state.db, &caller, group).await?)
}

#[server(prefix = "/rpc", endpoint = "groups/update", input = Json)]
pub async fn update_group(id: i64, group: GroupInput) -> Result<GroupDto, AppError> {
    let (state, caller) = crate::api::session::signed_in().await?;
    Ok(crate::services::groups::update(&state.db, &caller, id, group).await?)
}

#[server(prefix = "/rpc", endpoint = "groups/delete", input = Json)]
pub async fn unlink_group(id: i64) -> Result<(), AppError> {
    let (state, caller) = crate::api::session::signed_in().await?;
    Ok(crate::services::groups::delete(&state.db, &caller, id).await?)
}

#[server(prefix = "/rpc", endpoint = "drivers/list", input = Json)]
pub async fn list_drivers() -> Result<Vec<DriverDto>, AppError> {
    let (state, caller) = crate::api::session::signed_in().await?;
    Ok(crate::services::drivers::list(&state.db, &caller).await?)
}

#[server(prefix = "/rpc", endpoint = "drivers/create", input = Json)]
pub async fn add_driver(driver: DriverInput) -> Result<DriverDto, AppError> {
    let (state, caller) = crate::api::session::signed_in().await?;
    Ok(crate::services::drivers::create(&state.db, &caller, driver).await?)
}

#[server(prefix = "/rpc", endpoint = "drivers/update", input = Json)]
pub async fn update_driver(id: i64, driver: DriverInput) -> Result<DriverDto, AppError> {
    let (state, caller) = crate::api::session::signed_in().await?;
    Ok(crate::services::drivers::update(&state.db, &state.outlets.answers, &caller, id, driver).await?)
}

#[server(prefix = "/rpc", endpoint = "drivers/delete", input = Json)]
pub async fn remove_driver(id: i64) -> Result<(), AppError> {
    let (state, caller) = crate::api::session::signed_in().await?;
    Ok(crate::services::drivers::delete(&state.db, &state.outlets.answers, &caller, id).await?)
}

#[server(prefix = "/rpc", endpoint = "users/list", input = Json)]
pub async fn list_team() -> Result<Vec<UserDto>, AppError> {
    let (state, caller) = crate::api::session::signed_in().await?;
    Ok(crate::services::users::list(&state.db, &caller, None).await?)
}

#[server(prefix = "/rpc", endpoint = "users/invite", input = Json)]
pub async fn invite_user(invitation: Invitation) -> Result<Invited, AppError> {
    let (state, user) = crate::api::session::acting().await?;
    Ok(crate::services::users::invite(&state.db, &user, invitation).await?)
}

#[server(prefix = "/rpc", endpoint = "users/set_active", input = Json)]
pub async fn set_team_member_active(id: i64, active: bool) -> Result<UserDto, AppError> {
    let (state, user) = crate::api::session::acting().await?;
    Ok(crate::services::users::set_active(&state.db, &state.callers, &user, id, active).await?)
}

#[server(prefix = "/rpc", endpoint = "users/set_role", input = Json)]
pub async fn set_team_member_role(id: i64, role: entity::enums::Role) -> Result<UserDto, AppError> {
    let (state, user) = crate::api::session::acting().await?;
    Ok(crate::services::users::set_role(&state.db, &state.callers, &user, id, role).await?)
}

/// Placeholder values from the business's latest order, for the live template previews.
#[server(prefix = "/rpc", endpoint = "business/template_sample", input = Json)]
pub async fn template_sample() -> Result<std::collections::BTreeMap<String, String>, AppError> {
    let (state, caller) = crate::api::session::signed_in().await?;
    Ok(crate::services::replies::sample(&state.db, &state.outlets, &caller).await?)
}
