//! A business's public menu (`/m/{short_code}`), rendered on the server only: customers open
//! it from the menu message in their chat, so it ships no WebAssembly and needs no sign-in.

use leptos::prelude::*;

use super::public::document;
use crate::services::menu::Menu;

/// The whole page.
pub fn page(menu: &Menu) -> String {
    let title = format!("Menu · {}", menu.business_name);
    let sections = menu
        .sections
        .iter()
        .map(|section| {
            let items = section
                .items
                .iter()
                .map(|item| {
                    view! {
                        <li>
                            <span class="menu-name">{item.name.clone()}</span>
                            <span class="menu-prices">{item.prices_text()}</span>
                            {item.description.clone().map(|about| view! { <p class="muted">{about}</p> })}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="card">
                    <h2>{section.title.clone()}</h2>
                    <ul class="menu-items">{items}</ul>
                </section>
            }
        })
        .collect_view();
    let empty = menu
        .sections
        .is_empty()
        .then(|| view! { <p class="muted">"Nothing on the menu right now."</p> });
    document(
        &title,
        None,
        view! {
            <header class="track-head">
                <h1>{menu.business_name.clone()}</h1>
                <p class="muted">"Order by sending what you would like in the WhatsApp chat."</p>
            </header>
            {empty}
            {sections}
        },
    )
}

/// What a visitor sees for a code no active business has.
pub fn missing() -> String {
    document(
        "Menu not found",
        None,
        view! {
            <h1>"This menu is not available"</h1>
            <p class="muted">"The link may be mistyped. Ask the shop in your WhatsApp chat."</p>
        },
    )
}
