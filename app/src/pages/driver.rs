//! The driver's view (`/driver`), made for a phone: today's deliveries, the address opening in
//! a maps app, a button to call the customer, and the two things a driver reports.

use entity::enums::OrderStatus;
use leptos::prelude::*;

use crate::{
    api::orders::{ReportDelivery, delivery_runs},
    dto::{DeliveryStep, OrderDto},
    live, money,
};

use super::{
    order_parts::{label, quantity},
    when,
};

#[component]
pub fn DriverPage() -> impl IntoView {
    let report = ServerAction::<ReportDelivery>::new();
    let changes = RwSignal::new(0u64);
    live::on_order_events(move |_| changes.update(|n| *n += 1));
    let runs = Resource::new(move || (report.version().get(), changes.get()), |_| delivery_runs());
    view! {
        <header class="board-head">
            <h1>"My deliveries"</h1>
        </header>
        {move || report.value().get().and_then(Result::err).map(|error| {
            view! { <p class="error" role="alert">{error.message}</p> }
        })}
        <Transition fallback=|| view! { <p class="muted">"Loading your deliveries…"</p> }>
            {move || runs.get().map(|loaded| match loaded {
                Err(error) => view! { <p class="error" role="alert">{error.message}</p> }.into_any(),
                Ok(runs) if runs.is_empty() => view! {
                    <p class="empty" data-test="no-runs">"Nothing to deliver yet today. New deliveries appear here by themselves."</p>
                }
                .into_any(),
                Ok(runs) => view! {
                    <ul class="runs">{runs.into_iter().map(|run| run_card(run, report)).collect_view()}</ul>
                }
                .into_any(),
            })}
        </Transition>
    }
}

/// One delivery as the driver needs it on the road.
pub fn run_card(run: OrderDto, report: ServerAction<ReportDelivery>) -> impl IntoView {
    let id = run.id;
    let total = money::display(
        money::from_decimal(run.total_amount, &run.currency).unwrap_or(0),
        &run.currency,
    );
    let title = match &run.customer_name {
        Some(name) => format!("#{} · {name}", run.order_number),
        None => format!("#{}", run.order_number),
    };
    let address = run.delivery_address.clone().map(|address| {
        let maps = maps_link(&address);
        view! {
            <a class="run-address" href=maps target="_blank" rel="noopener external" data-test="maps">
                {address}
            </a>
        }
    });
    let phone = run.customer_phone.clone().map(|phone| {
        view! { <a class="button small quiet" href=format!("tel:{phone}") data-test="call">"Call " {phone.clone()}</a> }
    });
    let items = run
        .items
        .iter()
        .map(|item| {
            let variant = item.variant.clone().map(|variant| format!(" ({variant})"));
            view! { <li>{format!("{} {}", quantity(item.quantity), item.name)} {variant}</li> }
        })
        .collect_view();
    let notes = run
        .notes
        .clone()
        .map(|notes| view! { <p class="muted">"Note: " {notes}</p> });
    let arrival = run
        .expected_arrival()
        .filter(|_| run.status != OrderStatus::Delivered)
        .map(|at| view! { <p class="muted">"Expected by " {when::hour_and_minute(at)}</p> });
    let step = match run.status {
        OrderStatus::Confirmed | OrderStatus::Preparing => Some((DeliveryStep::PickedUp, "Picked up")),
        OrderStatus::OutForDelivery => Some((DeliveryStep::Delivered, "Delivered")),
        _ => None,
    };
    let action = step.map(|(step, text)| {
        view! {
            <button class="button" data-test=format!("report-{}", text.to_lowercase().replace(' ', "-"))
                disabled=move || report.pending().get()
                on:click=move |_| { report.dispatch(ReportDelivery { id, step }); }>
                {text}
            </button>
        }
    });
    view! {
        <li class="card run" data-test="run">
            <header class="run-head">
                <strong>{title}</strong>
                <span class=format!("badge {}", run.status.as_str())>{label(run.status)}</span>
            </header>
            {address}
            <ul class="run-items">{items}</ul>
            {notes}
            <p>"To collect: " <strong>{total}</strong></p>
            {arrival}
            <div class="actions">{phone} {action}</div>
        </li>
    }
}

/// A search for the address in the phone's maps app.
fn maps_link(address: &str) -> String {
    let query: String = address
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (byte as char).to_string(),
            b' ' => "+".to_string(),
            other => format!("%{other:02X}"),
        })
        .collect();
    format!("https://www.google.com/maps/search/?api=1&query={query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_goes_whole_into_the_maps_search() {
        assert_eq!(
            maps_link("Rua Augusta 12, São Paulo"),
            "https://www.google.com/maps/search/?api=1&query=Rua+Augusta+12%2C+S%C3%A3o+Paulo"
        );
    }
}
