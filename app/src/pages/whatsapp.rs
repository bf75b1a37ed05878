//! The WhatsApp page (`/whatsapp`): the connection as the worker reports it, the QR code to scan
//! (a new one appears by itself), reconnect and log out, and the groups Novi reads.

use entity::enums::{ConnectionState, GroupKind};
use leptos::prelude::*;

use crate::{
    api::{
        business::{LinkGroup, UnlinkGroup, UpdateGroup, list_groups},
        whatsapp::{
            LogOutWhatsapp, ReconnectWhatsapp, RemoveCloudAccount, SaveCloudAccount, cloud_account, whatsapp_status,
        },
    },
    dto::{CloudAccountInput, GroupDto, GroupInput, SessionView},
    event_kind::EventKind,
    live,
};

use super::when;

#[component]
pub fn WhatsappPage() -> impl IntoView {
    let reconnect = ServerAction::<ReconnectWhatsapp>::new();
    let logout = ServerAction::<LogOutWhatsapp>::new();
    let changes = RwSignal::new(0u64);
    live::on_events(&[EventKind::WhatsappState, EventKind::WhatsappQr], move |_| {
        changes.update(|n| *n += 1)
    });
    let status = Resource::new(
        move || (changes.get(), reconnect.version().get(), logout.version().get()),
        |_| whatsapp_status(),
    );
    let failure = move || {
        [reconnect.value().get(), logout.value().get()]
            .into_iter()
            .flatten()
            .find_map(Result::err)
            .map(|error| view! { <p class="error" role="alert">{error.message}</p> })
    };
    view! {
        <header class="board-head">
            <h1>"WhatsApp"</h1>
        </header>
        <Transition fallback=|| view! { <p class="muted">"Checking the connection…"</p> }>
            {move || status.get().map(|loaded| match loaded {
                Ok(session) => connection(session, changes.get_untracked(), reconnect, logout),
                Err(error) => view! { <p class="error" role="alert">"The connection could not be checked: " {error.message}</p> }.into_any(),
            })}
        </Transition>
        {failure}
        <Groups />
        <CloudApi />
    }
}

/// The business's number on Meta's WhatsApp Cloud API instead of WhatsApp Web (owners).
#[component]
fn CloudApi() -> impl IntoView {
    let save = ServerAction::<SaveCloudAccount>::new();
    let remove = ServerAction::<RemoveCloudAccount>::new();
    // Owners only, and secondary to the page: loaded after hydration.
    let account = LocalResource::new(cloud_account);
    Effect::new(move |_| {
        if save.version().get() + remove.version().get() > 0 {
            account.refetch();
        }
    });
    let field = || RwSignal::new(String::new());
    let (number, token, secret, verify, template, language) = (field(), field(), field(), field(), field(), field());
    Effect::new(move |_| {
        if let Some(Ok(Some(current))) = account.get() {
            number.set(current.phone_number_id);
            verify.set(current.verify_token);
            template.set(current.template_name.unwrap_or_default());
            language.set(current.template_language.unwrap_or_default());
        }
    });
    let optional = |value: RwSignal<String>| Some(value.get_untracked()).filter(|text| !text.trim().is_empty());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        save.dispatch(SaveCloudAccount {
            settings: CloudAccountInput {
                phone_number_id: number.get_untracked(),
                access_token: optional(token),
                app_secret: optional(secret),
                verify_token: verify.get_untracked(),
                template_name: optional(template),
                template_language: optional(language),
            },
        });
    };
    let configured = move || matches!(account.get(), Some(Ok(Some(_))));
    let outcome = move || {
        let failed = save.value().get().and_then(Result::err);
        let failed = failed.or_else(|| remove.value().get().and_then(Result::err));
        failed.map(|error| view! { <p class="error" role="alert">{error.described()}</p> })
    };
    view! {
        <Show when=move || !matches!(account.get(), Some(Err(_)))>
            <form class="card form" aria-labelledby="cloud-title" data-test="cloud" on:submit=submit>
                <h2 id="cloud-title">"WhatsApp Cloud API"</h2>
                <p class="muted">
                    {move || if configured() {
                        "This business uses Meta's Cloud API: replies go out through it and its webhook brings messages in. Leave the token and secret empty to keep them."
                    } else {
                        "Instead of WhatsApp Web, use a number registered on Meta's WhatsApp Cloud API (see docs/whatsapp.md)."
                    }}
                </p>
                <label for="cloud-number">"Phone number id"</label>
                <input id="cloud-number" inputmode="numeric" required bind:value=number />
                <label for="cloud-token">"Access token"</label>
                <input id="cloud-token" type="password" autocomplete="off" bind:value=token />
                <label for="cloud-secret">"App secret"</label>
                <input id="cloud-secret" type="password" autocomplete="off" bind:value=secret />
                <label for="cloud-verify">"Webhook verify token"</label>
                <input id="cloud-verify" required minlength="8" bind:value=verify />
                <label for="cloud-template">"Template for replies after 24 hours (name, language)"</label>
                <div class="picker">
                    <input id="cloud-template" placeholder="order_update" bind:value=template />
                    <input aria-label="Template language" placeholder="en_US" bind:value=language />
                </div>
                {outcome}
                <div class="actions">
                    <button class="button" type="submit" disabled=move || save.pending().get()>"Save"</button>
                    <Show when=configured>
                        <button class="button quiet" type="button" on:click=move |_| {
                            remove.dispatch(RemoveCloudAccount {});
                        }>"Use WhatsApp Web instead"</button>
                    </Show>
                </div>
            </form>
        </Show>
    }
}

