//! A typed-in order (`/orders/new`): staff paste or type the customer's message, the parser —
//! the same code the server runs, compiled to WASM (`preview`) — shows what it reads at every
//! keystroke with no round trip, and they take that reading into the form, adjust it and save.

use leptos::prelude::*;

use super::{
    order_edit::{Line, lines_editor},
    order_parts::{Terms, payment_name},
};
use crate::{
    api::orders::{CreateOrder, catalog_for_parser},
    dto::{CatalogEntry, NewOrder, ParserCatalog},
    money,
    parser::{Fulfilment, ParsedOrder, PaymentMethod},
    preview::Reader,
};

#[component]
pub fn NewOrderPage() -> impl IntoView {
    let catalog = Resource::new(|| (), |_| catalog_for_parser());
    view! {
        <header class="board-head">
            <h1>"New order"</h1>
        </header>
        <Transition fallback=|| view! { <p class="muted">"Loading the catalog…"</p> }>
            {move || catalog.get().map(|loaded| match loaded {
                Ok(catalog) => view! { <Entry catalog /> }.into_any(),
                Err(error) => view! { <p class="error" role="alert">"The catalog could not be loaded: " {error.message}</p> }.into_any(),
            })}
        </Transition>
    }
}

/// What staff are filling in, started from the parser's reading.
#[derive(Clone, Copy)]
struct Typed {
    customer_name: RwSignal<String>,
    customer_phone: RwSignal<String>,
    address: RwSignal<String>,
    notes: RwSignal<String>,
    lines: RwSignal<Vec<Line>>,
    terms: Terms,
}

impl Default for Typed {
    fn default() -> Self {
        Self {
            customer_name: RwSignal::default(),
            customer_phone: RwSignal::default(),
            address: RwSignal::default(),
            notes: RwSignal::default(),
            lines: RwSignal::default(),
            terms: Terms::new(None, None, None),
        }
    }
}

impl Typed {
    fn take(&self, reading: &ParsedOrder) {
        self.customer_name
            .set(reading.customer_name.clone().unwrap_or_default());
        self.customer_phone.set(reading.phone.clone().unwrap_or_default());
        self.address.set(reading.address.clone().unwrap_or_default());
        self.notes.set(reading.notes.clone().unwrap_or_default());
        self.terms
            .set(reading.fulfilment, reading.payment_method, reading.cash_change_for);
        self.lines.set(
            reading
                .items
                .iter()
                .zip(0..)
                .map(|(item, key)| Line {
                    key,
                    name: item.product.clone(),
                    variant: item.variant.clone(),
                    modifiers: item.modifiers.iter().map(|m| m.name.clone()).collect(),
                    quantity: item.quantity,
                    price: None,
                    notes: item.notes.clone(),
                })
                .collect(),
        );
    }

    fn order(&self, delivery_fee: f64) -> NewOrder {
        let text = |signal: RwSignal<String>| Some(signal.get_untracked().trim().to_string()).filter(|s| !s.is_empty());
        NewOrder {
            business_id: None,
            customer_name: text(self.customer_name),
            customer_phone: text(self.customer_phone),
            items: self.lines.get_untracked().iter().map(Line::item).collect(),
            total_amount: None,
            delivery_fee: Some(if self.terms.pickup.get_untracked() {
                0.0
            } else {
                delivery_fee
            }),
            delivery_address: text(self.address),
            notes: text(self.notes),
            fulfilment: Some(self.terms.fulfilment()),
            payment_method: self.terms.payment_method(),
            cash_change_for: self.terms.cash_change_for(),
        }
    }
}

#[component]
fn Entry(catalog: ParserCatalog) -> impl IntoView {
    let products = catalog.file.products.clone();
    let delivery_fee = catalog.delivery_fee;
    // Loading until the module answers, then the reader or why there is none.
    let parser = RwSignal::new(None::<Result<Reader, String>>);
    Effect::new(move |_| Reader::load(&catalog, move |loaded| parser.set(Some(loaded))));
    let message = RwSignal::new(String::new());
    let reading = Memo::new(move |_| {
        let text = message.get();
        if text.trim().is_empty() {
            return None;
        }
        parser.with(|parser| match parser {
            Some(Ok(reader)) => reader.read(&text).ok(),
            _ => None,
        })
    });
    let draft = Typed::default();
    let take = move |_| {
        if let Some(reading) = reading.get_untracked() {
            draft.take(&reading);
        }
    };
    view! {
        <div class="columns">
            <section class="card form" aria-labelledby="message-title">
                <h2 id="message-title">"The customer's message"</h2>
                <label for="message" class="muted">"Paste or type it; the reading updates as you type."</label>
                <textarea
                    id="message"
                    rows="8"
                    data-test="message"
                    placeholder="2x margherita large, 1 coke 2L, address 123 Main St"
                    on:input=move |event| message.set(event_target_value(&event))
                    prop:value=move || message.get()
                ></textarea>
                {move || parser.with(|parser| match parser {
                    None => Some(view! { <p class="muted" data-test="preview-loading">"Starting the preview…"</p> }.into_any()),
                    Some(Err(error)) => Some(view! { <p class="error" role="alert">"The preview is unavailable: " {error.clone()}</p> }.into_any()),
                    Some(Ok(_)) => None,
                })}
            </section>
            <section class="card" aria-labelledby="preview-title" aria-live="polite">
                <h2 id="preview-title">"What Novi reads"</h2>
                {move || match reading.get() {
                    None => view! { <p class="muted" data-test="preview-empty">"Nothing typed yet."</p> }.into_any(),
                    Some(reading) => preview(reading),
                }}
                <button class="button" type="button" data-test="use-reading" disabled=move || reading.with(Option::is_none) on:click=take>
                    "Use this reading"
                </button>
            </section>
        </div>
        <OrderForm draft products delivery_fee />
    }
}

