//! Who signed-in users are, remembered for a moment. Every authenticated request checks that
//! its account and business may still act, which is one query per request; a dashboard (or a
//! burst of requests) asks again within the second. A change to an account or its business
//! on this instance forgets the account at once; one made on another instance is seen within
//! `FRESH`.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};

use super::access::Caller;

/// How long an account's check is trusted.
pub const FRESH: Duration = Duration::from_secs(1);
/// Accounts remembered at once; past this, the stale ones are dropped first.
const CAPACITY: usize = 10_000;

#[derive(Clone, Debug, Default)]
pub struct Callers(Arc<Mutex<Remembered>>);

#[derive(Debug, Default)]
struct Remembered {
    callers: HashMap<i64, (Instant, Caller)>,
    /// Counts the forgettings, so a check that raced one is not remembered.
    generation: u64,
}

impl Callers {
    /// The account's caller if it was checked within `FRESH`, else the generation to hand to
    /// `remember` once it has been checked.
    pub fn recall(&self, user_id: i64) -> Result<Caller, u64> {
        let remembered = self.lock();
        match remembered.callers.get(&user_id) {
            Some((at, caller)) if at.elapsed() < FRESH => Ok(*caller),
            _ => Err(remembered.generation),
        }
    }

    pub fn remember(&self, generation: u64, caller: Caller) {
        let mut remembered = self.lock();
        if remembered.generation != generation {
            return;
        }
        if remembered.callers.len() >= CAPACITY {
            remembered.callers.retain(|_, (at, _)| at.elapsed() < FRESH);
            if remembered.callers.len() >= CAPACITY {
                return;
            }
        }
        remembered.callers.insert(caller.user_id, (Instant::now(), caller));
    }

    /// The account changed (its role, access or password).
    pub fn forget(&self, user_id: i64) {
        let mut remembered = self.lock();
        remembered.generation += 1;
        remembered.callers.remove(&user_id);
    }

    /// A business changed: any of its accounts may be remembered.
    pub fn forget_all(&self) {
        let mut remembered = self.lock();
        remembered.generation += 1;
        remembered.callers.clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Remembered> {
        // Every step leaves the map whole, so a panic elsewhere cannot leave it half-changed.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use entity::enums::Role;

    use super::*;

    fn caller(user_id: i64) -> Caller {
        Caller {
            user_id,
            business_id: Some(1),
            role: Role::Staff,
            must_change_password: false,
        }
    }

    #[test]
    fn a_checked_account_is_recalled_until_it_is_forgotten() {
        let callers = Callers::default();
        let generation = callers.recall(7).unwrap_err();
        callers.remember(generation, caller(7));
        callers.remember(generation, caller(8));
        assert_eq!(callers.recall(7), Ok(caller(7)));

        callers.forget(7);
        assert!(callers.recall(7).is_err());
        assert!(callers.recall(8).is_ok(), "other accounts stay");
        callers.forget_all();
        assert!(callers.recall(8).is_err());
    }

    #[test]
    fn a_check_that_raced_a_change_is_not_remembered() {
        let callers = Callers::default();
        let generation = callers.recall(7).unwrap_err();
        callers.forget(7);
        callers.remember(generation, caller(7));
        assert!(callers.recall(7).is_err());
    }
}
