//! What a customer's message changes in an order they have open, whether it quotes the order
//! or follows it within the merge window: items added ("and a coke", "+1 margherita"),
//! quantities set ("make it 3", "make it 3 cokes"), the name, phone, address and notes filled
//! in. Said back to them in one reply: what changed and the order as it now is.

use entity::{
    enums::{Fulfilment, OrderStatus},
    inbound_messages, order_items, orders,
};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, sea_query::Expr};

use super::{
    Scope,
    business::{Business, notes_of},
    create::unavailable_note,
    lines::Lines,
};
use crate::{
    error::ServiceError,
    money,
    parser::ParsedOrder,
    services::{
        actor::{Actor, ChatCustomer},
        orders::store,
        replies::{self, Chat, Template, short_item},
    },
};

/// Whether a message says anything an open order could take: items, a quantity, or a detail
/// (name, phone, address, note). "ok thanks" does not.
pub fn carries_something(message: &inbound_messages::Model, parsed: &ParsedOrder) -> bool {
    parsed.is_order()
        || parsed.address.is_some()
        || parsed.fulfilment.is_some()
        || parsed.payment_method.is_some()
        || parsed.customer_name.is_some()
        || parsed.phone.is_some()
        || parsed.notes.is_some()
        || matches!(Change::read(&message.body), Change::Quantity(_))
}

/// Applies `message` to `order` as its customer and queues the reply that says what changed.
/// `None` when the message holds nothing the order can take. `attention` goes to staff with
/// the change (a change to a confirmed order stands, but the kitchen may have started).
pub async fn apply(
    txn: &DatabaseTransaction,
    scope: &Scope<'_>,
    business: &Business,
    message: &inbound_messages::Model,
    order: orders::Model,
    parsed: &ParsedOrder,
    attention: Option<String>,
) -> Result<Option<orders::Model>, ServiceError> {
    let old_lines = store::lines_of(txn, order.id).await?;
    let change = Change::read(&message.body);
    let new_lines = amended_lines(&old_lines, business, change, parsed);
    // "make it 3" says nothing else, however the parser reads its words.
    let only_quantity = matches!(change, Change::Quantity(_)) && old_lines.len() == 1;
    let mut said = Vec::new();
    if let Some(new_lines) = &new_lines {
        said.extend(line_changes(&old_lines, new_lines));
    }
    let address = parsed
        .address
        .as_deref()
        .map(|address| address.chars().take(500).collect::<String>())
        .filter(|address| order.delivery_address.as_ref() != Some(address));
    if let Some(address) = &address {
        said.push(format!("delivery to {address}"));
    }
    let name = parsed
        .customer_name
        .as_deref()
        .map(|name| name.trim().chars().take(120).collect::<String>())
        .filter(|name| !name.is_empty() && order.customer_name.as_ref() != Some(name));
    if let Some(name) = &name {
        said.push(format!("name {name}"));
    }
    let phone = parsed
        .phone
        .as_deref()
        .filter(|_| order.customer_phone.is_none())
        .map(|phone| phone.chars().take(32).collect::<String>());
    if let Some(phone) = &phone {
        said.push(format!("phone {phone}"));
    }
    let fulfilment = parsed
        .fulfilment
        // An address sent for a pickup order means they want it brought after all.
        .or(address.as_ref().map(|_| Fulfilment::Delivery))
        .filter(|fulfilment| *fulfilment != order.fulfilment);
    match fulfilment {
        Some(Fulfilment::Pickup) => said.push("pickup at the shop".to_string()),
        Some(Fulfilment::Delivery) if address.is_none() => said.push("delivery".to_string()),
        _ => {}
    }
    let payment_method = parsed
        .payment_method
        .filter(|method| order.payment_method != Some(*method));
    let cash_change_for = parsed
        .cash_change_for
        .and_then(|amount| money::from_decimal(amount, &order.currency))
        .filter(|amount| order.cash_change_for != Some(*amount));
    if payment_method.is_some() || cash_change_for.is_some() {
        said.push(replies::payment(
            payment_method.or(order.payment_method),
            cash_change_for.or(order.cash_change_for),
            &order.currency,
        ));
    }
    let added_notes = notes_of(parsed)
        .filter(|notes| !only_quantity && !order.notes.as_deref().unwrap_or("").contains(notes.as_str()));
    if let Some(notes) = &added_notes {
        said.push(format!("note “{notes}”"));
    }
    if said.is_empty() {
        return Ok(None);
    }
    // An order that had nothing on it starts paying the delivery fee with its first item, as
    // does a pickup order the customer now wants delivered.
    let first_items = old_lines.is_empty() && new_lines.as_ref().is_some_and(|lines| !lines.is_empty());
    let delivery_fee =
        (first_items || fulfilment == Some(Fulfilment::Delivery)).then(|| business.priced.catalog.delivery_fee());
    let notes = added_notes.map(|added| {
        Some(match &order.notes {
            Some(earlier) => format!("{earlier}\n{added}").chars().take(1000).collect(),
            None => added,
        })
    });
    let unavailable = business.unavailable(parsed);
    let attention = match (attention, unavailable_note(&unavailable)) {
        (Some(note), Some(more)) => Some(format!("{note}\n{more}")),
        (note, more) => note.or(more),
    };
    let read_items = parsed.is_order() && !only_quantity;
    let unsure = read_items && business.status_for(parsed) == OrderStatus::NeedsReview;
    let confidence = read_items.then(|| {
        order
            .confidence
            .map_or(parsed.confidence, |was| was.min(parsed.confidence))
    });
    let edit = store::Edit {
        lines: new_lines,
        customer_name: name,
        customer_phone: phone,
        delivery_address: address,
        notes,
        delivery_fee,
        fulfilment,
        payment_method,
        cash_change_for: cash_change_for.map(Some),
        confidence,
        attention,
        message: Some(message.body.clone()),
    };
    let customer = Actor::Customer(ChatCustomer::of(message));
    let (edited, lines) = store::edit(txn, &customer, "order_amended", order, edit).await?;
    // What Novi could not read with confidence waits for a person, as a new order would.
    let updated = if unsure && edited.status == OrderStatus::Pending {
        store::walk_to(txn, scope.outlets, &Actor::System, edited, OrderStatus::NeedsReview).await?
    } else {
        edited
    };
    let changes = said.join("; ");
    let context = replies::Context {
        changes: Some(&changes),
        unavailable: &unavailable,
        ..business.reply_context(scope.outlets)
    };
    let key = format!("order:{}:amended:{}", updated.id, message.id);
    reply(txn, &context, message, &updated, &lines, Template::OrderUpdated, key).await?;
    Ok(Some(updated))
}

