//! The platform admin's page (`/admin`): every business and every user, each switched on or off.
//! A business switched off signs all of its people out.

use leptos::prelude::*;

use crate::{
    api::admin::{SetBusinessActive, SetUserActive, list_businesses, list_users},
    dto::{BusinessSummary, UserDto},
};

use super::when;

#[component]
pub fn AdminPage() -> impl IntoView {
    let set_business = ServerAction::<SetBusinessActive>::new();
    let set_user = ServerAction::<SetUserActive>::new();
    let businesses = Resource::new(move || set_business.version().get(), |_| list_businesses());
    // Whose users to show: everyone's, or one business's.
    let shown = RwSignal::new(None::<i64>);
    let users = Resource::new(
        move || (shown.get(), set_user.version().get()),
        |(business, _)| list_users(business),
    );
    let refused = move || {
        let failed = set_business.value().get().and_then(Result::err);
        let failed = failed.or_else(|| set_user.value().get().and_then(Result::err));
        failed.map(|error| view! { <p class="error" role="alert">{error.message}</p> })
    };
    view! {
        <header class="board-head">
            <h1>"Platform"</h1>
        </header>
        {refused}
        <section class="card" aria-labelledby="businesses-title">
            <h2 id="businesses-title">"Businesses"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading businesses…"</p> }>
                {move || businesses.get().map(|loaded| match loaded {
                    Err(error) => view! { <p class="error" role="alert">{error.message}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="empty">"No businesses have registered yet."</p> }.into_any(),
                    Ok(list) => businesses_list(list, shown, set_business),
                })}
            </Transition>
        </section>
        <section class="card" aria-labelledby="users-title">
            <div class="board-head">
                <h2 id="users-title">"Users"</h2>
                {move || shown.get().map(|_| view! {
                    <button class="button small quiet" on:click=move |_| shown.set(None)>"Show everyone"</button>
                })}
            </div>
            <Transition fallback=|| view! { <p class="muted">"Loading users…"</p> }>
                {move || users.get().map(|loaded| match loaded {
                    Err(error) => view! { <p class="error" role="alert">{error.message}</p> }.into_any(),
                    Ok(list) => users_list(list, set_user),
                })}
            </Transition>
        </section>
    }
}

fn businesses_list(
    list: Vec<BusinessSummary>,
    shown: RwSignal<Option<i64>>,
    set_business: ServerAction<SetBusinessActive>,
) -> AnyView {
    let rows = list
        .into_iter()
        .map(|business| {
            let id = business.id;
            view! {
                <li class="group" data-test="business-row">
                    <div>
                        <strong>{business.name.clone()}</strong>
                        <p class="muted">{format!("{} · since {}", business.short_code, when::day_and_time(business.created_at))}</p>
                    </div>
                    <button class="button small quiet" on:click=move |_| shown.set(Some(id))>"Its users"</button>
                    <label class="toggle">
                        <input type="checkbox" checked=business.is_active data-test="business-active" on:change=move |event| {
                            set_business.dispatch(SetBusinessActive { id, active: event_target_checked(&event) });
                        } />
                        "Active"
                    </label>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="groups" data-test="businesses">{rows}</ul> }.into_any()
}

fn users_list(list: Vec<UserDto>, set_user: ServerAction<SetUserActive>) -> AnyView {
    let rows = list
        .into_iter()
        .map(|user| {
            let id = user.id;
            let business = user
                .business_id
                .map_or_else(|| "platform".to_string(), |id| format!("business {id}"));
            view! {
                <li class="group" data-test="user-row">
                    <div>
                        <strong>{user.email.clone()}</strong>
                        <p class="muted">{format!("{} · {} · {}", user.username, user.role.as_str(), business)}</p>
                    </div>
                    <label class="toggle">
                        <input type="checkbox" checked=user.is_active on:change=move |event| {
                            set_user.dispatch(SetUserActive { id, active: event_target_checked(&event) });
                        } />
                        "Can sign in"
                    </label>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="groups" data-test="users">{rows}</ul> }.into_any()
}
