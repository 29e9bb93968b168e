//! `/files`: upload (streamed from disk, known length, rate-limited), retrieve, list, delete.

use super::body::{check, read_json};
use super::retry::{upload_attempts, Attempt, Poll};
use super::transport::body_write_failed;
use super::types::RemoteFile;
use super::{cancellable, Client};
use crate::error::{Error, Problem, Result, ServiceInfo, Waited};
use crate::stamp::FileStamp;
use futures_util::StreamExt;
use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::future::Future;
use std::path::Path;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// Bytes read from disk at a time for an upload (still a fine-grained progress).
const UPLOAD_CHUNK: usize = 256 * 1024;
/// Chunks read ahead of the sending.
const READ_AHEAD: usize = 8;

type Chunks = tokio::sync::mpsc::Receiver<std::io::Result<bytes::Bytes>>;
type Publish = std::sync::Arc<watch::Sender<Option<String>>>;

/// A blocking read of the file to upload, chunk by chunk, on a thread of its own: one read
/// per chunk and one hand-over, where an async file read cost a trip through the blocking pool
/// per chunk and hashing on a further thread another. With `hash`, the first `total` bytes
/// are hashed as they are read, and the hash is published (to `publish`, if given) before the
/// chunk that completes them is handed over. The thread ends when the body is dropped; its
/// result is the hash, or None (not asked, or not all read).
fn read_chunks(
    mut file: std::fs::File,
    total: u64,
    hash: bool,
    publish: Option<Publish>,
) -> (Chunks, tokio::task::JoinHandle<Option<String>>) {
    use std::io::Read;
    let (to_body, chunks) = tokio::sync::mpsc::channel(READ_AHEAD);
    let reading = tokio::task::spawn_blocking(move || {
        let mut hasher = hash.then(Sha256::new);
        let mut hashed = 0u64;
        let mut sha = None;
        let mut held = None;
        loop {
            // Out before the chunk that completes the hashed bytes is handed over.
            if hashed == total {
                if let Some(h) = hasher.take() {
                    let done = hex::encode(h.finalize());
                    if let Some(to) = &publish {
                        to.send_replace(Some(done.clone()));
                    }
                    sha = Some(done);
                }
            }
            if let Some(b) = held.take() {
                if to_body.blocking_send(Ok(b)).is_err() {
                    return None;
                }
            }
            let mut buf = bytes::BytesMut::zeroed(UPLOAD_CHUNK);
            let n = match file.read(&mut buf) {
                Ok(0) => return sha,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let _ = to_body.blocking_send(Err(e));
                    return None;
                }
            };
            buf.truncate(n);
            if let Some(h) = hasher.as_mut() {
                let take = n.min((total - hashed) as usize);
                h.update(&buf[..take]);
                hashed += take as u64;
            }
            held = Some(buf.freeze());
        }
    });
    (chunks, reading)
}

/// What holds a gated upload's last chunk back, and where its hash goes once the rest is read.
#[derive(Clone)]
pub struct Gate {
    /// True lets the last chunk go; a dropped sender abandons the upload.
    pub opens: watch::Receiver<bool>,
    /// The hash of the file as this upload read it, published before the gate is waited on.
    pub hashed: std::sync::Arc<watch::Sender<Option<String>>>,
}

/// How an upload proves that it sent the bytes that were hashed.
#[derive(Clone, Copy)]
enum SentCheck<'a> {
    /// Hash what is sent and compare.
    Hash(&'a str),
    /// The file, settled when it was hashed, is the same once the body is sent.
    Stamp(FileStamp),
}

/// Called with (bytes sent, total bytes).
pub type UploadProgress<'a> = &'a (dyn Fn(u64, u64) + Send + Sync);

#[derive(Deserialize)]
struct FileList {
    #[serde(default)]
    data: Vec<RemoteFile>,
    #[serde(default)]
    has_more: bool,
}

#[derive(Deserialize)]
struct Deleted {
    #[serde(default)]
    deleted: bool,
}

