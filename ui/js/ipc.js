// The only module that talks to the Rust shell: every `invoke`, every Channel and every
// Tauri event listener lives here. The contract is docs/ipc.md.
//
// Every function returns a Promise. Rejections are always error data `{kind, ...fields}`
// (errors.js words them); when the shell rejected with something else (a plain string from
// Tauri itself), it becomes `{kind: 'internal', detail}`.

function tauri() {
  const t = window.__TAURI__;
  if (!t || !t.core) {
    throw normalizeError('window.__TAURI__ is not available');
  }
  return t;
}

export function normalizeError(e) {
  if (e && typeof e === 'object' && typeof e.kind === 'string') return e;
  let detail;
  if (typeof e === 'string') detail = e;
  else if (e instanceof Error) detail = e.message;
  else {
    try { detail = JSON.stringify(e); } catch { detail = String(e); }
  }
  return { kind: 'internal', detail };
}

async function call(cmd, args) {
  try {
    return await tauri().core.invoke(cmd, args);
  } catch (e) {
    throw normalizeError(e);
  }
}

function channel(onEvent) {
  const ch = new (tauri().core.Channel)();
  ch.onmessage = (msg) => {
    try { onEvent(msg); } catch (err) { console.error(err); }
  };
  return ch;
}

async function listen(name, fn) {
  const ev = window.__TAURI__ && window.__TAURI__.event;
  if (!ev || typeof ev.listen !== 'function') return;
  try { await ev.listen(name, fn); } catch (e) { console.error(name, e); }
}

// --- state and settings ------------------------------------------------------------
export const getState = () => call('get_state');
export const saveSettings = (settings) => call('save_settings', { settings });
export const setApiKey = (key) => call('set_api_key', { key });
/** Rust asks, in a native dialog naming the host, before anything goes to a custom address. */
export const confirmEndpoint = () => call('confirm_endpoint');
export const deleteApiKey = () => call('delete_api_key');
export const testConnection = () => call('test_connection');

// --- chats -------------------------------------------------------------------------
export const listChats = () => call('list_chats');
/** `chatId` null creates a new chat. */
export const openChat = (chatId) => call('open_chat', { chatId: chatId ?? null });
export const earlierMessages = (chatId, beforeTurn, downTo = null) =>
  call('earlier_messages', { chatId, beforeTurn, downTo });
export const deleteChat = (chatId) => call('delete_chat', { chatId });
export const renameChat = (chatId, title) => call('rename_chat', { chatId, title });
/** `SearchHit[]`, best first: `{chat_id, chat_title, message_id, field, snippet: [{text, mark}]}`. */
export const searchChats = (query) => call('search_chats', { query });
/** The path written, or null when the save dialog was cancelled. `format`: markdown | docx. */
export const exportChat = (chatId, format, labels, fileName) =>
  call('export_chat', { chatId, format, labels, fileName });
/** `{chat_cny, since_cny}`; `since` is unix seconds (the start of the month, local time). */
export const costs = (chatId, since) => call('costs', { chatId: chatId ?? null, since });

// --- documents ---------------------------------------------------------------------
/** Opens the one document channel; `onEvent` receives every JobEvent. */
export const watchDocuments = (onEvent) => call('watch_documents', { onEvent: channel(onEvent) });
/**
 * Adds what was dropped on the window or opened with the app to `chatId`: `{taken, waiting,
 * opened_with, more}`. Files opened with the app, or more than one question reads, wait until
 * this is called again with `confirmed` (or are discarded).
 */
export const addPendingDocuments = (chatId, confirmed = false) =>
  call('add_pending_documents', { chatId, confirmed });
export const discardPendingDocuments = () => call('discard_pending_documents');
export const pickDocuments = (chatId, title, filter) => call('pick_documents', { chatId, title, filter });
export const retryDocument = (jobId) => call('retry_document', { jobId });
/** `{tokens, limit, fits}` for text about to be pasted. */
export const estimateText = (text) => call('estimate_text', { text });
export const addText = (chatId, text, name) => call('add_text', { chatId, text, name: name ?? null });
export const addTextAsFile = (chatId, text, name) =>
  call('add_text_as_file', { chatId, text, name: name ?? null });
export const removeDocument = (chatId, documentId) => call('remove_document', { chatId, documentId });

// --- answers -----------------------------------------------------------------------
/** Resolves with the stored answer however it ended; rejects only if nothing was stored. */
export const ask = (chatId, question, onEvent) =>
  call('ask', { chatId, question, onEvent: channel(onEvent) });
export const stopAnswer = (chatId) => call('stop_answer', { chatId });
export const regenerate = (chatId, answerId, onEvent) =>
  call('regenerate', { chatId, answerId, onEvent: channel(onEvent) });
/** A new version of the turn `messageId` belongs to, with `question` as its question; as `ask`. */
export const editQuestion = (chatId, messageId, question, onEvent) =>
  call('edit_question', { chatId, messageId, question, onEvent: channel(onEvent) });
/** The answer on the clipboard as sanitised HTML and plain text (Rust writes both). */
export const copyAnswer = (messageId) => call('copy_answer', { messageId });

// --- the outside world ---------------------------------------------------------------
/** Only http(s); the caller has already asked the person. */
export const openLink = (url) => call('open_link', { url });

/**
 * Lights the drop zone. `handlers` = {enter, over, leave, drop}; each gets the Tauri event.
 * The files themselves are taken in Rust; `onDocumentsPending` says when they wait for a chat.
 */
export async function onDrag(handlers) {
  const pairs = [
    ['tauri://drag-enter', handlers.enter],
    ['tauri://drag-over', handlers.over],
    ['tauri://drag-leave', handlers.leave],
    ['tauri://drag-drop', handlers.drop],
  ];
  for (const [name, fn] of pairs) if (fn) await listen(name, fn);
}

/** Called when files were dropped on the window: they wait for `addPendingDocuments`. */
export const onDocumentsPending = (fn) => listen('documents-pending', fn);

// --- library and cloud files ----------------------------------------------------------
/** Every document ever added, newest first; `checkCloud` asks the account's file list too. */
export const library = (checkCloud) => call('library', { checkCloud: !!checkCloud });
/** Adds library documents to a chat: one job each on the document channel. */
export const addLibraryDocuments = (chatId, documentIds) =>
  call('add_library_documents', { chatId, documentIds });
export const removeLibraryDocument = (documentId) => call('remove_library_document', { documentId });
/** `{files: [{file, document, in_use}], total_bytes, max_files, max_bytes}`. */
export const cloudFiles = () => call('cloud_files');
export const deleteCloudFiles = (fileIds) => call('delete_cloud_files', { fileIds });

// --- previews and quotations (local text only: nothing is sent) ----------------------
/** `{state: "ready", name, bytes, chars, tokens, sections, ...}` or `{state: "none", reason}`. */
export const previewDocument = (documentId) => call('preview_document', { documentId });
/** `{start, text}`: the text between byte offsets, widened to whole characters. */
export const previewText = (documentId, start, end) => call('preview_text', { documentId, start, end });
/** `[{start, end}]`: byte ranges of each match (at most 1,000). */
export const findInDocument = (documentId, query) => call('find_in_document', { documentId, query });
/** `[{quote, span, found: {document_id, range} | null}]` for an answer. */
export const answerQuotes = (messageId) => call('answer_quotes', { messageId });
export const estimateQuestion = (chatId, question, asText = null) =>
  call('estimate_question', { chatId, question, asText });
export const sendTextInstead = (chatId, on) => call('send_text_instead', { chatId, on });
