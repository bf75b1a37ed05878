//! Token-bucket rate limits kept in memory: per client IP on the sign-in routes, per session
//! (or IP, when signed out) on the rest of the API. Each instance limits on its own.

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::header,
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::error::ApiError;

/// Forget idle clients once this many are tracked, so memory stays bounded.
const MAX_TRACKED: usize = 50_000;

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
    pub fn new(capacity: u32, period: Duration) -> Arc<Self> {
        Arc::new(Self {
            capacity: f64::from(capacity),
            per_second: f64::from(capacity) / period.as_secs_f64(),
            buckets: Mutex::new(HashMap::new()),
        })
    }

    /// Takes a token for `key`, or says how long until one is free.
    fn take(&self, key: String) -> Result<(), Duration> {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() >= MAX_TRACKED {
            let (capacity, per_second) = (self.capacity, self.per_second);
            buckets.retain(|_, b| b.tokens + now.duration_since(b.updated).as_secs_f64() * per_second < capacity);
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

fn client_ip(request: &Request) -> String {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_default()
}

/// Limits by client IP.
pub async fn by_ip(State(limiter): State<Arc<RateLimiter>>, request: Request, next: Next) -> Response {
    match limiter.take(format!("ip:{}", client_ip(&request))) {
        Ok(()) => next.run(request).await,
        Err(wait) => ApiError::RateLimited { retry_after: wait }.into_response(),
    }
}

/// Limits by session token, falling back to the IP for anonymous calls.
pub async fn by_caller(State(limiter): State<Arc<RateLimiter>>, request: Request, next: Next) -> Response {
    let credential = [header::AUTHORIZATION, header::COOKIE].iter().find_map(|name| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    });
    let key = match credential {
        Some(credential) => format!("session:{credential}"),
        None => format!("ip:{}", client_ip(&request)),
    };
    match limiter.take(key) {
        Ok(()) => next.run(request).await,
        Err(wait) => ApiError::RateLimited { retry_after: wait }.into_response(),
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
