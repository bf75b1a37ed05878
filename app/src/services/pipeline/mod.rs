//! The ingest pipeline: each inbound message becomes an order (or is set aside as not one), its
//! reply is queued, and the dashboards hear of it. Messages are handled in batches, each batch
//! in one transaction: orders, lines, customers, replies and the messages' new status commit
//! together or not at all, so a crash or a failed write leaves the messages waiting, and
//! handling them again repeats nothing.

mod amend;
mod business;
mod catalogs;
mod chat;
mod create;
mod follow_ups;
mod ingest;
mod lines;

use std::collections::HashMap;

use chrono::{Duration, Utc};
use entity::{
    businesses,
    enums::InboundStatus,
    inbound_messages::{self, Column},
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    ExprTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, Func, LockBehavior, LockType, Order, Query},
};

pub use catalogs::Catalogs;

use crate::parser::ParsedOrder;

use ingest::Step;

use crate::{
    error::{ServiceError, is_write_clash},
    events::Event,
    outlets::Outlets,
    services::{businesses::settings, transaction},
};

/// Attempts before a message is left as `failed` for staff to look at.
pub const MAX_ATTEMPTS: i32 = 5;

/// The message text one batch reads at most, beyond its first message: messages are parsed
/// inside the batch's write transaction, which on SQLite holds up every other writer, so a
/// burst of very long messages goes through in several short batches.
const BATCH_BYTES: usize = 64 * 1024;

pub struct Pipeline {
    db: DatabaseConnection,
    outlets: Outlets,
    catalogs: Catalogs,
}

/// Which waiting messages a batch takes.
#[derive(Clone, Copy)]
enum Pick {
    Next(u64),
    One(i64),
}

/// A batch that could not commit, with the messages it held.
struct Failed {
    ids: Vec<i64>,
    error: ServiceError,
}

impl Pipeline {
    pub fn new(db: DatabaseConnection, outlets: Outlets) -> Self {
        Self {
            db,
            outlets,
            catalogs: Catalogs::default(),
        }
    }

    /// Handles up to `limit` waiting messages and answers how many it took. A message that
    /// fails keeps its error and is tried again later; the others in its batch go ahead.
    pub async fn run_once(&self, limit: u64) -> Result<usize, ServiceError> {
        match self.batch(Pick::Next(limit)).await {
            Ok(done) => Ok(done),
            Err(Failed { ids, error }) if ids.is_empty() => Err(error),
            Err(Failed { ids, .. }) if ids.len() == 1 => {
                self.one(ids[0]).await?;
                Ok(1)
            }
            Err(Failed { ids, error }) => {
                tracing::warn!(%error, messages = ids.len(), "a batch failed; handling its messages one by one");
                for id in &ids {
                    self.one(*id).await?;
                }
                Ok(ids.len())
            }
        }
    }

    /// Handles one message, trying again at once after a clash with a concurrent writer.
    async fn one(&self, id: i64) -> Result<(), ServiceError> {
        let mut clashes = 0;
        loop {
            match self.batch(Pick::One(id)).await {
                Ok(_) => return Ok(()),
                Err(Failed {
                    error: ServiceError::Database(error),
                    ..
                }) if clashes < 3 && is_write_clash(&error) => clashes += 1,
                Err(Failed { error, .. }) => return self.failed(id, &error).await,
            }
        }
    }

