// What the documents panel shows, without drawing it: the current chat's documents and every
// add-job in flight, kept from the document channel's JobEvents. documents.js draws it.

let chatId = null;
let documents = []; // Document[] attached to the current chat
const jobs = new Map(); // job_id → latest JobEvent (not yet ready)
const dismissed = new Set(); // job ids the person removed while they were running
const deduped = new Set(); // document ids that were found already uploaded
// Documents that became ready for a chat not shown yet (e.g. "Open with" files finishing
// before open_chat's answer is drawn); merged when that chat is shown.
const readyElsewhere = new Map(); // chat id → Document[]
let onChange = () => {};
let onSkipped = () => {};
let onDismissedReady = () => {};

/** `change()` after any change; `skipped(count)` for a folder's unsupported files;
 * `dismissedReady(chatId, document)` for a job removed while running that has now finished. */
export function init({ change, skipped, dismissedReady }) {
  onChange = change;
  onSkipped = skipped;
  onDismissedReady = dismissedReady;
}

/** Called with the result of open_chat. */
export function setChat(chat) {
  chatId = chat ? chat.summary.id : null;
  documents = chat ? [...chat.documents] : [];
  for (const d of readyElsewhere.get(chatId) || []) {
    if (!documents.some((x) => x.id === d.id)) documents.push(d);
  }
  readyElsewhere.delete(chatId);
  onChange();
}

export function currentChatId() {
  return chatId;
}

export function readyDocuments() {
  return documents.slice();
}

export function wasDeduped(documentId) {
  return deduped.has(documentId);
}

function visible(j) {
  return j.chat_id === chatId && !dismissed.has(j.job_id);
}

/** The jobs of the current chat still in flight or failed, in arrival order. */
export function visibleJobs() {
  return [...jobs.values()].filter(visible);
}

export function busyCount() {
  return visibleJobs().filter((j) => j.state !== 'failed').length;
}

export function addDocument(doc) {
  if (!documents.some((d) => d.id === doc.id)) documents.push(doc);
  onChange();
}

export function removeDocument(id) {
  documents = documents.filter((d) => d.id !== id);
  onChange();
}

/** The person removed a job's row: a running one is detached once it finishes. */
export function dismissJob(j) {
  if (j.state !== 'failed') dismissed.add(j.job_id);
  jobs.delete(j.job_id);
  onChange();
}

/** Every JobEvent from the document channel. */
export function onEvent(ev) {
  if (!ev || !ev.state) return;
  if (ev.state === 'skipped') {
    onSkipped(ev.skipped || 0);
    return;
  }
  if (ev.state === 'ready' && ev.document) {
    jobs.delete(ev.job_id);
    if (dismissed.has(ev.job_id)) {
      dismissed.delete(ev.job_id);
      onDismissedReady(ev.chat_id, ev.document);
      return;
    }
    if (ev.already_uploaded) deduped.add(ev.document.id);
    if (ev.chat_id === chatId) {
      if (!documents.some((d) => d.id === ev.document.id)) documents.push(ev.document);
    } else {
      const later = readyElsewhere.get(ev.chat_id) || [];
      later.push(ev.document);
      readyElsewhere.set(ev.chat_id, later);
    }
  } else {
    jobs.set(ev.job_id, ev);
  }
  onChange();
}
