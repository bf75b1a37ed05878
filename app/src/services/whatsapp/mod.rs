//! The WhatsApp connection's records: each business's session state (`session`), every
//! inbound message, written before anything else happens to it (`inbox`), the outbox the
//! worker drains (`outbox`), and owners' requests to the workers (`control`). The worker in
//! `server::whatsapp` calls these; the dashboard and the API read the session.

mod control;
mod inbox;
mod outbox;
mod session;

pub use control::*;
pub use inbox::*;
pub use outbox::*;
pub use session::*;
