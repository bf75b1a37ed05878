//! Where a change to an order reaches beyond its own rows: the dashboards watching the business
//! (live events), the answers kept for them (emptied by those events) and the customer
//! (replies carry links to `PUBLIC_URL`).

use std::sync::Arc;

use crate::{events::EventHub, services::recent::Answers};

#[derive(Clone, Debug)]
pub struct Outlets {
    pub events: EventHub,
    pub answers: Answers,
    public_url: Arc<str>,
}

impl Outlets {
    pub fn new(events: EventHub, public_url: &str) -> Self {
        let answers = Answers::default();
        Self {
            events: events.watched_by(Arc::new(answers.clone())),
            answers,
            public_url: public_url.trim_end_matches('/').into(),
        }
    }

    /// The customer's tracking page for an order.
    pub fn tracking_link(&self, token: &str) -> String {
        format!("{}/t/{token}", self.public_url)
    }

    /// A business's public menu page.
    pub fn menu_link(&self, short_code: &str) -> String {
        format!("{}/m/{short_code}", self.public_url)
    }
}