/// The parser's reading: lines with prices, who and where, the total and how sure it is.
fn preview(reading: ParsedOrder) -> AnyView {
    let currency = reading.currency.clone();
    let amount = move |value: f64| money::display(money::from_decimal(value, &currency).unwrap_or(0), &currency);
    let lines = reading
        .items
        .iter()
        .map(|item| {
            let mut what = item.product.clone();
            if let Some(variant) = &item.variant {
                what.push_str(&format!(" ({variant})"));
            }
            for modifier in &item.modifiers {
                what.push_str(&format!(", {}", modifier.name.to_lowercase()));
            }
            view! {
                <tr>
                    <td class="number">{super::order_parts::quantity(item.quantity)}</td>
                    <td>{what}</td>
                    <td class="number">{amount(item.line_total)}</td>
                </tr>
            }
        })
        .collect_view();
    let unmatched = (!reading.unmatched.is_empty()).then(|| {
        let text = format!("Not in the catalog: {}", reading.unmatched.join("; "));
        view! { <p class="attention" data-test="unmatched">{text}</p> }
    });
    let facts = [
        ("Customer", reading.customer_name.clone()),
        ("Phone", reading.phone.clone()),
        ("Address", reading.address.clone()),
        (
            "How",
            reading.fulfilment.map(|fulfilment| match fulfilment {
                Fulfilment::Pickup => "Collected at the shop".to_string(),
                Fulfilment::Delivery => "Delivery".to_string(),
            }),
        ),
        ("Paying", paying(&reading)),
        ("Notes", reading.notes.clone()),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.map(|value| view! { <dt>{name}</dt> <dd>{value}</dd> }))
    .collect_view();
    let confidence = format!("{:.0}% confidence", reading.confidence * 100.0);
    view! {
        <table class="lines" data-test="preview">
            <tbody>{lines}</tbody>
            <tfoot>
                {(reading.fulfilment != Some(Fulfilment::Pickup)).then(|| view! {
                    <tr><td></td><td>"Delivery"</td><td class="number">{amount(reading.delivery_fee)}</td></tr>
                })}
                <tr><td></td><th scope="row">"Total"</th><td class="number" data-test="preview-total">{amount(reading.total)}</td></tr>
            </tfoot>
        </table>
        {unmatched}
        <dl class="facts">{facts}</dl>
        <p class="muted" data-test="confidence">{confidence}</p>
    }
    .into_any()
}

/// "Card", "Cash, change for 50.00", as the parser read it.
fn paying(reading: &ParsedOrder) -> Option<String> {
    let how = reading
        .payment_method
        .or(reading.cash_change_for.map(|_| PaymentMethod::Cash))?;
    Some(match reading.cash_change_for {
        Some(note) => format!("{}, change for {note:.2}", payment_name(how)),
        None => payment_name(how).to_string(),
    })
}

/// The order as it will be saved; staff can change anything the parser read. The business's
/// delivery fee is charged as the preview showed it.
#[component]
fn OrderForm(draft: Typed, products: Vec<CatalogEntry>, delivery_fee: f64) -> impl IntoView {
    let create = ServerAction::<CreateOrder>::new();
    Effect::new(move |_| {
        // The order page belongs to the other bundle: a page load, not a route change.
        if let Some(Ok(order)) = create.value().get() {
            let _ = window().location().set_href(&format!("/orders/{}", order.id));
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        create.dispatch(CreateOrder {
            order: draft.order(delivery_fee),
        });
    };
    let lines = draft.lines;
    view! {
        <form class="card form" data-test="new-order" on:submit=submit>
            <h2>"The order"</h2>
            <label for="customer-name">"Customer"</label>
            <input id="customer-name" data-test="customer-name" bind:value=draft.customer_name autocomplete="off" />
            <label for="customer-phone">"Phone"</label>
            <input id="customer-phone" type="tel" bind:value=draft.customer_phone autocomplete="off" />
            {lines_editor(lines, products)}
            {draft.terms.fields()}
            <label for="address">"Address"</label>
            <input id="address" data-test="address" bind:value=draft.address autocomplete="off" disabled=move || draft.terms.pickup.get() />
            <label for="notes">"Notes"</label>
            <textarea id="notes" rows="2" bind:value=draft.notes></textarea>
            {move || create.value().get().and_then(Result::err).map(|error| {
                view! { <p class="error" role="alert">{error.described()}</p> }
            })}
            <button class="button" type="submit" data-test="save-new" disabled=move || create.pending().get() || lines.with(Vec::is_empty)>
                "Save the order"
            </button>
        </form>
    }
}
