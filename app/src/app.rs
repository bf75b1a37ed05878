use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    components::{Route, Router, Routes},
    hooks::use_location,
    path,
};

use crate::{
    api::account::Logout,
    pages::{
        admin::AdminPage,
        analytics::Analytics,
        catalog::CatalogPage,
        deliveries::DeliveriesPage,
        driver::DriverPage,
        new_order::NewOrderPage,
        not_found::NotFound,
        order_detail::OrderDetail,
        orders::OrdersBoard,
        settings::SettingsPage,
        sign_in::{RegisterBusiness, SignIn},
        whatsapp::WhatsappPage,
    },
};

/// The HTML document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#0f766e" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <HydrationScripts options=bundle_options(options) />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The options naming the bundle that hydrates the page being rendered.
fn bundle_options(options: LeptosOptions) -> LeptosOptions {
    #[cfg(feature = "ssr")]
    if let Some(parts) = use_context::<axum::http::request::Parts>() {
        let mut options = options;
        options.output_name = bundle_for(parts.uri.path()).into();
        return options;
    }
    options
}

/// Every page, as the server renders them.
#[component]
pub fn App() -> impl IntoView {
    frame(|| {
        view! {
            <Routes fallback=NotFound>
                <Route path=path!("/") view=OrdersBoard />
                <Route path=path!("/orders") view=OrdersBoard />
                <Route path=path!("/orders/new") view=NewOrderPage />
                <Route path=path!("/orders/:id") view=OrderDetail />
                <Route path=path!("/catalog") view=CatalogPage />
                <Route path=path!("/whatsapp") view=WhatsappPage />
                <Route path=path!("/analytics") view=Analytics />
                <Route path=path!("/settings") view=SettingsPage />
                <Route path=path!("/deliveries") view=DeliveriesPage />
                <Route path=path!("/driver") view=DriverPage />
                <Route path=path!("/admin") view=AdminPage />
                <Route path=path!("/login") view=SignIn />
                <Route path=path!("/register") view=RegisterBusiness />
            </Routes>
        }
    })
}

/// The pages of the `frontend` bundle: the orders board, and signing in.
#[component]
pub fn OrdersApp() -> impl IntoView {
    frame(|| {
        view! {
            <Routes fallback=NotFound>
                <Route path=path!("/") view=OrdersBoard />
                <Route path=path!("/orders") view=OrdersBoard />
                <Route path=path!("/login") view=SignIn />
                <Route path=path!("/register") view=RegisterBusiness />
            </Routes>
        }
    })
}

/// The `order` bundle: one order, with its editor and driver.
#[component]
pub fn OrderApp() -> impl IntoView {
    frame(|| {
        view! {
            <Routes fallback=NotFound>
                <Route path=path!("/orders/:id") view=OrderDetail />
            </Routes>
        }
    })
}

/// The `entry` bundle: typing an order in, and the catalog it is priced from.
#[component]
pub fn EntryApp() -> impl IntoView {
    frame(|| {
        view! {
            <Routes fallback=NotFound>
                <Route path=path!("/orders/new") view=NewOrderPage />
                <Route path=path!("/catalog") view=CatalogPage />
            </Routes>
        }
    })
}

/// The `business` bundle: the WhatsApp connection and the settings.
#[component]
pub fn BusinessApp() -> impl IntoView {
    frame(|| {
        view! {
            <Routes fallback=NotFound>
                <Route path=path!("/whatsapp") view=WhatsappPage />
                <Route path=path!("/settings") view=SettingsPage />
            </Routes>
        }
    })
}

/// The `analytics` bundle: the charts.
#[component]
pub fn AnalyticsApp() -> impl IntoView {
    frame(|| {
        view! {
            <Routes fallback=NotFound>
                <Route path=path!("/analytics") view=Analytics />
            </Routes>
        }
    })
}

/// The `people` bundle: deliveries and drivers, the driver's own view, and the platform admin.
#[component]
pub fn PeopleApp() -> impl IntoView {
    frame(|| {
        view! {
            <Routes fallback=NotFound>
                <Route path=path!("/deliveries") view=DeliveriesPage />
                <Route path=path!("/driver") view=DriverPage />
                <Route path=path!("/admin") view=AdminPage />
            </Routes>
        }
    })
}

/// Which browser bundle hydrates a page. A Leptos bundle grows with every page it can show, so
/// the dashboard ships as a few, each within the size budget; every page load fetches one, and
/// links between pages of different bundles are ordinary page loads (`rel="external"`).
pub fn bundle_for(path: &str) -> &'static str {
    let under = |root: &str| path == root || path.starts_with(&format!("{root}/"));
    if path == "/orders/new" || under("/catalog") {
        "entry"
    } else if under("/whatsapp") || under("/settings") {
        "business"
    } else if under("/analytics") {
        "analytics"
    } else if under("/deliveries") || under("/driver") || under("/admin") {
        "people"
    } else if path.starts_with("/orders/") {
        "order"
    } else {
        "frontend"
    }
}

/// What every page has around its content.
fn frame<R: IntoView + 'static>(routes: impl Fn() -> R + Send + 'static) -> impl IntoView {
    provide_meta_context();
    mark_hydrated();

    view! {
        <Stylesheet id="novi" href="/pkg/novi.css" />
        <Title text="Novi" />
        <Router>
            <header class="topbar">
                <a class="brand" href="/orders" rel="external">
                    "Novi"
                </a>
                <Nav />
            </header>
            <main class="page">{routes()}</main>
        </Router>
    }
}

/// The signed-in navigation; the sign-in pages show none.
#[component]
fn Nav() -> impl IntoView {
    let location = use_location();
    let public = move || matches!(location.pathname.get().as_str(), "/login" | "/register");
    let logout = ServerAction::<Logout>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            let _ = window().location().set_href("/login");
        }
    });
    // A driver's page shows what a driver may open, and nothing else.
    let driving = move || location.pathname.get() == "/driver";
    view! {
        <Show when=move || !public()>
            <nav class="nav" aria-label="Main">
                <Show when=driving fallback=|| view! { <StaffLinks /> }>
                    <a rel="external" href="/driver">"My deliveries"</a>
                </Show>
                <button class="link" data-test="sign-out" on:click=move |_| {
                    logout.dispatch(Logout {});
                }>"Sign out"</button>
            </nav>
        </Show>
    }
}

#[component]
fn StaffLinks() -> impl IntoView {
    view! {
                <a rel="external" href="/orders">"Orders"</a>
                <a rel="external" href="/analytics">"Analytics"</a>
                <a rel="external" href="/orders/new">"New order"</a>
                <a rel="external" href="/catalog">"Catalog"</a>
                <a rel="external" href="/deliveries">"Deliveries"</a>
                <a rel="external" href="/whatsapp">"WhatsApp"</a>
                <a rel="external" href="/settings">"Settings"</a>
    }
}

/// Pages allow only their own scripts: the hydration script by its per-request nonce, and the
/// bundle (which needs `wasm-unsafe-eval` to start WebAssembly) from this origin.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    use axum::http::{HeaderValue, header::CONTENT_SECURITY_POLICY};
    use leptos::nonce::use_nonce;

    let (Some(nonce), Some(response)) = (use_nonce(), use_context::<leptos_axum::ResponseOptions>()) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}

/// Effects run only in the browser, after hydration: the attribute tells people and browser
/// tests that the page is now interactive. The service worker (`public/sw.js`) makes the
/// dashboard installable and keeps its shell for when the network is down.
fn mark_hydrated() {
    Effect::new(|_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
        #[cfg(feature = "hydrate")]
        let _ = window().navigator().service_worker().register("/sw.js");
    });
}
