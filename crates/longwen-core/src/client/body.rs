//! Reading answers within bounds: the body of a refusal, the JSON of the small calls and the
//! lines of the answer stream. A service (or anything in between) that sends without end
//! costs a bounded amount of memory, then an error; the rest is never read.

use super::errors::{map_http_error, request_id};
use crate::error::{Cut, Error, Result, ServiceInfo};
use bytes::Bytes;
use futures_util::Stream;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// The code of a `Service` error for a JSON answer larger than its bound.
pub(crate) const BODY_TOO_LARGE: &str = "body_too_large";

/// Appends at most `max` bytes of the body to `buf` (what came before a failure stays in it).
/// `Ok(false)` when the body was longer: the rest is left unread.
async fn read_at_most(
    resp: &mut reqwest::Response,
    max: usize,
    buf: &mut Vec<u8>,
) -> Result<bool, reqwest::Error> {
    while let Some(chunk) = resp.chunk().await? {
        let room = max.saturating_sub(buf.len());
        if chunk.len() > room {
            buf.extend_from_slice(&chunk[..room]);
            return Ok(false);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(true)
}

/// Passes a success through; turns any other status into the typed error, reading at most
/// `max_body` bytes of what came with it.
pub(crate) async fn check(resp: reqwest::Response, max_body: usize) -> Result<reqwest::Response> {
    if resp.status().is_success() {
        Ok(resp)
    } else {
        Err(refusal(resp, max_body).await)
    }
}

/// The typed error of an answer that is not a success, from its status, headers and the
/// first `max_body` bytes of its body (a body cut short reads as text, not JSON).
pub(crate) async fn refusal(mut resp: reqwest::Response, max_body: usize) -> Error {
    let status = resp.status().as_u16();
    let headers = std::mem::take(resp.headers_mut());
    let mut body = Vec::new();
    // A failure while reading leaves what was read: classify that.
    let _ = read_at_most(&mut resp, max_body, &mut body).await;
    map_http_error(status, &headers, &body)
}

/// Decodes a JSON answer of at most `max` bytes; a larger one fails as `Service` with code
/// `BODY_TOO_LARGE` once `max` bytes are read (at once, when its length says so).
/// `net` names transport failures.
pub(crate) async fn read_json<T: serde::de::DeserializeOwned>(
    mut resp: reqwest::Response,
    max: usize,
    net: impl FnOnce(reqwest::Error) -> Error,
) -> Result<T> {
    let status = resp.status().as_u16();
    let rid = request_id(resp.headers());
    let info = |code: Option<&str>, message: Option<String>| {
        Error::Service(Box::new(ServiceInfo {
            status,
            code: code.map(str::to_string),
            message,
            request_id: rid.clone(),
            retry_after_secs: None,
        }))
    };
    if resp.content_length().is_some_and(|n| n > max as u64) {
        return Err(info(Some(BODY_TOO_LARGE), None));
    }
    let mut body = Vec::new();
    let whole = read_at_most(&mut resp, max, &mut body).await.map_err(net)?;
    if !whole {
        return Err(info(Some(BODY_TOO_LARGE), None));
    }
    serde_json::from_slice(&body).map_err(|e| info(None, Some(e.to_string())))
}

/// The size of the current line and event of an SSE body, counted as the bytes pass (none
/// is kept). Lines end at LF, CR or CRLF; a blank line ends the event; comment lines (`:`)
/// count as lines but not towards the event, which the parser drops them from.
#[derive(Debug, Default)]
struct SseSize {
    line: usize,
    event: usize,
    comment: bool,
    after_cr: bool,
}

impl SseSize {
    /// Counts `bytes`; the offset of the first byte that takes a line or event past `max`.
    fn feed(&mut self, bytes: &[u8], max: usize) -> Option<usize> {
        for (i, &b) in bytes.iter().enumerate() {
            match b {
                // The LF of a CRLF: the line already ended at the CR.
                b'\n' if self.after_cr => self.after_cr = false,
                b'\r' | b'\n' => {
                    self.after_cr = b == b'\r';
                    if self.line == 0 {
                        self.event = 0;
                    }
                    self.line = 0;
                    self.comment = false;
                }
                _ => {
                    self.after_cr = false;
                    if self.line == 0 {
                        self.comment = b == b':';
                    }
                    self.line += 1;
                    if !self.comment {
                        self.event += 1;
                    }
                    if self.line > max || self.event > max {
                        return Some(i);
                    }
                }
            }
        }
        None
    }
}

/// An SSE body whose lines and events are at most `max` bytes: past that, what came before
/// the limit (complete events are still read), then `StreamCut { cause: Oversized }`, then
/// nothing more is read. The parser downstream (`eventsource-stream`) buffers a line until
/// its end and an event until its blank line: this bounds both.
pub(crate) fn bounded<S>(bytes: S, max: usize) -> Bounded<S>
where
    S: Stream<Item = Result<Bytes>>,
{
    Bounded {
        inner: Box::pin(bytes),
        size: SseSize::default(),
        max,
        failed: None,
        done: false,
    }
}

pub(crate) struct Bounded<S> {
    inner: Pin<Box<S>>,
    size: SseSize,
    max: usize,
    /// The error to give after the bytes before the limit.
    failed: Option<Error>,
    done: bool,
}

impl<S: Stream<Item = Result<Bytes>>> Stream for Bounded<S> {
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if let Some(e) = this.failed.take() {
            this.done = true;
            return Poll::Ready(Some(Err(e)));
        }
        if this.done {
            return Poll::Ready(None);
        }
        let bytes = match ready!(this.inner.as_mut().poll_next(cx)) {
            Some(Ok(bytes)) => bytes,
            other => return Poll::Ready(other),
        };
        match this.size.feed(&bytes, this.max) {
            None => Poll::Ready(Some(Ok(bytes))),
            Some(at) => {
                let e = Error::stream_cut(Cut::Oversized);
                if at == 0 {
                    this.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
                this.failed = Some(e);
                Poll::Ready(Some(Ok(bytes.slice(..at))))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::{stream, StreamExt};

    /// Feeds `pieces` through `bounded`; what came out, and how many pieces were taken.
    async fn run(pieces: Vec<&[u8]>, max: usize) -> (Vec<u8>, Option<Error>, usize) {
        let taken = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = taken.clone();
        let input = stream::iter(pieces.into_iter().map(|p| Ok(Bytes::copy_from_slice(p))))
            .inspect(move |_| {
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            });
        let items: Vec<_> = bounded(input, max).collect().await;
        let (mut out, mut err) = (Vec::new(), None);
        for item in items {
            match item {
                Ok(b) => out.extend_from_slice(&b),
                Err(e) => err = Some(e),
            }
        }
        (out, err, taken.load(std::sync::atomic::Ordering::SeqCst))
    }

    fn oversized(e: Option<Error>) -> bool {
        matches!(
            e,
            Some(Error::StreamCut {
                cause: Cut::Oversized,
                ..
            })
        )
    }

    #[tokio::test]
    async fn lines_and_events_up_to_the_limit_pass() {
        // Lines of exactly 10 bytes, with every line end; events of 10 bytes; comments
        // between the lines of an event do not count towards it.
        let body: &[u8] =
            b"data:12345\n\ndata:12345\r\n\r\n: comment1\ndata:12345\r\rdata:1\ndata\n\n";
        let (out, err, _) = run(vec![body], 10).await;
        assert!(err.is_none(), "{err:?}");
        assert_eq!(out, body);
        // Split anywhere, the count is the same.
        for i in 1..body.len() {
            let (out, err, _) = run(vec![&body[..i], &body[i..]], 10).await;
            assert!(err.is_none(), "split at {i}: {err:?}");
            assert_eq!(out, body);
        }
    }

    #[tokio::test]
    async fn a_long_line_is_cut_at_the_limit_and_the_rest_unread() {
        // One complete event, then a line that never ends, in 4-byte reads.
        let mut pieces: Vec<&[u8]> = vec![b"data: ok\n\nda"];
        pieces.extend(std::iter::repeat_n(&b"xxxx"[..], 1000));
        let (out, err, taken) = run(pieces, 16).await;
        assert!(oversized(err));
        // Everything before the 17th byte of the line, and no more than needed was read.
        assert_eq!(out, b"data: ok\n\ndaxxxxxxxxxxxxxx");
        assert_eq!(taken, 5);
    }

    #[tokio::test]
    async fn an_event_of_many_short_lines_is_cut() {
        let line: &[u8] = b"data:xxxx\r\n";
        let (out, err, taken) = run(vec![line; 1000], 32).await;
        assert!(oversized(err));
        assert_eq!(out.len(), 3 * line.len() + 5);
        assert_eq!(taken, 4);
        // The same lines as separate events are fine.
        let event: &[u8] = b"data:xxxx\r\n\r\n";
        let (_, err, _) = run(vec![event; 1000], 32).await;
        assert!(err.is_none());
    }

    #[tokio::test]
    async fn the_limit_on_a_piece_boundary_and_transport_errors_pass() {
        let (out, err, _) = run(vec![b"data:xxxxx", b"x"], 10).await;
        assert_eq!(out, b"data:xxxxx");
        assert!(oversized(err));
        let failing = stream::iter(vec![
            Ok(Bytes::from_static(b"data: a")),
            Err(Error::stream_cut(Cut::Transport)),
        ]);
        let items: Vec<_> = bounded(failing, 10).collect().await;
        assert!(matches!(
            items[1],
            Err(Error::StreamCut {
                cause: Cut::Transport,
                ..
            })
        ));
    }
}
