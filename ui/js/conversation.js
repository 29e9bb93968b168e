// The conversation: one <article> per message in a role="log", the question box, the live
// "what is happening" line before the first token, Stop, Copy, Regenerate, and the badges of
// answers that ended early. Assistant articles carry data-status = the message status.

import * as ipc from './ipc.js';
import { t, formatNumber, formatDuration } from './i18n.js';
import { StreamRenderer, renderInto, interceptLinks } from './markdown.js';
import { errorBox, detailsBlock, confirmLink } from './dialogs.js';

const $ = (id) => document.getElementById(id);

const PROMPT_CNY_PER_TOKEN = 0.0005 / 1000;
const SETTINGS_KINDS = new Set(['key_missing', 'key_refused', 'insecure_url', 'model_not_found', 'wrong_address']);
const NO_RETRY_KINDS = new Set(['content_refused', 'arrears', 'free_tier_only', 'cancelled']);

let chat = null; // {summary, documents, messages}
let keyPresent = true;
let running = null; // the answer in flight
let hooks = {
  ensureChat: async () => null,
  documents: () => [],
  onOpenSettings() {},
  onAnswered() {},
};

export function init(h) {
  hooks = { ...hooks, ...h };
  const log = $('conversation');
  interceptLinks(log, confirmLink, (url) => ipc.openLink(url).catch(() => {}));

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
  updateComposer();
}

export function setKeyPresent(present) {
  keyPresent = present;
  if (chat && chat.messages.length === 0 && !running) renderEmpty();
  else if (!chat) renderEmpty();
}

export function currentChatId() {
  return chat ? chat.summary.id : null;
}

/** True when the current chat has no messages yet (a fresh "New conversation"). */
export function isEmpty() {
  return !!chat && chat.messages.length === 0 && !running;
}

export function isRunning() {
  return !!running;
}

export function setChat(c) {
  if (running && c && running.chatId !== c.summary.id) {
    // The answer keeps streaming in Rust; it is stored and shows when that chat is opened again.
    clearInterval(running.timer);
    running.detached = true;
    running = null;
  }
  chat = c;
  renderAll();
  updateComposer();
  updateCostNote();
}

function renderAll() {
  const log = $('conversation');
  log.replaceChildren();
  if (!chat || chat.messages.length === 0) {
    renderEmpty();
    return;
  }
  for (const m of chat.messages) log.appendChild(m.role === 'user' ? userArticle(m.text) : assistantArticle(m));
  scrollToEnd(true);
}

function renderEmpty() {
  const log = $('conversation');
  if (chat && chat.messages.length) return;
  log.replaceChildren(keyPresent ? emptyState() : welcome());
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
}

