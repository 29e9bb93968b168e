//! Document jobs: what a drop, the picker, "Open with" or a long paste adds to a chat. A job
//! is planned from a path (folders are walked here), then run: checked once, hashed, uploaded
//! or found, attached to its chat. Each step is reported as a `JobEvent`; a failed job is kept
//! so it can run again.

use super::Documents;
use crate::checks;
use crate::error::{Entity, Error, Result};
use crate::names;
use crate::store::chats;
use crate::types::{ChatId, Document, DocumentProgress, Job, JobEvent, JobId, JobSource, JobState};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU16, AtomicU64, Ordering};
use std::sync::Mutex;
use tokio_util::sync::CancellationToken;

/// Called with each step of a job, in order.
pub type JobEventFn<'a> = &'a (dyn Fn(JobEvent) + Send + Sync);

/// What a set of paths becomes: one job per file, and one `skipped` event per folder whose
/// files were not all supported.
#[derive(Debug, Clone, PartialEq)]
pub struct JobPlan {
    pub jobs: Vec<Job>,
    pub skipped: Vec<JobEvent>,
    /// A folder held more files than are walked (`MAX_FOLDER_FILES`); the rest are not planned.
    pub truncated: bool,
}

/// The jobs of this engine: ids, and the ones that failed (or run) by id.
#[derive(Default)]
pub(crate) struct Jobs {
    next_id: AtomicU64,
    /// `true` while running; failed jobs stay (as `false`) until they run again.
    known: Mutex<HashMap<JobId, (Job, bool)>>,
}

/// The name a job's row shows: the name the document will have.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| names::upload_name(&n.to_string_lossy()))
        .unwrap_or_else(|| path.display().to_string())
}

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// A folder walk stops after this many files (a whole home folder dropped by mistake must not
/// keep the app busy for minutes).
pub const MAX_FOLDER_FILES: usize = 5_000;

/// Files named explicitly are kept as they are, even unsupported ones, so that adding them
/// reports the precise reason. Folders are walked recursively (symlinks are not followed,
/// hidden entries are ignored); their supported regular files are taken in path order and the
/// rest counted. Returns whether the walk stopped at `MAX_FOLDER_FILES`.
fn expand(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<(PathBuf, usize)>, bool) {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut count = 0;
            walk(p, &mut files, &mut count);
            skipped.push((p.clone(), count));
        } else {
            files.push(p.clone());
        }
    }
    let truncated = files.len() > MAX_FOLDER_FILES;
    files.truncate(MAX_FOLDER_FILES);
    (files, skipped, truncated)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, skipped: &mut usize) {
    if files.len() > MAX_FOLDER_FILES {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        // The entry's own type: a symlink, a FIFO or a socket inside a folder is not taken.
        let Ok(ft) = entry.file_type() else { continue };
        let path = entry.path();
        if ft.is_dir() {
            walk(&path, files, skipped);
        } else if ft.is_file() && checks::is_supported(&path) {
            files.push(path);
            if files.len() > MAX_FOLDER_FILES {
                return;
            }
        } else {
            *skipped += 1;
        }
    }
}

fn percent(done: u64, total: u64) -> u8 {
    (done.min(total) * 100).checked_div(total).unwrap_or(0) as u8
}

impl Jobs {
    fn job(&self, chat_id: ChatId, source: JobSource, name: String, file_type: String) -> Job {
        Job {
            id: self.next_id.fetch_add(1, Ordering::Relaxed) + 1,
            chat_id,
            source,
            name,
            file_type,
        }
    }

    /// One job per file to add; folders are walked (this touches the disk: call it off the
    /// UI thread).
    pub(crate) fn plan_paths(&self, chat_id: ChatId, paths: &[PathBuf]) -> JobPlan {
        let (files, folders, truncated) = expand(paths);
        let skipped = folders
            .into_iter()
            .filter(|(_, count)| *count > 0)
            .map(|(folder, count)| {
                let job = self.job(
                    chat_id,
                    JobSource::File(folder.clone()),
                    file_name(&folder),
                    "folder".into(),
                );
                let mut event = job.event(JobState::Skipped, 0);
                event.skipped = Some(count);
                event
            })
            .collect();
        let jobs = files
            .into_iter()
            .map(|path| {
                let (name, file_type) = (file_name(&path), extension(&path));
                self.job(chat_id, JobSource::File(path), name, file_type)
            })
            .collect();
        JobPlan {
            jobs,
            skipped,
            truncated,
        }
    }

    /// Library documents to add to a chat: each is a job, uploaded only if its cloud copy for
    /// this account is missing.
    pub(crate) fn plan_stored(&self, chat_id: ChatId, documents: &[Document]) -> Vec<Job> {
        documents
            .iter()
            .map(|d| {
                let source = JobSource::Stored(d.id);
                self.job(chat_id, source, d.name.clone(), d.file_type.clone())
            })
            .collect()
    }

    /// A long pasted text, to upload as a `.txt` file.
    pub(crate) fn plan_text(
        &self,
        chat_id: ChatId,
        text: String,
        name: Option<String>,
    ) -> Result<Job> {
        let filename = names::text_file_name(&text, name.as_deref())?;
        Ok(self.job(
            chat_id,
            JobSource::Text { text, name },
            filename,
            "txt".into(),
        ))
    }

    /// A failed job, to run again.
    pub(crate) fn failed(&self, id: JobId) -> Result<Job> {
        match self.known.lock().ok().and_then(|k| k.get(&id).cloned()) {
            Some((job, false)) => Ok(job),
            _ => Err(Error::not_found(Entity::DocumentJob, id)),
        }
    }

