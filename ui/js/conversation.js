// The conversation view: one <article> per message in a role="log", the empty and welcome
// states, the badges and errors of answers that ended early, Copy and Regenerate, and the
// cost line above the question box. Assistant articles carry data-status = the message
// status. Asking and streaming live in answer-stream.js.

import * as ipc from './ipc.js';
import { t, formatNumber } from './i18n.js';
import { $, el, button } from './dom.js';
import { renderInto, interceptLinks } from './markdown.js';
import { errorBox, detailsBlock, confirmLink } from './dialogs.js';
import { errorText, storedError } from './errors.js';
import { welcomeView, keyBanner } from './welcome.js';

let chat = null; // {summary, documents, messages}
let keyPresent = true;
let keyCheck = null; // {ok, error} right after a key was saved: shown above the empty state
let inputCnyPer1k = 0;
let hooks = {
  documents: () => [],
  onOpenSettings() {},
  onRegenerate() {},
  onKey() {},
  busy: () => 0,
};

export function init(h) {
  hooks = { ...hooks, ...h };
  interceptLinks($('conversation'), confirmLink, (url) => ipc.openLink(url).catch(() => {}));
}

/** The limits from get_state (the price of a token read). */
export function setLimits(limits) {
  inputCnyPer1k = (limits && limits.input_cny_per_1k) || 0;
}

export function setKeyPresent(present, check = null) {
  keyPresent = present;
  keyCheck = present ? check : null;
  if (!chat || chat.messages.length === 0) renderEmpty();
}

export function currentChat() {
  return chat;
}

export function currentChatId() {
  return chat ? chat.summary.id : null;
}

/** True when the current chat has no messages yet (a fresh "New conversation"). */
export function isEmpty() {
  return !!chat && chat.messages.length === 0;
}

export function setChat(c) {
  // The "your API Key works" greeting belongs to the chat it was shown in.
  if (chat && c && chat.summary.id !== c.summary.id) keyCheck = null;
  chat = c;
  renderAll();
  updateCostNote();
}

/** Keeps our copy of the chat in step without redrawing (after an answer). */
export function replaceChat(c) {
  if (chat && c && chat.summary.id === c.summary.id) chat = c;
  updateCostNote();
}

function renderAll() {
  const log = $('conversation');
  log.replaceChildren();
  if (!chat || chat.messages.length === 0) {
    renderEmpty();
    return;
  }
  for (const m of chat.messages) log.appendChild(m.role === 'user' ? userArticle(m.text, m.id) : assistantArticle(m));
  scrollToEnd(true);
}

function renderEmpty() {
  if (chat && chat.messages.length) return;
  $('conversation').replaceChildren(keyPresent ? emptyState() : welcomeView({ onKey: hooks.onKey }));
}

/** Clears the empty state before the first question of a chat. */
export function clearEmpty() {
  if (!chat || chat.messages.length === 0) $('conversation').replaceChildren();
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
  );
  if (keyCheck) box.prepend(keyBanner(keyCheck));
  const tips = el('ul', 'empty-tips');
  for (const k of ['empty.tip1', 'empty.tip2', 'empty.tip3']) tips.appendChild(el('li', null, t(k)));
  box.appendChild(tips);
  return box;
}

export function userArticle(text, id = null) {
  const a = el('article', 'msg msg-user');
  a.dataset.role = 'user';
  if (id != null) a.dataset.messageId = String(id);
  a.append(el('h3', 'msg-who visually-hidden', t('conv.you')), el('div', 'msg-body', text));
  return a;
}

/** An assistant article for a stored message. */
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
  a.append(head, status, el('div', 'msg-body markdown'), el('div', 'msg-extra'), el('footer', 'msg-foot'));
  fillAssistant(a, m);
  return a;
}

/** An empty assistant article for an answer about to stream. */
export function liveAssistant() {
  const a = assistantArticle({ id: 0, role: 'assistant', text: '', status: 'streaming' });
  a.querySelector('.msg-status').hidden = false;
  return a;
}

/** Shows a finished (or stored) message in its article; `keepBody` when the text is drawn. */
export function fillAssistant(a, m, { keepBody = false } = {}) {
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
  const err = storedError(m);
  if (m.status === 'stopped') {
    extra.appendChild(badge('stopped', t('conv.badge.stopped')));
  } else if (m.status === 'interrupted') {
    extra.appendChild(badge('interrupted', t('conv.badge.interrupted')));
    extra.appendChild(el('p', 'msg-error-text', err ? errorText(err) : t('conv.interruptedText')));
    const d = detailsBlock(err);
    if (d) extra.appendChild(d);
  } else if (m.status === 'error') {
    extra.appendChild(errorBox(err, {
      open_settings: () => hooks.onOpenSettings(),
      retry: () => hooks.onRegenerate(a),
      confirm_endpoint: async () => {
        await ipc.confirmEndpoint().catch(() => {});
        hooks.onRegenerate(a);
      },
    }));
  }
  fillFoot(a, m);
}

function fillFoot(a, m) {
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
  const regen = button(t('conv.regenerate'), 'btn-ghost btn-small', () => hooks.onRegenerate(a));
  regen.dataset.action = 'regenerate';
  actions.appendChild(regen);
  foot.appendChild(actions);
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

export function scrollToEnd(force) {
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
    const adding = hooks.busy();
    note.textContent = adding ? t('docsWait.adding', { count: adding }) : t('cost.noDocs');
    return;
  }
  let last = null;
  for (const m of chat ? [...chat.messages].reverse() : []) {
    if (m.role === 'assistant' && m.usage && m.usage.prompt_tokens) {
      last = m.usage.prompt_tokens;
      break;
    }
  }
  note.textContent = last
    ? t('cost.withLast', { count: docs.length, n: last, cost: formatCost((last * inputCnyPer1k) / 1000) })
    : t('cost.rereads', { count: docs.length });
}

/** Re-renders after a language change. */
export function relabel() {
  renderAll();
  updateCostNote();
}
