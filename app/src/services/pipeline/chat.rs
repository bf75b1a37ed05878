//! Keeping an order in step with its chat: the customer edits or deletes the message that
//! started it, or replies to it ("make it 3", "add a coke"). An edit or deletion changes the
//! order only before confirmation; a reply changes it until the kitchen starts. Anything later
//! or unclear goes to staff (`orders.attention`). Every change is the order store's, made as
//! the customer (or, for the status an edited message reads as, as Novi).

use entity::{
    enums::{InboundStatus, OrderStatus},
    inbound_messages, order_items, orders, outbound_messages,
};
use sea_orm::{
    ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use serde_json::json;

use super::{
    Handled, Scope, amend,
    business::{Business, notes_of},
    lines::Lines,
};
use crate::{
    error::ServiceError,
    events::EventKind,
    parser::{self, Intent, ParsedOrder},
    services::{
        actor::{Actor, ChatCustomer},
        orders::{event, store},
        replies::Template,
    },
};

/// The message that started `order` was edited or deleted.
pub async fn changed(
    txn: &DatabaseTransaction,
    scope: &Scope<'_>,
    business: &Business,
    message: &inbound_messages::Model,
    order: orders::Model,
) -> Result<Handled, ServiceError> {
    let open = matches!(order.status, OrderStatus::Pending | OrderStatus::NeedsReview);
    let updated = if message.revoked_at.is_some() {
        cancel(txn, scope, message, order).await?
    } else if open {
        reparse(txn, scope, business, message, order).await?
    } else if order.status.is_active() {
        let note = format!(
            "The customer edited their message after confirmation: «{}»",
            message.body
        );
        Some(store::flag(txn, order, note).await?)
    } else {
        None
    };
    Ok(Handled {
        events: updated
            .iter()
            .map(|order| event(EventKind::OrderUpdated, order))
            .collect(),
        status: InboundStatus::Processed,
    })
}

/// A reply quoting one of the business's messages about an order, or the order's own message:
/// the order is amended when the reply parses, and flagged for staff otherwise. `None` when
/// the message quotes nothing Novi knows, so it is read as a message of its own.
pub async fn amendment(
    txn: &DatabaseTransaction,
    scope: &Scope<'_>,
    business: &Business,
    message: &inbound_messages::Model,
    parsed: &ParsedOrder,
) -> Result<Option<Handled>, ServiceError> {
    // A quote of a delivered or cancelled order ("same again, please") is a new message.
    let Some(order) = quoted_order(txn, message)
        .await?
        .filter(|order| order.status.is_active())
    else {
        return Ok(None);
    };
    let open = matches!(
        order.status,
        OrderStatus::Pending | OrderStatus::NeedsReview | OrderStatus::Confirmed
    );
    let updated = if !from_its_customer(txn, message, &order).await? {
        let who = message.push_name.as_deref().unwrap_or(&message.author);
        let note = format!(
            "{who}, not the customer, replied about the order in the group; nothing was changed: «{}»",
            message.body
        );
        store::flag(txn, order, note).await?
    } else if message.edited_at.is_some() || message.revoked_at.is_some() {
        // The reply changed the order once already; doing it again would count it twice.
        let what = if message.revoked_at.is_some() {
            "deleted"
        } else {
            "edited"
        };
        let note = format!("The customer {what} their reply about the order: «{}»", message.body);
        store::flag(txn, order, note).await?
    } else if parser::intent(&message.body) == Some(Intent::Cancel) {
        return Ok(Some(cancel_by_chat(txn, scope, business, message, order).await?));
    } else if !open {
        let note = format!(
            "The customer asked for a change after the order left the kitchen: «{}»",
            message.body
        );
        store::flag(txn, order, note).await?
    } else {
        // Once confirmed the kitchen may have started: the change stands, and staff are told.
        let attention = (order.status == OrderStatus::Confirmed)
            .then(|| format!("The customer changed the order after confirmation: «{}»", message.body));
        match amend::apply(txn, scope, business, message, order.clone(), parsed, attention).await? {
            Some(updated) => updated,
            None => {
                let note = format!("The customer replied about the order: «{}»", message.body);
                store::flag(txn, order, note).await?
            }
        }
    };
    amend::belongs_to(txn, message, &updated).await?;
    Ok(Some(Handled {
        events: vec![event(EventKind::OrderUpdated, &updated)],
        status: InboundStatus::Processed,
    }))
}

/// "Cancel my order" without a quote: the sender's latest order under way in this chat is
/// the one meant. `None` when they have none, so the message is read as one of its own.
pub async fn cancellation(
    txn: &DatabaseTransaction,
    scope: &Scope<'_>,
    business: &Business,
    message: &inbound_messages::Model,
) -> Result<Option<Handled>, ServiceError> {
    let theirs = inbound_messages::Entity::find()
        .select_only()
        .column(inbound_messages::Column::Id)
        .filter(inbound_messages::Column::BusinessId.eq(message.business_id))
        .filter(inbound_messages::Column::ChatId.eq(&message.chat_id))
        .filter(inbound_messages::Column::Author.eq(&message.author))
        .into_query();
    let latest = orders::Entity::find()
        .filter(orders::Column::BusinessId.eq(message.business_id))
        .filter(orders::Column::InboundMessageId.in_subquery(theirs))
        .filter(orders::Column::Status.is_in(OrderStatus::ACTIVE.iter().copied()))
        .order_by_desc(orders::Column::Id)
        .lock_exclusive()
        .one(txn)
        .await?;
    match latest {
        Some(order) => Ok(Some(cancel_by_chat(txn, scope, business, message, order).await?)),
        None => Ok(None),
    }
}

/// The customer asked in the chat to call off `order`, one of their own: cancelled when the
/// order's rules let a customer do that (nobody confirmed it yet), and otherwise staff are
/// asked and the customer told a person will confirm. Either way they hear back once.
async fn cancel_by_chat(
    txn: &DatabaseTransaction,
    scope: &Scope<'_>,
    business: &Business,
    message: &inbound_messages::Model,
    order: orders::Model,
) -> Result<Handled, ServiceError> {
    let (updated, template) = match cancel_as_customer(txn, scope, message, order, Some(&message.body)).await? {
        Cancelling::Done(cancelled) => (cancelled, Template::OrderCancelled),
        Cancelling::Refused(order) => {
            let note = format!("The customer asked to cancel the order: «{}»", message.body);
            (store::flag(txn, order, note).await?, Template::CancelRequested)
        }
    };
    let lines = store::lines_of(txn, updated.id).await?;
    let key = format!("order:{}:{}:{}", updated.id, template.name(), message.id);
    let context = business.reply_context(scope.outlets);
    amend::reply(txn, &context, message, &updated, &lines, template, key).await?;
    amend::belongs_to(txn, message, &updated).await?;
    Ok(Handled {
        events: vec![event(EventKind::OrderUpdated, &updated)],
        status: InboundStatus::Processed,
    })
}

/// Whether `message` comes from the customer whose message made `order`. In a group anyone
/// may quote anyone's order; only its own customer (or staff, in the dashboard) changes it.
async fn from_its_customer(
    txn: &DatabaseTransaction,
    message: &inbound_messages::Model,
    order: &orders::Model,
) -> Result<bool, ServiceError> {
    let Some(started) = order.inbound_message_id else {
        return Ok(false);
    };
    let author: Option<String> = inbound_messages::Entity::find_by_id(started)
        .select_only()
        .column(inbound_messages::Column::Author)
        .into_tuple()
        .one(txn)
        .await?;
    Ok(author.is_some_and(|author| author == message.author))
}

/// The order a reply refers to, in the same chat.
async fn quoted_order(
    txn: &DatabaseTransaction,
    message: &inbound_messages::Model,
) -> Result<Option<orders::Model>, ServiceError> {
    let Some(quoted) = &message.quoted_external_id else {
        return Ok(None);
    };
    // A quote names the message by its bare id; Novi keeps WhatsApp Web's full form
    // (`true_<chat>_<id>` for the business's own messages, `false_…` for the customer's, with
    // the sender appended in groups).
    let chat = &message.chat_id;
    let bare = quoted
        .strip_prefix(&format!("true_{chat}_"))
        .or_else(|| quoted.strip_prefix(&format!("false_{chat}_")))
        .map_or(quoted.as_str(), |rest| rest.split('_').next().unwrap_or(rest));
    let ours = outbound_messages::Entity::find()
        .filter(outbound_messages::Column::BusinessId.eq(message.business_id))
        .filter(outbound_messages::Column::ChatId.eq(chat))
        .filter(
            Condition::any()
                .add(outbound_messages::Column::ExternalId.eq(quoted))
                .add(outbound_messages::Column::ExternalId.starts_with(format!("true_{chat}_{bare}"))),
        )
        .one(txn)
        .await?;
    if let Some(order_id) = ours.and_then(|reply| reply.order_id) {
        return Ok(orders::Entity::find_by_id(order_id).lock_exclusive().one(txn).await?);
    }
    let theirs = inbound_messages::Entity::find()
        .filter(inbound_messages::Column::BusinessId.eq(message.business_id))
        .filter(inbound_messages::Column::ChatId.eq(chat))
        .filter(
            Condition::any()
                .add(inbound_messages::Column::ExternalId.eq(quoted))
                .add(inbound_messages::Column::ExternalId.starts_with(format!("false_{chat}_{bare}"))),
        )
        .one(txn)
        .await?;
    let Some(started) = theirs else {
        return Ok(None);
    };
    Ok(orders::Entity::find()
        .filter(orders::Column::InboundMessageId.eq(started.id))
        .lock_exclusive()
        .one(txn)
        .await?)
}

/// The edited message, read again: the order takes its items and the status they read as
/// (Novi's step, on the business's rules), unless it no longer reads as an order, which goes
/// to review.
async fn reparse(
    txn: &DatabaseTransaction,
    scope: &Scope<'_>,
    business: &Business,
    message: &inbound_messages::Model,
    order: orders::Model,
) -> Result<Option<orders::Model>, ServiceError> {
    let customer = Actor::Customer(ChatCustomer::of(message));
    let parsed = business.parse(&message.body);
    if parsed.items.is_empty() {
        let edit = store::Edit {
            attention: Some(format!(
                "The customer edited their message and it no longer reads as an order: «{}»",
                message.body
            )),
            message: Some(message.body.clone()),
            ..Default::default()
        };
        let (edited, _) = store::edit(txn, &customer, "order_edited", order, edit).await?;
        let reviewed = store::walk_to(txn, scope.outlets, &Actor::System, edited, OrderStatus::NeedsReview).await?;
        return Ok(Some(reviewed));
    }
    let new = Lines::parsed(&parsed, &business.priced);
    let status = business.status_for(&parsed);
    let notes = notes_of(&parsed);
    let address = parsed
        .address
        .as_ref()
        .map(|address| address.chars().take(500).collect::<String>())
        .or(order.delivery_address.clone());
    let old_lines = store::lines_of(txn, order.id).await?;
    if same_lines(&old_lines, &new.items)
        && status == order.status
        && notes == order.notes
        && address == order.delivery_address
    {
        return Ok(None);
    }
    let edit = store::Edit {
        delivery_fee: Some(new.delivery_fee),
        lines: Some(new.items),
        delivery_address: address,
        notes: Some(notes),
        confidence: Some(parsed.confidence),
        message: Some(message.body.clone()),
        ..Default::default()
    };
    let (edited, _) = store::edit(txn, &customer, "order_edited", order, edit).await?;
    Ok(Some(
        store::walk_to(txn, scope.outlets, &Actor::System, edited, status).await?,
    ))
}

fn same_lines(old: &[order_items::Model], new: &[order_items::Model]) -> bool {
    old.len() == new.len()
        && old.iter().zip(new).all(|(a, b)| {
            (
                a.product_id,
                &a.name,
                &a.variant,
                a.quantity,
                a.line_total,
                &a.modifiers,
            ) == (
                b.product_id,
                &b.name,
                &b.variant,
                b.quantity,
                b.line_total,
                &b.modifiers,
            )
        })
}

/// The customer deleted the message that made the order: it is called off when the order's
/// rules let a customer do that (nobody confirmed it yet). A refusal is audited with its
/// reason, and staff are asked when the order is still under way.
async fn cancel(
    txn: &DatabaseTransaction,
    scope: &Scope<'_>,
    message: &inbound_messages::Model,
    order: orders::Model,
) -> Result<Option<orders::Model>, ServiceError> {
    let order = match cancel_as_customer(txn, scope, message, order, None).await? {
        Cancelling::Done(cancelled) => return Ok(Some(cancelled)),
        Cancelling::Refused(order) if order.status.is_active() => order,
        Cancelling::Refused(_) => return Ok(None),
    };
    let note = "The customer deleted their WhatsApp message after the order was confirmed.".to_string();
    Ok(Some(store::flag(txn, order, note).await?))
}

/// What came of a customer's cancellation: the order cancelled, or as it was.
enum Cancelling {
    Done(orders::Model),
    Refused(orders::Model),
}

/// Asks the order store to cancel `order` as the customer who wrote `message`. A refusal by
/// the order's rules is audited with its reason (and the customer's `words`, when they asked
/// in words rather than by deleting the order's message).
async fn cancel_as_customer(
    txn: &DatabaseTransaction,
    scope: &Scope<'_>,
    message: &inbound_messages::Model,
    order: orders::Model,
    words: Option<&str>,
) -> Result<Cancelling, ServiceError> {
    let customer = Actor::Customer(ChatCustomer::of(message));
    let reason = match store::move_to(txn, scope.outlets, &customer, order.clone(), OrderStatus::Cancelled).await {
        Ok(cancelled) => return Ok(Cancelling::Done(cancelled)),
        Err(ServiceError::Conflict(reason)) => reason,
        Err(error) => return Err(error),
    };
    let mut refusal = json!({ "asked": OrderStatus::Cancelled, "reason": reason });
    if let Some(words) = words {
        refusal["message"] = json!(words);
    }
    store::audit(txn, &customer, "order_change_refused", &order, None, Some(refusal)).await?;
    Ok(Cancelling::Refused(order))
}