    async fn batch(&self, pick: Pick) -> Result<usize, Failed> {
        let failed = |ids: &[i64]| {
            let ids = ids.to_vec();
            move |error: ServiceError| Failed { ids, error }
        };
        let mut scope = Scope::new(&self.outlets, &self.catalogs);
        // Reading and parsing come before the write transaction: most polls find nothing, and
        // on SQLite that transaction holds up every other writer for as long as it lasts.
        if let Pick::Next(limit) = pick
            && scope.read_ahead(&self.db, limit).await.map_err(failed(&[]))? == 0
        {
            return Ok(0);
        }
        let txn = transaction::begin(&self.db).await.map_err(|e| failed(&[])(e.into()))?;
        let mut rows = claim(&txn, pick).await.map_err(|e| failed(&[])(e.into()))?;
        if rows.is_empty() {
            txn.rollback().await.map_err(|e| failed(&[])(e.into()))?;
            return Ok(0);
        }
        let mut later = rows.split_off(within_budget(&rows));
        let behind = behind_others(&txn, &rows).await.map_err(|e| failed(&[])(e.into()))?;
        if !behind.is_empty() {
            let (waiting, ready) = rows.into_iter().partition(|row| behind.contains(&row.id));
            rows = ready;
            later.extend::<Vec<_>>(waiting);
        }
        put_back(&txn, &later).await.map_err(|e| failed(&[])(e.into()))?;
        if rows.is_empty() {
            txn.commit().await.map_err(|e| failed(&[])(e.into()))?;
            return Ok(0);
        }
        let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
        let mut events = Vec::new();
        let mut statuses: HashMap<InboundStatus, Vec<i64>> = HashMap::new();
        let mut new_orders = Vec::new();
        for row in &rows {
            // A reply may quote (or a "cancel" or a follow-up mean) an order this very batch
            // is about to make: make those first.
            let refers_back = row.quoted_external_id.is_some()
                || crate::parser::intent(&row.body) == Some(crate::parser::Intent::Cancel)
                || new_orders
                    .iter()
                    .any(|new: &create::ParsedMessage| same_sender(&new.message, row));
            if refers_back && !new_orders.is_empty() {
                let made = create::write(&txn, &scope, std::mem::take(&mut new_orders)).await;
                events.extend(made.map_err(failed(&ids))?);
            }
            match ingest::handle(&txn, &mut scope, row).await.map_err(failed(&ids))? {
                Step::Handled(handled) => {
                    events.extend(handled.events);
                    statuses.entry(handled.status).or_default().push(row.id);
                }
                Step::Create(parsed) => {
                    statuses.entry(InboundStatus::Processed).or_default().push(row.id);
                    new_orders.push(*parsed);
                }
            }
        }
        events.extend(create::write(&txn, &scope, new_orders).await.map_err(failed(&ids))?);
        for (status, ids) in statuses {
            inbound_messages::Entity::update_many()
                .col_expr(Column::Status, Expr::value(status))
                .col_expr(Column::LastError, Expr::value(Option::<String>::None))
                .col_expr(Column::ProcessAfter, Expr::value(Option::<chrono::DateTime<Utc>>::None))
                .filter(Column::Id.is_in(ids))
                .exec(&txn)
                .await
                .map_err(|e| failed(&[])(e.into()))?;
        }
        txn.commit().await.map_err(|e| failed(&ids)(e.into()))?;
        for event in events {
            self.outlets.events.publish(event);
        }
        Ok(rows.len())
    }

