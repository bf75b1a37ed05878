//! The new orders of a batch, written together: per business a handful of statements —
//! customers, numbers, orders, lines, replies — however many messages the batch holds, which is
//! what lets one instance keep up with a busy hour on PostgreSQL.

use std::{
    collections::{BTreeMap, HashMap},
    sync::Arc,
};

use chrono::Utc;
use entity::{
    customers,
    enums::{OrderSource, OrderStatus, OutboundStatus},
    inbound_messages, order_items, orders, outbound_messages,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::NotSet,
    ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, Set,
    sea_query::{Expr, OnConflict},
};
use serde_json::{Map, Value, json};

use super::{
    Scope,
    ingest::{Business, notes_of},
    lines::Lines,
};
use crate::{
    error::ServiceError,
    events::Event,
    parser::ParsedOrder,
    services::{
        orders::{event, next_order_number, tracking_token},
        replies::{self, Chat, Template},
    },
};

/// A message that is a new order, parsed and waiting to be written with the others.
pub struct Draft {
    pub message: inbound_messages::Model,
    pub business: Arc<Business>,
    pub parsed: ParsedOrder,
}

/// Writes every draft's order with its customer, lines and reply; answers their events.
pub async fn write(
    txn: &DatabaseTransaction,
    scope: &Scope<'_>,
    drafts: Vec<Draft>,
) -> Result<Vec<Event>, ServiceError> {
    let mut by_business: BTreeMap<i64, Vec<Draft>> = BTreeMap::new();
    for draft in drafts {
        by_business.entry(draft.business.model.id).or_default().push(draft);
    }
    let mut events = Vec::new();
    for drafts in by_business.into_values() {
        events.extend(write_for_business(txn, scope, drafts).await?);
    }
    Ok(events)
}

/// A draft as the order it becomes, before it has an id.
struct Planned {
    draft: Draft,
    lines: Lines,
    status: OrderStatus,
    name: Option<String>,
    phone: Option<String>,
    address: Option<String>,
}

