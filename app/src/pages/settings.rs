//! Settings (`/settings`): the business's profile and how it takes orders, the replies it sends
//! (each previewed as it is written, filled from the business's latest order), its team, and the
//! installation's backups.

use std::collections::BTreeMap;

use entity::enums::{BackupStatus, Role};
use leptos::prelude::*;

use crate::{
    api::{
        AppError, ErrorCode,
        account::current_user,
        business::{
            InviteUser, SetTeamMemberActive, SetTeamMemberRole, UpdateBusiness, get_business, list_team,
            template_sample,
        },
        system::get_backups,
    },
    dto::{BackupOverview, BusinessChanges, BusinessDto, Invitation, TemplateChanges, UserDto},
    pages::when,
    permissions::Permission,
    templates,
};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let save = ServerAction::<UpdateBusiness>::new();
    // Loaded with the business, so the server renders the previews filled; a browser-only
    // resource read inside the Transition would make the server send the fallback instead.
    let sample = Resource::new(|| (), |_| template_sample());
    let me = Resource::new(|| (), |_| current_user());
    let business = Resource::new(
        move || save.version().get(),
        move |_| async move {
            let id = me
                .await?
                .business_id
                .ok_or_else(|| AppError::new(ErrorCode::NotFound, "this account belongs to no business"))?;
            get_business(id).await
        },
    );
    // Staff see the settings they work by; only what their role may use is offered to them.
    let may = move |permission: Permission| {
        me.get()
            .and_then(Result::ok)
            .is_some_and(|me| permission.granted_to(me.role))
    };
    let outcome = move || {
        save.value().get().map(|result| match result {
            Ok(_) => view! { <p role="status" data-test="saved">"Saved."</p> }.into_any(),
            Err(error) => view! { <p class="error" role="alert">{error.described()}</p> }.into_any(),
        })
    };
    view! {
        <header class="board-head">
            <h1>"Settings"</h1>
        </header>
        {outcome}
        <Transition fallback=|| view! { <p class="muted">"Loading the settings…"</p> }>
            {move || business.get().map(|loaded| match loaded {
                Ok(business) => {
                    let editable = may(Permission::ManageSettings);
                    view! {
                        {(!editable).then(|| view! {
                            <p class="muted" data-test="read-only">"Only an owner can change these settings."</p>
                        })}
                        <BusinessForm business=business.clone() save editable />
                        <TemplatesForm business save sample editable />
                    }
                    .into_any()
                }
                Err(error) => view! { <p class="error" role="alert">"The settings could not be loaded: " {error.message}</p> }.into_any(),
            })}
        </Transition>
        <Team me />
        <Backups me />
    }
}

/// The installation's backups: for owners, the reassurance that their orders are kept safe;
/// for whoever runs Novi, whether the last one was proven by a restore.
#[component]
fn Backups(me: Me) -> impl IntoView {
    let overview = Resource::new(
        || (),
        move |_| async move {
            if !granted(me, Permission::ManageSettings).await {
                return Ok(None);
            }
            get_backups().await.map(Some)
        },
    );
    view! {
        <Transition fallback=|| ()>
            {move || overview.get().map(|loaded| match loaded {
                Ok(None) => ().into_any(),
                Ok(Some(overview)) => view! {
                    <section class="card" aria-labelledby="backups-title" data-test="backups">
                        <h2 id="backups-title">"Backups"</h2>
                        {backup_list(overview)}
                    </section>
                }
                .into_any(),
                Err(error) => view! { <p class="error" role="alert">"The backups could not be loaded: " {error.message}</p> }.into_any(),
            })}
        </Transition>
    }
}

/// The signed-in user, loaded once with the page.
type Me = Resource<Result<UserDto, AppError>>;

/// Whether the signed-in user's role grants `permission`; sections they may not use are not
/// shown, rather than asked for and refused.
async fn granted(me: Me, permission: Permission) -> bool {
    me.await.is_ok_and(|me| permission.granted_to(me.role))
}