/// One upload in flight. Each step races cancel and the stall clock, which restarts
/// whenever the body gives bytes to the connection (until the answer's head is in): a server
/// that stops reading (full socket buffers) or never answers after the last byte lets it
/// run out.
struct Transfer<'a> {
    cancel: &'a CancellationToken,
    stall: Duration,
    /// How much of the body the connection has taken (the body stream reports it here,
    /// because the body must be 'static and the callback is borrowed).
    sent: watch::Receiver<u64>,
    reported: u64,
    total: u64,
    progress: UploadProgress<'a>,
    /// The answer's head came back: the body is done with, and a stall now is waiting on
    /// the rest of the answer.
    answered: bool,
}

impl Transfer<'_> {
    /// `fut`, unless cancelled or stalled first. Cancel is looked at first each time round,
    /// so no progress is reported after it.
    async fn run<F: Future>(&mut self, fut: F) -> Result<F::Output> {
        let clock = tokio::time::sleep(self.stall);
        tokio::pin!(fut, clock);
        loop {
            tokio::select! {
                biased;
                _ = self.cancel.cancelled() => return Err(Error::Cancelled),
                out = &mut fut => return Ok(out),
                Ok(()) = self.sent.changed(), if !self.answered => {
                    clock.as_mut().reset(Instant::now() + self.stall);
                    let n = *self.sent.borrow_and_update();
                    if n > self.reported {
                        self.reported = n;
                        (self.progress)(n, self.total);
                    }
                }
                _ = &mut clock => {
                    let waited = if !self.answered && self.reported < self.total {
                        Waited::UploadBody
                    } else {
                        Waited::UploadAnswer
                    };
                    return Err(Error::timeout(waited, self.stall));
                }
            }
        }
    }
}

/// Ids are opaque, but they go into a path: refuse anything that would change the URL.
fn file_path(id: &str) -> Result<String> {
    if id.is_empty() || id.contains(['/', '?', '#', '%']) || id.chars().any(char::is_whitespace) {
        return Err(Error::invalid_value(Problem::BadFileId, id));
    }
    Ok(format!("files/{id}"))
}

/// A 404 on `/files/{id}` that the table did not name means the file is gone.
fn not_found_is_file_not_found(e: Error) -> Error {
    match e {
        Error::Service(info) if info.status == 404 => Error::FileNotFound(info),
        e => e,
    }
}

impl Client {
    /// Uploads with `purpose=file-extract`. `filename` is sent as given (UTF-8 intact).
    pub async fn upload(
        &self,
        path: &Path,
        filename: &str,
        progress: UploadProgress<'_>,
        cancel: &CancellationToken,
    ) -> Result<RemoteFile> {
        upload_attempts(|| self.upload_once(path, filename, None, None, progress, cancel))
            .await
            .map_err(|e| self.scrub(e))
    }

    /// `upload`, checking that the bytes sent are the ones hashed to `sha256` (hex): a file
    /// changed between hashing and sending fails with `InputChanged`, and the copy that arrived
    /// is deleted (best effort), so it is never recorded under the old hash. `stamp`, the file
    /// as the hashing found it, proves it when the file had settled (`ClientConfig::file_settle`)
    /// and is the same after sending; otherwise what is sent is hashed again as it goes.
    pub async fn upload_checked(
        &self,
        path: &Path,
        filename: &str,
        sha256: &str,
        stamp: Option<FileStamp>,
        progress: UploadProgress<'_>,
        cancel: &CancellationToken,
    ) -> Result<RemoteFile> {
        let settle = self.inner.config.file_settle;
        let check = match stamp.filter(|s| s.settled(settle)) {
            Some(stamp) => SentCheck::Stamp(stamp),
            None => SentCheck::Hash(sha256),
        };
        upload_attempts(|| self.upload_once(path, filename, Some(check), None, progress, cancel))
            .await
            .map_err(|e| self.scrub(e))
    }

    /// `upload_checked` of a settled file whose hash is not known yet: the upload hashes what
    /// it reads and publishes the hash (`Gate::hashed`) before the body's last chunk, which waits
    /// until `Gate::opens` turns true. Dropping the upload (or the gate's sender) before then
    /// abandons it: the service never holds a whole copy, so nothing can be left in the account
    /// that no claim accounts for. The stamp proves the file did not change meanwhile.
    pub async fn upload_gated(
        &self,
        path: &Path,
        filename: &str,
        stamp: FileStamp,
        gate: Gate,
        progress: UploadProgress<'_>,
        cancel: &CancellationToken,
    ) -> Result<RemoteFile> {
        let check = Some(SentCheck::Stamp(stamp));
        upload_attempts(|| {
            let gate = Some(gate.clone());
            self.upload_once(path, filename, check, gate, progress, cancel)
        })
        .await
        .map_err(|e| self.scrub(e))
    }

