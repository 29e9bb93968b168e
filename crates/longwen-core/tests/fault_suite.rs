//! The fault suite: `RUNS` seeded runs of one question through the engine against the mock,
//! each with one random fault in the answer (a cut at a random byte, inside a UTF-8 character
//! or inside `data:` included; 5xx; 429 with and without `Retry-After`; a stall past the idle
//! timeout; an error frame, wrapped or flat; broken JSON; a trickle; an oversized line...).
//!
//! Each run prints its seed (`BASE_SEED + index`). Replay one:
//! `FAULT_SEED=<seed> cargo test -p longwen-core --test fault_suite -- --nocapture`.
//!
//! For every run: the answer ends `complete`, `interrupted` or `error` with the kind the
//! fault calls for; the stored text is exactly the text the face was given (the `Delta`
//! events), which is exactly what the mock had sent whole before the fault (so nothing is
//! lost and nothing doubled); the retries are the ones the policy allows; the database passes
//! its integrity check; nothing panics; and nothing hangs (each run is bounded, and running
//! out of the bound fails the test: it is a guard, not a way to wait).

mod engine_support;
mod fault_support;

use engine_support::{deltas, question};
use fault_support::{client_config, fresh, integrity, rate_limit_retries, replay, Body};
use longwen_core::client::{ClientConfig, WaitReason};
use longwen_core::error::Cut;
use longwen_core::types::{AnswerEvent, MessageStatus};
use longwen_core::{CancellationToken, Error};
use mock_dashscope::{Fault, Target};
use std::collections::BTreeMap;
use std::time::Duration;

const BASE_SEED: u64 = 0x4C57_F417_0000;
const RUNS: u64 = 120;
/// No run takes this long unless it hangs.
const GUARD: Duration = Duration::from_secs(15);

/// Chinese and an emoji, so that the answer has 3- and 4-byte characters to cut inside.
const DOCUMENT: &str =
    "甲方：华东建材有限公司。乙方：长文科技。合同总金额为人民币壹佰贰拾万元整。📄";
const QUESTION: &str = "合同的总金额是多少？请逐条说明违约责任 📑";

/// Where a cut at a byte falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Spot {
    Anywhere,
    InsideChar,
    InsideData,
    Boundary,
}

#[derive(Debug, Clone)]
enum Case {
    CutAtByte {
        byte: usize,
        spot: Spot,
    },
    CutAfter {
        chunks: usize,
    },
    ServerErrors {
        status: u16,
        count: usize,
    },
    RateLimited {
        count: usize,
        retry_after: Option<u64>,
    },
    Stall {
        after: usize,
        ms: u64,
    },
    StreamError {
        after: usize,
        flat: bool,
        moderation: bool,
    },
    BadJson {
        after: usize,
    },
    Slow {
        delay_ms: u64,
    },
    HugeLine {
        bytes: usize,
    },
    FirstTokenDelay {
        ms: u64,
    },
    Split,
}

impl Case {
    fn name(&self) -> &'static str {
        match self {
            Case::CutAtByte { .. } => "cut at a byte",
            Case::CutAfter { .. } => "cut after chunks",
            Case::ServerErrors { .. } => "5xx",
            Case::RateLimited { .. } => "429",
            Case::Stall { .. } => "stall",
            Case::StreamError { flat: false, .. } => "error frame",
            Case::StreamError { flat: true, .. } => "flat error frame",
            Case::BadJson { .. } => "broken JSON",
            Case::Slow { .. } => "trickle",
            Case::HugeLine { .. } => "oversized line",
            Case::FirstTokenDelay { .. } => "late first token",
            Case::Split => "split bytes",
        }
    }
}

