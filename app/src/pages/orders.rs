//! The orders board (`/orders`, also `/`): what needs review first, then every order with its
//! filters in the address (so a filtered board can be shared), kept current by the live feed.

use entity::enums::OrderStatus;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    api::{
        AppError,
        orders::{ChangeOrderStatus, list_orders},
    },
    dto::{OrderDto, OrderPage, OrderQuery},
    event_kind::EventKind,
    live, money,
};

use super::{
    order_parts::{StatusActions, StatusError, label, quantity},
    when,
};

const PAGE_SIZE: u64 = 20;

#[component]
pub fn OrdersBoard() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let query = query.read();
        let value = |name: &str| query.get(name).filter(|value| !value.is_empty());
        BoardFilter {
            status: value("status"),
            q: value("q"),
            from: value("from"),
            to: value("to"),
        }
    });
    let page = Memo::new(move |_| {
        query
            .read()
            .get("page")
            .and_then(|page| page.parse::<u64>().ok())
            .unwrap_or(1)
            .max(1)
    });
    // Bumped by the live feed and by every status change: both lists load again.
    let changes = RwSignal::new(0u64);
    let orders = Resource::new(
        move || (filter.get(), page.get(), changes.get()),
        |(filter, page, _)| {
            list_orders(OrderQuery {
                status: filter.status,
                q: filter.q,
                date_from: filter.from,
                date_to: filter.to,
                page: Some(page),
                limit: Some(PAGE_SIZE),
                ..OrderQuery::default()
            })
        },
    );
    let review = Resource::new(
        move || changes.get(),
        |_| {
            list_orders(OrderQuery {
                status: Some(OrderStatus::NeedsReview.as_str().to_string()),
                limit: Some(PAGE_SIZE),
                ..OrderQuery::default()
            })
        },
    );
    let change = ServerAction::<ChangeOrderStatus>::new();
    Effect::new(move |_| {
        if change.version().get() > 0 {
            changes.update(|n| *n += 1);
        }
    });
    let arrived = RwSignal::new(0u32);
    live::on_order_events(move |kind| {
        changes.update(|n| *n += 1);
        if kind == EventKind::OrderCreated {
            arrived.update(|n| *n += 1);
            live::chime();
        }
    });

    view! {
        <section class="board">
            <header class="board-head">
                <h1>"Orders"</h1>
                <SoundToggle />
            </header>
            <super::whatsapp::ManualModeBanner />
            <p class="cue" role="status" aria-live="polite" data-test="arrived">
                {move || match arrived.get() {
                    0 => String::new(),
                    1 => "A new order just arrived.".to_string(),
                    n => format!("{n} new orders arrived."),
                }}
            </p>
            <Filters filter />
            <StatusError change />
            <Transition fallback=|| ()>
                {move || review.get().map(|result| match result {
                    Ok(page) if !page.orders.is_empty() => view! {
                        <section class="review" aria-labelledby="review-title" data-test="review">
                            <h2 id="review-title">{format!("Needs review ({})", page.pagination.total)}</h2>
                            <OrderList orders=page.orders change />
                        </section>
                    }
                    .into_any(),
                    _ => ().into_any(),
                })}
            </Transition>
            <Transition fallback=|| view! { <p class="muted">"Loading orders…"</p> }>
                {move || orders.get().map(|result| view! { <Listing result change filter page /> })}
            </Transition>
        </section>
    }
}

