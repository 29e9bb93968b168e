//! SSE → deltas, usage, finish reason, in-stream errors.
//!
//! Framing is `eventsource-stream`'s: it keeps an incomplete UTF-8 sequence back until the
//! next read, accepts LF/CRLF/CR line ends, drops comments and only yields complete events.
//! `body::bounded` keeps its buffers bounded. This module only reads the JSON inside each
//! event.

use super::body::bounded;
use super::errors::{classify, service_info};
use super::types::Usage;
use crate::error::{Cut, Error, Result};
use bytes::Bytes;
use eventsource_stream::{EventStreamError, Eventsource};
use futures_util::{Stream, StreamExt};
use serde::Deserialize;

/// One `chat.completion.chunk`, reduced to what Longwen uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Chunk {
    /// Empty when the chunk has no text (role-only, usage-only).
    pub content: String,
    pub finish_reason: Option<String>,
    pub usage: Option<Usage>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SseItem {
    Chunk(Chunk),
    /// `data: [DONE]`
    Done,
}

#[derive(Deserialize)]
struct RawChunk {
    #[serde(default)]
    choices: Vec<RawChoice>,
    #[serde(default)]
    usage: Option<Usage>,
    #[serde(default)]
    error: Option<serde_json::Value>,
    /// A flat error frame (`{"code","message","request_id"}`, no `error` wrapper).
    #[serde(default)]
    code: Option<serde_json::Value>,
}

impl RawChunk {
    /// An error frame, wrapped (`{"error":{…}}`) or flat (`{"code":"…",…}`).
    fn is_error(&self) -> bool {
        let present = |v: &Option<serde_json::Value>| match v {
            None | Some(serde_json::Value::Null) => false,
            Some(serde_json::Value::String(s)) => !s.is_empty(),
            Some(_) => true,
        };
        present(&self.error) || present(&self.code)
    }
}