    /// Records the job as running; false if it already runs.
    fn start(&self, job: &Job) -> bool {
        let Ok(mut known) = self.known.lock() else {
            return false;
        };
        if let Some((_, true)) = known.get(&job.id) {
            return false;
        }
        known.insert(job.id, (job.clone(), true));
        true
    }

    /// Forgotten when it succeeded, kept for a retry when it failed.
    fn finish(&self, job: &Job, succeeded: bool) {
        if let Ok(mut known) = self.known.lock() {
            if succeeded {
                known.remove(&job.id);
            } else {
                known.insert(job.id, (job.clone(), false));
            }
        }
    }
}

impl Documents {
    /// Runs one job to its end, reporting every step; the last event is `ready` or `failed`.
    /// A job that is already running is left alone.
    pub(crate) async fn run_job(
        &self,
        jobs: &Jobs,
        job: &Job,
        on_event: JobEventFn<'_>,
        cancel: &CancellationToken,
    ) {
        if !jobs.start(job) {
            return;
        }
        // Documents dropped before there is an API Key wait for it, and go on by themselves.
        if matches!(self.sessions.current(), Err(Error::KeyMissing)) {
            on_event(job.event(JobState::WaitingForKey, 0));
            if cancel
                .run_until_cancelled(self.sessions.key_saved())
                .await
                .is_none()
            {
                jobs.finish(job, false);
                return;
            }
        }
        on_event(job.event(JobState::Checking, 0));
        // A few at a time: a folder of 500 files must not open 500 files and connections.
        let Ok(_permit) = self.adds.acquire().await else {
            return;
        };
        let size = AtomicU64::new(0);
        let already = AtomicBool::new(false);
        let last = AtomicU16::new(u16::MAX);
        let on_progress = |progress: DocumentProgress| {
            let (state, percent) = match &progress {
                DocumentProgress::Checking => (JobState::Checking, 0),
                DocumentProgress::Hashing { done, total } => {
                    size.store(*total, Ordering::Relaxed);
                    (JobState::Checking, percent(*done, *total))
                }
                DocumentProgress::AlreadyUploaded { .. } => {
                    already.store(true, Ordering::Relaxed);
                    (JobState::Reading, 100)
                }
                DocumentProgress::Uploading { sent, total } => {
                    size.store(*total, Ordering::Relaxed);
                    (JobState::Uploading, percent(*sent, *total))
                }
                DocumentProgress::Reading => (JobState::Reading, 100),
                // The final `ready` event is sent once the document is attached.
                DocumentProgress::Ready { .. } => return,
            };
            // One event per step and percent: big files report many small chunks.
            let key = state as u16 * 101 + u16::from(percent);
            if last.swap(key, Ordering::Relaxed) == key {
                return;
            }
            let mut event = job.event(state, percent);
            event.size = size.load(Ordering::Relaxed);
            event.already_uploaded = already.load(Ordering::Relaxed);
            on_event(event);
        };
        let result = self.add_to_chat(job, &on_progress, cancel).await;
        jobs.finish(job, result.is_ok());
        let mut event = match result {
            Ok(document) => {
                let mut event = job.event(JobState::Ready, 100);
                event.size = document.size;
                event.document = Some(document);
                event
            }
            Err(error) => {
                let mut event = job.event(JobState::Failed, 0);
                event.size = size.load(Ordering::Relaxed);
                event.error = Some(error);
                event
            }
        };
        event.already_uploaded = already.load(Ordering::Relaxed);
        on_event(event);
    }

    async fn add_to_chat(
        &self,
        job: &Job,
        on_progress: &(dyn Fn(DocumentProgress) + Send + Sync),
        cancel: &CancellationToken,
    ) -> Result<Document> {
        let document = match &job.source {
            JobSource::File(path) => self.add_file(path, None, true, on_progress, cancel).await?,
            JobSource::Text { text, name } => {
                self.add_text_file(text, name.as_deref(), on_progress, cancel)
                    .await?
            }
            JobSource::Stored(id) => self.reuse(*id, on_progress, cancel).await?,
        };
        self.store
            .with(|c| chats::attach(c, job.chat_id, &[document.id]))?;
        Ok(document)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_expand_to_supported_files_and_count_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.docx"), b"x").unwrap();
        std::fs::write(root.join("b.PDF"), b"x").unwrap();
        std::fs::write(root.join("c.doc"), b"x").unwrap();
        std::fs::write(root.join(".hidden.txt"), b"x").unwrap();
        std::fs::create_dir(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/d.md"), b"x").unwrap();
        std::fs::write(root.join("sub/e.html"), b"x").unwrap();
        let loose = root.join("c.doc");

        let plan = Jobs::default().plan_paths(7, &[root.to_path_buf(), loose.clone()]);
        let names: Vec<_> = plan.jobs.iter().map(|j| j.name.as_str()).collect();
        assert_eq!(names, ["a.docx", "b.PDF", "d.md", "c.doc"]);
        assert_eq!(plan.jobs[1].file_type, "pdf");
        assert!(plan.jobs.iter().all(|j| j.chat_id == 7));
        assert_eq!(plan.skipped.len(), 1);
        assert_eq!(plan.skipped[0].skipped, Some(2));
        assert_eq!(plan.skipped[0].state, JobState::Skipped);
        let ids: std::collections::HashSet<_> = plan.jobs.iter().map(|j| j.id).collect();
        assert_eq!(ids.len(), 4, "every job has its own id");
    }

    #[test]
    fn percent_is_bounded() {
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(50, 100), 50);
        assert_eq!(percent(150, 100), 100);
    }
}