    /// Keeps the error on the message and schedules another try, or gives up after
    /// `MAX_ATTEMPTS` and leaves it `failed` for staff.
    async fn failed(&self, id: i64, error: &ServiceError) -> Result<(), ServiceError> {
        let Some(row) = inbound_messages::Entity::find_by_id(id).one(&self.db).await? else {
            return Ok(());
        };
        if row.status != InboundStatus::Received {
            // Handled after all (the commit went through, or another instance took it).
            return Ok(());
        }
        let attempts = row.attempts + 1;
        let give_up = attempts >= MAX_ATTEMPTS;
        tracing::error!(message = id, attempts, %error, give_up, "cannot handle an inbound message");
        let retry = Utc::now() + Duration::seconds(2i64.pow(attempts.clamp(0, 10) as u32));
        inbound_messages::Entity::update_many()
            .col_expr(Column::Attempts, Expr::value(attempts))
            .col_expr(
                Column::LastError,
                Expr::value(error.to_string().chars().take(500).collect::<String>()),
            )
            .col_expr(Column::ProcessAfter, Expr::value(retry))
            .col_expr(
                Column::Status,
                Expr::value(if give_up {
                    InboundStatus::Failed
                } else {
                    InboundStatus::Received
                }),
            )
            .filter(Column::Id.eq(id))
            .filter(Column::Status.eq(InboundStatus::Received))
            .filter(Column::Attempts.eq(row.attempts))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Sets aside the next waiting message after it crashed the pipeline, so it cannot do it
    /// again and again; staff find it `failed` with the reason.
    pub async fn set_aside_next(&self, reason: &str) -> Result<(), ServiceError> {
        let next = inbound_messages::Entity::find()
            .filter(due())
            .order_by_asc(Column::Id)
            .one(&self.db)
            .await?;
        if let Some(row) = next {
            inbound_messages::Entity::update_many()
                .col_expr(Column::Status, Expr::value(InboundStatus::Failed))
                .col_expr(Column::LastError, Expr::value(reason))
                .filter(Column::Id.eq(row.id))
                .filter(Column::Status.eq(InboundStatus::Received))
                .exec(&self.db)
                .await?;
        }
        Ok(())
    }
}

/// Two messages from one person in one chat of one business.
fn same_sender(a: &inbound_messages::Model, b: &inbound_messages::Model) -> bool {
    a.business_id == b.business_id && a.chat_id == b.chat_id && a.author == b.author
}

fn due() -> Condition {
    Condition::all().add(Column::Status.eq(InboundStatus::Received)).add(
        Condition::any()
            .add(Column::ProcessAfter.is_null())
            .add(Column::ProcessAfter.lte(Utc::now())),
    )
}

/// Takes waiting messages for this transaction. On PostgreSQL other instances skip the rows
/// taken here; SQLite has one writer at a time anyway.
async fn claim(txn: &DatabaseTransaction, pick: Pick) -> Result<Vec<inbound_messages::Model>, sea_orm::DbErr> {
    let mut waiting = Query::select();
    waiting.column(Column::Id).from(inbound_messages::Entity);
    match pick {
        Pick::Next(limit) => {
            waiting.cond_where(due()).order_by(Column::Id, Order::Asc).limit(limit);
        }
        Pick::One(id) => {
            waiting
                .and_where(Column::Status.eq(InboundStatus::Received))
                .and_where(Column::Id.eq(id));
        }
    }
    if txn.get_database_backend() == DbBackend::Postgres {
        waiting.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let mut rows = inbound_messages::Entity::update_many()
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .filter(Column::Id.in_subquery(waiting))
        .exec_with_returning(txn)
        .await?;
    rows.sort_by_key(|row| row.id);
    Ok(rows)
}

/// How many of the claimed rows the batch handles: at least one, then as many as fit in
/// `BATCH_BYTES`.
fn within_budget(rows: &[inbound_messages::Model]) -> usize {
    let mut read = 0;
    rows.iter()
        .position(|row| {
            read += row.body.len();
            read > BATCH_BYTES
        })
        .map_or(rows.len(), |over| over.max(1))
}

/// The claimed rows that must wait: an earlier message of the same sender in the same chat is
/// still waiting outside this batch (another instance has it, or it is due again later). A
/// conversation is read in the order it was written, so "and a coke" never overtakes the order
/// it adds to.
async fn behind_others(
    txn: &DatabaseTransaction,
    rows: &[inbound_messages::Model],
) -> Result<std::collections::HashSet<i64>, sea_orm::DbErr> {
    let Some(last) = rows.last().map(|row| row.id) else {
        return Ok(Default::default());
    };
    let chats: std::collections::BTreeSet<&str> = rows.iter().map(|row| row.chat_id.as_str()).collect();
    let businesses: std::collections::BTreeSet<i64> = rows.iter().map(|row| row.business_id).collect();
    let earliest: Vec<(i64, String, String, i64)> = inbound_messages::Entity::find()
        .select_only()
        .column(Column::BusinessId)
        .column(Column::ChatId)
        .column(Column::Author)
        .column_as(Expr::expr(Func::min(Expr::col(Column::Id))), "first")
        .filter(Column::Status.eq(InboundStatus::Received))
        .filter(Column::Id.lt(last))
        .filter(Column::Id.is_not_in(rows.iter().map(|row| row.id)))
        .filter(Column::BusinessId.is_in(businesses))
        .filter(Column::ChatId.is_in(chats))
        .group_by(Column::BusinessId)
        .group_by(Column::ChatId)
        .group_by(Column::Author)
        .into_tuple()
        .all(txn)
        .await?;
    Ok(rows
        .iter()
        .filter(|row| {
            earliest.iter().any(|(business, chat, author, first)| {
                (*business, chat.as_str(), author.as_str()) == (row.business_id, &row.chat_id, &row.author)
                    && *first < row.id
            })
        })
        .map(|row| row.id)
        .collect())
}

/// Returns claimed rows the batch will not handle, as if never claimed.
async fn put_back(txn: &DatabaseTransaction, rows: &[inbound_messages::Model]) -> Result<(), sea_orm::DbErr> {
    if rows.is_empty() {
        return Ok(());
    }
    inbound_messages::Entity::update_many()
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).sub(1))
        .filter(Column::Id.is_in(rows.iter().map(|row| row.id)))
        .exec(txn)
        .await?;
    Ok(())
}

