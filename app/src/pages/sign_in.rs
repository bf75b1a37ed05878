//! Signing in and registering. Both set the session cookie and then load the page the visitor
//! was going to (`?next=`), so the server renders it signed in.

use entity::enums::Role;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    api::{
        AppError,
        account::{Login, Register},
    },
    dto::{Credentials, Registration, UserSummary},
};

/// Where to go after signing in: a path on this site only, never another site.
fn next_page(wanted: Option<String>) -> Option<String> {
    wanted.filter(|path| path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/\\"))
}

/// Where each role starts when it was going nowhere in particular.
fn home(role: Role) -> &'static str {
    match role {
        Role::Driver => "/driver",
        Role::Admin => "/admin",
        Role::Owner | Role::Staff => "/orders",
    }
}

/// The page to go on to, from `?next=`.
fn next_from_query() -> Memo<Option<String>> {
    let query = use_query_map();
    Memo::new(move |_| next_page(query.read().get("next")))
}

/// Loads the next page once the session is set.
fn go_on_after(done: Signal<Option<Result<UserSummary, AppError>>>, next: Memo<Option<String>>) {
    Effect::new(move |_| {
        if let Some(Ok(user)) = done.get() {
            let target = next.get().unwrap_or_else(|| home(user.role).to_string());
            let _ = window().location().set_href(&target);
        }
    });
}

#[component]
pub fn SignIn() -> impl IntoView {
    let next = next_from_query();
    let login = ServerAction::<Login>::new();
    go_on_after(login.value().into(), next);
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        login.dispatch(Login {
            credentials: Credentials {
                email: email.get_untracked(),
                password: password.get_untracked(),
            },
        });
    };
    view! {
        <section class="card narrow">
            <h1>"Sign in"</h1>
            <form class="form" on:submit=submit>
                <label for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="username" required bind:value=email />
                <label for="password">"Password"</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                    bind:value=password
                />
                <FormError result=login.value().into() />
                <button class="button" type="submit" data-test="sign-in" disabled=move || login.pending().get()>
                    {move || if login.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
            <p class="muted">
                "New to Novi? " <a href=move || next.get().map_or_else(|| "/register".to_string(), |next| format!("/register?next={next}"))>"Register your business"</a>
            </p>
        </section>
    }
}

#[component]
pub fn RegisterBusiness() -> impl IntoView {
    let next = next_from_query();
    let register = ServerAction::<Register>::new();
    go_on_after(register.value().into(), next);
    let business = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        register.dispatch(Register {
            registration: Registration {
                username: name.get_untracked(),
                email: email.get_untracked(),
                password: password.get_untracked(),
                business_name: business.get_untracked(),
            },
        });
    };
    view! {
        <section class="card narrow">
            <h1>"Register your business"</h1>
            <form class="form" on:submit=submit>
                <label for="business">"Business name"</label>
                <input id="business" required bind:value=business />
                <label for="name">"Your name"</label>
                <input id="name" autocomplete="name" required bind:value=name />
                <label for="email">"Email"</label>
                <input id="email" type="email" autocomplete="username" required bind:value=email />
                <label for="password">"Password (at least 8 characters)"</label>
                <input id="password" type="password" autocomplete="new-password" minlength="8" required bind:value=password />
                <FormError result=register.value().into() />
                <button class="button" type="submit" disabled=move || register.pending().get()>
                    "Create the account"
                </button>
            </form>
            <p class="muted">"Already registered? " <a href="/login">"Sign in"</a></p>
        </section>
    }
}

/// The failure of a form's last submission, with the field problems listed.
#[component]
fn FormError(result: Signal<Option<Result<UserSummary, AppError>>>) -> impl IntoView {
    move || {
        result.get().and_then(Result::err).map(|error| {
            let fields = error
                .fields
                .iter()
                .map(|(field, problem)| view! { <li>{format!("{field}: {problem}")}</li> })
                .collect_view();
            view! {
                <div class="error" role="alert">
                    <p>{error.message.clone()}</p>
                    <ul>{fields}</ul>
                </div>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_on_this_site_are_followed() {
        assert_eq!(next_page(Some("/orders/12".into())).as_deref(), Some("/orders/12"));
        assert_eq!(next_page(Some("//evil.example".into())), None);
        assert_eq!(next_page(Some("https://evil.example".into())), None);
        assert_eq!(next_page(None), None);
        assert_eq!(home(Role::Driver), "/driver");
    }
}