fn backup_list(overview: BackupOverview) -> AnyView {
    let schedule = match (overview.every_seconds, overview.keep) {
        (Some(every), Some(keep)) => format!(
            "A backup is made every {}, proven by restoring it, and the newest {keep} are kept.",
            period(every)
        ),
        _ => "Scheduled backups are off: whoever runs Novi sets BACKUP_DIR to turn them on.".to_string(),
    };
    let rows = overview
        .runs
        .into_iter()
        .map(|run| {
            let outcome = match run.status {
                BackupStatus::Verified => format!(
                    "Verified: {} rows restored, {}",
                    run.rows.unwrap_or_default(),
                    size(run.size_bytes.unwrap_or_default())
                ),
                BackupStatus::Running => "Running…".to_string(),
                BackupStatus::Failed => format!("Failed: {}", run.error.unwrap_or_default()),
            };
            view! {
                <tr class=format!("backup-{}", run.status)>
                    <td>{when::day_and_time(run.started_at)}</td>
                    <td>{outcome}</td>
                    <td class="muted">{run.archive.unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p>{schedule}</p>
        <table class="catalog" data-test="backup-runs">
            <thead><tr><th>"Started"</th><th>"Outcome"</th><th>"Archive"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

/// `6 hours`, `1 day`, `30 minutes`.
fn period(seconds: u64) -> String {
    let (count, unit) = match seconds {
        s if s % 86_400 == 0 => (s / 86_400, "day"),
        s if s % 3600 == 0 => (s / 3600, "hour"),
        s if s % 60 == 0 => (s / 60, "minute"),
        s => (s, "second"),
    };
    if count == 1 {
        unit.to_string()
    } else {
        format!("{count} {unit}s")
    }
}

/// `1.4 MB`, `820 kB`.
fn size(bytes: i64) -> String {
    match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b => format!("{} kB", (b + 999) / 1000),
    }
}

#[component]
fn BusinessForm(business: BusinessDto, save: ServerAction<UpdateBusiness>, editable: bool) -> impl IntoView {
    let text = |value: Option<String>| RwSignal::new(value.unwrap_or_default());
    let name = RwSignal::new(business.name.clone());
    let description = text(business.description.clone());
    let phone = text(business.phone.clone());
    let email = text(business.email.clone());
    let address = text(business.address.clone());
    let currency = RwSignal::new(business.currency.clone());
    let timezone = RwSignal::new(business.timezone.clone());
    let fee = RwSignal::new(format!("{:.2}", business.settings.delivery_fee));
    let auto_confirm = RwSignal::new(business.settings.auto_confirm);
    let threshold = RwSignal::new(format!("{:.0}", business.settings.confidence_threshold * 100.0));
    let whatsapp = RwSignal::new(business.settings.whatsapp_enabled);
    let merge_window = RwSignal::new(business.settings.merge_window_minutes.to_string());
    let id = business.id;
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let number = |signal: RwSignal<String>| signal.get_untracked().trim().parse::<f64>().ok();
        save.dispatch(UpdateBusiness {
            id,
            changes: BusinessChanges {
                name: Some(name.get_untracked()),
                description: Some(description.get_untracked()),
                phone: Some(phone.get_untracked()),
                email: Some(email.get_untracked()),
                address: Some(address.get_untracked()),
                currency: Some(currency.get_untracked()),
                timezone: Some(timezone.get_untracked()),
                delivery_fee: number(fee),
                auto_confirm: Some(auto_confirm.get_untracked()),
                confidence_threshold: number(threshold).map(|percent| percent / 100.0),
                whatsapp_enabled: Some(whatsapp.get_untracked()),
                merge_window_minutes: merge_window.get_untracked().trim().parse().ok(),
                templates: None,
            },
        });
    };
    view! {
        <form class="card form" data-test="business-form" on:submit=submit>
            <fieldset disabled=!editable>
                <h2>"The business"</h2>
                <label for="business-name">"Name"</label>
                <input id="business-name" required bind:value=name />
                <label for="business-description">"About the business (a line or two)"</label>
                <textarea id="business-description" rows="2" maxlength="500" bind:value=description></textarea>
                <label for="business-phone">"Phone"</label>
                <input id="business-phone" type="tel" bind:value=phone />
                <label for="business-email">"Email"</label>
                <input id="business-email" type="email" bind:value=email />
                <label for="business-address">"Address"</label>
                <input id="business-address" bind:value=address />
                <label for="business-currency">"Currency (three letters, like USD)"</label>
                <input id="business-currency" maxlength="3" bind:value=currency />
                <label for="business-timezone">"Time zone (like America/Sao_Paulo)"</label>
                <input id="business-timezone" bind:value=timezone />
                <h2>"Orders"</h2>
                <label for="delivery-fee">"Delivery fee"</label>
                <input id="delivery-fee" inputmode="decimal" bind:value=fee />
                <label for="threshold">"Send orders read with less confidence than this (%) to review"</label>
                <input id="threshold" type="number" min="0" max="100" bind:value=threshold />
                <label for="merge-window">
                    "Minutes in which a customer's next message adds to their open order (0: never)"
                </label>
                <input id="merge-window" type="number" min="0" max="120" bind:value=merge_window />
                <label class="toggle">
                    <input type="checkbox" bind:checked=auto_confirm />
                    "Confirm orders read with enough confidence by themselves"
                </label>
                <label class="toggle">
                    <input type="checkbox" bind:checked=whatsapp />
                    "Read orders from WhatsApp"
                </label>
                <button class="button" type="submit" data-test="save-business" disabled=move || save.pending().get()>
                    "Save"
                </button>
            </fieldset>
        </form>
    }
}

/// What each placeholder stands for in the business's latest order.
type Sample = Resource<Result<BTreeMap<String, String>, AppError>>;

/// The replies, each with what the customer would read, filled from the latest order.
#[component]
fn TemplatesForm(
    business: BusinessDto,
    save: ServerAction<UpdateBusiness>,
    sample: Sample,
    editable: bool,
) -> impl IntoView {
    let current = business.settings.templates;
    let fields: [(&'static str, &'static str, String); 9] = [
        ("order_confirmation", "Order confirmed", current.order_confirmation),
        ("order_received", "Order received", current.order_received),
        ("needs_review", "Needs a person", current.needs_review),
        ("delivery_update", "On its way", current.delivery_update),
        ("delivered", "Delivered", current.delivered),
        ("order_cancelled", "Cancelled by the customer", current.order_cancelled),
        (
            "cancel_requested",
            "Cancellation a person must confirm",
            current.cancel_requested,
        ),
        ("order_updated", "Order changed by the customer", current.order_updated),
        (
            "change_requested",
            "Change a person must look at",
            current.change_requested,
        ),
    ];
    let texts = fields.map(|(key, title, text)| (key, title, RwSignal::new(text)));
    let id = business.id;
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let text = |index: usize| Some(texts[index].2.get_untracked());
        save.dispatch(UpdateBusiness {
            id,
            changes: BusinessChanges {
                templates: Some(TemplateChanges {
                    order_confirmation: text(0),
                    order_received: text(1),
                    needs_review: text(2),
                    delivery_update: text(3),
                    delivered: text(4),
                    order_cancelled: text(5),
                    cancel_requested: text(6),
                    order_updated: text(7),
                    change_requested: text(8),
                }),
                ..Default::default()
            },
        });
    };
    let editors = texts
        .into_iter()
        .map(|(key, title, text)| template_editor(key, title, text, sample))
        .collect_view();
    let placeholders = templates::PLACEHOLDERS
        .iter()
        .map(|name| format!("{{{name}}}"))
        .collect::<Vec<_>>()
        .join(" ");
    view! {
        <form class="card form" data-test="templates-form" on:submit=submit>
            <fieldset disabled=!editable>
                <h2>"Replies to customers"</h2>
                <p class="muted">"Placeholders: " {placeholders}</p>
                {editors}
                <button class="button" type="submit" data-test="save-templates" disabled=move || save.pending().get()>
                    "Save the replies"
                </button>
            </fieldset>
        </form>
    }
}

fn template_editor(key: &'static str, title: &'static str, text: RwSignal<String>, sample: Sample) -> AnyView {
    let preview = move || {
        let text = text.get();
        match templates::unknown_placeholders(&text) {
            Err(problem) => view! { <p class="error">{problem}</p> }.into_any(),
            Ok(unknown) if !unknown.is_empty() => {
                let names = unknown
                    .iter()
                    .map(|name| format!("{{{name}}}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                view! { <p class="error">"Novi does not know " {names}</p> }.into_any()
            }
            Ok(_) => {
                let values = sample.get().and_then(Result::ok).unwrap_or_default();
                let filled = templates::render(&text, |name| values.get(name).map(String::as_str));
                view! { <p class="reply preview" data-test=format!("preview-{key}")>{filled}</p> }.into_any()
            }
        }
    };
    let id = format!("template-{key}");
    view! {
        <label for=id.clone()>{title}</label>
        <textarea id=id rows="3" data-test=format!("template-{key}") bind:value=text></textarea>
        {preview}
    }
    .into_any()
}

/// The people who sign in to this business: invite staff and drivers, switch access off.
#[component]
fn Team(me: Me) -> impl IntoView {
    let invite = ServerAction::<InviteUser>::new();
    let set_active = ServerAction::<SetTeamMemberActive>::new();
    let set_role = ServerAction::<SetTeamMemberRole>::new();
    let team = Resource::new(
        move || {
            (
                invite.version().get(),
                set_active.version().get(),
                set_role.version().get(),
            )
        },
        move |_| async move {
            if !granted(me, Permission::ManageUsers).await {
                return Ok(None);
            }
            list_team().await.map(Some)
        },
    );
    let refused = move || {
        [set_active.value().get(), set_role.value().get()]
            .into_iter()
            .flatten()
            .find_map(Result::err)
            .map(|error| view! { <p class="error" role="alert">{error.described()}</p> })
    };
    let email = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Staff);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        invite.dispatch(InviteUser {
            invitation: Invitation {
                email: email.get_untracked(),
                username: username.get_untracked(),
                role: role.get_untracked(),
            },
        });
    };
    let invited = move || {
        invite.value().get().map(|result| match result {
            Ok(invited) => view! {
                <p role="status" data-test="invited">
                    {format!(
                        "{} is invited. Their one-time password, shown only now: {}",
                        invited.user.username, invited.one_time_password
                    )}
                </p>
            }
            .into_any(),
            Err(error) => view! { <p class="error" role="alert">{error.described()}</p> }.into_any(),
        })
    };
    let section = move |people: Vec<UserDto>| {
        view! {
            <section class="card" aria-labelledby="team-title">
                <h2 id="team-title">"Team"</h2>
                {team_list(people, set_active, set_role)}
                {refused}
                <form class="form" data-test="invite" on:submit=submit>
                    <h3>"Invite someone"</h3>
                    <label for="invite-email">"Email"</label>
                    <input id="invite-email" type="email" required bind:value=email />
                    <label for="invite-name">"User name"</label>
                    <input id="invite-name" required bind:value=username />
                    <label for="invite-role">"Role"</label>
                    <select id="invite-role" on:change=move |event| {
                        if let Ok(chosen) = event_target_value(&event).parse() {
                            role.set(chosen);
                        }
                    }>
                        <option value="staff">"Staff"</option>
                        <option value="driver">"Driver"</option>
                    </select>
                    <button class="button" type="submit" disabled=move || invite.pending().get()>"Invite"</button>
                </form>
                {invited}
            </section>
        }
        .into_any()
    };
    // Only a role that may manage the team gets the section at all, so the whole of it waits
    // for the list; what was typed in the form lives in the signals above across reloads.
    view! {
        <Transition fallback=|| ()>
            {move || team.get().map(|loaded| match loaded {
                Ok(None) => ().into_any(),
                Ok(Some(people)) => section(people),
                Err(error) => view! { <p class="error" role="alert">"The team could not be loaded: " {error.message}</p> }.into_any(),
            })}
        </Transition>
    }
}

fn team_list(
    people: Vec<UserDto>,
    set_active: ServerAction<SetTeamMemberActive>,
    set_role: ServerAction<SetTeamMemberRole>,
) -> AnyView {
    let rows = people
        .into_iter()
        .map(|person| {
            let id = person.id;
            view! {
                <li class="group">
                    <div>
                        <strong>{person.username.clone()}</strong>
                        <p class="muted">{person.email.clone()}</p>
                    </div>
                    <select aria-label=format!("Role of {}", person.username) on:change=move |event| {
                        if let Ok(role) = event_target_value(&event).parse() {
                            set_role.dispatch(SetTeamMemberRole { id, role });
                        }
                    }>
                        {[Role::Owner, Role::Staff, Role::Driver]
                            .into_iter()
                            .map(|role| view! { <option value=role.as_str() selected=role == person.role>{role.as_str()}</option> })
                            .collect_view()}
                    </select>
                    <label class="toggle">
                        <input type="checkbox" checked=person.is_active on:change=move |event| {
                            set_active.dispatch(SetTeamMemberActive { id, active: event_target_checked(&event) });
                        } />
                        "Can sign in"
                    </label>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="groups" data-test="team">{rows}</ul> }.into_any()
}
