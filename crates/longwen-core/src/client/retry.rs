//! When to try again and how long to wait first: every retry and poll of the client.
//! The waiting itself (cancellable sleeps) is the caller's.
//!
//! Not `backon`: the chat's policy runs two schedules side by side (429/5xx and "File parsing
//! in progress") and reports each wait as an event, which its builders do not fit; the
//! schedule itself is one line.

use super::config::ClientConfig;
use super::retry_after::MAX_SERVER_WAIT;
use super::types::WaitReason;
use crate::error::{Error, Result};
use std::future::Future;
use std::time::Duration;
use tokio::time::Instant;

/// Doubling backoff from `base`, capped at `cap`.
pub(crate) fn backoff(base: Duration, attempt: u32, cap: Duration) -> Duration {
    base.saturating_mul(1u32 << attempt.min(16)).min(cap)
}

/// The longest wait between two tries of a failing service (5xx).
const RETRY_CAP: Duration = Duration::from_secs(60);

/// The longest of our own waits after a 429 without `Retry-After`: throttling clears within
/// about a minute, and a shorter wait sees it clear sooner.
const RATE_LIMIT_CAP: Duration = Duration::from_secs(20);

/// Polling for a file to be read: doubling waits from `poll_interval`, capped at 5 s (or
/// the interval, if larger), all within `parse_wait`.
pub(crate) struct Poll {
    interval: Duration,
    cap: Duration,
    polls: u32,
    deadline: Instant,
}

impl Poll {
    pub(crate) fn new(cfg: &ClientConfig) -> Poll {
        Poll {
            interval: cfg.poll_interval,
            cap: cfg.poll_interval.max(Duration::from_secs(5)),
            polls: 0,
            deadline: Instant::now() + cfg.parse_wait,
        }
    }

    fn next_wait(&mut self) -> Duration {
        let wait = backoff(self.interval, self.polls, self.cap);
        self.polls += 1;
        wait
    }

    /// A retry: the next wait and its number, or `None` if it would end past the deadline.
    pub(crate) fn retry(&mut self) -> Option<(u32, Duration)> {
        let wait = backoff(self.interval, self.polls, self.cap);
        if Instant::now() + wait > self.deadline {
            return None;
        }
        self.next_wait();
        Some((self.polls, wait))
    }

    /// A status poll: when to look again (the last wait shortened to the deadline, so one
    /// more look comes at it), or `None` once the deadline has passed.
    pub(crate) fn next_look(&mut self) -> Option<Instant> {
        let wait = self.next_wait();
        let now = Instant::now();
        (now < self.deadline).then(|| (now + wait).min(self.deadline))
    }
}

/// A scheduled retry of a chat before its first token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Retry {
    pub reason: WaitReason,
    /// Counted per reason, from 1.
    pub attempt: u32,
    pub wait: Duration,
}

/// A chat before its first token (nothing delivered yet, so a retry cannot duplicate text):
/// 429 for as long as `rate_limit_budget` allows, honouring `Retry-After`; 5xx up to
/// `max_retries` times; "File parsing in progress" for as long as `parse_wait` allows. Each on
/// its own schedule and count. Never after the first token.
pub(crate) struct ChatRetries {
    base: Duration,
    rate_limits: u32,
    /// The sum of the waits on 429s so far, and its bound.
    rate_waited: Duration,
    rate_budget: Duration,
    server_errors: u32,
    max_retries: u32,
    parsing: Poll,
}

impl ChatRetries {
    pub(crate) fn new(cfg: &ClientConfig) -> ChatRetries {
        ChatRetries {
            base: cfg.retry_base_delay,
            rate_limits: 0,
            rate_waited: Duration::ZERO,
            rate_budget: cfg.rate_limit_budget,
            server_errors: 0,
            max_retries: cfg.max_retries,
            parsing: Poll::new(cfg),
        }
    }

    /// The retry after `err`, or `None` if `err` is final.
    pub(crate) fn after(&mut self, err: &Error) -> Option<Retry> {
        match err {
            Error::RateLimited(_) => self.rate_limited(err.retry_after()),
            Error::Service(info) if info.status >= 500 && self.server_errors < self.max_retries => {
                let wait = backoff(self.base, self.server_errors, RETRY_CAP);
                self.server_errors += 1;
                Some(Retry {
                    reason: WaitReason::ServerError,
                    attempt: self.server_errors,
                    wait,
                })
            }
            Error::FileParsing(_) => {
                let (attempt, wait) = self.parsing.retry()?;
                Some(Retry {
                    reason: WaitReason::FileParsing,
                    attempt,
                    wait,
                })
            }
            _ => None,
        }
    }

    /// `Retry-After` (at most a minute, at least `base`: a server saying 0 again and again is
    /// not asked again at once), else the doubling backoff; none once the waits would pass
    /// the budget.
    fn rate_limited(&mut self, told: Option<Duration>) -> Option<Retry> {
        let wait = match told {
            Some(told) => told.min(MAX_SERVER_WAIT).max(self.base),
            None => backoff(self.base, self.rate_limits, RATE_LIMIT_CAP),
        };
        let waited = self.rate_waited.saturating_add(wait);
        if waited > self.rate_budget {
            return None;
        }
        self.rate_waited = waited;
        self.rate_limits += 1;
        Some(Retry {
            reason: WaitReason::RateLimited,
            attempt: self.rate_limits,
            wait,
        })
    }
}

/// Servers may answer an upload early (a refusal read from the headers alone) and close
/// the connection while the body is still being written; the client then sees a broken pipe
/// instead of the answer. A fresh attempt usually gets the answer itself.
const BODY_CUT_RETRIES: u32 = 2;

