//! Deliveries (`/deliveries`): today's runs as they happen, and the business's drivers: adding
//! one, editing, switching off, removing, and linking the account a driver signs in with.

use entity::enums::Role;
use leptos::prelude::*;

use crate::{
    api::{
        account::current_user,
        business::{AddDriver, RemoveDriver, UpdateDriver, list_drivers, list_team},
        orders::delivery_runs,
    },
    dto::{DriverDto, DriverInput, OrderDto, UserDto},
    live,
    permissions::Permission,
};

use super::{order_parts::label, when};

#[component]
pub fn DeliveriesPage() -> impl IntoView {
    view! {
        <header class="board-head">
            <h1>"Deliveries"</h1>
        </header>
        <TodaysRuns />
        <Drivers />
    }
}

#[component]
fn TodaysRuns() -> impl IntoView {
    let changes = RwSignal::new(0u64);
    live::on_order_events(move |_| changes.update(|n| *n += 1));
    let runs = Resource::new(move || changes.get(), |_| delivery_runs());
    view! {
        <section class="card" aria-labelledby="runs-title">
            <h2 id="runs-title">"Today"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading today's deliveries…"</p> }>
                {move || runs.get().map(|loaded| match loaded {
                    Err(error) => view! { <p class="error" role="alert">{error.message}</p> }.into_any(),
                    Ok(runs) if runs.is_empty() => view! {
                        <p class="empty">"No deliveries yet today. Assign a driver on a confirmed order's page."</p>
                    }
                    .into_any(),
                    Ok(runs) => runs_table(runs),
                })}
            </Transition>
        </section>
    }
}

