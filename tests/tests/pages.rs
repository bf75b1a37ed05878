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
    let cookie = app.session_cookie("owner@pizzapalace.example").await;
    let pages = [
        ("/settings", 20),
        ("/orders", 5),
        ("/analytics", 5),
        ("/catalog", 5),
        ("/deliveries", 5),
        ("/whatsapp", 5),
    ];
    for (path, rounds) in pages {
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
