//! `/api/openapi.json`: the OpenAPI 3 description, generated from the handlers' annotations and
//! the DTO types they take and answer.

use axum::Json;
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

use super::{analytics, auth, businesses, deliveries, drivers, events, groups, orders, products, users, whatsapp};

#[derive(OpenApi)]
#[openapi(
    info(title = "Novi API", description = "Orders from WhatsApp, for small businesses. Amounts are decimals in the business's currency."),
    paths(
        auth::register, auth::login, auth::logout, auth::me, auth::change_password,
        orders::list, orders::one, orders::create, orders::update, orders::change_status, orders::assign_driver,
        orders::report_delivery, deliveries::list,
        businesses::one, businesses::update,
        products::list, products::one, products::create, products::update, products::remove,
        products::export, products::import,
        groups::list, groups::create, groups::update, groups::remove,
        drivers::list, drivers::create, drivers::update, drivers::remove,
        users::list, users::invite, users::update,
        whatsapp::status, whatsapp::qr_svg, whatsapp::connect, whatsapp::logout,
        whatsapp::cloud_account, whatsapp::set_cloud_account, whatsapp::remove_cloud_account,
        events::stream,
        analytics::report, analytics::csv,
    ),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

/// Declares the `bearer` scheme the operations refer to.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