/// How one upload attempt failed.
pub(crate) enum Attempt {
    /// The body could not be written: worth another try.
    BodyCut(Error),
    Failed(Error),
}

impl From<Error> for Attempt {
    fn from(e: Error) -> Self {
        Attempt::Failed(e)
    }
}

/// Runs `attempt` again after a cut body, up to `BODY_CUT_RETRIES` times.
pub(crate) async fn upload_attempts<T, F, Fut>(mut attempt: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Attempt>>,
{
    let mut retries = 0;
    loop {
        match attempt().await {
            Err(Attempt::BodyCut(_)) if retries < BODY_CUT_RETRIES => retries += 1,
            Err(Attempt::BodyCut(e)) | Err(Attempt::Failed(e)) => return Err(e),
            Ok(v) => return Ok(v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ServiceInfo;

    #[test]
    fn backoff_doubles_and_caps() {
        let b = Duration::from_millis(500);
        let cap = Duration::from_secs(5);
        let got: Vec<_> = (0..6).map(|i| backoff(b, i, cap).as_millis()).collect();
        assert_eq!(got, vec![500, 1000, 2000, 4000, 5000, 5000]);
        assert_eq!(backoff(b, 40, cap), cap);
    }

    fn service(status: u16) -> Box<ServiceInfo> {
        Box::new(ServiceInfo {
            status,
            ..Default::default()
        })
    }

    fn limited(retry_after_secs: Option<u64>) -> Error {
        let mut info = service(429);
        info.retry_after_secs = retry_after_secs;
        Error::RateLimited(info)
    }

    fn wait(r: Option<Retry>) -> Option<(WaitReason, u32, u128)> {
        r.map(|r| (r.reason, r.attempt, r.wait.as_millis()))
    }

    #[test]
    fn chat_retries_count_each_schedule_apart() {
        let cfg = ClientConfig {
            max_retries: 2,
            retry_base_delay: Duration::from_millis(100),
            poll_interval: Duration::from_millis(100),
            parse_wait: Duration::from_millis(350),
            ..Default::default()
        };
        let mut r = ChatRetries::new(&cfg);
        assert_eq!(
            wait(r.after(&limited(Some(7)))),
            Some((WaitReason::RateLimited, 1, 7000))
        );
        assert_eq!(
            wait(r.after(&Error::FileParsing(service(400)))),
            Some((WaitReason::FileParsing, 1, 100))
        );
        assert_eq!(
            wait(r.after(&Error::Service(service(503)))),
            Some((WaitReason::ServerError, 1, 100))
        );
        assert_eq!(
            wait(r.after(&limited(None))),
            Some((WaitReason::RateLimited, 2, 200))
        );
        assert_eq!(
            wait(r.after(&Error::Service(service(500)))),
            Some((WaitReason::ServerError, 2, 200))
        );
        // Out of 5xx retries; a 4xx is never retried; 429s go on within their budget.
        assert_eq!(wait(r.after(&Error::Service(service(502)))), None);
        assert_eq!(wait(r.after(&Error::Service(service(400)))), None);
        assert_eq!(
            wait(r.after(&limited(None))),
            Some((WaitReason::RateLimited, 3, 400))
        );
        // Parsing goes on within its own bound: 200 ms more fits in 350, 400 does not.
        assert_eq!(
            wait(r.after(&Error::FileParsing(service(400)))),
            Some((WaitReason::FileParsing, 2, 200))
        );
        assert_eq!(wait(r.after(&Error::FileParsing(service(400)))), None);
    }

    /// With the defaults, 429s are retried for about a minute (not `max_retries` times):
    /// backoff 1, 2, 4, 8, 16, then 20 s at most, while the sum stays within 75 s.
    #[test]
    fn rate_limits_retry_within_their_budget() {
        let cfg = ClientConfig::default();
        let mut r = ChatRetries::new(&cfg);
        let mut waits = Vec::new();
        while let Some(retry) = r.after(&limited(None)) {
            assert_eq!(retry.attempt as usize, waits.len() + 1);
            waits.push(retry.wait.as_secs());
        }
        assert_eq!(waits, vec![1, 2, 4, 8, 16, 20, 20]);
        assert!(waits.len() > cfg.max_retries as usize);
        // 5xx keep their own count.
        let got = (0..5)
            .map_while(|_| r.after(&Error::Service(service(503))))
            .count();
        assert_eq!(got, cfg.max_retries as usize);

        // Retry-After is honoured, clamped to a minute and never below the base delay.
        let mut r = ChatRetries::new(&cfg);
        assert_eq!(
            wait(r.after(&limited(Some(u64::MAX)))),
            Some((WaitReason::RateLimited, 1, 60_000))
        );
        assert_eq!(wait(r.after(&limited(Some(60)))), None, "past 75 s");
        let mut r = ChatRetries::new(&cfg);
        let zeros: Vec<_> = std::iter::from_fn(|| r.after(&limited(Some(0))))
            .map(|r| r.wait)
            .collect();
        assert_eq!(zeros.len(), 75);
        assert!(zeros.iter().all(|w| *w == cfg.retry_base_delay));
    }

    #[tokio::test]
    async fn status_polls_end_at_the_deadline() {
        let cfg = ClientConfig {
            poll_interval: Duration::from_millis(50),
            parse_wait: Duration::from_millis(250),
            ..Default::default()
        };
        let mut p = Poll::new(&cfg);
        let mut looks = Vec::new();
        while let Some(at) = p.next_look() {
            looks.push(at);
            tokio::time::sleep_until(at).await;
        }
        // After about 50 and 150 ms, then at the deadline (the 200 ms wait cut short).
        assert_eq!(looks.len(), 3, "{looks:?}");
        assert_eq!(looks.last(), Some(&p.deadline));
    }
}
