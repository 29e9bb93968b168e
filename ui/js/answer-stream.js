// Asking and streaming: the question box, Send and Stop, the live "what is happening" line
// before the first token, and the end of an answer however it ends. The answer's final state
// comes from Rust (the stored message); nothing here decides what an error means.

import * as ipc from './ipc.js';
import { t, formatDuration } from './i18n.js';
import { $, el } from './dom.js';
import { StreamRenderer } from './markdown.js';
import { confirmDialog } from './dialogs.js';
import * as view from './conversation.js';
import * as edit from './composer-edit.js';
import { latestOnly } from './latest.js';
import * as follow from './follow.js';

let running = null; // the answer in flight
const settles = latestOnly(); // the chat read again once an answer ends
let hooks = {
  ensureChat: async () => null,
  documents: () => [],
  notReady: () => ({ waiting: 0, failed: 0 }),
  onAnswered() {},
  // Settles what must reach Rust before a question is sent (a removal waiting for its Undo).
  beforeSend: async () => {},
};

export function init(h) {
  hooks = { ...hooks, ...h };
  const q = $('question');
  q.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || e.shiftKey) return;
    // IME composition (pinyin etc.): Enter picks a candidate, it must not send.
    if (e.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    submit();
  });
  q.addEventListener('input', autosize);
  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });
  $('stop').addEventListener('click', stop);
  edit.init({ autosize });
  updateComposer();
}

/** Edit on a question: it goes back to the question box; sending makes a new version. */
export function startEdit(m, wrap) {
  if (running) return;
  edit.start(m, wrap);
}

/** Another chat is shown: an edit in progress is dropped. */
export function cancelEdit() {
  edit.cancel();
}

/**
 * A document of the chat failed or is still on its way: the answer would not read it, so ask
 * first. True when the question may go.
 */
async function readyToSend() {
  const { waiting = 0, failed = 0 } = hooks.notReady();
  const count = waiting + failed;
  if (!count) return true;
  let body;
  if (!failed) body = t('notReady.waiting', { count });
  else if (!waiting) body = t('notReady.failed', { count });
  else body = t('notReady.both', { count, waiting, failed });
  return confirmDialog({
    title: t('notReady.title', { count }),
    body,
    ok: t('notReady.ok'),
    cancel: t('notReady.wait'),
    focusCancel: true,
  });
}

export function isRunning() {
  return !!running;
}

/** Another chat is shown: the answer keeps streaming in Rust and shows when it is reopened. */
export function detachUnless(chatId) {
  if (running && running.chatId !== chatId) {
    clearInterval(running.timer);
    running.detached = true;
    running = null;
    updateComposer();
  }
}

function autosize() {
  const q = $('question');
  q.style.height = 'auto';
  q.style.height = `${Math.min(q.scrollHeight, 220)}px`;
}

function updateComposer() {
  const busy = !!running;
  $('stop').hidden = !busy;
  $('send').disabled = busy;
  $('composer').classList.toggle('busy', busy);
}

async function submit() {
  if (running) return;
  const q = $('question');
  const question = q.value.trim();
  if (!question) {
    q.focus();
    return;
  }
  const editing = edit.current();
  if (editing && editing.wrap && editing.wrap.isConnected) {
    await sendEdit(editing, question);
    return;
  }
  if (editing) edit.cancel();
  await send(question, { fromBox: true });
}

/** Asks `question` in the chat shown (from the question box, or a starter question). */
export async function send(question, { fromBox = false } = {}) {
  if (running) return;
  if (!(await readyToSend())) return;
  const chat = view.currentChat() || (await hooks.ensureChat());
  if (!chat || running) return;
  if (fromBox) {
    $('question').value = '';
    autosize();
  }
  view.clearEmpty();
  const { wrap, answer } = view.newTurn(question);
  follow.scrollToEnd(true);
  const chatId = chat.summary.id;
  await stream(chatId, answer, (onEvent) => ipc.ask(chatId, question, onEvent), fromBox ? question : null, wrap);
}

/** Sends the edited question: a new version of its turn streams in place of the shown one. */
async function sendEdit(editing, question) {
  if (!(await readyToSend())) return;
  const chatId = view.currentChatId();
  if (running || chatId == null) return;
  const { message, wrap } = editing;
  const draft = edit.sent();
  const q = $('question');
  q.value = '';
  autosize();
  const answer = view.beginVersion(wrap, question);
  // Refused (nothing stored): the edited question comes back to the box, as a new one would.
  await stream(chatId, answer, (onEvent) => ipc.editQuestion(chatId, message.id, question, onEvent), question, wrap);
  if (draft && !q.value) {
    q.value = draft;
    autosize();
  }
}

/** Asks the question behind this answer again: a new version streams in its place. */
export async function regenerate(a) {
  const id = Number(a.dataset.messageId);
  const chatId = view.currentChatId();
  const wrap = a.closest('.turn');
  if (running || !id || chatId == null || !wrap) return;
  if (!(await readyToSend())) return;
  // The button pressed goes away with its article: bring the keyboard back to the new one.
  const hadFocus = a.contains(document.activeElement);
  const fresh = view.beginVersion(wrap, null);
  await stream(chatId, fresh, (onEvent) => ipc.regenerate(chatId, id, onEvent), null, wrap);
  const lost = !document.activeElement || document.activeElement === document.body;
  const now = wrap.querySelector('article[data-role=assistant]');
  if (hadFocus && lost && now) {
    const again = now.querySelector('[data-action="regenerate"]') || now.querySelector('.error-box button');
    if (again) again.focus();
  }
}