/// Whether orders can arrive from WhatsApp now; when not, staff take them by hand.
fn is_connected(state: ConnectionState) -> bool {
    matches!(state, ConnectionState::Connected)
}

/// The banner every page that depends on WhatsApp shows while it is down.
#[component]
pub fn ManualModeBanner() -> impl IntoView {
    // Secondary to the pages it sits on, so it loads in the browser after hydration.
    let status = LocalResource::new(whatsapp_status);
    let changes = RwSignal::new(0u64);
    live::on_events(&[EventKind::WhatsappState], move |_| changes.update(|n| *n += 1));
    Effect::new(move |_| {
        if changes.get() > 0 {
            status.refetch();
        }
    });
    view! {
        <Transition fallback=|| ()>
            {move || status.get().and_then(Result::ok).map(|session| banner(session.state))}
        </Transition>
    }
}

fn banner(state: ConnectionState) -> Option<AnyView> {
    (!is_connected(state)).then(|| {
        view! {
            <p class="banner" role="alert" data-test="manual-mode">
                <strong>"Manual mode: "</strong>
                {format!("WhatsApp is {}. New WhatsApp orders are not arriving; ", state_name(state))}
                <a rel="external" href="/orders/new">"type orders in"</a>
                " or "
                <a rel="external" href="/whatsapp">"reconnect"</a>
                "."
            </p>
        }
        .into_any()
    })
}

fn connection(
    session: SessionView,
    version: u64,
    reconnect: ServerAction<ReconnectWhatsapp>,
    logout: ServerAction<LogOutWhatsapp>,
) -> AnyView {
    let qr = (session.state == ConnectionState::Qr && session.qr.is_some()).then(|| {
        view! {
            <figure class="qr">
                // The version changes with every new code, so the browser fetches it again.
                <img src=format!("/api/whatsapp/qr.svg?v={version}") alt="QR code to link the business's phone" width="256" height="256" data-test="qr" />
                <figcaption class="muted">
                    "On the business's phone: WhatsApp → Settings → Linked devices → Link a device, then scan this code. It refreshes by itself."
                </figcaption>
            </figure>
        }
    });
    let phone = session
        .phone
        .map(|phone| view! { <p>"Linked number: " <strong>{phone}</strong></p> });
    let since = format!("Since {}", when::day_and_time(session.since));
    let confirming = RwSignal::new(false);
    let busy = move || reconnect.pending().get() || logout.pending().get();
    view! {
        {banner(session.state)}
        <section class="card" aria-labelledby="connection-title">
            <h2 id="connection-title">"Connection"</h2>
            <p>
                <span class=format!("badge wa-{}", session.state.as_str()) data-test="wa-state">{state_name(session.state)}</span>
                " "
                <span class="muted">{since}</span>
            </p>
            {phone}
            {qr}
            <div class="actions">
                <button class="button small" data-test="reconnect" disabled=busy on:click=move |_| {
                    reconnect.dispatch(ReconnectWhatsapp {});
                }>"Reconnect"</button>
                <button class="button small quiet" data-test="logout" disabled=busy on:click=move |_| {
                    if confirming.get_untracked() {
                        confirming.set(false);
                        logout.dispatch(LogOutWhatsapp {});
                    } else {
                        confirming.set(true);
                    }
                }>{move || if confirming.get() { "Really unlink the phone?" } else { "Log out" }}</button>
            </div>
        </section>
    }
    .into_any()
}

pub fn state_name(state: ConnectionState) -> &'static str {
    match state {
        ConnectionState::Starting => "starting",
        ConnectionState::Qr => "waiting for the QR code to be scanned",
        ConnectionState::Connected => "connected",
        ConnectionState::Disconnected => "disconnected",
        ConnectionState::Reconnecting => "reconnecting",
        ConnectionState::LoggedOut => "logged out",
        ConnectionState::Failed => "stopped after repeated failures",
    }
}