function button(label, cls, onClick) {
  const b = el('button', `btn ${cls}`, label);
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

function emptyState() {
  const box = el('div', 'empty');
  const art = el('div', 'empty-art');
  art.setAttribute('aria-hidden', 'true');
  art.appendChild(el('span', 'icon icon-doc-large'));
  box.append(
    art,
    el('h2', 'empty-title', t('empty.title')),
    el('p', 'empty-text', t('empty.text')),
    el('p', 'empty-formats', t('empty.formats')),
  );
  const tips = el('ul', 'empty-tips');
  for (const k of ['empty.tip1', 'empty.tip2', 'empty.tip3']) tips.appendChild(el('li', null, t(k)));
  box.appendChild(tips);
  return box;
}

function welcome() {
  const box = el('div', 'empty welcome');
  const art = el('div', 'empty-art');
  art.setAttribute('aria-hidden', 'true');
  art.appendChild(el('span', 'icon icon-key-large'));
  const steps = el('ol', 'welcome-steps');
  for (const k of ['welcome.step1', 'welcome.step2', 'welcome.step3']) steps.appendChild(el('li', null, t(k)));
  const actions = el('div', 'welcome-actions');
  actions.append(
    button(t('welcome.addKey'), 'btn-primary', () => hooks.onOpenSettings()),
    button(t('welcome.createKey'), 'btn-link', async () => {
      const url = 'https://bailian.console.aliyun.com/?apiKey=1';
      if (await confirmLink(url)) ipc.openLink(url).catch(() => {});
    }),
  );
  box.append(art, el('h2', 'empty-title', t('welcome.title')), el('p', 'empty-text', t('welcome.text')), steps, actions);
  return box;
}

function userArticle(text) {
  const a = el('article', 'msg msg-user');
  a.dataset.role = 'user';
  const who = el('h3', 'msg-who visually-hidden', t('conv.you'));
  const body = el('div', 'msg-body', text);
  a.append(who, body);
  return a;
}

/** Builds an assistant article for a stored message. */
function assistantArticle(m) {
  const a = el('article', 'msg msg-assistant');
  a.dataset.role = 'assistant';
  const head = el('div', 'msg-head');
  const avatar = el('span', 'msg-avatar', '长');
  avatar.setAttribute('aria-hidden', 'true');
  head.append(avatar, el('h3', 'msg-who', t('conv.assistant')));
  const status = el('p', 'msg-status');
  status.setAttribute('role', 'status');
  status.hidden = true;
  const body = el('div', 'msg-body markdown');
  const extra = el('div', 'msg-extra');
  const foot = el('footer', 'msg-foot');
  a.append(head, status, body, extra, foot);
  fillAssistant(a, m);
  return a;
}

/** Shows a finished (or stored) message in its article. `err` is the live AppError, if any. */
function fillAssistant(a, m, err = null, { keepBody = false } = {}) {
  a.dataset.status = m.status;
  a.dataset.messageId = String(m.id);
  a._message = m;
  const body = a.querySelector('.msg-body');
  if (!keepBody) renderInto(body, m.text || '');
  body.hidden = !m.text;
  const status = a.querySelector('.msg-status');
  status.hidden = m.status !== 'streaming';
  if (m.status === 'streaming') status.textContent = t('conv.streamingStored');

  const extra = a.querySelector('.msg-extra');
  extra.replaceChildren();
  if (m.status === 'stopped') {
    extra.appendChild(badge('stopped', t('conv.badge.stopped')));
  } else if (m.status === 'interrupted') {
    extra.appendChild(badge('interrupted', t('conv.badge.interrupted')));
    const e = errorFor(m, err);
    const d = detailsBlock(e);
    if (e.message) extra.appendChild(el('p', 'msg-error-text', e.message));
    if (d) extra.appendChild(d);
  } else if (m.status === 'error') {
    const e = errorFor(m, err);
    extra.appendChild(errorBox(e, {
      open_settings: () => hooks.onOpenSettings(),
      retry: () => regenerate(a),
    }));
  }

  const foot = a.querySelector('.msg-foot');
  foot.replaceChildren();
  if (m.status === 'streaming') return;
  if (m.usage && m.usage.total_tokens != null) {
    const cost = m.cost_cny != null ? ` · ¥${formatCost(m.cost_cny)}` : '';
    const u = el('span', 'msg-usage', `${t('conv.tokens', { n: m.usage.total_tokens })}${cost}`);
    u.title = t('conv.usageDetail', { prompt: m.usage.prompt_tokens ?? 0, completion: m.usage.completion_tokens ?? 0 });
    foot.appendChild(u);
  }
  const actions = el('div', 'msg-actions');
  if (m.text) {
    const copy = button(t('conv.copy'), 'btn-ghost btn-small', async () => {
      const ok = await copyText(a._message ? a._message.text : m.text);
      copy.textContent = ok ? t('conv.copied') : t('conv.copyFailed');
      setTimeout(() => { copy.textContent = t('conv.copy'); }, 1800);
    });
    actions.appendChild(copy);
  }
  const regen = button(t('conv.regenerate'), 'btn-ghost btn-small', () => regenerate(a));
  regen.dataset.action = 'regenerate';
  actions.appendChild(regen);
  foot.appendChild(actions);
}

function errorFor(m, err) {
  if (err) return err;
  const kind = m.error_kind || null;
  let action = null;
  if (kind && SETTINGS_KINDS.has(kind)) action = 'open_settings';
  else if (!kind || !NO_RETRY_KINDS.has(kind)) action = 'retry';
  return {
    kind,
    message: m.error_message || (m.status === 'interrupted' ? t('conv.interruptedText') : null),
    request_id: m.request_id || null,
    detail: null,
    action,
  };
}

function badge(kind, text) {
  const b = el('p', `badge badge-${kind}`);
  b.appendChild(el('span', 'badge-dot')).setAttribute('aria-hidden', 'true');
  b.appendChild(document.createTextNode(text));
  return b;
}

function formatCost(cny) {
  if (cny === 0) return '0';
  // Small amounts keep two significant digits (¥0.011, not ¥0.01); larger ones show fen.
  if (cny < 1) return formatNumber(cny, { maximumSignificantDigits: 2 });
  return formatNumber(cny, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

async function copyText(text) {
  try {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch { /* fall back */ }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.className = 'offscreen';
  document.body.appendChild(ta);
  ta.select();
  let ok = false;
  try { ok = document.execCommand('copy'); } catch { ok = false; }
  ta.remove();
  return ok;
}

// --- asking ----------------------------------------------------------------------

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
  if (!chat) chat = await hooks.ensureChat();
  if (!chat) return;
  q.value = '';
  autosize();
  const log = $('conversation');
  if (chat.messages.length === 0) log.replaceChildren();
  log.appendChild(userArticle(question));
  const a = liveAssistant();
  log.appendChild(a);
  scrollToEnd(true);
  await stream(a, (onEvent) => ipc.ask(chat.summary.id, question, onEvent), question);
}

async function regenerate(a) {
  if (running) return;
  const id = Number(a.dataset.messageId);
  if (!id) return;
  // The button pressed goes away with its article: bring the keyboard back to the new one.
  const hadFocus = a.contains(document.activeElement);
  const fresh = liveAssistant();
  a.replaceWith(fresh);
  fresh.dataset.messageId = String(id);
  await stream(fresh, (onEvent) => ipc.regenerate(id, onEvent), null);
  const lost = !document.activeElement || document.activeElement === document.body;
  if (hadFocus && lost && fresh.isConnected) {
    const again = fresh.querySelector('[data-action="regenerate"]') || fresh.querySelector('.error-box button');
    if (again) again.focus();
  }
}

function liveAssistant() {
  const a = assistantArticle({ id: 0, role: 'assistant', text: '', status: 'streaming' });
  a.querySelector('.msg-status').hidden = false;
  return a;
}

async function stream(a, start, question) {
  const body = a.querySelector('.msg-body');
  const renderer = new StreamRenderer(body);
  body.hidden = true;
  const run = {
    chatId: chat.summary.id,
    article: a,
    renderer,
    startedAt: Date.now(),
    firstToken: false,
    answerId: Number(a.dataset.messageId) || null,
    waiting: null,
    preparing: null,
    usage: null,
    text: '',
    timer: 0,
    detached: false,
  };
  running = run;
  // Screen readers: announce the answer once it is complete, not every frame of it.
  a.setAttribute('aria-busy', 'true');
  renderer.onRender = () => scrollToEnd(false);
  updateComposer();
  tick(run);
  run.timer = setInterval(() => tick(run), 500);

  const onEvent = (ev) => {
    if (run.detached) return;
    switch (ev.event) {
      case 'started':
        run.answerId = ev.answer_id;
        a.dataset.messageId = String(ev.answer_id);
        break;
      case 'preparing':
        run.preparing = ev;
        break;
      case 'waiting':
        run.waiting = { ...ev, until: Date.now() + (ev.retry_in_ms || 0) };
        break;
      case 'delta':
        if (!run.firstToken) {
          run.firstToken = true;
          a.querySelector('.msg-status').hidden = true;
          body.hidden = false;
        }
        run.text += ev.text;
        renderer.append(ev.text);
        break;
      case 'usage':
        run.usage = ev;
        break;
      default:
        break;
    }
    if (ev.event !== 'delta') tick(run);
  };

  let answer = null;
  let error = null;
  try {
    answer = await start(onEvent);
  } catch (e) {
    error = e;
  }
  clearInterval(run.timer);
  a.removeAttribute('aria-busy');
  if (run.detached) return;

  if (answer && answer.message) {
    await renderer.finish(answer.message.text);
    fillAssistant(a, answer.message, null, { keepBody: true });
  } else {
    await recover(run, error, question);
  }
  running = null;
  updateComposer();
  // Keep our copy of the chat in step, then let the sidebar refresh.
  try {
    const fresh = await ipc.openChat(run.chatId);
    if (chat && chat.summary.id === fresh.summary.id && !running) chat = fresh;
  } catch { /* the view we have is good enough */ }
  updateCostNote();
  hooks.onAnswered();
}

/** The answer ended early: show the stored partial answer with its status. */
async function recover(run, error, question) {
  const a = run.article;
  let stored = null;
  if (run.answerId) {
    try {
      const c = await ipc.openChat(run.chatId);
      stored = c.messages.find((m) => m.id === run.answerId) || null;
    } catch { /* use what we have */ }
  }
  if (!stored) {
    let status = 'error';
    if (error && error.kind === 'cancelled') status = 'stopped';
    else if (error && ['stream_cut', 'network', 'timeout', 'proxy'].includes(error.kind) && run.text) status = 'interrupted';
    stored = {
      id: run.answerId || 0,
      role: 'assistant',
      text: run.text,
      status,
      error_kind: error ? error.kind : null,
      error_message: error ? error.message : null,
      request_id: error ? error.request_id : null,
      usage: run.usage ? run.usage.usage : null,
      cost_cny: run.usage ? run.usage.cost_cny : null,
    };
    if (!run.answerId && question && !$('question').value) {
      // Nothing was stored: give the question back so it is not lost.
      $('question').value = question;
      autosize();
    }
  }
  await run.renderer.finish(stored.text);
  fillAssistant(a, stored, stored.status === 'stopped' ? null : error, { keepBody: true });
  // The next step (Open settings, Retry) must be in view, not below the fold.
  const box = a.querySelector('.error-box') || a.querySelector('.msg-foot');
  if (box) box.scrollIntoView({ block: 'nearest' });
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
  statusEl.replaceChildren(el('span', 'spinner'), document.createTextNode(text));
  statusEl.firstChild.setAttribute('aria-hidden', 'true');
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

function scrollToEnd(force) {
  const log = $('conversation');
  const near = log.scrollHeight - log.scrollTop - log.clientHeight < 120;
  if (force || near) {
    log.scrollTop = log.scrollHeight;
    // Fonts and late layout can grow the content after this frame.
    if (force) requestAnimationFrame(() => { log.scrollTop = log.scrollHeight; });
  }
}

/** The line above the question box: every question re-reads every attached document. */
export function updateCostNote() {
  const note = $('cost-note');
  const docs = hooks.documents();
  if (!docs.length) {
    note.textContent = t('cost.noDocs');
    return;
  }
  let last = null;
  if (chat) {
    for (let i = chat.messages.length - 1; i >= 0; i--) {
      const m = chat.messages[i];
      if (m.role === 'assistant' && m.usage && m.usage.prompt_tokens) {
        last = m.usage.prompt_tokens;
        break;
      }
    }
  }
  note.textContent = last
    ? t('cost.withLast', { count: docs.length, n: last, cost: formatCost(last * PROMPT_CNY_PER_TOKEN) })
    : t('cost.rereads', { count: docs.length });
}

/** Re-renders after a language change. */
export function relabel() {
  if (running) return; // the stream keeps its article; labels refresh on the next render
  renderAll();
  updateCostNote();
}
