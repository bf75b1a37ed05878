//! The platform admin's operations, as server functions.

use leptos::prelude::*;

use crate::{
    api::AppError,
    dto::{BusinessSummary, UserDto},
};

#[server(prefix = "/rpc", endpoint = "admin/businesses")]
pub async fn list_businesses() -> Result<Vec<BusinessSummary>, AppError> {
    let (state, caller) = crate::api::session::signed_in().await?;
    Ok(crate::services::admin::businesses(&state.db, &caller).await?)
}

#[server(prefix = "/rpc", endpoint = "admin/set_business_active")]
pub async fn set_business_active(id: i64, active: bool) -> Result<BusinessSummary, AppError> {
    let (state, user) = crate::api::session::acting().await?;
    Ok(crate::services::admin::set_business_active(&state.db, &state.callers, &user, id, active).await?)
}

#[server(prefix = "/rpc", endpoint = "admin/users")]
pub async fn list_users(business_id: Option<i64>) -> Result<Vec<UserDto>, AppError> {
    let (state, caller) = crate::api::session::signed_in().await?;
    caller.require(crate::services::access::Permission::Platform)?;
    Ok(crate::services::users::list(&state.db, &caller, business_id).await?)
}

#[server(prefix = "/rpc", endpoint = "admin/set_user_active")]
pub async fn set_user_active(id: i64, active: bool) -> Result<UserDto, AppError> {
    let (state, user) = crate::api::session::acting().await?;
    user.caller.require(crate::services::access::Permission::Platform)?;
    Ok(crate::services::users::set_active(&state.db, &state.callers, &user, id, active).await?)
}
