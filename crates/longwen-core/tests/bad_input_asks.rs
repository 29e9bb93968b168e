//! Bad input, continued: questions, keys and addresses. Each refusal has its kind and leaves
//! nothing sent and nothing stored; odd but valid input (a key with spaces around it, an
//! address with a trailing slash, a long question without documents) works.

mod bad_input_support;
mod engine_support;

use bad_input_support::*;
use engine_support::{question, KEY};
use longwen_core::types::AskRequest;
use longwen_core::CancellationToken;
use mock_dashscope::{key_fingerprint, MockConfig, MockServer};

#[tokio::test]
async fn questions() {
    let env = env_with(MockConfig::default()).await;
    let doc = env.engine.add_text("合同正文", None).unwrap();
    let many: Vec<i64> = (0..100)
        .map(|i| env.engine.add_text(&format!("note {i}"), None).unwrap().id)
        .collect();
    let long = "问".repeat(50_000);
    let with = |q: &str, docs: &[i64]| question(q, docs);
    let cases: Vec<(&str, AskRequest, Option<&str>)> = vec![
        (
            "empty question",
            with("", &[doc.id]),
            Some("invalid_argument"),
        ),
        (
            "blank question",
            with(" \n\t ", &[doc.id]),
            Some("invalid_argument"),
        ),
        (
            "50,000 characters with a document",
            with(&long, &[doc.id]),
            Some("question_too_long"),
        ),
        (
            "100 documents",
            with("Q", &many),
            Some("input_too_many_documents"),
        ),
        (
            "an unknown document",
            with("Q", &[9_999]),
            Some("not_found"),
        ),
        (
            "an unknown chat",
            AskRequest {
                chat_id: Some(9_999),
                question: "Q".into(),
                ..Default::default()
            },
            Some("not_found"),
        ),
        // Valid: no limit on the question without documents; 99 documents are allowed.
        ("50,000 characters alone", with(&long, &[]), None),
        ("99 documents", with("Q", &many[..99]), None),
    ];
    let n = cases.len();
    for (label, request, want) in cases {
        let (sent, stored) = (env.chats_sent(), env.stored());
        let mut events = Vec::new();
        let r = env
            .engine
            .ask(request, &CancellationToken::new(), &mut |e| events.push(e))
            .await;
        match want {
            Some(kind) => {
                let e = r.expect_err(label);
                assert_eq!(e.kind(), kind, "{label}: {e:?}");
                assert!(events.is_empty(), "{label}: {events:?}");
                assert_eq!(env.chats_sent(), sent, "{label}: nothing sent");
                assert_eq!(env.stored(), stored, "{label}: nothing stored");
            }
            None => {
                r.unwrap_or_else(|e| panic!("{label}: {e:?}"));
                assert_eq!(env.chats_sent(), sent + 1, "{label}");
            }
        }
    }
    // Texts: blank, and too long for a message.
    let blank = env.engine.add_text(" \n ", None).unwrap_err();
    assert_eq!(blank.kind(), "invalid_argument");
    let huge = env.engine.add_text(&"字".repeat(9_001), None).unwrap_err();
    assert_eq!(huge.kind(), "text_too_long");
    assert!(env.uploads().is_empty());
    tried(n + 2);
}

#[tokio::test]
async fn keys_and_addresses() {
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let url = mock.base_url();
    let root = mock.root_url();
    // Spaces and line ends around a pasted key are trimmed: the service sees the key itself.
    for (label, key) in [
        ("spaces around", format!("  {KEY}  ")),
        ("a line end", format!("{KEY}\n")),
    ] {
        let (r, sent) = ask_with(&mock, url.clone(), &key).await;
        r.unwrap_or_else(|e| panic!("key with {label}: {e:?}"));
        assert_eq!(sent, 1);
        let auth = mock
            .requests()
            .last()
            .unwrap()
            .header("authorization")
            .unwrap()
            .to_string();
        assert_eq!(
            auth,
            format!("Bearer {}", key_fingerprint(KEY)),
            "key with {label}"
        );
    }
    let cases: Vec<(&str, String, String, Result<(), &str>)> = vec![
        (
            "a blank key",
            url.clone(),
            "  \n ".into(),
            Err("key_missing"),
        ),
        // No key holds a space: refused here (`BadKey`), before anything leaves.
        (
            "a space inside the key",
            url.clone(),
            "sk-refused-aa bb".into(),
            Err("invalid_argument"),
        ),
        // Sent as it is; the service refuses it (this mock refuses `sk-refused…` keys).
        (
            "a key the service refuses",
            url.clone(),
            "sk-refused-aabb".into(),
            Err("key_refused"),
        ),
        (
            "an address without a scheme",
            url.replace("http://", ""),
            KEY.into(),
            Err("invalid_argument"),
        ),
        (
            "an address with a trailing slash",
            format!("{url}/"),
            KEY.into(),
            Ok(()),
        ),
        (
            "the native API's address",
            format!("{root}/api/v1"),
            KEY.into(),
            Err("wrong_address"),
        ),
        (
            "plain http to a remote host",
            "http://dashscope.aliyuncs.com/compatible-mode/v1".into(),
            KEY.into(),
            Err("insecure_url"),
        ),
        (
            "not http at all",
            "ftp://127.0.0.1/compatible-mode/v1".into(),
            KEY.into(),
            Err("invalid_argument"),
        ),
    ];
    let n = cases.len();
    for (label, base, key, want) in cases {
        let (r, sent) = ask_with(&mock, base, &key).await;
        match (want, r) {
            (Ok(()), Ok(())) => assert_eq!(sent, 1, "{label}"),
            (Err(kind), Err(e)) => {
                assert_eq!(e.kind(), kind, "{label}: {e:?}");
                // Refused before anything left, but by the address that answers 404 and the
                // service that refuses the key.
                let reached = usize::from(kind == "wrong_address" || kind == "key_refused");
                assert_eq!(sent, reached, "{label}");
            }
            (want, got) => panic!("{label}: wanted {want:?}, got {got:?}"),
        }
    }
    assert!(mock
        .requests()
        .iter()
        .all(|r| !r.path.ends_with("/files") || r.method != "POST"));
    tried(n + 2);
}

/// A key with a line break inside (a bad paste) cannot go in a header: it is refused as a
/// key problem before anything leaves, not reported as a network failure.
#[tokio::test]
async fn a_key_with_a_line_break_inside_is_refused_as_a_key_problem() {
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let (r, sent) = ask_with(&mock, mock.base_url(), "sk-test-aaaa\nbbbb").await;
    let e = r.unwrap_err();
    assert_eq!(sent, 0);
    assert!(
        matches!(
            &e,
            longwen_core::Error::InvalidArgument {
                problem: longwen_core::error::Problem::BadKey,
                ..
            }
        ),
        "{e:?}"
    );
}