/// One random fault for a seed.
fn choose(rng: &mut fastrand::Rng, body: &Body, cfg: &ClientConfig) -> Case {
    let n = body.pieces().len();
    let pick = |rng: &mut fastrand::Rng, v: Vec<usize>| v[rng.usize(..v.len())];
    match rng.u32(0..100) {
        0..=34 => {
            let spot = [
                Spot::Anywhere,
                Spot::InsideChar,
                Spot::InsideData,
                Spot::Boundary,
            ][rng.usize(..4)];
            let byte = match spot {
                Spot::Anywhere => rng.usize(0..=body.raw.len() + 8),
                Spot::InsideChar => pick(rng, body.char_insides()),
                Spot::InsideData => pick(rng, body.data_insides()),
                Spot::Boundary => pick(rng, body.boundaries()),
            };
            Case::CutAtByte { byte, spot }
        }
        35..=39 => Case::CutAfter {
            chunks: rng.usize(0..=n + 1),
        },
        40..=49 => Case::ServerErrors {
            status: [500, 502, 503, 504][rng.usize(..4)],
            count: rng.usize(1..=cfg.max_retries as usize + 2),
        },
        50..=59 => {
            let retry_after = [None, Some(0), Some(1)][rng.usize(..3)];
            let allowed = rate_limit_retries(cfg, retry_after);
            Case::RateLimited {
                count: rng.usize(1..=allowed + 2),
                retry_after,
            }
        }
        60..=69 => Case::Stall {
            after: rng.usize(0..=n),
            // Well within the idle timeout (300 ms), or far past it.
            ms: if rng.bool() { rng.u64(5..=60) } else { 1_500 },
        },
        70..=79 => Case::StreamError {
            after: rng.usize(0..=n + 1),
            flat: rng.bool(),
            moderation: rng.bool(),
        },
        80..=85 => Case::BadJson {
            after: rng.usize(0..=n + 1),
        },
        86..=90 => Case::Slow {
            delay_ms: rng.u64(1..=8),
        },
        // Under the test's 64 KiB line limit, or over it.
        91..=95 => Case::HugeLine {
            bytes: if rng.bool() {
                rng.usize(2_000..=60_000)
            } else {
                rng.usize(70_000..=300_000)
            },
        },
        96..=97 => Case::FirstTokenDelay {
            ms: rng.u64(1..=100),
        },
        _ => Case::Split,
    }
}

fn faults(case: &Case) -> Vec<Fault> {
    match case.clone() {
        Case::CutAtByte { byte, .. } => vec![Fault::CutAtByte { byte }],
        Case::CutAfter { chunks } => vec![Fault::CutAfter { chunks }],
        Case::ServerErrors { status, count } => {
            let f = Fault::http_error(Target::Chat, status, "InternalError", "Mock 5xx.");
            vec![f; count]
        }
        Case::RateLimited { count, retry_after } => {
            let mut f = Fault::http_error(
                Target::Chat,
                429,
                "limit_requests",
                "Requests rate limit exceeded, please try again later.",
            );
            if let Fault::HttpError { retry_after: r, .. } = &mut f {
                *r = retry_after;
            }
            vec![f; count]
        }
        Case::Stall { after, ms } => vec![Fault::Stall {
            after_chunks: after,
            ms,
        }],
        Case::StreamError {
            after,
            flat,
            moderation,
        } => {
            let (code, message) = match (moderation, flat) {
                (true, false) => (
                    "data_inspection_failed",
                    "Output data may contain inappropriate content.",
                ),
                (true, true) => (
                    "DataInspectionFailed",
                    "Output data may contain inappropriate content.",
                ),
                (false, _) => ("InternalError", "The service met an error."),
            };
            let (code, message) = (code.to_string(), message.to_string());
            vec![if flat {
                Fault::StreamErrorFlat {
                    after_chunks: after,
                    code,
                    message,
                }
            } else {
                Fault::StreamError {
                    after_chunks: after,
                    code,
                    message,
                }
            }]
        }
        Case::BadJson { after } => vec![Fault::BadJson {
            after_chunks: after,
        }],
        Case::Slow { delay_ms } => vec![Fault::SlowChunks { delay_ms }],
        Case::HugeLine { bytes } => vec![Fault::HugeLine { bytes }],
        Case::FirstTokenDelay { ms } => vec![Fault::FirstTokenDelay { delay_ms: ms }],
        Case::Split => vec![Fault::SplitUtf8],
    }
}

/// How a run must end.
#[derive(Debug)]
enum Want {
    Complete,
    /// Complete, with the huge line's padding (`x`s) after the first piece.
    CompletePadded {
        bytes: usize,
    },
    Ended {
        status: MessageStatus,
        kind: &'static str,
        text: String,
    },
}

