//! Keeping an order in step with its chat: the customer edits or deletes the message that
//! started it, or replies to it ("make it 3", "add a coke"). An edit or deletion changes the
//! order only before confirmation; a reply changes it until the kitchen starts. Anything later
//! or unclear goes to staff (`orders.attention`).

use chrono::Utc;
use entity::{
    enums::{InboundStatus, OrderStatus},
    inbound_messages, order_items, orders, outbound_messages,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};
use serde_json::{Value, json};

use super::{
    Handled, Scope,
    ingest::{Business, notes_of},
    lines::{self, Lines},
};
use crate::{
    error::ServiceError,
    services::{
        audit::{self, AuditEntry},
        orders::event,
        replies::{self, Chat, Template},
        response_times,
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
    let updated = match (message.revoked_at.is_some(), open) {
        (true, true) => Some(cancel(txn, order).await?),
        (false, true) => reparse(txn, scope, business, message, order).await?,
        (true, false) if order.status.is_active() => Some(
            flag(
                txn,
                order,
                "The customer deleted their WhatsApp message after the order was confirmed.".into(),
            )
            .await?,
        ),
        (false, false) if order.status.is_active() => Some(
            flag(
                txn,
                order,
                format!(
                    "The customer edited their message after confirmation: «{}»",
                    message.body
                ),
            )
            .await?,
        ),
        _ => None,
    };
    Ok(Handled {
        events: updated.iter().map(|order| event("order.updated", order)).collect(),
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
    let updated = if message.edited_at.is_some() || message.revoked_at.is_some() {
        // The reply changed the order once already; doing it again would count it twice.
        let what = if message.revoked_at.is_some() {
            "deleted"
        } else {
            "edited"
        };
        flag(
            txn,
            order,
            format!("The customer {what} their reply about the order: «{}»", message.body),
        )
        .await?
    } else if !open {
        flag(
            txn,
            order,
            format!(
                "The customer asked for a change after the order left the kitchen: «{}»",
                message.body
            ),
        )
        .await?
    } else {
        match amended_lines(txn, business, message, &order).await? {
            Some(new_lines) => amend(txn, scope, business, message, order, new_lines).await?,
            None => {
                flag(
                    txn,
                    order,
                    format!("The customer replied about the order: «{}»", message.body),
                )
                .await?
            }
        }
    };
    Ok(Some(Handled {
        events: vec![event("order.updated", &updated)],
        status: InboundStatus::Processed,
    }))
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

/// The order's lines after the reply: "make it 3" sets the quantity of a one-line order (or
/// of the items it names), anything else that parses is added. `None` when nothing applies.
async fn amended_lines(
    txn: &DatabaseTransaction,
    business: &Business,
    message: &inbound_messages::Model,
    order: &orders::Model,
) -> Result<Option<Vec<order_items::Model>>, ServiceError> {
    let mut current = lines::of_order(txn, order.id).await?;
    let change = Change::read(&message.body);
    if let (Change::Quantity(quantity), [line]) = (change, current.as_mut_slice()) {
        set_quantity(line, quantity);
        return Ok(Some(current));
    }
    let parsed = business.parse(&message.body);
    let added = Lines::parsed(&parsed, &business.priced).items;
    if added.is_empty() {
        return Ok(None);
    }
    for line in added {
        let same = current
            .iter_mut()
            .find(|old| old.product_id.is_some() && old.product_id == line.product_id && old.variant == line.variant);
        match same {
            Some(old) if change != Change::None => set_quantity(old, line.quantity),
            _ => current.push(line),
        }
    }
    Ok(Some(current))
}

fn set_quantity(line: &mut order_items::Model, quantity: f64) {
    line.quantity = quantity;
    line.line_total = (line.unit_price as f64 * quantity).round() as i64;
}

/// What a reply asks for before any item is read.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Change {
    /// "make it 3", "change it to 2 please".
    Quantity(f64),
    /// "make it 2 cokes": quantities of the items named.
    Named,
    None,
}

impl Change {
    fn read(text: &str) -> Self {
        let lower = text.to_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .collect();
        let rest = match words.as_slice() {
            ["make" | "change", "it" | "that" | "them", "to", rest @ ..]
            | ["make" | "change", "it" | "that" | "them" | "to", rest @ ..]
            | ["actually" | "instead", rest @ ..] => rest,
            _ => return Self::None,
        };
        const POLITE: [&str; 6] = ["please", "pls", "instead", "thanks", "thank", "you"];
        match rest {
            [number, tail @ ..] if tail.iter().all(|word| POLITE.contains(word)) => {
                number_word(number).map_or(Self::Named, Self::Quantity)
            }
            _ => Self::Named,
        }
    }
}

fn number_word(word: &str) -> Option<f64> {
    const WORDS: [&str; 12] = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    ];
    let number = word
        .parse::<u32>()
        .ok()
        .or_else(|| WORDS.iter().position(|w| *w == word).map(|i| i as u32 + 1))?;
    (1..=100).contains(&number).then_some(number as f64)
}

async fn amend(
    txn: &DatabaseTransaction,
    scope: &Scope<'_>,
    business: &Business,
    message: &inbound_messages::Model,
    order: orders::Model,
    new_lines: Vec<order_items::Model>,
) -> Result<orders::Model, ServiceError> {
    let before = snapshot(&order, &lines::of_order(txn, order.id).await?);
    lines::replace(txn, order.id, &new_lines).await?;
    let subtotal: i64 = new_lines.iter().map(|line| line.line_total).sum();
    // Once confirmed the kitchen may have started: the change stands, and staff are told.
    let attention = (order.status == OrderStatus::Confirmed).then(|| {
        noted(
            &order,
            format!("The customer changed the order after confirmation: «{}»", message.body),
        )
    });
    let mut row = order.into_active_model();
    if let Some(attention) = attention {
        row.attention = Set(Some(attention));
    }
    row.subtotal = Set(subtotal);
    row.total_amount = Set(subtotal.saturating_add(*row.delivery_fee.as_ref()));
    row.updated_at = Set(Utc::now());
    let updated = row.update(txn).await?;
    record(txn, &updated, "order_amended", before, &new_lines, &message.body).await?;
    let template = Template::for_status(updated.status);
    let body = replies::body(template, &business.reply_context(scope), &updated, &new_lines);
    replies::queue(
        txn,
        &updated,
        &Chat::of(message),
        template,
        body,
        format!("order:{}:amended:{}", updated.id, message.id),
    )
    .await?;
    Ok(updated)
}

/// The edited message, parsed again; the order takes its items, unless it no longer reads as
/// an order, which goes to review.
async fn reparse(
    txn: &DatabaseTransaction,
    scope: &Scope<'_>,
    business: &Business,
    message: &inbound_messages::Model,
    order: orders::Model,
) -> Result<Option<orders::Model>, ServiceError> {
    let old_lines = lines::of_order(txn, order.id).await?;
    let before = snapshot(&order, &old_lines);
    let parsed = business.parse(&message.body);
    if parsed.items.is_empty() {
        let note = format!(
            "The customer edited their message and it no longer reads as an order: «{}»",
            message.body
        );
        let mut row = order.into_active_model();
        row.status = Set(OrderStatus::NeedsReview);
        row.attention = Set(Some(note));
        row.updated_at = Set(Utc::now());
        let updated = row.update(txn).await?;
        record(txn, &updated, "order_edited", before, &old_lines, &message.body).await?;
        return Ok(Some(updated));
    }
    let new = Lines::parsed(&parsed, &business.priced);
    let status = business.status_for(&parsed);
    let now = Utc::now();
    let times = if status == OrderStatus::Confirmed {
        response_times::stamped(&order.response_times, "confirmed", now)
    } else {
        order.response_times.clone()
    };
    let mut row = order.clone().into_active_model();
    row.status = Set(status);
    row.subtotal = Set(new.subtotal);
    row.delivery_fee = Set(new.delivery_fee);
    row.total_amount = Set(new.total());
    row.confidence = Set(Some(parsed.confidence));
    let notes = notes_of(&parsed);
    let address = parsed
        .address
        .as_ref()
        .map(|address| address.chars().take(500).collect::<String>())
        .or(order.delivery_address.clone());
    if same_lines(&old_lines, &new.items)
        && status == order.status
        && notes == order.notes
        && address == order.delivery_address
    {
        return Ok(None);
    }
    row.notes = Set(notes);
    row.delivery_address = Set(address);
    row.response_times = Set(times);
    row.updated_at = Set(now);
    lines::replace(txn, order.id, &new.items).await?;
    let updated = row.update(txn).await?;
    record(txn, &updated, "order_edited", before, &new.items, &message.body).await?;
    if status == OrderStatus::Confirmed {
        let body = replies::body(
            Template::OrderConfirmation,
            &business.reply_context(scope),
            &updated,
            &new.items,
        );
        let key = replies::key(updated.id, Template::OrderConfirmation);
        replies::queue(
            txn,
            &updated,
            &Chat::of(message),
            Template::OrderConfirmation,
            body,
            key,
        )
        .await?;
    }
    Ok(Some(updated))
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

/// The customer deleted the message of an order nobody has confirmed: it is cancelled.
async fn cancel(txn: &DatabaseTransaction, order: orders::Model) -> Result<orders::Model, ServiceError> {
    let now = Utc::now();
    let times = response_times::stamped(&order.response_times, "cancelled", now);
    let before = json!({ "status": order.status });
    let mut row = order.into_active_model();
    row.status = Set(OrderStatus::Cancelled);
    row.response_times = Set(times);
    row.updated_at = Set(now);
    let updated = row.update(txn).await?;
    audit::record(
        txn,
        AuditEntry {
            business_id: Some(updated.business_id),
            action: "order_cancelled_in_chat",
            entity_type: "order",
            entity_id: Some(updated.id),
            before: Some(before),
            after: Some(json!({ "status": updated.status, "reason": "the customer deleted their message" })),
            ..Default::default()
        },
    )
    .await?;
    Ok(updated)
}

/// The order's notes for staff with `note` added after the earlier ones.
fn noted(order: &orders::Model, note: String) -> String {
    let attention = match &order.attention {
        Some(earlier) => format!("{earlier}\n{note}"),
        None => note,
    };
    attention.chars().take(2000).collect()
}

/// Asks staff to look at the order, keeping earlier notes.
async fn flag(txn: &DatabaseTransaction, order: orders::Model, note: String) -> Result<orders::Model, ServiceError> {
    let attention = noted(&order, note);
    let mut row = order.into_active_model();
    row.attention = Set(Some(attention));
    row.updated_at = Set(Utc::now());
    Ok(row.update(txn).await?)
}

fn snapshot(order: &orders::Model, lines: &[order_items::Model]) -> Value {
    json!({
        "status": order.status,
        "total_amount": order.total_amount,
        "items": lines.iter().map(|l| json!({"name": l.name, "variant": l.variant, "quantity": l.quantity})).collect::<Vec<_>>(),
    })
}

/// Audits a change the customer made from the chat (no staff member acted).
async fn record(
    txn: &DatabaseTransaction,
    order: &orders::Model,
    action: &'static str,
    before: Value,
    lines: &[order_items::Model],
    text: &str,
) -> Result<(), ServiceError> {
    let mut after = snapshot(order, lines);
    after["message"] = json!(text);
    audit::record(
        txn,
        AuditEntry {
            business_id: Some(order.business_id),
            action,
            entity_type: "order",
            entity_id: Some(order.id),
            before: Some(before),
            after: Some(after),
            ..Default::default()
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_a_reply_asks_for() {
        assert_eq!(Change::read("make it 3"), Change::Quantity(3.0));
        assert_eq!(Change::read("Make it three please"), Change::Quantity(3.0));
        assert_eq!(Change::read("change it to 2"), Change::Quantity(2.0));
        assert_eq!(Change::read("actually 4 thanks"), Change::Quantity(4.0));
        assert_eq!(Change::read("make it 2 cokes"), Change::Named);
        assert_eq!(Change::read("add a coke"), Change::None);
        assert_eq!(Change::read("make it 500"), Change::Named);
    }
}
