//! The axum router: health, metrics, the REST API, server functions, static files and the
//! server-rendered dashboard.

mod analytics;
mod api;
mod auth;
mod businesses;
mod database_gate;
mod deliveries;
mod drivers;
mod error;
mod events;
mod extract;
mod groups;
mod health;
mod menu;
mod metrics;
mod openapi;
mod orders;
mod pages;
mod products;
pub mod rate_limit;
mod responses;
mod security;
mod service_worker;
mod tracking;
mod users;
mod webhooks;
mod whatsapp;

pub use error::ApiError;

use std::sync::Arc;

use app::{App, shell, state::AppState};
use axum::{Router, http::HeaderName, middleware, routing::get};
use leptos::{nonce::provide_nonce, prelude::provide_context};
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use tower::ServiceBuilder;
use tower_http::{
    compression::CompressionLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::{DefaultOnResponse, TraceLayer},
};
use tracing::Level;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn router(state: AppState, limits: Arc<rate_limit::Limits>) -> Router {
    security::with_headers(routes(state, limits))
}

fn routes(state: AppState, limits: Arc<rate_limit::Limits>) -> Router {
    let routes = generate_route_list(App);
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            provide_nonce();
        }
    };

    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::render))
        .route("/sw.js", get(service_worker::script))
        .nest("/api", api::router(state.max_upload_bytes))
        .nest("/t", tracking::router())
        .nest("/m", menu::router())
        .nest("/webhooks", webhooks::router())
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(file_and_error_handler_with_context::<AppState, _>(context, shell))
        .layer(middleware::from_fn_with_state(state.clone(), pages::require_session))
        .route_layer(middleware::from_fn(metrics::record))
        .layer(middleware::from_fn_with_state(
            (limits, state.clone()),
            rate_limit::limit,
        ))
        .layer(middleware::from_fn_with_state(
            database_gate::Gate::new(state.db.clone()),
            database_gate::guard,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(|request: &axum::extract::Request| {
                            let request_id = request
                                .headers()
                                .get(&REQUEST_ID)
                                .and_then(|id| id.to_str().ok())
                                .unwrap_or_default();
                            tracing::info_span!("request", method = %request.method(), uri = %request.uri(), request_id)
                        })
                        .on_response(DefaultOnResponse::new().level(Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(CompressionLayer::new()),
        )
        .with_state(state)
}
