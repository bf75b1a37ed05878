//! `/api/openapi.json`: the OpenAPI 3 description, generated from the handlers' annotations and
//! the DTO types they take and answer.

use axum::Json;
use utoipa::{
    Modify, OpenApi,
    openapi::{
        ContentBuilder, Ref, RefOr, ResponseBuilder,
        path::Operation,
        security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    },
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
    modifiers(&BearerAuth, &CommonAnswers),
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

/// The answers any operation can give besides its own, so the description lists every status
/// the API really sends: 400 for a path, query or body that cannot be read at all, 422 for one
/// of the wrong shape, 415 for a body that is not JSON, 401 without a valid token, 429 past the
/// rate limit and 503 while the database is out of reach.
struct CommonAnswers;

impl CommonAnswers {
    fn add(operation: &mut Operation) {
        let mut answers = vec![
            ("429", "too many requests; `Retry-After` says when to try again"),
            (
                "503",
                "the database is unavailable or its disk is full; try again shortly",
            ),
        ];
        if operation.security.as_ref().is_some_and(|security| !security.is_empty()) {
            answers.push(("401", "missing, expired or wrong credentials"));
        }
        if operation
            .parameters
            .as_ref()
            .is_some_and(|parameters| !parameters.is_empty())
            || operation.request_body.is_some()
        {
            answers.push(("400", "a parameter or the body could not be read"));
            answers.push(("422", "a parameter or the body has the wrong type or shape"));
        }
        if operation.request_body.is_some() {
            answers.push(("415", "the body is not `application/json`"));
        }
        for (status, description) in answers {
            operation
                .responses
                .responses
                .entry(status.to_string())
                .or_insert_with(|| {
                    RefOr::T(
                        ResponseBuilder::new()
                            .description(description)
                            .content(
                                "application/json",
                                ContentBuilder::new()
                                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                                    .build(),
                            )
                            .build(),
                    )
                });
        }
    }
}

impl Modify for CommonAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                Self::add(operation);
            }
        }
    }
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
