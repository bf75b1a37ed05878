//! Changing an order from its page: the lines (picked from the catalog), pickup or delivery,
//! payment, the address and the notes, saved together; and the driver who takes it.

use leptos::prelude::*;

use super::order_parts::Terms;
use crate::{
    api::{
        business::list_drivers,
        orders::{AssignDriver, UpdateOrder, catalog_for_parser},
    },
    dto::{CatalogEntry, NewOrderItem, OrderChanges, OrderDto},
};

/// One line being edited. `key` tells rows apart while lines come and go.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub key: u32,
    pub name: String,
    pub variant: Option<String>,
    pub modifiers: Vec<String>,
    pub quantity: f64,
    /// Kept for lines the catalog does not know, so saving does not lose their price.
    pub price: Option<f64>,
    pub notes: Option<String>,
}

impl Line {
    pub fn item(&self) -> NewOrderItem {
        NewOrderItem {
            name: self.name.clone(),
            quantity: self.quantity,
            price: self.price,
            variant: self.variant.clone(),
            modifiers: self.modifiers.clone(),
            notes: self.notes.clone(),
        }
    }
}

/// The editor for an order's lines, address and notes; `done` runs after a save.
#[component]
pub fn EditOrder(order: OrderDto, done: Callback<()>) -> impl IntoView {
    let catalog = LocalResource::new(catalog_for_parser);
    let lines = RwSignal::new(
        order
            .items
            .iter()
            .zip(0..)
            .map(|(item, key)| Line {
                key,
                name: item.name.clone(),
                variant: item.variant.clone(),
                modifiers: item.modifiers.iter().map(|m| m.name.clone()).collect(),
                quantity: item.quantity,
                price: item.product_id.is_none().then_some(item.unit_price),
                notes: item.notes.clone(),
            })
            .collect::<Vec<_>>(),
    );
    let address = RwSignal::new(order.delivery_address.clone().unwrap_or_default());
    let notes = RwSignal::new(order.notes.clone().unwrap_or_default());
    let terms = Terms::new(Some(order.fulfilment), order.payment_method, order.cash_change_for);
    let save = ServerAction::<UpdateOrder>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            done.run(());
        }
    });
    let id = order.id;
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let items = lines.get_untracked().iter().map(Line::item).collect();
        save.dispatch(UpdateOrder {
            id,
            changes: OrderChanges {
                items: Some(items),
                delivery_address: Some(address.get_untracked()),
                notes: Some(notes.get_untracked()),
                fulfilment: Some(terms.fulfilment()),
                payment_method: terms.payment_method(),
                cash_change_for: Some(terms.cash_change_for().unwrap_or(0.0)),
            },
        });
    };
    view! {
        <form class="card form" data-test="edit-order" on:submit=submit>
            <h2>"Edit the order"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading the catalog…"</p> }>
                {move || catalog.get().map(|loaded| match loaded {
                    Ok(catalog) => lines_editor(lines, catalog.file.products),
                    Err(error) => view! { <p class="error" role="alert">{error.message}</p> }.into_any(),
                })}
            </Transition>
            {terms.fields()}
            <label for="edit-address">"Address"</label>
            <input id="edit-address" bind:value=address autocomplete="off" disabled=move || terms.pickup.get() />
            <label for="edit-notes">"Notes"</label>
            <textarea id="edit-notes" rows="2" bind:value=notes></textarea>
            {move || save.value().get().and_then(Result::err).map(|error| {
                view! { <p class="error" role="alert">{error.described()}</p> }
            })}
            <div class="actions">
                <button class="button" type="submit" data-test="save-order" disabled=move || save.pending().get()>
                    "Save changes"
                </button>
                <button class="button quiet" type="button" on:click=move |_| done.run(())>"Cancel"</button>
            </div>
        </form>
    }
}

/// The rows of lines and the picker that adds one; shared with the new-order page.
pub fn lines_editor(lines: RwSignal<Vec<Line>>, catalog: Vec<CatalogEntry>) -> AnyView {
    let catalog = StoredValue::new(catalog);
    let rows = move || {
        lines
            .get()
            .into_iter()
            .map(|line| line_row(lines, catalog, line))
            .collect_view()
    };
    view! {
        <ul class="edit-lines" data-test="edit-lines">{rows}</ul>
        <ProductPicker lines catalog />
    }
    .into_any()
}

