//! `Retry-After`: delay seconds (an integer, or leniently a decimal) or an HTTP date, read
//! without floats (nothing to overflow or be NaN) and clamped to `MAX_SERVER_WAIT`. Anything
//! else counts as absent. Dates are parsed by `httpdate`, the crate hyper itself uses.

use reqwest::header::{HeaderMap, RETRY_AFTER};
use std::time::{Duration, SystemTime};

/// The longest wait a server may ask for: longer requests are cut to it.
pub(crate) const MAX_SERVER_WAIT: Duration = Duration::from_secs(60);

/// `Retry-After` in whole seconds (rounded up) and at most `MAX_SERVER_WAIT`; `None` when
/// absent or unreadable. A date already past means now (0).
pub(crate) fn retry_after_secs(headers: &HeaderMap) -> Option<u64> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    parse(value, SystemTime::now())
}

fn parse(value: &str, now: SystemTime) -> Option<u64> {
    let value = value.trim();
    let secs = match delay_seconds(value) {
        Some(secs) => secs,
        None => {
            let at = httpdate::parse_http_date(value).ok()?;
            let wait = at.duration_since(now).unwrap_or(Duration::ZERO);
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        }
    };
    Some(secs.min(MAX_SERVER_WAIT.as_secs()))
}

/// `1*DIGIT`, or `1*DIGIT "." 1*DIGIT` rounded up; values past `u64` saturate.
fn delay_seconds(value: &str) -> Option<u64> {
    let (whole, fraction) = match value.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (value, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || fraction.is_some_and(|f| !digits(f)) {
        return None;
    }
    // All digits: parsing can only fail by overflow.
    let whole = whole.parse::<u64>().unwrap_or(u64::MAX);
    let round_up = fraction.is_some_and(|f| f.bytes().any(|b| b != b'0'));
    Some(whole.saturating_add(u64::from(round_up)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_dates_and_nonsense() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_750_000_000);
        let date = |offset: i64| {
            let at = if offset >= 0 {
                now + Duration::from_secs(offset as u64)
            } else {
                now - Duration::from_secs(offset.unsigned_abs())
            };
            httpdate::fmt_http_date(at)
        };
        let cases: Vec<(String, Option<u64>)> = vec![
            ("0".into(), Some(0)),
            ("7".into(), Some(7)),
            (" 3 ".into(), Some(3)),
            ("60".into(), Some(60)),
            ("61".into(), Some(60)),
            ("1.5".into(), Some(2)),
            ("2.0".into(), Some(2)),
            ("0.001".into(), Some(1)),
            ("59.9".into(), Some(60)),
            ("18446744073709551615".into(), Some(60)),
            ("18446744073709551615.5".into(), Some(60)),
            ("99999999999999999999999999999999".into(), Some(60)),
            (date(30), Some(30)),
            (date(0), Some(0)),
            (date(-3600), Some(0)),
            (date(86_400 * 365), Some(60)),
            ("Fri, 31 Dec 9999 23:59:59 GMT".into(), Some(60)),
            // The two obsolete date forms HTTP still accepts.
            ("Sunday, 06-Nov-94 08:49:37 GMT".into(), Some(0)),
            ("Sun Nov  6 08:49:37 1994".into(), Some(0)),
            ("1e20".into(), None),
            ("-1".into(), None),
            ("+5".into(), None),
            ("NaN".into(), None),
            ("inf".into(), None),
            ("1.".into(), None),
            (".5".into(), None),
            ("1.2.3".into(), None),
            ("5 s".into(), None),
            ("".into(), None),
            ("garbage".into(), None),
            ("Fri, 32 Dec 2025 25:61:61 GMT".into(), None),
        ];
        for (value, want) in cases {
            assert_eq!(parse(&value, now), want, "{value:?}");
        }
    }

    #[test]
    fn from_the_header() {
        let mut h = HeaderMap::new();
        assert_eq!(retry_after_secs(&h), None);
        h.insert(RETRY_AFTER, "12".parse().unwrap());
        assert_eq!(retry_after_secs(&h), Some(12));
        let soon = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        h.insert(RETRY_AFTER, soon.parse().unwrap());
        // The date has whole seconds: 29 s and a fraction away, rounded up.
        assert!(matches!(retry_after_secs(&h), Some(29..=30)));
        // Not visible ASCII: unreadable, so absent.
        h.insert(
            RETRY_AFTER,
            reqwest::header::HeaderValue::from_bytes(b"\xff12").unwrap(),
        );
        assert_eq!(retry_after_secs(&h), None);
    }
}
