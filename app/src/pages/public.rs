//! The frame of the pages customers open from their chat without signing in (the tracking
//! page, the menu): rendered on the server only, with the dashboard's stylesheet and no
//! WebAssembly.

use leptos::prelude::*;

/// A whole page around `main`, with `script` (its own, from this site) when it has one.
pub fn document(title: &str, script: Option<&'static str>, main: impl IntoView + 'static) -> String {
    let title = title.to_string();
    let body = view! {
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#0f766e" />
                <title>{title}</title>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="stylesheet" href="/pkg/novi.css" />
                {script.map(|src| view! { <script src=src defer></script> })}
            </head>
            <body>
                <main class="track">{main}</main>
            </body>
        </html>
    }
    .to_html();
    format!("<!DOCTYPE html>{body}")
}