    async fn upload_once(
        &self,
        path: &Path,
        filename: &str,
        sent_check: Option<SentCheck<'_>>,
        gate: Option<Gate>,
        progress: UploadProgress<'_>,
        cancel: &CancellationToken,
    ) -> Result<RemoteFile, Attempt> {
        let file = tokio::fs::File::open(path)
            .await
            .map_err(|_| Error::input_missing(path))?;
        let meta = file
            .metadata()
            .await
            .map_err(|_| Error::input_missing(path))?;
        if meta.is_dir() {
            return Err(Error::input_is_directory(path).into());
        }
        let total = meta.len();
        // The file as opened to be sent, stamped again once the body is; a file that already
        // changed since its hashing is refused before anything is sent.
        let sent_file = match sent_check {
            Some(SentCheck::Stamp(before)) => {
                let same = file
                    .try_clone()
                    .await
                    .map_err(|_| Error::input_missing(path))?
                    .into_std()
                    .await;
                if !before.matches(&same) {
                    return Err(Error::input_changed(path).into());
                }
                Some(same)
            }
            _ => None,
        };

        // The queue: every upload of this client waits its turn here.
        cancellable(cancel, self.inner.upload_limiter.until_ready()).await?;
        progress(0, total);

        // Streamed from disk, counting what hyper has pulled. When the hash is to be checked
        // or given out, the reading thread hashes each chunk as it reads it.
        let (tx, sent) = watch::channel(0u64);
        let mut read = 0u64;
        let hash = matches!(sent_check, Some(SentCheck::Hash(_))) || gate.is_some();
        let publish = gate.as_ref().map(|g| g.hashed.clone());
        let file = file.into_std().await;
        let (mut chunks, hashing) = read_chunks(file, total, hash, publish);
        let gate = gate.map(|g| g.opens);
        let body = futures_util::stream::poll_fn(move |cx| chunks.poll_recv(cx)).then(move |r| {
            if let Ok(b) = &r {
                read += b.len() as u64;
                let _ = tx.send(read);
            }
            // The chunk that completes the body waits for the gate (its hash is out by then).
            let gate = gate.clone().filter(|_| read >= total);
            async move {
                if let (Ok(_), Some(mut gate)) = (&r, gate) {
                    if gate.wait_for(|go| *go).await.is_err() {
                        return Err(std::io::Error::other("upload abandoned"));
                    }
                }
                r
            }
        });
        let mime = mime_guess::from_path(filename).first_or_octet_stream();
        // reqwest 0.12 writes `filename="…"` as raw UTF-8 (quotes and backslashes escaped), as
        // the Python SDK does; the test checks it arrives intact. Its escape of a line break
        // leaves the break in the part's header, which no parser reads: callers pass names made
        // by `names::upload_name` (no control characters), and any break left goes as %0D/%0A,
        // as browsers write them (WHATWG).
        let sent_name = filename.replace('\r', "%0D").replace('\n', "%0A");
        let part = Part::stream_with_length(reqwest::Body::wrap_stream(body), total)
            .file_name(sent_name)
            .mime_str(mime.essence_str())
            .map_err(Error::internal)?;
        // `purpose` first, like the official SDKs.
        let form = Form::new()
            .text("purpose", "file-extract")
            .part("file", part);
        let send = self.request(Method::POST, "files").multipart(form).send();
        let mut transfer = Transfer {
            cancel,
            stall: self.inner.config.upload_stall_timeout,
            sent,
            reported: 0,
            total,
            progress,
            answered: false,
        };
        let resp = transfer.run(send).await?.map_err(|e| {
            let cut = body_write_failed(&e);
            let e = self.net_error(e);
            if cut {
                Attempt::BodyCut(e)
            } else {
                Attempt::Failed(e)
            }
        })?;
        // The answer's body (an error or the file object) is small: the same bound applies.
        transfer.answered = true;
        let cfg = &self.inner.config;
        let resp = transfer
            .run(check(resp, cfg.max_error_body_bytes))
            .await??;
        if transfer.reported < total {
            progress(total, total);
        }
        let file: RemoteFile = transfer
            .run(read_json(resp, cfg.max_json_bytes, |e| self.net_error(e)))
            .await??;
        let same = match (sent_check, sent_file) {
            (Some(SentCheck::Hash(expected)), _) => {
                hashing.await.map_err(Error::internal)?.as_deref() == Some(expected)
            }
            (Some(SentCheck::Stamp(before)), Some(f)) => before.matches(&f),
            (None, _) => true,
            _ => false,
        };
        if !same {
            let _ = self.delete_file(&file.id).await;
            return Err(Error::input_changed(path).into());
        }
        Ok(file)
    }

