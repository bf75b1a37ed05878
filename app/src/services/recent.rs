//! Answers computed moments ago, kept per business. Every staff dashboard of a business
//! refetches the same order lists on every order event, and reports are asked for again and
//! again while nothing in them could have moved much, so most such requests repeat one that
//! was just answered, or is being answered: they wait for that one rather than compute it again.
//!
//! Order lists and a business's headline numbers must show every change at once, so every
//! order event empties its business's lists and numbers: the events this instance publishes
//! (after their transaction committed) and, through the relay, the ones other instances
//! publish; an answer already being computed then serves only the requests that came before
//! the change. Reports are summaries over days: they are given
//! as of at most `FRESH` ago, which also bounds how long a change that published no event
//! (another process on the same SQLite file, a relay that lost notifications) goes unseen in
//! a list.

use std::{
    collections::HashMap,
    future::Future,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
    time::{Duration, Instant},
};

use tokio::sync::OnceCell;

use crate::{
    dto::{AnalyticsReport, BusinessStats, OrderPage},
    error::ServiceError,
    events::{Event, Watcher},
};

/// How long an answer is given again without asking the database.
pub const FRESH: Duration = Duration::from_secs(2);
/// Answers kept per kind across all businesses (a page of 20 orders is about 20 kB).
const CAPACITY: usize = 1_024;

/// Every kind of answer that is kept.
#[derive(Clone, Debug, Default)]
pub struct Answers {
    pub order_lists: Recent<OrderPage>,
    /// A business's headline numbers: totals, active customers, response times.
    pub stats: Recent<BusinessStats>,
    /// Not emptied by order events: a business taking orders changes every second, and its
    /// report would be computed again for nearly every request.
    pub reports: Recent<AnalyticsReport>,
}

/// An order event empties its business's kept answers on every instance.
impl Watcher for Answers {
    fn heard(&self, event: &Event) {
        if event.kind.is_order() {
            self.changed(event.business_id);
        }
    }

    fn missed(&self) {
        self.clear();
    }
}

impl Answers {
    /// The business's orders changed: its kept lists and numbers are no longer the truth.
    pub fn changed(&self, business_id: i64) {
        self.order_lists.changed(business_id);
        self.stats.changed(business_id);
    }

    /// Changes may have gone unheard: no kept list or number is trusted.
    pub fn clear(&self) {
        self.order_lists.clear();
        self.stats.clear();
    }
}

/// Answers of one kind, by business and by a key naming the question.
#[derive(Debug)]
pub struct Recent<T>(Arc<Mutex<Kept<T>>>);

impl<T> Clone for Recent<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T> Default for Recent<T> {
    fn default() -> Self {
        Self(Arc::new(Mutex::new(Kept {
            businesses: HashMap::new(),
            count: 0,
        })))
    }
}

type Answer<T> = Arc<OnceCell<Arc<T>>>;

#[derive(Debug)]
struct Kept<T> {
    businesses: HashMap<i64, HashMap<String, (Instant, Answer<T>)>>,
    count: usize,
}

impl<T> Recent<T> {
    /// The business's answer to `key`: one given (or being computed) within `FRESH`, else the
    /// one `compute` gives. A failed computation is not kept.
    pub async fn get_or_compute<F, Fut>(
        &self,
        business_id: i64,
        key: String,
        compute: F,
    ) -> Result<Arc<T>, ServiceError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, ServiceError>>,
    {
        let answer = self.answer(business_id, key);
        answer
            .get_or_try_init(|| async { compute().await.map(Arc::new) })
            .await
            .cloned()
    }

    fn answer(&self, business_id: i64, key: String) -> Answer<T> {
        let mut kept = self.lock();
        let found = kept.businesses.get(&business_id).and_then(|answers| answers.get(&key));
        if let Some((since, answer)) = found
            && since.elapsed() < FRESH
        {
            return answer.clone();
        }
        let answer = Answer::default();
        let replacing = found.is_some();
        if !replacing && kept.count >= CAPACITY {
            kept.forget_stale();
        }
        if replacing || kept.count < CAPACITY {
            kept.businesses
                .entry(business_id)
                .or_default()
                .insert(key, (Instant::now(), answer.clone()));
            if !replacing {
                kept.count += 1;
            }
        }
        answer
    }