#[derive(Deserialize)]
struct RawChoice {
    #[serde(default)]
    delta: Option<RawDelta>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct RawDelta {
    #[serde(default)]
    content: Option<String>,
}

/// Reads one event's `data`. An error frame (`{"error":…}`, or flat `{"code":…}`) becomes the
/// error the table names for it, with status 200.
pub fn parse_data(data: &str, request_id: Option<&str>) -> Result<SseItem> {
    let data = data.trim();
    if data == "[DONE]" {
        return Ok(SseItem::Done);
    }
    let raw: RawChunk = serde_json::from_str(data).map_err(|e| {
        Error::Service(Box::new(crate::error::ServiceInfo {
            status: 200,
            message: Some(e.to_string()),
            request_id: request_id.map(str::to_string),
            ..Default::default()
        }))
    })?;
    if raw.is_error() {
        let info = service_info(200, request_id.map(str::to_string), data.as_bytes());
        return Err(classify(info, false));
    }
    // The usage chunk has `"choices": []`: never index blindly.
    let mut chunk = Chunk {
        usage: raw.usage,
        ..Default::default()
    };
    for choice in raw.choices {
        if let Some(c) = choice.delta.and_then(|d| d.content) {
            chunk.content.push_str(&c);
        }
        if choice.finish_reason.is_some() {
            chunk.finish_reason = choice.finish_reason;
        }
    }
    Ok(SseItem::Chunk(chunk))
}

/// Turns the response body into items. Transport errors arrive already mapped. A line or an
/// event longer than `max_event` bytes ends it with `StreamCut { cause: Oversized }`.
pub fn decode<S>(
    bytes: S,
    request_id: Option<String>,
    max_event: usize,
) -> impl Stream<Item = Result<SseItem>>
where
    S: Stream<Item = Result<Bytes, Error>>,
{
    bounded(bytes, max_event)
        .eventsource()
        .map(move |ev| match ev {
            Ok(ev) => parse_data(&ev.data, request_id.as_deref()),
            Err(EventStreamError::Transport(e)) => Err(e),
            Err(EventStreamError::Utf8(e)) => Err(Error::StreamCut {
                cause: Cut::BadUtf8,
                detail: e.to_string(),
            }),
            Err(EventStreamError::Parser(e)) => Err(Error::StreamCut {
                cause: Cut::BadSse,
                detail: e.to_string(),
            }),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::stream;

    fn chunk(content: &str, finish: Option<&str>) -> String {
        serde_json::json!({
            "id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "qwen-long",
            "choices": [{"index": 0, "delta": {"role": "assistant", "content": content}, "finish_reason": finish}]
        })
        .to_string()
    }

    /// A realistic body: CRLF line ends, keep-alive comments, no space after `data:` once,
    /// content on the finish chunk, the usage chunk with empty choices, then [DONE].
    fn body() -> Vec<u8> {
        let usage = r#"{"id":"chatcmpl-1","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}"#;
        let mut s = String::new();
        s.push_str(": keep-alive\r\n\r\n");
        s.push_str(&format!("data: {}\r\n\r\n", chunk("合同第一条，", None)));
        s.push_str(": ping\r\n");
        s.push_str(&format!("data:{}\r\n\r\n", chunk("甲方😀乙方", None)));
        s.push_str(&format!("data: {}\n\n", chunk("。完", Some("stop"))));
        s.push_str(&format!("data: {usage}\r\n\r\n"));
        s.push_str("data: [DONE]\r\n\r\n");
        s.into_bytes()
    }

    async fn run(pieces: Vec<Vec<u8>>) -> Vec<Result<SseItem>> {
        let s = stream::iter(pieces.into_iter().map(|p| Ok(Bytes::from(p))));
        decode(s, Some("req-1".into()), 1 << 20).collect().await
    }

    fn summarise(items: Vec<Result<SseItem>>) -> (String, Option<String>, Option<Usage>, bool) {
        let (mut text, mut finish, mut usage, mut done) = (String::new(), None, None, false);
        for it in items {
            match it.expect("no error") {
                SseItem::Chunk(c) => {
                    text.push_str(&c.content);
                    finish = c.finish_reason.or(finish);
                    usage = c.usage.or(usage);
                }
                SseItem::Done => done = true,
            }
        }
        (text, finish, usage, done)
    }

    const TEXT: &str = "合同第一条，甲方😀乙方。完";

    #[tokio::test]
    async fn whole_body() {
        let (text, finish, usage, done) = summarise(run(vec![body()]).await);
        assert_eq!(text, TEXT);
        assert_eq!(finish.as_deref(), Some("stop"));
        assert_eq!(usage.unwrap().total_tokens, 15);
        assert!(done);
    }

    /// Every split point, including inside multi-byte characters, inside `data:`, between
    /// CR and LF.
    #[tokio::test]
    async fn every_two_way_split() {
        let b = body();
        for i in 1..b.len() {
            let got = summarise(run(vec![b[..i].to_vec(), b[i..].to_vec()]).await);
            assert_eq!(got.0, TEXT, "split at {i}");
            assert!(got.3, "split at {i}");
            assert_eq!(got.2.unwrap().total_tokens, 15);
        }
    }

    #[tokio::test]
    async fn byte_by_byte_and_odd_sizes() {
        let b = body();
        for size in [1, 2, 3, 5, 7, 13] {
            let pieces = b.chunks(size).map(<[u8]>::to_vec).collect();
            let got = summarise(run(pieces).await);
            assert_eq!(got.0, TEXT, "pieces of {size}");
            assert!(got.3);
        }
    }

    #[tokio::test]
    async fn error_inside_a_200_stream() {
        let mut s = format!("data: {}\n\n", chunk("部分", None));
        s.push_str(r#"data: {"error":{"message":"Output data may contain inappropriate content.","type":"data_inspection_failed","code":"data_inspection_failed"},"request_id":"req-x"}"#);
        s.push_str("\n\n");
        let items = run(vec![s.into_bytes()]).await;
        assert_eq!(items.len(), 2);
        assert!(matches!(&items[0], Ok(SseItem::Chunk(c)) if c.content == "部分"));
        let e = items[1].as_ref().unwrap_err();
        assert_eq!(e.kind(), "content_refused");
        assert_eq!(e.request_id(), Some("req-1"));
    }

    /// The native API's flat shape, without the `error` wrapper: the same table names it.
    #[tokio::test]
    async fn flat_error_frame_inside_a_200_stream() {
        let frames = [
            (
                r#"{"code":"DataInspectionFailed","message":"Output data may contain inappropriate content.","request_id":"req-x"}"#,
                "content_refused",
            ),
            (
                r#"{"code":"SomethingNew","message":"unheard of","request_id":"req-x"}"#,
                "service_error",
            ),
            (r#"{"code":500,"message":"internal"}"#, "service_error"),
        ];
        for (frame, kind) in frames {
            let s = format!("data: {}\n\ndata: {frame}\n\n", chunk("部分", None));
            let items = run(vec![s.into_bytes()]).await;
            assert_eq!(items.len(), 2, "{frame}");
            assert!(matches!(&items[0], Ok(SseItem::Chunk(c)) if c.content == "部分"));
            let e = items[1].as_ref().unwrap_err();
            assert_eq!(e.kind(), kind, "{frame}");
            let info = e.service_info().unwrap();
            assert_eq!(info.status, 200);
            assert!(info.code.is_some());
            assert_eq!(e.request_id(), Some("req-1"));
        }
        // An empty or null code is no error.
        for frame in [
            r#"{"code":"","choices":[]}"#,
            r#"{"code":null,"choices":[]}"#,
        ] {
            assert_eq!(
                parse_data(frame, None).unwrap(),
                SseItem::Chunk(Chunk::default())
            );
        }
    }

    #[tokio::test]
    async fn truncated_event_is_not_yielded() {
        let b = format!("data: {}\n\ndata: {{\"choi", chunk("a", None));
        let items = run(vec![b.into_bytes()]).await;
        assert_eq!(items.len(), 1);
    }

    #[test]
    fn usage_only_chunk() {
        let r = parse_data(
            r#"{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}"#,
            None,
        )
        .unwrap();
        assert_eq!(
            r,
            SseItem::Chunk(Chunk {
                usage: Some(Usage {
                    prompt_tokens: 1,
                    completion_tokens: 2,
                    total_tokens: 3
                }),
                ..Default::default()
            })
        );
        let r = parse_data(
            r#"{"choices":[{"delta":{"content":null},"finish_reason":null}],"usage":null}"#,
            None,
        )
        .unwrap();
        assert_eq!(r, SseItem::Chunk(Chunk::default()));
    }
}
