//! The JSON envelopes the REST API answers with, typed so the OpenAPI description is generated
//! from the same definitions the handlers return.

use std::collections::BTreeMap;

use app::{
    api::ErrorCode,
    dto::{BusinessDto, CloudAccountView, DriverDto, GroupDto, OrderDto, Pagination, ProductDto, UserDto, UserSummary},
};
use serde::Serialize;
use utoipa::ToSchema;

/// Declares `{"success": true, <field>: <type>, …}` envelopes.
macro_rules! envelope {
    ($($(#[$meta:meta])* $name:ident { $($field:ident: $ty:ty),* $(,)? })+) => {$(
        $(#[$meta])*
        #[derive(Debug, Serialize, ToSchema)]
        pub struct $name {
            pub success: bool,
            $(pub $field: $ty,)*
        }

        impl $name {
            #[allow(clippy::new_without_default)]
            pub fn new($($field: $ty),*) -> Self {
                Self { success: true, $($field),* }
            }
        }
    )+};
}

envelope! {
    /// `success` alone: the request was carried out.
    Done {}
    Registered { message: String, user_id: i64 }
    LoggedIn { token: String, user: UserSummary }
    UserAnswer { user: UserDto }
    UsersAnswer { users: Vec<UserDto> }
    InvitedAnswer { user: UserDto, one_time_password: String }
    OrdersAnswer { orders: Vec<OrderDto>, pagination: Pagination }
    OrderAnswer { order: OrderDto }
    RunsAnswer { deliveries: Vec<OrderDto> }
    CloudAnswer { account: Option<CloudAccountView> }
    BusinessAnswer { business: BusinessDto }
    ProductsAnswer { products: Vec<ProductDto> }
    ProductAnswer { product: ProductDto }
    ImportAnswer { created: usize, updated: usize }
    GroupsAnswer { groups: Vec<GroupDto> }
    GroupAnswer { group: GroupDto }
    DriversAnswer { drivers: Vec<DriverDto> }
    DriverAnswer { driver: DriverDto }
    AnalyticsAnswer { analytics: app::dto::AnalyticsReport }
}

/// Every error: `success` is false and `error` says what and, for validation, which fields.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub success: bool,
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    pub message: String,
    /// Field name → what is wrong with it.
    pub fields: BTreeMap<String, String>,
}