/// The filter bar: a plain GET form, so it works before the page is interactive and its
/// result is a link.
#[component]
fn Filters(filter: Memo<BoardFilter>) -> impl IntoView {
    let status = Memo::new(move |_| filter.read().status.clone());
    let text =
        move |pick: fn(&BoardFilter) -> &Option<String>| move || pick(&filter.read()).clone().unwrap_or_default();
    view! {
        <form class="filters" method="get" action="/orders" role="search">
            <label for="status">"Status"</label>
            <select id="status" name="status">
                <option value="" selected=move || status.get().is_none()>"All"</option>
                {OrderStatus::ALL
                    .iter()
                    .map(|option| {
                        let value = option.as_str();
                        view! {
                            <option value=value selected=move || status.get().as_deref() == Some(value)>
                                {label(*option)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <label for="q">"Customer"</label>
            <input id="q" name="q" type="search" placeholder="Name or phone" value=text(|f| &f.q) />
            <label for="from">"From"</label>
            <input id="from" name="from" type="date" value=text(|f| &f.from) />
            <label for="to">"To"</label>
            <input id="to" name="to" type="date" value=text(|f| &f.to) />
            <button class="button" type="submit">"Filter"</button>
        </form>
    }
}

#[component]
fn Listing(
    result: Result<OrderPage, AppError>,
    change: ServerAction<ChangeOrderStatus>,
    filter: Memo<BoardFilter>,
    page: Memo<u64>,
) -> impl IntoView {
    match result {
        Err(error) => {
            view! { <p class="error" role="alert">"The orders could not be loaded: " {error.message}</p> }.into_any()
        }
        Ok(found) if found.orders.is_empty() => view! {
            <p class="empty" data-test="empty">
                {if filter.with_untracked(BoardFilter::is_set) {
                    "No orders match these filters."
                } else {
                    "No orders yet. They appear here the moment a customer writes."
                }}
            </p>
        }
        .into_any(),
        Ok(found) => {
            let pages = found.pagination.pages;
            let link = move |to: u64| filter.with_untracked(|filter| filter.link(to));
            let current = page.get_untracked();
            view! {
                <OrderList orders=found.orders change />
                <nav class="pager" aria-label="Pages">
                    {(current > 1).then(|| view! { <a href=link(current - 1) rel="prev">"← Newer"</a> })}
                    <span class="muted">{format!("Page {current} of {}", pages.max(1))}</span>
                    {(current < pages).then(|| view! { <a href=link(current + 1) rel="next">"Older →"</a> })}
                </nav>
            }
            .into_any()
        }
    }
}

#[component]
fn OrderList(orders: Vec<OrderDto>, change: ServerAction<ChangeOrderStatus>) -> impl IntoView {
    view! {
        <ul class="orders" data-test="orders">
            {orders.into_iter().map(|order| view! { <OrderCard order change /> }).collect_view()}
        </ul>
    }
}

#[component]
fn OrderCard(order: OrderDto, change: ServerAction<ChangeOrderStatus>) -> impl IntoView {
    let id = order.id;
    let status = order.status;
    let items = order
        .items
        .iter()
        .map(|item| format!("{}× {}", quantity(item.quantity), item.name))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <li class="order" data-order=id data-status=status.as_str()>
            <div class="order-main">
                <a class="order-number" rel="external" href=format!("/orders/{id}")>{format!("#{}", order.order_number)}</a>
                <span class=format!("badge {}", status.as_str())>{label(status)}</span>
                <span class="customer">{order.customer_name.clone().unwrap_or_else(|| "Customer".into())}</span>
                <span class="total">{money::display(money::from_decimal(order.total_amount, &order.currency).unwrap_or(0), &order.currency)}</span>
            </div>
            <p class="items">{items}</p>
            {order.attention.clone().map(|note| view! { <p class="attention" role="note">{note}</p> })}
            <StatusActions id status change />
            <p class="muted when">{when::day_and_time(order.created_at)}</p>
        </li>
    }
}

#[component]
fn SoundToggle() -> impl IntoView {
    let on = RwSignal::new(false);
    Effect::new(move |_| on.set(live::sound_on()));
    view! {
        <label class="toggle">
            <input
                type="checkbox"
                prop:checked=move || on.get()
                on:change=move |event| {
                    let checked = event_target_checked(&event);
                    on.set(checked);
                    live::set_sound(checked);
                }
            />
            "Sound for new orders"
        </label>
    }
}

/// The board's filters, as they stand in the address.
#[derive(Debug, Clone, Default, PartialEq)]
struct BoardFilter {
    status: Option<String>,
    q: Option<String>,
    /// `YYYY-MM-DD`, both inclusive.
    from: Option<String>,
    to: Option<String>,
}

impl BoardFilter {
    fn is_set(&self) -> bool {
        self.status.is_some() || self.q.is_some() || self.from.is_some() || self.to.is_some()
    }

    /// The board's address for `page` with these filters.
    fn link(&self, page: u64) -> String {
        let mut parts = vec![format!("page={page}")];
        for (name, value) in [
            ("status", &self.status),
            ("q", &self.q),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if let Some(value) = value {
                parts.push(format!("{name}={}", query_value(value)));
            }
        }
        format!("/orders?{}", parts.join("&"))
    }
}

/// Text as a query-string value.
fn query_value(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (byte as char).to_string(),
            b' ' => "+".to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_survives_the_page_links() {
        assert_eq!(query_value("Ana & Maria"), "Ana+%26+Maria");
        assert_eq!(query_value("+1555"), "%2B1555");
        let filter = BoardFilter {
            q: Some("Ana & Maria".into()),
            from: Some("2026-11-01".into()),
            ..BoardFilter::default()
        };
        assert!(filter.is_set());
        assert_eq!(filter.link(3), "/orders?page=3&q=Ana+%26+Maria&from=2026-11-01");
    }
}