/// What the fault calls for, and how many chat requests and waits it takes.
fn want(case: &Case, body: &Body, cfg: &ClientConfig) -> (Want, usize, usize) {
    let pieces = body.pieces();
    let first = |k: usize| pieces[..k.min(pieces.len())].concat();
    let ended = |status, kind, text| Want::Ended { status, kind, text };
    let (interrupted, error) = (MessageStatus::Interrupted, MessageStatus::Error);
    match *case {
        Case::CutAtByte { byte, .. } => match body.after_cut(byte) {
            (_, true) => (Want::Complete, 1, 0),
            (text, false) => (ended(interrupted, "stream_cut", text), 1, 0),
        },
        Case::CutAfter { chunks } => (ended(interrupted, "stream_cut", first(chunks)), 1, 0),
        Case::ServerErrors { count, .. } => {
            let max = cfg.max_retries as usize;
            if count <= max {
                (Want::Complete, count + 1, count)
            } else {
                (ended(error, "service_error", String::new()), max + 1, max)
            }
        }
        Case::RateLimited { count, retry_after } => {
            let allowed = rate_limit_retries(cfg, retry_after);
            if count <= allowed {
                (Want::Complete, count + 1, count)
            } else {
                let e = ended(error, "rate_limited", String::new());
                (e, allowed + 1, allowed)
            }
        }
        Case::Stall { ms, .. } if ms < 100 => (Want::Complete, 1, 0),
        Case::Stall { after, .. } => (ended(interrupted, "timeout", first(after)), 1, 0),
        Case::StreamError {
            after, moderation, ..
        } => {
            let kind = if moderation {
                "content_refused"
            } else {
                "service_error"
            };
            (ended(error, kind, first(after)), 1, 0)
        }
        Case::BadJson { after } => (ended(error, "service_error", first(after)), 1, 0),
        Case::HugeLine { bytes } if bytes > cfg.max_stream_event_bytes => {
            (ended(interrupted, "stream_cut", first(1)), 1, 0)
        }
        Case::HugeLine { bytes } => (Want::CompletePadded { bytes }, 1, 0),
        Case::Slow { .. } | Case::FirstTokenDelay { .. } | Case::Split => (Want::Complete, 1, 0),
    }
}

/// The answer as the mock writes it for this question, whole.
async fn reference() -> Body {
    let (mock, _dir, engine) = fresh().await;
    let doc = engine.add_text(DOCUMENT, None).unwrap();
    let mut events = Vec::new();
    let answer = engine
        .ask(
            question(QUESTION, &[doc.id]),
            &CancellationToken::new(),
            &mut |e| events.push(e),
        )
        .await
        .unwrap();
    let sent = mock.requests()[0].body.clone();
    let body = replay(&sent).await;
    assert_eq!(
        answer.message.text,
        body.text(),
        "the replay is the same answer"
    );
    assert!(body.pieces().len() > 10 && !body.char_insides().is_empty());
    body
}