/// Answers `message` in its chat with `template` filled from `order`, once per `key`.
pub async fn reply(
    txn: &DatabaseTransaction,
    context: &replies::Context<'_>,
    message: &inbound_messages::Model,
    order: &orders::Model,
    lines: &[order_items::Model],
    template: Template,
    key: String,
) -> Result<(), ServiceError> {
    let body = replies::body(template, context, order, lines);
    replies::queue(txn, order, &Chat::of(message), template, body, key).await?;
    Ok(())
}

/// Records that `message` was about `order`, so the order's page shows it in the chat.
pub async fn belongs_to(
    txn: &DatabaseTransaction,
    message: &inbound_messages::Model,
    order: &orders::Model,
) -> Result<(), ServiceError> {
    if order.inbound_message_id == Some(message.id) {
        return Ok(());
    }
    inbound_messages::Entity::update_many()
        .col_expr(inbound_messages::Column::OrderId, Expr::value(order.id))
        .filter(inbound_messages::Column::Id.eq(message.id))
        .exec(txn)
        .await?;
    Ok(())
}

/// The order's lines after the message: "make it 3" sets the quantity of a one-line order,
/// "make it 3 cokes" the quantity of the items named; anything else read is added, to the
/// same line when it is the same thing. `None` when the lines stay as they are.
fn amended_lines(
    current: &[order_items::Model],
    business: &Business,
    change: Change,
    parsed: &ParsedOrder,
) -> Option<Vec<order_items::Model>> {
    let mut lines = current.to_vec();
    if let (Change::Quantity(quantity), [line]) = (change, lines.as_mut_slice()) {
        set_quantity(line, quantity);
        return Some(lines);
    }
    let read = Lines::parsed(parsed, &business.priced).items;
    if read.is_empty() {
        return None;
    }
    for line in read {
        // "+1 margherita" or "make it 3 cokes" without a size means the one on the order.
        let unspecific = line.variant.is_none() && line.modifiers.as_array().is_none_or(Vec::is_empty);
        let same_product = |old: &order_items::Model| old.product_id.is_some() && old.product_id == line.product_id;
        let at = lines.iter().position(|old| same_thing(old, &line)).or_else(|| {
            let mut of_product = (0..lines.len()).filter(|at| same_product(&lines[*at]));
            match (of_product.next(), of_product.next()) {
                (Some(only), None) if unspecific || change == Change::Named => Some(only),
                _ => None,
            }
        });
        // A quantity no order holds is kept as read, on a line of its own, for a person to
        // look at; it is never multiplied into a price.
        let at = at.filter(|at| sensible(line.quantity) && sensible(lines[*at].quantity + line.quantity));
        match at {
            Some(at) if change == Change::Named && !unspecific && !same_thing(&lines[at], &line) => {
                // "make it 2 large cokes" when the coke on the order was small.
                lines[at] = line;
            }
            Some(at) if change == Change::Named => set_quantity(&mut lines[at], line.quantity),
            Some(at) => {
                let quantity = lines[at].quantity + line.quantity;
                set_quantity(&mut lines[at], quantity);
            }
            None => lines.push(line),
        }
    }
    Some(lines)
}

