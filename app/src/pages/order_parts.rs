//! What every page about orders shows the same way: status names, the buttons that move an
//! order on, and quantities.

use entity::enums::OrderStatus;
use leptos::prelude::*;

use crate::api::orders::ChangeOrderStatus;

/// The steps staff take from the board, in the order they come.
const STEPS: &[(OrderStatus, &str)] = &[
    (OrderStatus::Pending, "Accept"),
    (OrderStatus::Confirmed, "Confirm"),
    (OrderStatus::Preparing, "Start preparing"),
    (OrderStatus::OutForDelivery, "Out for delivery"),
    (OrderStatus::Delivered, "Delivered"),
];

/// The buttons for the steps an order in `status` may take next.
#[component]
pub fn StatusActions(id: i64, status: OrderStatus, change: ServerAction<ChangeOrderStatus>) -> impl IntoView {
    let steps = STEPS
        .iter()
        .filter(|(next, _)| status.can_become(*next))
        .map(|(next, name)| {
            let next = *next;
            view! {
                <button
                    class="button small"
                    data-test=format!("to-{}", next.as_str())
                    disabled=move || change.pending().get()
                    on:click=move |_| {
                        change.dispatch(ChangeOrderStatus { id, status: next });
                    }
                >
                    {*name}
                </button>
            }
        })
        .collect_view();
    let cancellable = status.can_become(OrderStatus::Cancelled);
    view! {
        <div class="actions">
            {steps}
            {cancellable.then(|| view! {
                <button
                    class="button small quiet"
                    data-test="to-cancelled"
                    disabled=move || change.pending().get()
                    on:click=move |_| {
                        change.dispatch(ChangeOrderStatus { id, status: OrderStatus::Cancelled });
                    }
                >
                    "Cancel"
                </button>
            })}
        </div>
    }
}

/// Why the last status change did not happen (someone else moved the order first, say).
#[component]
pub fn StatusError(change: ServerAction<ChangeOrderStatus>) -> impl IntoView {
    move || {
        change
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| view! { <p class="error" role="alert">{error.message}</p> })
    }
}

pub fn label(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Pending => "Pending",
        OrderStatus::NeedsReview => "Needs review",
        OrderStatus::Confirmed => "Confirmed",
        OrderStatus::Preparing => "Preparing",
        OrderStatus::OutForDelivery => "Out for delivery",
        OrderStatus::Delivered => "Delivered",
        OrderStatus::Cancelled => "Cancelled",
    }
}

pub fn quantity(quantity: f64) -> String {
    if quantity.fract() == 0.0 {
        format!("{quantity:.0}")
    } else {
        format!("{quantity}")
    }
}
