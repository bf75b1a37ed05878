//! Token-bucket rate limits kept in memory, over the REST API and the server functions alike:
//! sign-in routes per client IP, everything else per signed-in user (per IP when the token does
//! not check out, so made-up tokens buy no extra allowance). Each instance limits on its own.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use app::{services::auth, state::AppState};
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};

use super::{error::ApiError, extract::peer_ip};

/// Forget idle clients once this many are tracked, so memory and lock time stay bounded.
const MAX_TRACKED: usize = 50_000;
/// Sign-in attempts per client IP per minute: plenty for people, little for password guessing.
const SIGN_IN_PER_MINUTE: u32 = 20;
const SIGN_IN_PATHS: [&str; 2] = ["/api/auth/", "/rpc/account/"];
const LIMITED_PATHS: [&str; 2] = ["/api/", "/rpc/"];

pub struct RateLimiter {
    capacity: f64,
    per_second: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl RateLimiter {
    /// `capacity` requests at once, refilled evenly over `period`.
    pub fn new(capacity: u32, period: Duration) -> Self {
        Self {
            capacity: f64::from(capacity),
            per_second: f64::from(capacity) / period.as_secs_f64(),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `key`, or says how long until one is free.
    fn take(&self, key: String) -> Result<(), Duration> {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() >= MAX_TRACKED {
            let (capacity, per_second) = (self.capacity, self.per_second);
            buckets.retain(|_, b| b.tokens + now.duration_since(b.updated).as_secs_f64() * per_second < capacity);
            if buckets.len() >= MAX_TRACKED / 2 {
                // Mostly busy clients: start over rather than scan this map on every request.
                buckets.clear();
            }
        }
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: self.capacity,
            updated: now,
        });
        bucket.tokens =
            (bucket.tokens + now.duration_since(bucket.updated).as_secs_f64() * self.per_second).min(self.capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / self.per_second))
        }
    }
}

/// The two limiters every request passes.
pub struct Limits {
    sign_in: RateLimiter,
    calls: RateLimiter,
}

impl Limits {
    /// `calls_per_minute`: API and server-function calls per user (`RATE_LIMIT_PER_MINUTE`).
    pub fn new(calls_per_minute: u32) -> Arc<Self> {
        Arc::new(Self {
            sign_in: RateLimiter::new(SIGN_IN_PER_MINUTE, Duration::from_secs(60)),
            calls: RateLimiter::new(calls_per_minute, Duration::from_secs(60)),
        })
    }
}

pub async fn limit(State((limits, state)): State<(Arc<Limits>, AppState)>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let ip = peer_ip(request.extensions()).unwrap_or_default();
    let verdict = if SIGN_IN_PATHS.iter().any(|prefix| path.starts_with(prefix)) {
        limits.sign_in.take(format!("ip:{ip}"))
    } else if LIMITED_PATHS.iter().any(|prefix| path.starts_with(prefix)) {
        let user = auth::token_from_headers(request.headers()).and_then(|token| state.tokens.user_id(&token).ok());
        limits.calls.take(match user {
            Some(user) => format!("user:{user}"),
            None => format!("ip:{ip}"),
        })
    } else {
        Ok(())
    };
    match verdict {
        Ok(()) => next.run(request).await,
        Err(wait) => ApiError::RateLimited { retry_after: wait }.refusal(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_empties_and_refills() {
        let limiter = RateLimiter::new(2, Duration::from_millis(200));
        assert!(limiter.take("a".into()).is_ok());
        assert!(limiter.take("a".into()).is_ok());
        let wait = limiter.take("a".into()).unwrap_err();
        assert!(wait <= Duration::from_millis(100), "{wait:?}");
        assert!(limiter.take("b".into()).is_ok(), "keys are independent");
        std::thread::sleep(Duration::from_millis(120));
        assert!(limiter.take("a".into()).is_ok());
    }
}
