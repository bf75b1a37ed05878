//! The customer's tracking page, rendered on the server only: customers open it from a
//! WhatsApp message on their phone, so it ships no WebAssembly. `/track.js` keeps it current
//! by swapping in the `#tracking` part that the page's event stream sends on every change.

use entity::enums::OrderStatus;
use leptos::prelude::*;

use super::public::document;
use crate::services::tracking::Tracking;

/// The whole page.
pub fn page(tracking: &Tracking) -> String {
    let title = format!("Order #{} · {}", tracking.order_number, tracking.business_name);
    let live = live_view(tracking);
    document(
        &title,
        Some("/track.js"),
        view! {
            <header class="track-head">
                <p class="muted">{tracking.business_name.clone()}</p>
                <h1>"Order #" {tracking.order_number}</h1>
            </header>
            <section id="tracking" aria-live="polite">
                {live}
            </section>
        },
    )
}

/// The part of the page that changes, as the event stream sends it.
pub fn live(tracking: &Tracking) -> String {
    live_view(tracking).to_html()
}

/// What a visitor sees for a link that is unknown or has expired.
pub fn missing() -> String {
    document(
        "Tracking link not found",
        None,
        view! {
            <h1>"This tracking link is not active"</h1>
            <p class="muted">
                "It may be mistyped, or the order was completed more than a week ago. "
                "Ask the shop in your WhatsApp chat if you need anything."
            </p>
        },
    )
}

fn live_view(tracking: &Tracking) -> impl IntoView + use<> {
    let news = headline(tracking.status);
    let headline = match &tracking.customer {
        Some(name) => format!("Hi {name}, {news}"),
        None => news[..1].to_uppercase() + &news[1..],
    };
    let arrival = tracking.arrival.clone().map(|at| {
        view! {
            <p class="track-eta">"Expected around " <strong data-test="arrival">{at}</strong></p>
        }
    });
    let driver = tracking.driver.clone().map(|name| {
        let vehicle = tracking.vehicle.clone().map(|vehicle| format!(" · {vehicle}"));
        view! {
            <p class="track-driver">"Your driver: " <strong>{name}</strong> {vehicle}</p>
        }
    });
    let steps = tracking
        .steps
        .iter()
        .map(|step| {
            let done = step.at.is_some();
            view! {
                <li class:done=done>
                    <span>{step.label}</span>
                    <time>{step.at.clone().unwrap_or_default()}</time>
                </li>
            }
        })
        .collect_view();
    let items = tracking
        .items
        .iter()
        .map(|item| view! { <li>{item.clone()}</li> })
        .collect_view();
    view! {
        <p class=format!("track-status status-{}", tracking.status) data-test="track-status">{headline}</p>
        {arrival}
        {driver}
        <ol class="track-steps">{steps}</ol>
        <h2>"Your order"</h2>
        <ul class="track-items">{items}</ul>
        <p class="track-total">"Total " <strong>{tracking.total.clone()}</strong></p>
    }
}

fn headline(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Pending | OrderStatus::NeedsReview => "we have your order and are checking it.",
        OrderStatus::Confirmed => "your order is confirmed.",
        OrderStatus::Preparing => "your order is being prepared.",
        OrderStatus::OutForDelivery => "your order is on its way!",
        OrderStatus::Delivered => "your order was delivered. Enjoy!",
        OrderStatus::Cancelled => "this order was cancelled.",
    }
}
