//! A customer's messages read as one conversation. Within the business's merge window after
//! their previous message, the sender's next message in the same chat belongs to the order
//! they have open ("and a coke", "to 12 Harbour Rd", "make it 3 cokes"), and details they sent
//! just before an order (a greeting with their name, their address) count for it. Everything
//! here is by sender, so two people writing in one group are two conversations.

use chrono::Duration;
use entity::{
    customers,
    enums::{InboundStatus, OrderStatus},
    inbound_messages, orders,
};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};

use super::{Handled, Scope, amend, business::Business};
use crate::{
    error::ServiceError,
    events::EventKind,
    parser::ParsedOrder,
    services::{
        orders::{event, store},
        replies::Template,
    },
};

/// How far back a conversation is read: enough for a greeting, an address and a few items.
const MESSAGES: u64 = 12;

/// The sender's conversation in this chat up to the message being read.
#[derive(Default)]
pub struct Conversation {
    /// Their earlier messages that are still part of it, newest first: each within the merge
    /// window of the one after it.
    earlier: Vec<inbound_messages::Model>,
    /// Their latest order that a message of the conversation made or changed.
    order: Option<orders::Model>,
}

impl Conversation {
    /// Reads the conversation `message` continues; empty when the business reads every
    /// message on its own or the sender's previous message is older than the window.
    pub async fn of(
        txn: &DatabaseTransaction,
        business: &Business,
        message: &inbound_messages::Model,
    ) -> Result<Self, ServiceError> {
        let window = Duration::minutes(i64::from(business.settings.merge_window_minutes));
        if window.is_zero() {
            return Ok(Self::default());
        }
        let before = inbound_messages::Entity::find()
            .filter(inbound_messages::Column::BusinessId.eq(message.business_id))
            .filter(inbound_messages::Column::ChatId.eq(&message.chat_id))
            .filter(inbound_messages::Column::Author.eq(&message.author))
            .filter(inbound_messages::Column::Id.lt(message.id))
            .order_by_desc(inbound_messages::Column::Id)
            .limit(MESSAGES)
            .all(txn)
            .await?;
        let mut next = message.sent_at;
        let earlier: Vec<_> = before
            .into_iter()
            .take_while(|earlier| {
                let within = next - earlier.sent_at <= window;
                next = earlier.sent_at;
                within
            })
            .collect();
        if earlier.is_empty() {
            return Ok(Self::default());
        }
        // Two lookups by index rather than one with an OR, which the planner may answer by
        // reading every order.
        let made: Vec<i64> = orders::Entity::find()
            .select_only()
            .column(orders::Column::Id)
            .filter(orders::Column::InboundMessageId.is_in(earlier.iter().map(|earlier| earlier.id)))
            .into_tuple()
            .all(txn)
            .await?;
        let latest = made
            .into_iter()
            .chain(earlier.iter().filter_map(|earlier| earlier.order_id))
            .max();
        let order = match latest {
            Some(id) => {
                orders::Entity::find_by_id(id)
                    .filter(orders::Column::BusinessId.eq(message.business_id))
                    .lock_exclusive()
                    .one(txn)
                    .await?
            }
            None => None,
        };
        Ok(Self { earlier, order })
    }

    /// Whether the sender has an order under way that this conversation made or changed.
    pub fn has_active_order(&self) -> bool {
        self.order.as_ref().is_some_and(|order| order.status.is_active())
    }

    /// The message continues an order: amends it while nobody has confirmed it, and otherwise
    /// asks staff (the kitchen may have started) and tells the customer a person will look.
    /// `None` when there is no such order or the message holds nothing for one, so it is read
    /// as a message of its own.
    pub async fn follow_up(
        &self,
        txn: &DatabaseTransaction,
        scope: &Scope<'_>,
        business: &Business,
        message: &inbound_messages::Model,
        parsed: &ParsedOrder,
    ) -> Result<Option<Handled>, ServiceError> {
        let Some(order) = self.order.clone().filter(|order| order.status.is_active()) else {
            return Ok(None);
        };
        if !amend::carries_something(message, parsed) {
            return Ok(None);
        }
        let updated = if matches!(order.status, OrderStatus::Pending | OrderStatus::NeedsReview) {
            amend::apply(txn, scope, business, message, order, parsed, None).await?
        } else {
            Some(asked_after_confirmation(txn, scope, business, message, order).await?)
        };
        Ok(Some(match updated {
            Some(updated) => {
                amend::belongs_to(txn, message, &updated).await?;
                Handled {
                    events: vec![event(EventKind::OrderUpdated, &updated)],
                    status: InboundStatus::Processed,
                }
            }
            // Said again what the order already holds ("12 Harbour Rd" twice).
            None => super::ingest::nothing(),
        }))
    }

    /// What the sender told just before this new order: their name, phone, address and notes
    /// from the messages since their last order, where the order itself does not say.
    pub fn fill_in(&self, business: &Business, parsed: &mut ParsedOrder) {
        let since = self
            .order
            .as_ref()
            .and_then(|order| order.inbound_message_id)
            .unwrap_or(0);
        for earlier in self
            .earlier
            .iter()
            .filter(|earlier| earlier.id > since && earlier.order_id.is_none() && earlier.revoked_at.is_none())
        {
            let told = business.parse(&earlier.body);
            if told.is_order() {
                continue;
            }
            parsed.customer_name = parsed.customer_name.take().or(told.customer_name);
            parsed.phone = parsed.phone.take().or(told.phone);
            parsed.address = parsed.address.take().or(told.address);
            parsed.notes = match (parsed.notes.take(), told.notes) {
                (Some(now), Some(before)) => Some(format!("{before}\n{now}")),
                (now, before) => now.or(before),
            };
        }
    }
}

/// A follow-up to an order somebody already confirmed changes nothing by itself: staff are
/// asked, and the customer hears that a person will look at it.
async fn asked_after_confirmation(
    txn: &DatabaseTransaction,
    scope: &Scope<'_>,
    business: &Business,
    message: &inbound_messages::Model,
    order: orders::Model,
) -> Result<orders::Model, ServiceError> {
    let note = format!("The customer wrote after the order was confirmed: «{}»", message.body);
    let flagged = store::flag(txn, order, note).await?;
    let lines = store::lines_of(txn, flagged.id).await?;
    let template = Template::ChangeRequested;
    let key = format!("order:{}:{}:{}", flagged.id, template.name(), message.id);
    let context = business.reply_context(scope.outlets);
    amend::reply(txn, &context, message, &flagged, &lines, template, key).await?;
    Ok(flagged)
}

/// Where the customer's last confirmed or delivered order went, for a new order that names no
/// address.
pub async fn saved_address(
    txn: &DatabaseTransaction,
    business_id: i64,
    phone: &str,
) -> Result<Option<String>, ServiceError> {
    let customer = customers::Entity::find()
        .select_only()
        .column(customers::Column::Id)
        .filter(customers::Column::BusinessId.eq(business_id))
        .filter(customers::Column::Phone.eq(phone))
        .into_query();
    let went: Option<Option<String>> = orders::Entity::find()
        .select_only()
        .column(orders::Column::DeliveryAddress)
        .filter(orders::Column::CustomerId.in_subquery(customer))
        .filter(orders::Column::Status.is_in([
            OrderStatus::Confirmed,
            OrderStatus::Preparing,
            OrderStatus::OutForDelivery,
            OrderStatus::Delivered,
        ]))
        .filter(orders::Column::DeliveryAddress.is_not_null())
        .order_by_desc(orders::Column::Id)
        .into_tuple()
        .one(txn)
        .await?;
    Ok(went.flatten())
}
