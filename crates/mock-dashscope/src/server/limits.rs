//! Rate limits per account and model: requests and tokens over a rolling window, as the service
//! throttles them. Only admitted requests count; a refused one leaves the window as it was.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

pub(crate) const REQUESTS_MESSAGE: &str = "Requests rate limit exceeded, please try again later.";
/// The service's wording for tokens-per-minute throttling (it is not about billing).
pub(crate) const TOKENS_MESSAGE: &str =
    "You exceeded your current quota, please check your plan and billing details.";

/// Why a request was refused: the 429 code and message to answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Refusal {
    Requests,
    Tokens,
}

impl Refusal {
    pub(super) fn code(self) -> &'static str {
        match self {
            Refusal::Requests => "limit_requests",
            Refusal::Tokens => "insufficient_quota",
        }
    }
    pub(super) fn message(self) -> &'static str {
        match self {
            Refusal::Requests => REQUESTS_MESSAGE,
            Refusal::Tokens => TOKENS_MESSAGE,
        }
    }
}

pub(crate) struct Limiter {
    pub(crate) window: Duration,
    /// model → (requests, tokens) per window; a model not listed is not limited.
    pub(crate) table: HashMap<String, (u64, u64)>,
    /// (account, model) → the admitted requests still in the window: when, and their tokens.
    seen: HashMap<(String, String), VecDeque<(Instant, u64)>>,
}

impl Limiter {
    pub(super) fn new(window: Duration, table: HashMap<String, (u64, u64)>) -> Limiter {
        Limiter {
            window,
            table,
            seen: HashMap::new(),
        }
    }

    pub(super) fn clear(&mut self) {
        self.seen.clear();
    }

    /// Admits a request of `tokens` at `now` (and counts it), or says which limit refuses it.
    /// The request limit is checked first; a request whose tokens alone exceed the token limit
    /// is refused however empty the window is.
    pub(super) fn admit(
        &mut self,
        account: &str,
        model: &str,
        tokens: u64,
        now: Instant,
    ) -> Result<(), Refusal> {
        let Some(&(rpm, tpm)) = self.table.get(model) else {
            return Ok(());
        };
        let window = self.window;
        let seen = self
            .seen
            .entry((account.to_string(), model.to_string()))
            .or_default();
        while let Some(&(t, _)) = seen.front() {
            if now.saturating_duration_since(t) >= window {
                seen.pop_front();
            } else {
                break;
            }
        }
        if seen.len() as u64 >= rpm {
            return Err(Refusal::Requests);
        }
        let used: u64 = seen.iter().map(|&(_, n)| n).sum();
        if used.saturating_add(tokens) > tpm {
            return Err(Refusal::Tokens);
        }
        seen.push_back((now, tokens));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter() -> Limiter {
        let table = HashMap::from([("m".to_string(), (3, 100))]);
        Limiter::new(Duration::from_secs(60), table)
    }

    #[test]
    fn requests_are_counted_per_account_and_model_over_a_rolling_window() {
        let mut l = limiter();
        let t0 = Instant::now();
        let s = Duration::from_secs(1);
        for i in 0..3 {
            assert_eq!(l.admit("a", "m", 1, t0 + i * s), Ok(()));
        }
        assert_eq!(l.admit("a", "m", 1, t0 + 10 * s), Err(Refusal::Requests));
        // Other accounts and unlisted models are not affected.
        assert_eq!(l.admit("b", "m", 1, t0 + 10 * s), Ok(()));
        assert_eq!(l.admit("a", "other", 1_000_000, t0 + 10 * s), Ok(()));
        // Refusals do not count: once the first request leaves the window there is room for one.
        assert_eq!(l.admit("a", "m", 1, t0 + 59 * s), Err(Refusal::Requests));
        assert_eq!(l.admit("a", "m", 1, t0 + 60 * s), Ok(()));
        assert_eq!(l.admit("a", "m", 1, t0 + 60 * s), Err(Refusal::Requests));
        assert_eq!(l.admit("a", "m", 1, t0 + 61 * s), Ok(()));
    }

    #[test]
    fn tokens_are_summed_and_one_huge_request_never_passes() {
        let mut l = limiter();
        let t0 = Instant::now();
        assert_eq!(l.admit("a", "m", 60, t0), Ok(()));
        assert_eq!(l.admit("a", "m", 41, t0), Err(Refusal::Tokens));
        assert_eq!(l.admit("a", "m", 40, t0), Ok(()));
        let later = t0 + Duration::from_secs(3600);
        assert_eq!(l.admit("a", "m", 101, later), Err(Refusal::Tokens));
        assert_eq!(l.admit("a", "m", 100, later), Ok(()));
        l.clear();
        assert_eq!(l.admit("a", "m", 100, later), Ok(()));
    }
}
