//! One order (`/orders/:id`): the customer's WhatsApp message beside what Novi read from it,
//! what staff should look at, the steps so far, the replies sent, and the next steps.

use entity::enums::{Fulfilment, OrderStatus, PaymentMethod};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{
    order_edit::{DriverPicker, EditOrder},
    order_parts::{StatusActions, StatusError, label, payment_name, quantity},
    when,
};
use crate::{
    api::orders::{ChangeOrderStatus, get_order, order_conversation},
    dto::{Conversation, CustomerMessage, OrderDto, SentReply},
    live, money,
};

#[component]
pub fn OrderDetail() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|id| id.parse::<i64>().ok()));
    let changes = RwSignal::new(0u64);
    let change = ServerAction::<ChangeOrderStatus>::new();
    Effect::new(move |_| {
        if change.version().get() > 0 {
            changes.update(|n| *n += 1);
        }
    });
    live::on_order_events(move |_| changes.update(|n| *n += 1));
    let order = Resource::new(
        move || (id.get(), changes.get()),
        |(id, _)| async move {
            match id {
                Some(id) => Some((get_order(id).await, order_conversation(id).await)),
                None => None,
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading the order…"</p> }>
            {move || order.get().map(|loaded| match loaded {
                None => view! { <p class="error" role="alert">"No such order."</p> }.into_any(),
                Some((Err(error), _)) | Some((_, Err(error))) => view! {
                    <p class="error" role="alert">"The order could not be loaded: " {error.message}</p>
                }
                .into_any(),
                Some((Ok(order), Ok(chat))) => {
                    let reload = Callback::new(move |_| changes.update(|n| *n += 1));
                    view! { <OrderView order chat change reload /> }.into_any()
                }
            })}
        </Transition>
    }
}

#[component]
fn OrderView(
    order: OrderDto,
    chat: Conversation,
    change: ServerAction<ChangeOrderStatus>,
    reload: Callback<()>,
) -> impl IntoView {
    let title = format!("Order #{}", order.order_number);
    let status = order.status;
    let attention = order.attention.clone();
    let message = chat.message.map(|message| message_view(message, chat.later));
    let history = history_view(&order, chat.replies);
    let editable = matches!(
        status,
        OrderStatus::Pending | OrderStatus::NeedsReview | OrderStatus::Confirmed | OrderStatus::Preparing
    );
    let deliverable = order.fulfilment == Fulfilment::Delivery
        && (matches!(status, OrderStatus::Confirmed | OrderStatus::Preparing) || order.delivery.is_some());
    let editing = RwSignal::new(false);
    let edited = Callback::new(move |_| {
        editing.set(false);
        reload.run(());
    });
    let editor = {
        let order = order.clone();
        move || {
            editing
                .get()
                .then(|| view! { <EditOrder order=order.clone() done=edited /> })
        }
    };
    let driver = deliverable.then(|| view! { <DriverPicker order=order.clone() changed=reload /> });
    view! {
        <header class="board-head">
            <h1>{title}</h1>
            <span class=format!("badge {}", status.as_str()) data-test="status">{label(status)}</span>
        </header>
        <StatusError change />
        <div class="actions">
            <StatusActions id=order.id status change />
            {editable.then(|| view! {
                <button class="button small quiet" data-test="edit" on:click=move |_| editing.update(|on| *on = !*on)>
                    "Edit order"
                </button>
            })}
        </div>
        {attention.map(|note| view! { <p class="attention" role="note">{note}</p> })}
        {editor}
        <div class="columns">{message} {details_view(order)}</div>
        {driver}
        {history}
    }
}

/// The customer's own words, as WhatsApp delivered them, and what they wrote about the order
/// afterwards.
fn message_view(message: CustomerMessage, later: Vec<CustomerMessage>) -> AnyView {
    let note = match (message.deleted_at, message.edited_at) {
        (Some(_), _) => Some("The customer deleted this message."),
        (None, Some(_)) => Some("Edited by the customer."),
        _ => None,
    };
    let from = format!(
        "{}{}, {}",
        message.sender.unwrap_or_else(|| "The customer".into()),
        if message.in_group { " in the group" } else { "" },
        when::day_and_time(message.sent_at)
    );
    view! {
        <section class="card message" aria-labelledby="message-title">
            <h2 id="message-title">"The customer wrote"</h2>
            <p class="muted">{from}</p>
            <blockquote data-test="original">{message.body}</blockquote>
            {note.map(|note| view! { <p class="muted">{note}</p> })}
            {later
                .into_iter()
                .map(|later| {
                    view! {
                        <p class="muted">{format!("Then, {}", when::day_and_time(later.sent_at))}</p>
                        <blockquote data-test="later">{later.body}</blockquote>
                    }
                })
                .collect_view()}
        </section>
    }
    .into_any()
}

/// The order as Novi read it: customer, lines, totals, address, notes.
fn details_view(order: OrderDto) -> AnyView {
    let currency = order.currency.clone();
    let amount = move |value: f64| money::display(money::from_decimal(value, &currency).unwrap_or(0), &currency);
    let lines = order
        .items
        .iter()
        .map(|item| {
            let mut what = item.name.clone();
            if let Some(variant) = &item.variant {
                what.push_str(&format!(" ({variant})"));
            }
            for modifier in &item.modifiers {
                what.push_str(&format!(", {}", modifier.name.to_lowercase()));
            }
            if let Some(notes) = &item.notes {
                what.push_str(&format!(" — {notes}"));
            }
            let count = format!("{} {}", quantity(item.quantity), item.unit.clone().unwrap_or_default());
            view! {
                <tr>
                    <td class="number">{count}</td>
                    <td>{what}</td>
                    <td class="number">{amount(item.line_total)}</td>
                </tr>
            }
        })
        .collect_view();
    let read_with = order.confidence.map_or("typed in by staff".to_string(), |c| {
        format!("{:.0}% confidence", c * 100.0)
    });
    let fulfilment = match (order.fulfilment, order.delivery_address.clone()) {
        (Fulfilment::Pickup, _) => "Collected at the shop".to_string(),
        (Fulfilment::Delivery, Some(address)) => format!("Delivery to {address}"),
        (Fulfilment::Delivery, None) => "Delivery, address not given yet".to_string(),
    };
    let paying = payment_text(&order);
    let phone = order
        .customer_phone
        .map(|phone| view! { " · " <a href=format!("tel:{phone}")>{phone.clone()}</a> });
    view! {
        <section class="card" aria-labelledby="order-title">
            <h2 id="order-title">"The order"</h2>
            <p>
                <strong>{order.customer_name.unwrap_or_else(|| "Customer".into())}</strong>
                {phone}
            </p>
            <table class="lines">
                <thead>
                    <tr>
                        <th scope="col">"Qty"</th>
                        <th scope="col">"Item"</th>
                        <th scope="col" class="number">"Price"</th>
                    </tr>
                </thead>
                <tbody>{lines}</tbody>
                <tfoot>
                    {(order.fulfilment == Fulfilment::Delivery).then(|| view! {
                        <tr><td></td><td>"Delivery"</td><td class="number">{amount(order.delivery_fee)}</td></tr>
                    })}
                    <tr><td></td><th scope="row">"Total"</th><td class="number" data-test="total">{amount(order.total_amount)}</td></tr>
                </tfoot>
            </table>
            <dl class="facts">
                <dt>"How"</dt>
                <dd data-test="fulfilment">{fulfilment}</dd>
                <dt>"Paying"</dt>
                <dd data-test="payment">{paying}</dd>
                <dt>"Notes"</dt>
                <dd>{order.notes.unwrap_or_else(|| "—".into())}</dd>
                <dt>"Read with"</dt>
                <dd>{read_with}</dd>
            </dl>
        </section>
    }
    .into_any()
}

/// "Card", "Cash, change for $50.00", or a dash when the customer did not say.
fn payment_text(order: &OrderDto) -> String {
    let how = match order.payment_method {
        Some(method) => payment_name(method),
        None if order.cash_change_for.is_some() => payment_name(PaymentMethod::Cash),
        None => return "—".into(),
    };
    match order.cash_change_for {
        Some(note) => format!(
            "{how}, change for {}",
            money::display(money::from_decimal(note, &order.currency).unwrap_or(0), &order.currency)
        ),
        None => how.to_string(),
    }
}

/// When each step happened, and every reply sent about the order.
fn history_view(order: &OrderDto, replies: Vec<SentReply>) -> AnyView {
    let mut steps: Vec<_> = order.response_times.iter().collect();
    steps.sort_by_key(|(_, at)| **at);
    let timeline = steps
        .into_iter()
        .map(|(step, at)| {
            view! {
                <li>
                    <span>{step_name(step)}</span>
                    <time>{when::to_the_second(*at)}</time>
                </li>
            }
        })
        .collect_view();
    let replies = replies
        .into_iter()
        .map(|reply| {
            let about = format!(
                "{} · {} · {}",
                reply.template.unwrap_or_default(),
                reply.status.as_str(),
                when::time_of_day(reply.queued_at)
            );
            view! {
                <li>
                    <p class="reply">{reply.body}</p>
                    <p class="muted">{about}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="columns">
            <section class="card" aria-labelledby="timeline-title">
                <h2 id="timeline-title">"Timeline"</h2>
                <ol class="timeline">{timeline}</ol>
            </section>
            <section class="card" aria-labelledby="replies-title">
                <h2 id="replies-title">"Messages sent"</h2>
                <ul class="replies" data-test="replies">{replies}</ul>
            </section>
        </div>
    }
    .into_any()
}

fn step_name(step: &str) -> String {
    match step.parse::<OrderStatus>() {
        Ok(status) => label(status).to_string(),
        Err(_) => {
            let mut name = step.replace('_', " ");
            if let Some(first) = name.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            name
        }
    }
}