/// What one batch knows about the businesses of its messages, read once per batch, and the
/// messages it parsed before its transaction began.
pub(super) struct Scope<'a> {
    outlets: &'a Outlets,
    catalogs: &'a Catalogs,
    businesses: HashMap<i64, std::sync::Arc<business::Business>>,
    /// By message id: the text parsed and what it came to.
    parsed: HashMap<i64, (String, ParsedOrder)>,
}

impl<'a> Scope<'a> {
    fn new(outlets: &'a Outlets, catalogs: &'a Catalogs) -> Self {
        Self {
            outlets,
            catalogs,
            businesses: HashMap::new(),
            parsed: HashMap::new(),
        }
    }

    /// Reads the messages the next batch will most likely claim, with their businesses, and
    /// parses them; answers how many are waiting.
    async fn read_ahead(&mut self, db: &DatabaseConnection, limit: u64) -> Result<usize, ServiceError> {
        let rows = inbound_messages::Entity::find()
            .filter(due())
            .order_by_asc(Column::Id)
            .limit(limit)
            .all(db)
            .await?;
        let budget = within_budget(&rows);
        for row in &rows[..budget] {
            if row.edited_at.is_some() || row.revoked_at.is_some() {
                continue;
            }
            // A business that cannot be read now is read again inside the batch, where a
            // failure is the message's own and is counted against it.
            match self.business(db, row.business_id).await {
                Ok(business) => {
                    self.parsed
                        .insert(row.id, (row.body.clone(), business.parse(&row.body)));
                }
                Err(error) => tracing::warn!(business = row.business_id, %error, "cannot read ahead"),
            }
        }
        Ok(rows.len())
    }

    /// The message parsed ahead when its text is still the same, else parsed now.
    pub(super) fn parse(&mut self, business: &business::Business, message: &inbound_messages::Model) -> ParsedOrder {
        match self.parsed.remove(&message.id) {
            Some((body, parsed)) if body == message.body => parsed,
            _ => business.parse(&message.body),
        }
    }

    async fn business(
        &mut self,
        txn: &impl ConnectionTrait,
        id: i64,
    ) -> Result<std::sync::Arc<business::Business>, ServiceError> {
        if let Some(business) = self.businesses.get(&id) {
            return Ok(business.clone());
        }
        let model = businesses::Entity::find_by_id(id)
            .one(txn)
            .await?
            .ok_or(ServiceError::NotFound("business"))?;
        let settings = settings(&model);
        let priced = self
            .catalogs
            .get(txn, id, &model.currency, settings.delivery_fee)
            .await?;
        let eta_minutes = crate::services::eta::from_confirmation(txn, id, chrono::Utc::now()).await?;
        let business = std::sync::Arc::new(business::Business {
            model,
            settings,
            priced,
            eta_minutes,
        });
        self.businesses.insert(id, business.clone());
        Ok(business)
    }
}

/// What handling one message led to.
pub(super) struct Handled {
    pub events: Vec<Event>,
    pub status: InboundStatus,
}
