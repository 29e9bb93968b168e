//! The `[[mock:…]]` markers a test writes into the last user message to ask for a fault.

/// Faults asked for by markers in the last user message.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Markers {
    pub cut: Option<usize>,
    pub slow_ms: Option<u64>,
    pub delay_ms: Option<u64>,
    pub error: Option<(String, usize)>,
    pub flat_error: Option<(String, usize)>,
    pub huge_line: Option<usize>,
    pub bad_json: Option<usize>,
    pub stall: Option<(usize, u64)>,
    pub status: Option<(u16, String, Option<u64>)>,
    pub split: bool,
    pub long: Option<usize>,
    /// Chunks a second, paced against the start (benchmarks of the streaming path).
    pub rate: Option<u32>,
    /// Every Nth chunk carries the wall-clock time it was written.
    pub stamp: Option<usize>,
}

/// Finds `[[mock:NAME]]` / `[[mock:NAME=VALUE]]` markers; returns them and the text without them.
/// Unknown or malformed markers are left in the text (so a typo is visible in the answer).
pub fn parse_markers(text: &str) -> (Markers, String) {
    let mut m = Markers::default();
    let mut rest = text;
    let mut clean = String::with_capacity(text.len());
    while let Some(start) = rest.find("[[mock:") {
        clean.push_str(&rest[..start]);
        let after = &rest[start + 7..];
        let Some(end) = after.find("]]") else {
            clean.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let body = &after[..end];
        if !apply_marker(&mut m, body) {
            clean.push_str(&rest[start..start + 7 + end + 2]);
        }
        rest = &after[end + 2..];
    }
    clean.push_str(rest);
    (m, clean.trim().to_string())
}

fn apply_marker(m: &mut Markers, body: &str) -> bool {
    let (name, value) = match body.split_once('=') {
        Some((n, v)) => (n.trim(), v.trim()),
        None => (body.trim(), ""),
    };
    match name {
        "cut" => value.parse().map(|n| m.cut = Some(n)).is_ok(),
        "slow" => value.parse().map(|n| m.slow_ms = Some(n)).is_ok(),
        "delay" => value.parse().map(|n| m.delay_ms = Some(n)).is_ok(),
        "long" => value.parse().map(|n| m.long = Some(n)).is_ok(),
        "rate" => value
            .parse()
            .ok()
            .filter(|&n| n > 0)
            .map(|n| m.rate = Some(n))
            .is_some(),
        "stamp" => value
            .parse()
            .ok()
            .filter(|&n| n > 0)
            .map(|n| m.stamp = Some(n))
            .is_some(),
        "hugeline" => value.parse().map(|n| m.huge_line = Some(n)).is_ok(),
        "badjson" => value.parse().map(|n| m.bad_json = Some(n)).is_ok(),
        "stall" => match value.split_once('@').map(|(n, ms)| (n.parse(), ms.parse())) {
            Some((Ok(n), Ok(ms))) => {
                m.stall = Some((n, ms));
                true
            }
            _ => false,
        },
        "split" => {
            m.split = true;
            true
        }
        "error" => code_at(value).map(|e| m.error = Some(e)).is_some(),
        "flaterror" => code_at(value).map(|e| m.flat_error = Some(e)).is_some(),
        "status" => {
            let mut parts = value.split(':');
            let status = parts.next().and_then(|s| s.parse::<u16>().ok());
            let code = parts.next().filter(|c| !c.is_empty());
            let retry = parts.next().and_then(|r| r.parse::<u64>().ok());
            match (status, code) {
                (Some(s), Some(c)) if (400..600).contains(&s) => {
                    m.status = Some((s, c.to_string(), retry));
                    true
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// `CODE@N` (or `CODE`, meaning after 0 chunks).
fn code_at(value: &str) -> Option<(String, usize)> {
    let (code, n) = value.split_once('@').unwrap_or((value, "0"));
    match n.parse() {
        Ok(n) if !code.is_empty() => Some((code.to_string(), n)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_parsed_and_removed() {
        let (m, q) = parse_markers("Hello [[mock:cut=3]] there [[mock:status=429:limit_requests:2]][[mock:split]][[mock:error=data_inspection_failed@4]] [[mock:bogus]]");
        assert_eq!(m.cut, Some(3));
        assert_eq!(m.status, Some((429, "limit_requests".into(), Some(2))));
        assert!(m.split);
        assert_eq!(m.error, Some(("data_inspection_failed".into(), 4)));
        assert_eq!(q, "Hello  there  [[mock:bogus]]");

        let (m, q) = parse_markers("[[mock:flaterror=Throttling@2]][[mock:hugeline=70000]][[mock:badjson=4]][[mock:stall=3@250]][[mock:stall=3]]");
        assert_eq!(m.flat_error, Some(("Throttling".into(), 2)));
        assert_eq!(m.huge_line, Some(70000));
        assert_eq!(m.bad_json, Some(4));
        assert_eq!(m.stall, Some((3, 250)));
        assert_eq!(q, "[[mock:stall=3]]");

        let (m, q) = parse_markers("[[mock:rate=200]][[mock:stamp=10]][[mock:rate=0]]");
        assert_eq!((m.rate, m.stamp), (Some(200), Some(10)));
        assert_eq!(q, "[[mock:rate=0]]");
    }
}