fn kind_name(kind: GroupKind) -> &'static str {
    match kind {
        GroupKind::Orders => "Orders",
        GroupKind::Staff => "Staff",
        GroupKind::Announcements => "Announcements",
    }
}

/// The WhatsApp groups Novi reads orders from (and the others it knows about).
#[component]
fn Groups() -> impl IntoView {
    let link = ServerAction::<LinkGroup>::new();
    let update = ServerAction::<UpdateGroup>::new();
    let unlink = ServerAction::<UnlinkGroup>::new();
    let groups = Resource::new(
        move || (link.version().get(), update.version().get(), unlink.version().get()),
        |_| list_groups(),
    );
    let group_id = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new(GroupKind::Orders);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        link.dispatch(LinkGroup {
            group: GroupInput {
                whatsapp_group_id: Some(group_id.get_untracked()),
                name: Some(name.get_untracked()),
                kind: Some(kind.get_untracked()),
                is_active: Some(true),
            },
        });
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = link.value().get() {
            group_id.set(String::new());
            name.set(String::new());
        }
    });
    let failure = move || {
        [
            link.value().get().map(|r| r.map(|_| ())),
            update.value().get().map(|r| r.map(|_| ())),
            unlink.value().get(),
        ]
        .into_iter()
        .flatten()
        .find_map(Result::err)
        .map(|error| {
            view! { <p class="error" role="alert">{error.described()}</p> }
        })
    };
    view! {
        <section class="card" aria-labelledby="groups-title">
            <h2 id="groups-title">"Groups"</h2>
            <p class="muted">"Novi reads orders from direct chats and from the groups linked here as order groups."</p>
            <Transition fallback=|| view! { <p class="muted">"Loading groups…"</p> }>
                {move || groups.get().map(|loaded| match loaded {
                    Ok(groups) if groups.is_empty() => view! { <p class="empty">"No groups linked yet."</p> }.into_any(),
                    Ok(groups) => group_list(groups, update, unlink),
                    Err(error) => view! { <p class="error" role="alert">{error.message}</p> }.into_any(),
                })}
            </Transition>
            {failure}
            <form class="form" data-test="link-group" on:submit=submit>
                <h3>"Link a group"</h3>
                <label for="group-id">"WhatsApp group id"</label>
                <input id="group-id" required placeholder="120363012345678901@g.us" bind:value=group_id />
                <label for="group-name">"Name"</label>
                <input id="group-name" required bind:value=name />
                <label for="group-kind">"Used for"</label>
                <select id="group-kind" on:change=move |event| {
                    if let Ok(chosen) = event_target_value(&event).parse() {
                        kind.set(chosen);
                    }
                }>
                    {GroupKind::ALL.iter().map(|option| view! { <option value=option.as_str()>{kind_name(*option)}</option> }).collect_view()}
                </select>
                <button class="button" type="submit" disabled=move || link.pending().get()>"Link the group"</button>
            </form>
        </section>
    }
}

fn group_list(groups: Vec<GroupDto>, update: ServerAction<UpdateGroup>, unlink: ServerAction<UnlinkGroup>) -> AnyView {
    let rows = groups
        .into_iter()
        .map(|group| {
            let id = group.id;
            let current = group.kind;
            let options = GroupKind::ALL
                .iter()
                .map(|option| {
                    view! { <option value=option.as_str() selected=*option == current>{kind_name(*option)}</option> }
                })
                .collect_view();
            view! {
                <li class="group" data-group=group.whatsapp_group_id.clone()>
                    <div>
                        <strong>{group.name.clone()}</strong>
                        <p class="muted">{group.whatsapp_group_id.clone()}</p>
                    </div>
                    <select aria-label=format!("Use of {}", group.name) on:change=move |event| {
                        if let Ok(kind) = event_target_value(&event).parse() {
                            let group = GroupInput { kind: Some(kind), ..Default::default() };
                            update.dispatch(UpdateGroup { id, group });
                        }
                    }>{options}</select>
                    <label class="toggle">
                        <input type="checkbox" checked=group.is_active on:change=move |event| {
                            let group = GroupInput { is_active: Some(event_target_checked(&event)), ..Default::default() };
                            update.dispatch(UpdateGroup { id, group });
                        } />
                        "Read"
                    </label>
                    <button class="button small quiet" on:click=move |_| {
                        unlink.dispatch(UnlinkGroup { id });
                    }>"Unlink"</button>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="groups" data-test="groups">{rows}</ul> }.into_any()
}
