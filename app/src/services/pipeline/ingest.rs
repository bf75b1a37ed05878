//! One inbound message through the pipeline: a new order, a change to the order it started
//! (edited or deleted in the chat), a reply or a follow-up amending an order, or nothing for
//! Novi.

use entity::{enums::InboundStatus, inbound_messages, orders};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect};

use super::{
    Handled, Scope,
    business::Business,
    chat,
    create::{ParsedMessage, phone_of},
    follow_ups::{Conversation, saved_address},
};
use crate::{
    error::ServiceError,
    parser::{self, Intent},
    services::{
        menu::Menu,
        replies::{self, Chat},
    },
};

/// What a message comes to: handled already, or a new order to write with the batch's others.
pub enum Step {
    Handled(Handled),
    Create(Box<ParsedMessage>),
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
    let mut parsed = scope.parse(&business, message);
    if let Some(handled) = chat::amendment(txn, scope, &business, message, &parsed).await? {
        return Ok(Step::Handled(handled));
    }
    match parser::intent(&message.body) {
        Some(Intent::Cancel) => {
            if let Some(handled) = chat::cancellation(txn, scope, &business, message).await? {
                return Ok(Step::Handled(handled));
            }
        }
        Some(Intent::Menu) => return Ok(Step::Handled(menu(txn, scope, &business, message).await?)),
        None => {}
    }
    let conversation = Conversation::of(txn, &business, message).await?;
    if let Some(handled) = conversation.follow_up(txn, scope, &business, message, &parsed).await? {
        return Ok(Step::Handled(handled));
    }
    // Said to an order under way without anything for it ("the pizza was great"), or naming
    // nothing on the catalog: not an order.
    if (conversation.has_active_order() && !parsed.is_order()) || !business.is_order_like(&message.body, &parsed) {
        return Ok(Step::Handled(nothing()));
    }
    conversation.fill_in(&business, &mut parsed);
    let mut saved = false;
    if parsed.address.is_none()
        && let Some(phone) = phone_of(&message.author)
    {
        parsed.address = saved_address(txn, business.model.id, &phone).await?;
        saved = parsed.address.is_some();
    }
    Ok(Step::Create(Box::new(ParsedMessage {
        message: message.clone(),
        business,
        parsed,
        saved_address: saved,
    })))
}

/// "Menu please": the available products by category, with a link to the whole menu. Not an
/// order; no order is made.
async fn menu(
    txn: &DatabaseTransaction,
    scope: &Scope<'_>,
    business: &Business,
    message: &inbound_messages::Model,
) -> Result<Handled, ServiceError> {
    let menu = Menu::of(&business.model, business.priced.products.values());
    let body = menu.message(&scope.outlets.menu_link(&business.model.short_code));
    let about = replies::About {
        business_id: business.model.id,
        order_id: None,
        template: "menu",
    };
    let key = format!("menu:{}", message.id);
    replies::queue_about(txn, about, &Chat::of(message), body, key).await?;
    Ok(Handled {
        events: Vec::new(),
        status: InboundStatus::Processed,
    })
}

/// Not an order ("thanks", "are you open?"): handled, and no reply.
pub fn nothing() -> Handled {
    Handled {
        events: Vec::new(),
        status: InboundStatus::Ignored,
    }
}
