//! In-memory sliding-window rate limits for the endpoints that guess passwords or send mail.
//! Per replica: N replicas allow N times the rate, which still stops brute force; a shared
//! store (PostgreSQL or Redis) would make it global.
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::domain::error::DomainError;

/// One rule: at most `max` hits per `window`.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub max: usize,
    pub window: Duration,
}

pub const LOG_IN_PER_IP: Rule = Rule {
    max: 30,
    window: Duration::from_secs(60),
};
/// Attempts on one account, from anywhere, before it is locked for the rest of the window.
pub const LOG_IN_PER_ACCOUNT: Rule = Rule {
    max: 10,
    window: Duration::from_secs(15 * 60),
};
pub const SIGN_UP_PER_IP: Rule = Rule {
    max: 30,
    window: Duration::from_secs(60 * 60),
};
pub const RESET_PER_IP: Rule = Rule {
    max: 20,
    window: Duration::from_secs(60 * 60),
};
pub const RESET_PER_ACCOUNT: Rule = Rule {
    max: 3,
    window: Duration::from_secs(60 * 60),
};
/// `resetPassword` attempts, right or wrong. A code names no account until it is looked up, so
/// the key is the caller's address; each attempt also costs an argon2 hash.
pub const RESET_PASSWORD_PER_IP: Rule = Rule {
    max: 20,
    window: Duration::from_secs(60 * 60),
};
/// `verifyEmail` attempts, right or wrong; keyed like `resetPassword`, with room for an office
/// behind one address where everyone verifies the same day.
pub const VERIFY_EMAIL_PER_IP: Rule = Rule {
    max: 60,
    window: Duration::from_secs(60 * 60),
};

#[derive(Default)]
pub struct RateLimiter {
    hits: Mutex<HashMap<String, VecDeque<Instant>>>,
}

const SWEEP_AT: usize = 100_000;

impl RateLimiter {
    /// Counts a hit on `key`, or refuses it with how long to wait.
    pub fn hit(&self, key: &str, rule: Rule) -> Result<(), DomainError> {
        let now = Instant::now();
        let Ok(mut hits) = self.hits.lock() else {
            return Err(DomainError::Internal(anyhow::anyhow!(
                "rate limiter lock poisoned"
            )));
        };
        if hits.len() > SWEEP_AT {
            hits.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < Duration::from_secs(3600))
            });
        }
        let times = hits.entry(key.to_string()).or_default();
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= rule.window)
        {
            times.pop_front();
        }
        if times.len() >= rule.max {
            let oldest = times.front().copied().unwrap_or(now);
            let wait = rule.window.saturating_sub(now.duration_since(oldest));
            return Err(DomainError::RateLimited {
                retry_after_secs: wait.as_secs().max(1),
            });
        }
        times.push_back(now);
        Ok(())
    }
}
