//! The dashboard's live feed: `GET /api/events` through the browser's EventSource (which sends
//! the session cookie and reconnects by itself), and the sound that announces a new order.

use crate::event_kind::EventKind;

/// Calls `changed(kind)` for each order event until the component that asked is gone. Does
/// nothing on the server.
pub fn on_order_events(changed: impl Fn(EventKind) + Clone + 'static) {
    on_events(EventKind::ORDERS, changed);
}

/// Calls `changed(kind)` for each event of these kinds until the component that asked is gone.
pub fn on_events(kinds: &'static [EventKind], changed: impl Fn(EventKind) + Clone + 'static) {
    #[cfg(feature = "hydrate")]
    browser::listen(kinds, changed);
    #[cfg(not(feature = "hydrate"))]
    let _ = (kinds, changed);
}

/// A short chime, when the staff member turned sound on (kept in this browser).
pub fn chime() {
    #[cfg(feature = "hydrate")]
    browser::chime();
}

/// Whether sound is on in this browser.
pub fn sound_on() -> bool {
    #[cfg(feature = "hydrate")]
    return browser::sound_on();
    #[cfg(not(feature = "hydrate"))]
    false
}

pub fn set_sound(on: bool) {
    #[cfg(feature = "hydrate")]
    browser::set_sound(on);
    #[cfg(not(feature = "hydrate"))]
    let _ = on;
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use wasm_bindgen::{JsCast, closure::Closure};

    const SOUND_KEY: &str = "novi.sound";

    use crate::event_kind::EventKind;

    pub fn listen(kinds: &'static [EventKind], changed: impl Fn(EventKind) + Clone + 'static) {
        let Ok(source) = web_sys::EventSource::new("/api/events") else {
            return;
        };
        let mut handlers = Vec::new();
        for kind in kinds {
            let changed = changed.clone();
            let handler = Closure::<dyn Fn()>::new(move || changed(*kind));
            let _ = source.add_event_listener_with_callback(kind.as_str(), handler.as_ref().unchecked_ref());
            handlers.push(handler);
        }
        let source = send_wrapper::SendWrapper::new((source, handlers));
        on_cleanup(move || source.0.close());
    }

    fn storage() -> Option<web_sys::Storage> {
        window().local_storage().ok().flatten()
    }

    pub fn sound_on() -> bool {
        storage().and_then(|s| s.get_item(SOUND_KEY).ok().flatten()).as_deref() == Some("on")
    }

    pub fn set_sound(on: bool) {
        if let Some(storage) = storage() {
            let _ = storage.set_item(SOUND_KEY, if on { "on" } else { "off" });
        }
    }

    pub fn chime() {
        if !sound_on() {
            return;
        }
        let Ok(context) = web_sys::AudioContext::new() else {
            return;
        };
        let Ok(tone) = context.create_oscillator() else {
            return;
        };
        tone.frequency().set_value(880.0);
        let _ = tone.connect_with_audio_node(&context.destination());
        let now = context.current_time();
        let _ = tone.start_with_when(now);
        let _ = tone.stop_with_when(now + 0.2);
    }
}
