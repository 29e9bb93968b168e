//! When to try again and how long to wait first.

use std::time::Duration;

/// Doubling backoff from `base`, capped at `cap`.
pub(crate) fn backoff(base: Duration, attempt: u32, cap: Duration) -> Duration {
    base.saturating_mul(1u32 << attempt.min(16)).min(cap)
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let b = Duration::from_millis(500);
        let cap = Duration::from_secs(5);
        let got: Vec<_> = (0..6).map(|i| backoff(b, i, cap).as_millis()).collect();
        assert_eq!(got, vec![500, 1000, 2000, 4000, 5000, 5000]);
        assert_eq!(backoff(b, 40, cap), cap);
    }
}