    pub fn changed(&self, business_id: i64) {
        let mut kept = self.lock();
        if let Some(answers) = kept.businesses.remove(&business_id) {
            kept.count -= answers.len();
        }
    }

    pub fn clear(&self) {
        let mut kept = self.lock();
        kept.businesses.clear();
        kept.count = 0;
    }

    fn lock(&self) -> MutexGuard<'_, Kept<T>> {
        // Each step leaves the map whole, so a panic elsewhere cannot leave it half-changed.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<T> Kept<T> {
    fn forget_stale(&mut self) {
        for answers in self.businesses.values_mut() {
            answers.retain(|_, (since, _)| since.elapsed() < FRESH);
        }
        self.businesses.retain(|_, answers| !answers.is_empty());
        self.count = self.businesses.values().map(HashMap::len).sum();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    async fn ask(recent: &Recent<u64>, business_id: i64, key: &str, value: u64, computed: &AtomicUsize) -> u64 {
        let answer = recent
            .get_or_compute(business_id, key.into(), || async {
                computed.fetch_add(1, Ordering::SeqCst);
                Ok(value)
            })
            .await
            .unwrap();
        *answer
    }

    #[tokio::test]
    async fn an_answer_is_given_again_until_its_business_changes() {
        let recent = Recent::default();
        let computed = AtomicUsize::new(0);
        assert_eq!(ask(&recent, 1, "first", 5, &computed).await, 5);
        assert_eq!(ask(&recent, 2, "first", 7, &computed).await, 7);
        assert_eq!(ask(&recent, 1, "first", 6, &computed).await, 5, "kept");
        assert_eq!(computed.load(Ordering::SeqCst), 2);

        recent.changed(1);
        assert_eq!(ask(&recent, 1, "first", 6, &computed).await, 6, "computed again");
        assert_eq!(
            ask(&recent, 2, "first", 8, &computed).await,
            7,
            "another business keeps its own"
        );
        recent.clear();
        assert_eq!(ask(&recent, 2, "first", 8, &computed).await, 8);
    }

    #[tokio::test]
    async fn requests_for_an_answer_being_computed_wait_for_it() {
        let recent = Recent::<u64>::default();
        let computed = AtomicUsize::new(0);
        let (release, released) = tokio::sync::oneshot::channel::<()>();
        let slow = recent.get_or_compute(1, "first".into(), || async {
            computed.fetch_add(1, Ordering::SeqCst);
            released.await.unwrap();
            Ok(5)
        });
        let waiting = ask(&recent, 1, "first", 6, &computed);
        let (slow, waiting, ()) = tokio::join!(slow, waiting, async { release.send(()).unwrap() });
        assert_eq!((*slow.unwrap(), waiting), (5, 5));
        assert_eq!(computed.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn an_answer_begun_before_a_change_is_not_kept_after_it() {
        let recent = Recent::<u64>::default();
        let computed = AtomicUsize::new(0);
        let before = recent.get_or_compute(1, "first".into(), || async {
            recent.changed(1);
            Ok(5)
        });
        assert_eq!(*before.await.unwrap(), 5);
        assert_eq!(ask(&recent, 1, "first", 6, &computed).await, 6);
    }

    #[tokio::test]
    async fn a_failure_is_not_kept() {
        let recent = Recent::<u64>::default();
        let computed = AtomicUsize::new(0);
        let failed = recent
            .get_or_compute(1, "first".into(), || async {
                Err(ServiceError::Internal("down".into()))
            })
            .await;
        assert!(failed.is_err());
        assert_eq!(ask(&recent, 1, "first", 6, &computed).await, 6);
    }

    #[tokio::test]
    async fn no_more_than_the_capacity_is_kept() {
        let recent = Recent::<u64>::default();
        let computed = AtomicUsize::new(0);
        for n in 0..CAPACITY + 10 {
            ask(&recent, 1 + (n % 3) as i64, &n.to_string(), n as u64, &computed).await;
        }
        assert_eq!(recent.lock().count, CAPACITY);
        recent.changed(1);
        recent.changed(2);
        recent.changed(3);
        assert_eq!(recent.lock().count, 0);
    }
}
