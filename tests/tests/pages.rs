//! The dashboard's pages rendered on the server for many signed-in requests at once, as when a
//! team opens Novi at the start of a shift: every one answers, and no rendering panics.

use std::sync::{
    Once,
    atomic::{AtomicUsize, Ordering},
};

use novi_tests::{Engine, spawn_app};

/// Panics anywhere in this test binary, the server's rendering tasks included (they run in the
/// test's process).
static PANICS: AtomicUsize = AtomicUsize::new(0);

fn count_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            previous(info);
        }));
    });
}

/// The settings page's previews once read a browser-only resource inside the page's
/// Transition: the server then gave up on that Transition and finished the page, while it was
/// still walking the forms, which went on reading signals of the page just disposed (`Tried to
/// access a reactive value that has already been disposed`, about one request in three hundred
/// when thirty came at once; the answer itself was whole). So the settings page is asked for six
/// hundred times, on several threads as in the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pages_render_for_many_requests_at_once() {
    count_panics();
    let app = spawn_app(Engine::Sqlite).await;
    app.seed_demo(20).await;
    let (owner, staff) = (app.session_cookie(OWNER).await, app.session_cookie(STAFF).await);
    let pages = [
        (&owner, "/settings", 20),
        (&staff, "/settings", 5),
        (&owner, "/orders", 5),
        (&owner, "/orders/20", 5),
        (&owner, "/analytics", 5),
        (&owner, "/catalog", 5),
        (&owner, "/deliveries", 5),
        (&staff, "/deliveries", 5),
        (&owner, "/whatsapp", 5),
    ];
    for (cookie, path, rounds) in pages {
        for _ in 0..rounds {
            let mut requests = tokio::task::JoinSet::new();
            for _ in 0..30 {
                requests.spawn(render(app.client.clone(), app.url(path), cookie.clone()));
            }
            for status in requests.join_all().await {
                assert_eq!(status, 200, "{path}");
            }
        }
    }
    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "no page panicked while rendering");
    app.stop().await;
}

const OWNER: &str = "owner@pizzapalace.example";
const STAFF: &str = "staff@pizzapalace.example";

/// Staff open the settings they work by, read-only, without the team or the backups; an owner
/// gets all of it to change. Neither page answers with an error status.
#[tokio::test]
async fn each_role_gets_the_settings_it_may_use() {
    let app = spawn_app(Engine::Sqlite).await;
    app.seed_demo(1).await;
    for (email, owner) in [(OWNER, true), (STAFF, false)] {
        let html = page_as(&app, email, "/settings").await;
        assert!(html.contains("data-test=\"business-form\""), "{email}: {html}");
        assert!(html.contains("preview-order_confirmation"), "{email}: {html}");
        for part in ["aria-labelledby=\"team-title\"", "data-test=\"backups\""] {
            assert_eq!(html.contains(part), owner, "{email}, {part}: {html}");
        }
        assert_eq!(html.contains("data-test=\"read-only\""), !owner, "{email}: {html}");
        let read_only_forms = if owner { 0 } else { 2 };
        assert_eq!(
            html.matches("<fieldset disabled").count(),
            read_only_forms,
            "{email}: {html}"
        );
    }
    app.stop().await;
}

/// The drivers are rendered on the server with the account each signs in with, which only
/// those who may see the team are shown.
#[tokio::test]
async fn drivers_are_rendered_on_the_server_with_their_accounts() {
    let app = spawn_app(Engine::Sqlite).await;
    app.seed_demo(1).await;
    for (email, owner) in [(OWNER, true), (STAFF, false)] {
        let html = page_as(&app, email, "/deliveries").await;
        assert_eq!(html.matches("data-test=\"driver-row\"").count(), 3, "{email}: {html}");
        let linked = html.contains("signs in as driver@pizzapalace.example");
        assert_eq!(linked, owner, "{email}: {html}");
    }
    app.stop().await;
}

/// The page at `path` as `email` sees it, which must answer 200.
async fn page_as(app: &novi_tests::TestApp, email: &str, path: &str) -> String {
    let cookie = app.session_cookie(email).await;
    let response = app
        .client
        .get(app.url(path))
        .header("cookie", cookie)
        .send()
        .await
        .expect("the page answers");
    assert_eq!(response.status(), 200, "{email}: {path}");
    response.text().await.expect("the whole page")
}

async fn render(client: reqwest::Client, url: String, cookie: String) -> u16 {
    let response = client
        .get(url)
        .header("cookie", cookie)
        .send()
        .await
        .expect("the page answers");
    let status = response.status().as_u16();
    response.bytes().await.expect("the whole page");
    status
}