fn line_row(lines: RwSignal<Vec<Line>>, catalog: StoredValue<Vec<CatalogEntry>>, line: Line) -> AnyView {
    let key = line.key;
    let change = move |edit: Box<dyn FnOnce(&mut Line)>| {
        lines.update(|lines| {
            if let Some(line) = lines.iter_mut().find(|line| line.key == key) {
                edit(line);
            }
        })
    };
    let product = catalog.with_value(|products| products.iter().find(|p| p.name == line.name).cloned());
    let variants = product.as_ref().map(|p| p.variants.clone()).unwrap_or_default();
    let modifiers = product.map(|p| p.modifiers).unwrap_or_default();
    let chosen = line.variant.clone();
    let variant_select = (!variants.is_empty()).then(|| {
        let options = variants
            .into_iter()
            .map(|variant| {
                let selected = chosen.as_deref() == Some(variant.name.as_str());
                view! { <option value=variant.name.clone() selected=selected>{variant.name.clone()}</option> }
            })
            .collect_view();
        view! {
            <select aria-label="Size" on:change=move |event| {
                let value = event_target_value(&event);
                change(Box::new(move |line| line.variant = (!value.is_empty()).then_some(value)));
            }>
                <option value="" selected=chosen.is_none()>"No size"</option>
                {options}
            </select>
        }
    });
    let extras = modifiers
        .into_iter()
        .map(|modifier| {
            let name = modifier.name.clone();
            let checked = line.modifiers.contains(&name);
            view! {
                <label class="toggle">
                    <input type="checkbox" checked=checked on:change=move |event| {
                        let on = event_target_checked(&event);
                        let name = name.clone();
                        change(Box::new(move |line| {
                            line.modifiers.retain(|m| *m != name);
                            if on {
                                line.modifiers.push(name);
                            }
                        }));
                    } />
                    {modifier.name.clone()}
                </label>
            }
        })
        .collect_view();
    view! {
        <li class="edit-line" data-line=line.name.clone()>
            <input
                class="quantity"
                type="number"
                min="0.001"
                step="any"
                aria-label=format!("Quantity of {}", line.name)
                value=line.quantity
                on:change=move |event| {
                    if let Ok(quantity) = event_target_value(&event).parse::<f64>() {
                        change(Box::new(move |line| line.quantity = quantity));
                    }
                }
            />
            <span class="line-name">{line.name.clone()}</span>
            {variant_select}
            <span class="extras">{extras}</span>
            <button
                class="button small quiet"
                type="button"
                aria-label=format!("Remove {}", line.name)
                on:click=move |_| lines.update(|lines| lines.retain(|line| line.key != key))
            >
                "Remove"
            </button>
        </li>
    }
    .into_any()
}

/// A select of the available products by category, and a button that adds the chosen one.
#[component]
fn ProductPicker(lines: RwSignal<Vec<Line>>, catalog: StoredValue<Vec<CatalogEntry>>) -> impl IntoView {
    let chosen = RwSignal::new(String::new());
    let options = catalog.with_value(|products| {
        products
            .iter()
            .filter(|product| product.is_available)
            .map(|product| {
                let label = match &product.category {
                    Some(category) => format!("{} — {category}", product.name),
                    None => product.name.clone(),
                };
                view! { <option value=product.name.clone()>{label}</option> }
            })
            .collect_view()
    });
    let add = move |_| {
        let name = chosen.get_untracked();
        let Some(product) = catalog.with_value(|products| products.iter().find(|p| p.name == name).cloned()) else {
            return;
        };
        lines.update(|lines| {
            let key = lines.iter().map(|line| line.key + 1).max().unwrap_or(0);
            lines.push(Line {
                key,
                name: product.name,
                variant: product.variants.first().map(|variant| variant.name.clone()),
                modifiers: Vec::new(),
                quantity: 1.0,
                price: None,
                notes: None,
            });
        });
    };
    view! {
        <div class="picker">
            <label for="add-product">"Add"</label>
            <select id="add-product" data-test="add-product" on:change=move |event| chosen.set(event_target_value(&event))>
                <option value="">"Choose a product…"</option>
                {options}
            </select>
            <button class="button small" type="button" data-test="add-line" on:click=add>"Add item"</button>
        </div>
    }
}

/// The order's driver, and a select to hand it to one of the active drivers.
#[component]
pub fn DriverPicker(order: OrderDto, changed: Callback<()>) -> impl IntoView {
    // Secondary to the order page, so it loads in the browser after hydration.
    let drivers = LocalResource::new(list_drivers);
    let assign = ServerAction::<AssignDriver>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = assign.value().get() {
            changed.run(());
        }
    });
    let id = order.id;
    let current = order.delivery.as_ref().and_then(|delivery| delivery.driver_id);
    let chosen = RwSignal::new(current.map(|id| id.to_string()).unwrap_or_default());
    let who = order.delivery.as_ref().map(|delivery| {
        let mut who = delivery.driver_name.clone().unwrap_or_else(|| "A driver".into());
        if let Some(vehicle) = &delivery.vehicle_info {
            who.push_str(&format!(" ({vehicle})"));
        }
        who
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if let Ok(driver_id) = chosen.get_untracked().parse() {
            assign.dispatch(AssignDriver { id, driver_id });
        }
    };
    view! {
        <form class="card form" aria-labelledby="driver-title" data-test="driver" on:submit=submit>
            <h2 id="driver-title">"Delivery"</h2>
            <p data-test="driver-name">{who.unwrap_or_else(|| "No driver yet.".into())}</p>
            <Transition fallback=|| ()>
                {move || drivers.get().map(|loaded| match loaded {
                    Ok(drivers) if drivers.iter().any(|driver| driver.is_active) => {
                        let options = drivers
                            .into_iter()
                            .filter(|driver| driver.is_active)
                            .map(|driver| {
                                let value = driver.id.to_string();
                                let selected = Some(driver.id) == current;
                                view! { <option value=value selected=selected>{driver.name}</option> }
                            })
                            .collect_view();
                        view! {
                            <div class="picker">
                                <label for="driver-choice">"Driver"</label>
                                <select id="driver-choice" on:change=move |event| chosen.set(event_target_value(&event))>
                                    <option value="">"Choose a driver…"</option>
                                    {options}
                                </select>
                                <button class="button small" type="submit" data-test="assign" disabled=move || assign.pending().get()>
                                    "Assign"
                                </button>
                            </div>
                        }
                        .into_any()
                    }
                    Ok(_) => view! { <p class="muted">"No active drivers. Add them under Deliveries."</p> }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.message}</p> }.into_any(),
                })}
            </Transition>
            {move || assign.value().get().and_then(Result::err).map(|error| {
                view! { <p class="error" role="alert">{error.message}</p> }
            })}
        </form>
    }
}