fn runs_table(runs: Vec<OrderDto>) -> AnyView {
    let rows = runs
        .into_iter()
        .map(|run| {
            let delivery = run.delivery.clone();
            let driver = delivery
                .as_ref()
                .and_then(|delivery| delivery.driver_name.clone())
                .unwrap_or_else(|| "—".into());
            let expected = match delivery.and_then(|delivery| delivery.delivered_at) {
                Some(done) => Some(format!("delivered {}", when::hour_and_minute(done))),
                None => run.expected_arrival().map(when::hour_and_minute),
            };
            view! {
                <tr data-test="run-row">
                    <td><a rel="external" href=format!("/orders/{}", run.id)>{format!("#{}", run.order_number)}</a></td>
                    <td>{run.customer_name.clone().unwrap_or_default()}</td>
                    <td>{driver}</td>
                    <td><span class=format!("badge {}", run.status.as_str())>{label(run.status)}</span></td>
                    <td>{expected.unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="catalog" data-test="runs">
                <thead>
                    <tr>
                        <th scope="col">"Order"</th>
                        <th scope="col">"Customer"</th>
                        <th scope="col">"Driver"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Expected"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn Drivers() -> impl IntoView {
    let add = ServerAction::<AddDriver>::new();
    let update = ServerAction::<UpdateDriver>::new();
    let remove = ServerAction::<RemoveDriver>::new();
    let drivers = Resource::new(
        move || (add.version().get(), update.version().get(), remove.version().get()),
        |_| list_drivers(),
    );
    // Loaded with the drivers, so the server renders whose account each one signs in with.
    let accounts = Resource::new(|| (), |_| driver_accounts());
    let editing = RwSignal::new(None::<Option<DriverDto>>);
    Effect::new(move |_| {
        if matches!(add.value().get(), Some(Ok(_))) || matches!(update.value().get(), Some(Ok(_))) {
            editing.set(None);
        }
    });
    let refused = move || {
        let failed = [add.value().get(), update.value().get()]
            .into_iter()
            .flatten()
            .find_map(Result::err);
        let failed = failed.or_else(|| remove.value().get().and_then(Result::err));
        failed.map(|error| view! { <p class="error" role="alert">{error.described()}</p> })
    };
    view! {
        <section class="card" aria-labelledby="drivers-title">
            <div class="board-head">
                <h2 id="drivers-title">"Drivers"</h2>
                <button class="button small" data-test="new-driver" on:click=move |_| editing.set(Some(None))>
                    "Add a driver"
                </button>
            </div>
            {refused}
            {move || editing.get().map(|driver| {
                let accounts = accounts.get().unwrap_or_default();
                view! { <DriverForm driver accounts add update cancel=move || editing.set(None) /> }
            })}
            <Transition fallback=|| view! { <p class="muted">"Loading the drivers…"</p> }>
                {move || drivers.get().map(|loaded| match loaded {
                    Err(error) => view! { <p class="error" role="alert">{error.message}</p> }.into_any(),
                    Ok(drivers) if drivers.is_empty() => view! {
                        <p class="empty" data-test="no-drivers">"No drivers yet. Add the people who deliver your orders."</p>
                    }
                    .into_any(),
                    Ok(drivers) => drivers_list(drivers, accounts, editing, update, remove),
                })}
            </Transition>
        </section>
    }
}

/// The driver accounts a driver record may be linked to; only those who may see the team get
/// any to choose from.
async fn driver_accounts() -> Vec<UserDto> {
    let sees_team = current_user()
        .await
        .is_ok_and(|me| Permission::ManageUsers.granted_to(me.role));
    if !sees_team {
        return Vec::new();
    }
    list_team()
        .await
        .map(|team| team.into_iter().filter(|user| user.role == Role::Driver).collect())
        .unwrap_or_default()
}

fn drivers_list(
    drivers: Vec<DriverDto>,
    accounts: Resource<Vec<UserDto>>,
    editing: RwSignal<Option<Option<DriverDto>>>,
    update: ServerAction<UpdateDriver>,
    remove: ServerAction<RemoveDriver>,
) -> AnyView {
    let rows = drivers
        .into_iter()
        .map(|driver| {
            let id = driver.id;
            let confirming = RwSignal::new(false);
            let account = driver.user_id.map(move |user_id| {
                move || {
                    accounts
                        .get()
                        .and_then(|accounts| accounts.into_iter().find(|user| user.id == user_id))
                        .map(|user| format!(" · signs in as {}", user.email))
                }
            });
            let details = format!(
                "{}{}",
                driver.phone,
                driver.vehicle_info.as_ref().map(|vehicle| format!(" · {vehicle}")).unwrap_or_default()
            );
            let edited = driver.clone();
            view! {
                <li class="group" data-test="driver-row">
                    <div>
                        <strong>{driver.name.clone()}</strong>
                        <p class="muted">{details} {account}</p>
                    </div>
                    <label class="toggle">
                        <input type="checkbox" checked=driver.is_active on:change=move |event| {
                            let driver = DriverInput { is_active: Some(event_target_checked(&event)), ..Default::default() };
                            update.dispatch(UpdateDriver { id, driver });
                        } />
                        "Active"
                    </label>
                    <div class="actions">
                        <button class="button small quiet" on:click=move |_| editing.set(Some(Some(edited.clone())))>"Edit"</button>
                        <button class="button small quiet danger" on:click=move |_| {
                            if confirming.get_untracked() {
                                remove.dispatch(RemoveDriver { id });
                            } else {
                                confirming.set(true);
                            }
                        }>{move || if confirming.get() { "Really remove?" } else { "Remove" }}</button>
                    </div>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="groups" data-test="drivers">{rows}</ul> }.into_any()
}

#[component]
fn DriverForm(
    driver: Option<DriverDto>,
    accounts: Vec<UserDto>,
    add: ServerAction<AddDriver>,
    update: ServerAction<UpdateDriver>,
    cancel: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let id = driver.as_ref().map(|driver| driver.id);
    let name = RwSignal::new(driver.as_ref().map(|driver| driver.name.clone()).unwrap_or_default());
    let phone = RwSignal::new(driver.as_ref().map(|driver| driver.phone.clone()).unwrap_or_default());
    let vehicle = RwSignal::new(
        driver
            .as_ref()
            .and_then(|driver| driver.vehicle_info.clone())
            .unwrap_or_default(),
    );
    let linked = driver.as_ref().and_then(|driver| driver.user_id);
    let account = RwSignal::new(linked.map(|id| id.to_string()).unwrap_or_default());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let driver = DriverInput {
            name: Some(name.get_untracked()),
            phone: Some(phone.get_untracked()),
            vehicle_info: Some(vehicle.get_untracked()),
            is_active: None,
            user_id: Some(account.get_untracked().parse().ok()),
        };
        match id {
            Some(id) => update.dispatch(UpdateDriver { id, driver }),
            None => add.dispatch(AddDriver { driver }),
        };
    };
    let choices = accounts
        .into_iter()
        .map(|user| {
            let selected = Some(user.id) == linked;
            view! { <option value=user.id.to_string() selected=selected>{user.email}</option> }
        })
        .collect_view();
    view! {
        <form class="form" data-test="driver-form" on:submit=submit>
            <h3>{if id.is_some() { "Edit driver" } else { "New driver" }}</h3>
            <label for="driver-name">"Name"</label>
            <input id="driver-name" required bind:value=name />
            <label for="driver-phone">"Phone"</label>
            <input id="driver-phone" type="tel" required bind:value=phone />
            <label for="driver-vehicle">"Vehicle"</label>
            <input id="driver-vehicle" placeholder="Red scooter, ABC-1234" bind:value=vehicle />
            <label for="driver-account">"Signs in with"</label>
            <select id="driver-account" on:change=move |event| account.set(event_target_value(&event))>
                <option value="">"No account (staff move the order along)"</option>
                {choices}
            </select>
            <p class="muted">"Invite a driver account under Settings → Team, then link it here."</p>
            <div class="actions">
                <button class="button" type="submit" data-test="save-driver">"Save"</button>
                <button class="button quiet" type="button" on:click=move |_| cancel()>"Cancel"</button>
            </div>
        </form>
    }
}
