use leptos::prelude::*;

use crate::api::system::get_system_status;
use crate::dto::SystemStatus;

/// The landing page: what Novi is and whether this installation is healthy, with a check the
/// visitor can run again without reloading.
#[component]
pub fn Home() -> impl IntoView {
    let checks = RwSignal::new(0u32);
    let status = Resource::new(move || checks.get(), |_| get_system_status());

    view! {
        <section class="hero">
            <h1>"Take orders where your customers already are"</h1>
            <p>
                "Customers write their order in WhatsApp, the way they always have. "
                "Novi reads it, prices it against your menu, shows it to your team live "
                "and answers the customer."
            </p>
        </section>
        <section class="card status" aria-live="polite">
            <h2>"System status"</h2>
            <Suspense fallback=|| view! { <p class="muted">"Checking…"</p> }>
                {move || status.get().map(|result| match result {
                    Ok(status) => view! { <StatusTable status /> }.into_any(),
                    Err(error) => view! {
                        <p class="error" role="alert">"Status unavailable: " {error.to_string()}</p>
                    }.into_any(),
                })}
            </Suspense>
            <button
                class="button"
                data-test="recheck"
                on:click=move |_| checks.update(|n| *n += 1)
            >
                "Check again"
            </button>
            <p class="muted" data-test="check-count">
                {move || match checks.get() {
                    0 => "Checked when the page loaded.".to_string(),
                    n => format!("Checked {n} more time{} since the page loaded.", if n == 1 { "" } else { "s" }),
                }}
            </p>
        </section>
    }
}

#[component]
fn StatusTable(status: SystemStatus) -> impl IntoView {
    let migrations = match status.pending_migrations {
        0 => "up to date".to_string(),
        n => format!("{n} pending"),
    };
    view! {
        <dl class="facts">
            <dt>"Version"</dt>
            <dd>{status.version}</dd>
            <dt>"Database"</dt>
            <dd data-test="database">{format!("{} (reachable)", status.database_engine)}</dd>
            <dt>"Round trip"</dt>
            <dd data-test="latency">{format!("{:.1} ms", status.database_latency_ms)}</dd>
            <dt>"Migrations"</dt>
            <dd>{migrations}</dd>
            <dt>"Checked at"</dt>
            <dd>{status.checked_at.format("%Y-%m-%d %H:%M:%S UTC").to_string()}</dd>
        </dl>
    }
}