async function stream(chatId, a, start, question, wrap) {
  const body = a.querySelector('.msg-body');
  const renderer = new StreamRenderer(body);
  body.hidden = true;
  const run = {
    chatId,
    article: a,
    renderer,
    startedAt: Date.now(),
    firstToken: false,
    waiting: null,
    preparing: null,
    text: '',
    timer: 0,
    detached: false,
  };
  running = run;
  settles.drop();
  // Busy while it streams (kept drawn, and read out once it ends: `announce`).
  a.setAttribute('aria-busy', 'true');
  $('answer-status').textContent = '';
  renderer.onRender = () => follow.scrollToEnd(false);
  updateComposer();
  tick(run);
  run.timer = setInterval(() => tick(run), 500);

  const onEvent = (ev) => {
    if (run.detached) return;
    if (ev.event === 'started') {
      a.dataset.messageId = String(ev.answer_id);
      // The question's article too (search results scroll to questions).
      const q = a.previousElementSibling;
      if (question && q && q.dataset.role === 'user' && ev.question_id) q.dataset.messageId = String(ev.question_id);
      // A new question starts its own turn (the turn's id is its first question's).
      if (wrap && !wrap.dataset.turnId) wrap.dataset.turnId = String(ev.question_id);
    } else if (ev.event === 'preparing') run.preparing = ev;
    else if (ev.event === 'waiting') run.waiting = { ...ev, until: Date.now() + (ev.retry_in_ms || 0) };
    else if (ev.event === 'delta') {
      if (!run.firstToken) {
        run.firstToken = true;
        a.querySelector('.msg-status').hidden = true;
        body.hidden = false;
      }
      run.text += ev.text;
      renderer.append(ev.text);
    }
    if (ev.event !== 'delta') tick(run);
  };

  let answer = null;
  let error = null;
  try {
    await hooks.beforeSend(chatId);
    answer = await start(onEvent);
  } catch (e) {
    error = e;
  }
  clearInterval(run.timer);
  if (run.detached) {
    a.removeAttribute('aria-busy');
    return;
  }
  await finish(run, answer, error, question);
  announce(a);
  running = null;
  updateComposer();
  // Keep our copy of the chat in step, then let the sidebar refresh. A copy asked for before
  // the next answer started (a Regenerate pressed at once) is older than what that answer shows.
  const newest = settles.next();
  try {
    const fresh = await ipc.openChat(run.chatId);
    // When nothing was stored (refused), the refusal stays in view instead of the turn.
    if (!running && newest()) view.settleTurn(fresh, answer ? wrap : null);
  } catch { /* the view we have is good enough */ }
  // Its badge and buttons came last: a log that follows shows them too.
  if (!running) follow.scrollToEnd(false);
  // Busy until the answer is final: its last blocks are drawn in slices after the stream ends.
  a.removeAttribute('aria-busy');
  hooks.onAnswered();
}

/** Shows how the answer ended: the stored message, or the refusal when nothing was stored. */
async function finish(run, answer, error, question) {
  const a = run.article;
  const m = answer ? answer.message : { id: 0, role: 'assistant', text: run.text, status: 'error', error };
  await run.renderer.finish(m.text);
  view.fillAssistant(a, m, { keepBody: true });
  if (!answer && question && !$('question').value) {
    // Nothing was stored: give the question back so it is not lost.
    $('question').value = question;
    autosize();
  }
  if (m.status !== 'complete') {
    // The next step (Open settings, Retry) must be in view, not below the fold.
    const box = a.querySelector('.error-box') || a.querySelector('.msg-foot');
    if (box) box.scrollIntoView({ block: 'nearest' });
  }
}

/**
 * Screen readers hear the answer once it has ended, with how it ended (a badge, an error), from
 * a status line: the log itself is not live, or every turn drawn on scroll would be read out.
 */
function announce(a) {
  const ended = a.querySelectorAll('.msg-extra :is(.badge, .msg-error-text, .error-message)');
  // innerText: its line breaks keep list items and paragraphs apart when read.
  const parts = [t('conv.assistant'), a.querySelector('.msg-body').innerText, ...[...ended].map((n) => n.textContent)];
  $('answer-status').textContent = parts.map((p) => p.trim()).filter(Boolean).join('\n');
}

function tick(run) {
  if (run.firstToken) return;
  const statusEl = run.article.querySelector('.msg-status');
  const elapsed = formatDuration(Date.now() - run.startedAt);
  let text;
  const w = run.waiting;
  if (w && (w.reason === 'rate_limited' || w.reason === 'server_error') && Date.now() < w.until) {
    text = t('conv.busyRetry', { s: Math.ceil((w.until - Date.now()) / 1000) });
  } else if (w && w.reason === 'file_parsing') {
    text = t('conv.stillReading', { time: elapsed });
  } else if (run.preparing && run.preparing.progress && run.preparing.progress.step !== 'ready') {
    const doc = hooks.documents().find((d) => d.id === run.preparing.document_id);
    text = t('conv.preparing', { name: doc ? doc.name : '', time: elapsed });
  } else {
    const n = hooks.documents().length;
    text = n > 0 ? t('conv.reading', { count: n, time: elapsed }) : t('conv.thinking', { time: elapsed });
  }
  const spinner = el('span', 'spinner');
  spinner.setAttribute('aria-hidden', 'true');
  statusEl.replaceChildren(spinner, document.createTextNode(text));
}

async function stop() {
  if (!running) return;
  $('stop').disabled = true;
  try {
    await ipc.stopAnswer(running.chatId);
  } catch { /* the answer ends anyway or is already over */ }
  $('stop').disabled = false;
  $('question').focus();
}
