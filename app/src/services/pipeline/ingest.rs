//! One inbound message through the pipeline: a new order, a change to the order it started
//! (edited or deleted in the chat), a reply amending an order, or nothing for Novi.

use std::sync::Arc;

use entity::{
    businesses,
    enums::{InboundStatus, OrderStatus},
    inbound_messages, orders,
};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect};

use super::{Handled, Scope, catalogs::Priced, chat, create::Draft};
use crate::{
    dto::BusinessSettings,
    error::ServiceError,
    parser::{self, ParsedOrder},
    services::replies,
};

/// A business as the pipeline needs it, read once per batch.
pub struct Business {
    pub model: businesses::Model,
    pub settings: BusinessSettings,
    pub priced: Arc<Priced>,
    pub eta_minutes: i64,
}

impl Business {
    pub fn parse(&self, text: &str) -> ParsedOrder {
        parser::parse(text, &self.priced.catalog)
    }

    /// Where a parsed order starts: review when unsure or nothing matched, confirmed at once
    /// when the business lets Novi confirm, otherwise waiting for staff.
    pub fn status_for(&self, parsed: &ParsedOrder) -> OrderStatus {
        if parsed.items.is_empty() || parsed.confidence < self.settings.confidence_threshold {
            OrderStatus::NeedsReview
        } else if self.settings.auto_confirm {
            OrderStatus::Confirmed
        } else {
            OrderStatus::Pending
        }
    }

    pub fn reply_context<'a>(&'a self, scope: &'a Scope<'_>) -> replies::Context<'a> {
        replies::Context {
            business: &self.model,
            templates: &self.settings.templates,
            outlets: scope.outlets,
            eta_minutes: self.eta_minutes,
            driver: None,
        }
    }
}

/// What a message comes to: handled already, or a new order to write with the batch's others.
pub enum Step {
    Handled(Handled),
    Create(Box<Draft>),
}

pub async fn handle(
    txn: &DatabaseTransaction,
    scope: &mut Scope<'_>,
    message: &inbound_messages::Model,
) -> Result<Step, ServiceError> {
    let business = scope.business(txn, message.business_id).await?;
    // Only an edit or a deletion hands a message back after its order was made (a failed
    // attempt commits nothing), so a message never changed needs no look for one.
    let started = if message.edited_at.is_some() || message.revoked_at.is_some() {
        orders::Entity::find()
            .filter(orders::Column::InboundMessageId.eq(message.id))
            .lock_exclusive()
            .one(txn)
            .await?
    } else {
        None
    };
    if let Some(order) = started {
        return Ok(Step::Handled(
            chat::changed(txn, scope, &business, message, order).await?,
        ));
    }
    if message.revoked_at.is_some() {
        return Ok(Step::Handled(nothing()));
    }
    if let Some(handled) = chat::amendment(txn, scope, &business, message).await? {
        return Ok(Step::Handled(handled));
    }
    let parsed = scope.parse(&business, message);
    if !parsed.is_order() {
        return Ok(Step::Handled(nothing()));
    }
    Ok(Step::Create(Box::new(Draft {
        message: message.clone(),
        business,
        parsed,
    })))
}

/// Not an order ("thanks", "are you open?"): handled, and no reply.
pub fn nothing() -> Handled {
    Handled {
        events: Vec::new(),
        status: InboundStatus::Ignored,
    }
}

/// What staff should read beside the items: the customer's notes, and any order lines the
/// catalog has nothing for, as written.
pub fn notes_of(parsed: &ParsedOrder) -> Option<String> {
    let mut notes: Vec<String> = parsed.notes.iter().cloned().collect();
    if !parsed.unmatched.is_empty() {
        notes.push(format!("Not in the catalog: {}", parsed.unmatched.join("; ")));
    }
    let joined = notes.join("\n");
    (!joined.is_empty()).then(|| joined.chars().take(1000).collect())
}
