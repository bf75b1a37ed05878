//! What every page about orders shows the same way: status names, the buttons that move an
//! order on, quantities, and the fields for pickup and payment.

use entity::enums::{Fulfilment, OrderStatus, PaymentMethod};
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

/// Pickup or delivery, how the customer pays and the change they need, as staff fill them in
/// on the new-order page and the order's edit form.
#[derive(Clone, Copy)]
pub struct Terms {
    pub pickup: RwSignal<bool>,
    payment: RwSignal<String>,
    change: RwSignal<String>,
}

impl Terms {
    pub fn new(fulfilment: Option<Fulfilment>, payment: Option<PaymentMethod>, change: Option<f64>) -> Self {
        let terms = Self {
            pickup: RwSignal::new(false),
            payment: RwSignal::new(String::new()),
            change: RwSignal::new(String::new()),
        };
        terms.set(fulfilment, payment, change);
        terms
    }

    pub fn set(&self, fulfilment: Option<Fulfilment>, payment: Option<PaymentMethod>, change: Option<f64>) {
        self.pickup.set(fulfilment == Some(Fulfilment::Pickup));
        self.payment
            .set(payment.map(|method| method.as_str().to_string()).unwrap_or_default());
        self.change
            .set(change.map(|amount| format!("{amount:.2}")).unwrap_or_default());
    }

    pub fn fulfilment(&self) -> Fulfilment {
        if self.pickup.get_untracked() {
            Fulfilment::Pickup
        } else {
            Fulfilment::Delivery
        }
    }

    pub fn payment_method(&self) -> Option<PaymentMethod> {
        self.payment.get_untracked().parse().ok()
    }

    /// An empty field is no change asked for.
    pub fn cash_change_for(&self) -> Option<f64> {
        self.change.get_untracked().trim().replace(',', ".").parse().ok()
    }

    pub fn fields(self) -> AnyView {
        let methods = PaymentMethod::ALL
            .iter()
            .map(|method| view! { <option value=method.as_str()>{payment_name(*method)}</option> })
            .collect_view();
        view! {
            <label class="toggle">
                <input type="checkbox" data-test="pickup" bind:checked=self.pickup />
                "Collected at the shop (no delivery fee, no driver)"
            </label>
            <label for="payment-method">"Paying"</label>
            <select id="payment-method" data-test="payment-method" bind:value=self.payment>
                <option value="">"Not said"</option>
                {methods}
            </select>
            <label for="cash-change">"Change for (cash)"</label>
            <input id="cash-change" data-test="cash-change" inputmode="decimal" bind:value=self.change autocomplete="off" />
        }
        .into_any()
    }
}

/// How a payment method reads to staff.
pub fn payment_name(method: PaymentMethod) -> &'static str {
    match method {
        PaymentMethod::Cash => "Cash",
        PaymentMethod::Card => "Card",
        PaymentMethod::Pix => "Pix",
        PaymentMethod::Transfer => "Bank transfer",
        PaymentMethod::Other => "Another way",
    }
}