async fn write_for_business(
    txn: &DatabaseTransaction,
    scope: &Scope<'_>,
    drafts: Vec<Draft>,
) -> Result<Vec<Event>, ServiceError> {
    let business = drafts[0].business.clone();
    let business_id = business.model.id;
    let planned: Vec<Planned> = drafts.into_iter().map(plan).collect();
    let customers = upsert_customers(txn, business_id, &planned).await?;

    let now = Utc::now();
    let first_number = next_order_number(txn, business_id).await?;
    let rows = planned.iter().enumerate().map(|(index, order)| {
        let mut times = Map::new();
        times.insert("received".into(), json!(order.draft.message.created_at.to_rfc3339()));
        times.insert("parsed".into(), json!(now.to_rfc3339()));
        if order.status == OrderStatus::Confirmed {
            times.insert("confirmed".into(), json!(now.to_rfc3339()));
        }
        orders::ActiveModel {
            business_id: Set(business_id),
            order_number: Set(first_number + index as i64),
            customer_id: Set(order.phone.as_ref().and_then(|phone| customers.get(phone).copied())),
            group_id: Set(order.draft.message.group_id),
            inbound_message_id: Set(Some(order.draft.message.id)),
            source: Set(OrderSource::Whatsapp),
            status: Set(order.status),
            customer_name: Set(order.name.clone()),
            customer_phone: Set(order.phone.clone()),
            delivery_address: Set(order.address.clone()),
            notes: Set(notes_of(&order.draft.parsed)),
            subtotal: Set(order.lines.subtotal),
            delivery_fee: Set(order.lines.delivery_fee),
            total_amount: Set(order.lines.total()),
            currency: Set(business.model.currency.clone()),
            confidence: Set(Some(order.draft.parsed.confidence)),
            response_times: Set(Value::Object(times)),
            created_at: Set(now),
            updated_at: Set(now),
            tracking_token: Set(Some(tracking_token())),
            attention: Set(None),
            ..Default::default()
        }
    });
    let inserted = orders::Entity::insert_many(rows).exec_with_returning(txn).await?;
    let by_message: HashMap<i64, orders::Model> = inserted
        .into_iter()
        .filter_map(|order| Some((order.inbound_message_id?, order)))
        .collect();

    let mut items = Vec::new();
    let mut replies = Vec::new();
    let mut events = Vec::new();
    let context = business.reply_context(scope);
    for order_plan in &planned {
        let order = by_message
            .get(&order_plan.draft.message.id)
            .ok_or_else(|| ServiceError::Internal("an inserted order did not come back".into()))?;
        items.extend(order_plan.lines.items.iter().cloned().map(|line| {
            let mut row = order_items::Model {
                order_id: order.id,
                ..line
            }
            .into_active_model();
            row.id = NotSet;
            row
        }));
        let template = Template::for_status(order.status);
        let chat = Chat::of(&order_plan.draft.message);
        replies.push(outbound_messages::ActiveModel {
            business_id: Set(business_id),
            order_id: Set(Some(order.id)),
            transport: Set(chat.transport),
            chat_id: Set(chat.chat_id),
            body: Set(replies::body(template, &context, order, &order_plan.lines.items)),
            template: Set(Some(template.name().to_string())),
            quoted_external_id: Set(chat.quoted),
            idempotency_key: Set(replies::key(order.id, template)),
            status: Set(OutboundStatus::Pending),
            attempts: Set(0),
            next_attempt_at: Set(now),
            created_at: Set(now),
            ..Default::default()
        });
        events.push(event("order.created", order));
    }
    order_items::Entity::insert_many(items)
        .exec_without_returning(txn)
        .await?;
    outbound_messages::Entity::insert_many(replies)
        .on_conflict(
            OnConflict::column(outbound_messages::Column::IdempotencyKey)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    Ok(events)
}

fn plan(draft: Draft) -> Planned {
    let clip = |text: &str, chars: usize| text.chars().take(chars).collect::<String>();
    let parsed = &draft.parsed;
    Planned {
        lines: Lines::parsed(parsed, &draft.business.priced),
        status: draft.business.status_for(parsed),
        name: parsed
            .customer_name
            .as_deref()
            .or(draft.message.push_name.as_deref())
            .map(|name| clip(name.trim(), 120))
            .filter(|name| !name.is_empty()),
        phone: phone_of(&draft.message.author).or_else(|| parsed.phone.as_deref().map(|phone| clip(phone, 32))),
        address: parsed.address.as_deref().map(|address| clip(address, 500)),
        draft,
    }
}

/// The customers of the batch by phone: new ones inserted together, known ones stamped with
/// this order and given the name and address this message brought.
async fn upsert_customers(
    txn: &DatabaseTransaction,
    business_id: i64,
    planned: &[Planned],
) -> Result<HashMap<String, i64>, ServiceError> {
    let now = Utc::now();
    // The latest message of a customer in the batch says who they are now.
    let mut latest: HashMap<&str, &Planned> = HashMap::new();
    for order in planned {
        if let Some(phone) = order.phone.as_deref() {
            latest.insert(phone, order);
        }
    }
    if latest.is_empty() {
        return Ok(HashMap::new());
    }
    let known = customers::Entity::find()
        .filter(customers::Column::BusinessId.eq(business_id))
        .filter(customers::Column::Phone.is_in(latest.keys().copied()))
        .all(txn)
        .await?;
    let mut ids: HashMap<String, i64> = HashMap::new();
    for customer in known {
        let order = latest[customer.phone.as_str()];
        let renamed = order.name.is_some() && order.name != customer.name;
        let moved = order.address.is_some() && order.address != customer.default_address;
        ids.insert(customer.phone.clone(), customer.id);
        if renamed || moved {
            let mut row = customer.into_active_model();
            if renamed {
                row.name = Set(order.name.clone());
            }
            if moved {
                row.default_address = Set(order.address.clone());
            }
            row.update(txn).await?;
        }
    }
    if !ids.is_empty() {
        customers::Entity::update_many()
            .col_expr(customers::Column::LastOrderAt, Expr::value(now))
            .filter(customers::Column::Id.is_in(ids.values().copied()))
            .exec(txn)
            .await?;
    }
    let new = latest
        .iter()
        .filter(|(phone, _)| !ids.contains_key(**phone))
        .map(|(phone, order)| customers::ActiveModel {
            business_id: Set(business_id),
            phone: Set(phone.to_string()),
            name: Set(order.name.clone()),
            default_address: Set(order.address.clone()),
            created_at: Set(now),
            last_order_at: Set(Some(now)),
            ..Default::default()
        })
        .collect::<Vec<_>>();
    for customer in customers::Entity::insert_many(new).exec_with_returning(txn).await? {
        ids.insert(customer.phone, customer.id);
    }
    Ok(ids)
}

/// `15551234567@c.us` → `+15551234567`; ids that are not phone numbers give none.
fn phone_of(author: &str) -> Option<String> {
    let user = author.split('@').next()?.split(':').next()?;
    (author.ends_with("@c.us") && (6..=15).contains(&user.len()) && user.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("+{user}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_come_from_personal_chat_ids_only() {
        assert_eq!(phone_of("15551234567@c.us").as_deref(), Some("+15551234567"));
        assert_eq!(phone_of("15551234567:12@c.us").as_deref(), Some("+15551234567"));
        assert_eq!(phone_of("120363041234567890@g.us"), None);
        assert_eq!(phone_of("98765432109876@lid"), None);
    }
}