/// One run; returns the fault's name. Panics (naming the seed) when anything is wrong.
async fn run(index: u64, seed: u64, body: &Body) -> Case {
    let cfg = client_config();
    let mut rng = fastrand::Rng::with_seed(seed);
    let case = choose(&mut rng, body, &cfg);
    let ctx = format!("run {index}, seed {seed}: {case:?}");
    println!("{ctx}");
    let (mock, dir, engine) = fresh().await;
    let doc = engine.add_text(DOCUMENT, None).unwrap();
    for f in faults(&case) {
        mock.push_fault(f);
    }
    let mut events = Vec::new();
    let cancel = CancellationToken::new();
    let mut on_event = |e| events.push(e);
    let asked = engine.ask(question(QUESTION, &[doc.id]), &cancel, &mut on_event);
    let result = tokio::time::timeout(GUARD, asked)
        .await
        .unwrap_or_else(|_| panic!("{ctx}: no end within {GUARD:?}"));
    let chat_id = match events.first() {
        Some(AnswerEvent::Started { chat_id, .. }) => *chat_id,
        other => panic!("{ctx}: first event {other:?}"),
    };
    let stored = engine.chat(chat_id).unwrap().messages.pop().unwrap();
    let given = deltas(&events);
    assert_eq!(
        stored.text, given,
        "{ctx}: stored text = text given to the face"
    );

    let (want, requests, waits) = want(&case, body, &cfg);
    match (&want, &result) {
        (Want::Complete, Ok(answer)) => {
            assert_eq!(given, body.text(), "{ctx}");
            assert_eq!(answer.message.status, MessageStatus::Complete, "{ctx}");
        }
        (Want::CompletePadded { bytes }, Ok(_)) => {
            let pieces = body.pieces();
            let rest = pieces[1..].concat();
            let padding = given
                .strip_prefix(pieces[0].as_str())
                .and_then(|g| g.strip_suffix(rest.as_str()))
                .unwrap_or_else(|| panic!("{ctx}: {given:?}"));
            assert!(padding.bytes().all(|b| b == b'x'), "{ctx}");
            assert!(
                padding.len() <= *bytes && padding.len() + 400 >= *bytes,
                "{ctx}"
            );
        }
        (Want::Ended { status, kind, text }, Err(e)) => {
            assert_eq!(e.kind(), *kind, "{ctx}: {e:?}");
            assert_eq!(MessageStatus::ended_by(e), *status, "{ctx}");
            assert_eq!(&given, text, "{ctx}: the text before the fault, once");
            assert_eq!(stored.error.as_ref().map(Error::kind), Some(*kind), "{ctx}");
            if let Case::HugeLine { .. } = case {
                assert!(
                    matches!(
                        e,
                        Error::StreamCut {
                            cause: Cut::Oversized,
                            ..
                        }
                    ),
                    "{ctx}: {e:?}"
                );
            }
        }
        (want, got) => panic!("{ctx}: wanted {want:?}, got {got:?}"),
    }
    let status = match &result {
        Ok(_) => MessageStatus::Complete,
        Err(e) => MessageStatus::ended_by(e),
    };
    assert_eq!(stored.status, status, "{ctx}: stored end state");

    let chats = mock
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/chat/completions"))
        .count();
    assert_eq!(chats, requests, "{ctx}: chat requests");
    let waited: Vec<(WaitReason, u64)> = events
        .iter()
        .filter_map(|e| match e {
            AnswerEvent::Waiting {
                reason,
                retry_in_ms,
                ..
            } => Some((*reason, *retry_in_ms)),
            _ => None,
        })
        .collect();
    assert_eq!(waited.len(), waits, "{ctx}: waits {waited:?}");
    if let Case::RateLimited {
        retry_after: Some(secs),
        ..
    } = case
    {
        let honoured = Duration::from_secs(secs).max(cfg.retry_base_delay);
        assert!(
            waited.iter().all(|w| w.1 == honoured.as_millis() as u64),
            "{ctx}: Retry-After honoured: {waited:?}"
        );
    }
    drop(engine);
    assert_eq!(integrity(dir.path()), "ok", "{ctx}");
    case
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeded_faults_end_in_a_clear_state_with_the_text_given_and_nothing_more() {
    let body = reference().await;
    let seeds: Vec<(u64, u64)> = match std::env::var("FAULT_SEED") {
        Ok(s) => {
            let seed: u64 = s.parse().expect("FAULT_SEED is a number");
            vec![(seed.wrapping_sub(BASE_SEED), seed)]
        }
        Err(_) => (0..RUNS).map(|i| (i, BASE_SEED + i)).collect(),
    };
    let started = std::time::Instant::now();
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    let mut spots: BTreeMap<Spot, usize> = BTreeMap::new();
    for &(index, seed) in &seeds {
        let case = run(index, seed, &body).await;
        *by_kind.entry(case.name()).or_default() += 1;
        if let Case::CutAtByte { spot, byte } = case {
            *spots.entry(spot).or_default() += 1;
            // The spot is what it says, so the coverage below means something.
            match spot {
                Spot::InsideChar => assert!(body.inside_char(byte)),
                Spot::InsideData => assert!(body.inside_data(byte)),
                Spot::Boundary => assert!(body.at_boundary(byte)),
                Spot::Anywhere => {}
            }
        }
    }
    println!(
        "faults injected: {} in {:?}; by fault {by_kind:?}; cuts at a byte by spot {spots:?}",
        seeds.len(),
        started.elapsed()
    );
    if seeds.len() as u64 == RUNS {
        // The fixed seeds cover every fault and every kind of cut.
        assert_eq!(by_kind.len(), 12, "{by_kind:?}");
        assert_eq!(spots.len(), 4, "{spots:?}");
    }
}
