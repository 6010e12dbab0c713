//! Fixed-window rate limits kept in memory, per process.
//!
//! Each app server limits on its own; behind several servers the effective limit is multiplied
//! by their number, which still bounds password guessing to a few attempts a minute per key.

use lru::LruCache;
use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Keys remembered at most per limiter: a few tens of MB of counters, keys being short (an e-mail
/// address is 254 characters at most, checked before it becomes a key). Past it the least
/// recently seen key is forgotten, so a flood of made-up keys cannot grow the memory; a key that
/// keeps trying stays among the most recent and keeps its count.
const MAX_KEYS: usize = 100_000;

pub struct RateLimiter {
    max: u32,
    window: Duration,
    hits: Mutex<LruCache<String, (Instant, u32)>>,
}

impl RateLimiter {
    pub fn new(max: u32, window: Duration) -> Self {
        Self::with_capacity(max, window, MAX_KEYS)
    }

    fn with_capacity(max: u32, window: Duration, keys: usize) -> Self {
        Self {
            max,
            window,
            hits: Mutex::new(LruCache::new(
                NonZeroUsize::new(keys).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }

    /// Counts one attempt for `key`; false once the key has used up its window.
    pub fn allow(&self, key: &str) -> bool {
        let now = Instant::now();
        let Ok(mut hits) = self.hits.lock() else {
            // A poisoned lock means another thread panicked mid-update; fail closed.
            return false;
        };
        let entry = hits.get_or_insert_mut(key.to_string(), || (now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_refused_past_its_quota_and_others_are_not() {
        let limiter = RateLimiter::new(3, Duration::from_secs(60));
        assert!(limiter.allow("a"));
        assert!(limiter.allow("a"));
        assert!(limiter.allow("a"));
        assert!(!limiter.allow("a"));
        assert!(limiter.allow("b"));
    }

    #[test]
    fn the_window_resets() {
        let limiter = RateLimiter::new(1, Duration::from_millis(20));
        assert!(limiter.allow("a"));
        assert!(!limiter.allow("a"));
        std::thread::sleep(Duration::from_millis(30));
        assert!(limiter.allow("a"));
    }

    #[test]
    fn a_flood_of_new_keys_stays_within_the_capacity_and_spares_a_busy_key() {
        let limiter = RateLimiter::with_capacity(2, Duration::from_secs(60), 100);
        assert!(limiter.allow("attaquant"));
        assert!(limiter.allow("attaquant"));
        for n in 0..1_000 {
            limiter.allow(&format!("inconnu-{n}@exemple.fr"));
            if n % 10 == 0 {
                // Still trying, so still remembered: still refused.
                assert!(!limiter.allow("attaquant"));
            }
        }
        assert_eq!(limiter.hits.lock().unwrap().len(), 100);
    }
}
