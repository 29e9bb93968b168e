// The only module that talks to the Rust shell: every `invoke`, every Channel and every
// Tauri event listener lives here. The contract is docs/ipc.md.
//
// Every function returns a Promise. Rejections are always an AppError-shaped object
// `{kind, message, request_id, detail, action, retry_after_secs}`; when the shell rejected
// with something else (a plain string from Tauri itself), `message` is null and the UI shows
// its own localized fallback.

function tauri() {
  const t = window.__TAURI__;
  if (!t || !t.core) {
    throw normalizeError('window.__TAURI__ is not available');
  }
  return t;
}

export function normalizeError(e) {
  if (e && typeof e === 'object' && typeof e.kind === 'string') {
    return {
      kind: e.kind,
      message: typeof e.message === 'string' ? e.message : null,
      request_id: e.request_id ?? null,
      detail: e.detail ?? null,
      action: e.action ?? null,
      retry_after_secs: e.retry_after_secs ?? null,
    };
  }
  let detail;
  if (typeof e === 'string') detail = e;
  else if (e instanceof Error) detail = e.message;
  else {
    try { detail = JSON.stringify(e); } catch { detail = String(e); }
  }
  return { kind: 'internal', message: null, request_id: null, detail, action: null, retry_after_secs: null };
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

// --- state and settings ------------------------------------------------------------
export const getState = () => call('get_state');
export const saveSettings = (settings) => call('save_settings', { settings });
export const setApiKey = (key) => call('set_api_key', { key });
export const deleteApiKey = () => call('delete_api_key');
export const testConnection = () => call('test_connection');

// --- chats -------------------------------------------------------------------------
export const listChats = () => call('list_chats');
/** `chatId` null creates a new chat. */
export const openChat = (chatId) => call('open_chat', { chatId: chatId ?? null });
export const deleteChat = (chatId) => call('delete_chat', { chatId });

// --- documents ---------------------------------------------------------------------
/** Opens the one document channel; `onEvent` receives every DocumentEvent. */
export const watchDocuments = (onEvent) => call('watch_documents', { onEvent: channel(onEvent) });
export const pickDocuments = () => call('pick_documents');
export const retryDocument = (jobId) => call('retry_document', { jobId });
export const addText = (text, name) => call('add_text', { text, name: name ?? null });
export const addTextAsFile = (text, name) => call('add_text_as_file', { text, name: name ?? null });
export const removeDocument = (documentId) => call('remove_document', { documentId });

// --- answers -----------------------------------------------------------------------
export const ask = (chatId, question, onEvent) =>
  call('ask', { chatId, question, onEvent: channel(onEvent) });
export const stopAnswer = (chatId) => call('stop_answer', { chatId });
export const regenerate = (answerId, onEvent) =>
  call('regenerate', { answerId, onEvent: channel(onEvent) });

// --- the outside world ---------------------------------------------------------------
/** Only http(s); the caller has already asked the person. */
export const openLink = (url) => call('open_link', { url });

/**
 * Lights the drop zone. `handlers` = {enter, over, leave, drop}; each gets the Tauri event.
 * The files themselves are handled in Rust; progress arrives on the document channel.
 */
export async function onDrag(handlers) {
  const ev = window.__TAURI__ && window.__TAURI__.event;
  if (!ev || typeof ev.listen !== 'function') return;
  const pairs = [
    ['tauri://drag-enter', handlers.enter],
    ['tauri://drag-over', handlers.over],
    ['tauri://drag-leave', handlers.leave],
    ['tauri://drag-drop', handlers.drop],
  ];
  for (const [name, fn] of pairs) {
    if (fn) {
      try { await ev.listen(name, fn); } catch (e) { console.error(name, e); }
    }
  }
}
