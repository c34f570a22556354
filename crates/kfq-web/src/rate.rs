//! 访问频率限制 — how often one address may try to sign in, and call the API, per minute.
//! Counted in memory per server (a restart forgets), in fixed one-minute windows.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `POST /api/v1/session` and `POST /login`.
    SignIn,
    /// Every other request under `/api/`.
    Api,
}

/// The limits (`KFQ_RATE_SIGN_IN`, `KFQ_RATE_API`: requests per minute per address; 0 turns a
/// limit off) and the counts.
#[derive(Debug)]
pub struct RateLimits {
    pub sign_in_per_minute: u32,
    pub api_per_minute: u32,
    windows: Mutex<HashMap<(Kind, String), (Instant, u32)>>,
}

const WINDOW: Duration = Duration::from_secs(60);

impl RateLimits {
    pub fn new(sign_in_per_minute: u32, api_per_minute: u32) -> RateLimits {
        RateLimits {
            sign_in_per_minute,
            api_per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// The defaults (30 sign-ins and 1,200 API calls a minute from one address), with what the
    /// environment sets.
    pub fn from_env() -> RateLimits {
        let var = |name: &str, default: u32| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse::<u32>().ok())
                .unwrap_or(default)
        };
        RateLimits::new(var("KFQ_RATE_SIGN_IN", 30), var("KFQ_RATE_API", 1200))
    }

    /// Counts a request; `Err(seconds)` when it is over the limit, with when to try again.
    pub fn admit(&self, kind: Kind, address: &str, now: Instant) -> Result<(), u64> {
        let limit = match kind {
            Kind::SignIn => self.sign_in_per_minute,
            Kind::Api => self.api_per_minute,
        };
        if limit == 0 {
            return Ok(());
        }
        let mut windows = match self.windows.lock() {
            Ok(w) => w,
            Err(poisoned) => poisoned.into_inner(),
        };
        if windows.len() > 100_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let (start, count) = windows
            .entry((kind, address.to_string()))
            .or_insert((now, 0));
        if now.duration_since(*start) >= WINDOW {
            *start = now;
            *count = 0;
        }
        if *count >= limit {
            let left = WINDOW.saturating_sub(now.duration_since(*start));
            return Err(left.as_secs().max(1));
        }
        *count += 1;
        Ok(())
    }
}

/// Which limit a request falls under, if any.
pub fn kind_of(method: &axum::http::Method, path: &str) -> Option<Kind> {
    let signs_in =
        method == axum::http::Method::POST && matches!(path, "/api/v1/session" | "/login");
    if signs_in {
        Some(Kind::SignIn)
    } else if path.starts_with("/api/") {
        Some(Kind::Api)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_over_its_limit_waits_for_the_next_minute_and_others_do_not() {
        let limits = RateLimits::new(3, 0);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limits.admit(Kind::SignIn, "10.0.0.1", t0).is_ok());
        }
        let wait = limits
            .admit(Kind::SignIn, "10.0.0.1", t0 + Duration::from_secs(20))
            .unwrap_err();
        assert_eq!(wait, 40);
        assert!(limits.admit(Kind::SignIn, "10.0.0.2", t0).is_ok());
        assert!(
            limits.admit(Kind::Api, "10.0.0.1", t0).is_ok(),
            "0 is no limit"
        );
        assert!(limits
            .admit(Kind::SignIn, "10.0.0.1", t0 + Duration::from_secs(61))
            .is_ok());
    }

    #[test]
    fn sign_in_and_api_paths_are_told_apart() {
        use axum::http::Method;
        assert_eq!(kind_of(&Method::POST, "/login"), Some(Kind::SignIn));
        assert_eq!(kind_of(&Method::GET, "/login"), None);
        assert_eq!(
            kind_of(&Method::POST, "/api/v1/session"),
            Some(Kind::SignIn)
        );
        assert_eq!(kind_of(&Method::GET, "/api/v1/projects"), Some(Kind::Api));
        assert_eq!(kind_of(&Method::GET, "/projects"), None);
    }
}