/// The same product, size and toppings: more of it is a larger quantity, not another line.
fn same_thing(a: &order_items::Model, b: &order_items::Model) -> bool {
    a.product_id.is_some()
        && (a.product_id, &a.variant, &a.modifiers, &a.notes) == (b.product_id, &b.variant, &b.modifiers, &b.notes)
}

/// At most what a shop sells on one line: more is a typo or a number that is no quantity.
fn sensible(quantity: f64) -> bool {
    quantity.is_finite() && quantity > 0.0 && quantity <= 1000.0
}

fn set_quantity(line: &mut order_items::Model, quantity: f64) {
    line.quantity = quantity;
    line.line_total = (line.unit_price as f64 * quantity).round() as i64;
}

/// "added 1× Coke 2L", "2× Margherita (Large) instead of 1", "no more 1× Garlic Bread".
fn line_changes(old: &[order_items::Model], new: &[order_items::Model]) -> Vec<String> {
    let mut said = Vec::new();
    for line in new {
        match old.iter().find(|before| same_line(before, line)) {
            None => said.push(format!("added {}", short_item(line))),
            Some(before) if before.quantity != line.quantity => {
                said.push(format!("{} instead of {}", short_item(line), before.quantity))
            }
            Some(_) => {}
        }
    }
    for line in old {
        if !new.iter().any(|after| same_line(line, after)) {
            said.push(format!("no more {}", short_item(line)));
        }
    }
    said
}

fn same_line(a: &order_items::Model, b: &order_items::Model) -> bool {
    (a.product_id, &a.name, &a.variant, &a.modifiers) == (b.product_id, &b.name, &b.variant, &b.modifiers)
}

/// What a message asks for before any item is read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Change {
    /// "make it 3", "change it to 2 please".
    Quantity(f64),
    /// "make it 2 cokes": quantities of the items named.
    Named,
    None,
}

impl Change {
    pub fn read(text: &str) -> Self {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_a_message_asks_for() {
        assert_eq!(Change::read("make it 3"), Change::Quantity(3.0));
        assert_eq!(Change::read("Make it three please"), Change::Quantity(3.0));
        assert_eq!(Change::read("change it to 2"), Change::Quantity(2.0));
        assert_eq!(Change::read("actually 4 thanks"), Change::Quantity(4.0));
        assert_eq!(Change::read("make it 2 cokes"), Change::Named);
        assert_eq!(Change::read("add a coke"), Change::None);
        assert_eq!(Change::read("make it 500"), Change::Named);
    }

    fn line(product: i64, name: &str, quantity: f64) -> order_items::Model {
        order_items::Model {
            id: 0,
            order_id: 0,
            product_id: Some(product),
            name: name.into(),
            variant: None,
            modifiers: serde_json::json!([]),
            quantity,
            unit: None,
            unit_price: 100,
            line_total: (100.0 * quantity) as i64,
            notes: None,
        }
    }

    #[test]
    fn says_what_changed() {
        let old = [line(1, "Pizza", 2.0), line(2, "Garlic Bread", 1.0)];
        let new = [line(1, "Pizza", 3.0), line(3, "Coke", 1.0)];
        assert_eq!(
            line_changes(&old, &new),
            ["3× Pizza instead of 2", "added 1× Coke", "no more 1× Garlic Bread"]
        );
    }
}