    /// A cheap authenticated call (one page of one file): proves the key and the address.
    pub async fn check_access(&self) -> Result<()> {
        let req = self
            .request(Method::GET, "files")
            .query(&[("limit", "1"), ("purpose", "file-extract")]);
        let max = self.inner.config.max_list_page_bytes;
        self.json::<serde_json::Value>(req, max).await.map(|_| ())
    }

    pub async fn get_file(&self, id: &str) -> Result<RemoteFile> {
        let req = self.request(Method::GET, &file_path(id)?);
        self.json(req, self.inner.config.max_json_bytes)
            .await
            .map_err(not_found_is_file_not_found)
    }

    /// Polls with backoff until `processed`; bounded by `ClientConfig::parse_wait`.
    pub async fn wait_until_processed(
        &self,
        id: &str,
        cancel: &CancellationToken,
    ) -> Result<RemoteFile> {
        let mut poll = Poll::new(&self.inner.config);
        loop {
            let file = cancellable(cancel, self.get_file(id)).await??;
            match file.status.as_str() {
                "processed" => return Ok(file),
                "error" | "failed" => {
                    let details = match &file.status_details {
                        Some(serde_json::Value::String(s)) => Some(s.clone()),
                        Some(v) if !v.is_null() => Some(v.to_string()),
                        _ => None,
                    };
                    return Err(self.scrub(Error::FileParseFailed(Box::new(ServiceInfo {
                        status: 200,
                        code: Some(file.status),
                        message: details,
                        ..Default::default()
                    }))));
                }
                _ => {}
            }
            let Some(next) = poll.next_look() else {
                return Err(Error::timeout(
                    Waited::Parsing,
                    self.inner.config.parse_wait,
                ));
            };
            cancellable(cancel, tokio::time::sleep_until(next)).await?;
        }
    }

    /// Every file, following `after`/`has_more`.
    pub async fn list_files(&self) -> Result<Vec<RemoteFile>> {
        let limit = self.inner.config.list_page_size.clamp(1, 2000).to_string();
        let mut all: Vec<RemoteFile> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        loop {
            let mut query = vec![("limit", limit.as_str()), ("purpose", "file-extract")];
            let after = all.last().map(|f| f.id.clone());
            if let Some(a) = &after {
                query.push(("after", a));
            }
            let page: FileList = self
                .json(
                    self.request(Method::GET, "files").query(&query),
                    self.inner.config.max_list_page_bytes,
                )
                .await?;
            let before = all.len();
            for f in page.data {
                if seen.insert(f.id.clone()) {
                    all.push(f);
                }
            }
            // A server that ignores `after` would repeat a page forever: stop when nothing is new.
            if !page.has_more || all.len() == before {
                return Ok(all);
            }
        }
    }

    pub async fn delete_file(&self, id: &str) -> Result<()> {
        let req = self.request(Method::DELETE, &file_path(id)?);
        let d: Deleted = self
            .json(req, self.inner.config.max_json_bytes)
            .await
            .map_err(not_found_is_file_not_found)?;
        if d.deleted {
            Ok(())
        } else {
            Err(Error::Service(Box::new(ServiceInfo {
                status: 200,
                code: Some("deleted_false".into()),
                ..Default::default()
            })))
        }
    }
}
