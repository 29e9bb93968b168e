// The conversation view: one `.turn` per question (its shown version: a user <article> and
// an assistant <article>) in a role="log", the empty, starter and welcome states, the badges
// and errors of answers that ended early, Copy/Regenerate/Edit and the version switch, and
// the cost line above the question box. Assistant articles carry data-status = the message
// status. Asking and streaming live in answer-stream.js; turns and versions in turns.js.
// Only the turns near the screen are drawn; the others wait as empty wraps (lazy-turns.js).
// A chat opens with its newest turns; earlier ones are loaded, a page at a time, as the log is
// scrolled near its top (or down to a search hit), and put above with the view kept in place.

import * as ipc from './ipc.js';
import { t } from './i18n.js';
import { $, el, button } from './dom.js';
import { renderMarkdown, interceptLinks } from './markdown.js';
import { errorBox, detailsBlock, confirmLink } from './dialogs.js';
import { errorText, storedError } from './errors.js';
import { welcomeView, keyBanner } from './welcome.js';
import { buildTurns, indexTurns, documentIndex, turnOf, oldestTurn } from './turns.js';
import { documentChips, versionNav, copyButton, tableTools, usageLine } from './answer-tools.js';
import { startersBlock } from './starters.js';
import * as quotes from './quotes.js';
import * as costLine from './cost-line.js';
import * as asText from './as-text.js';
import * as lazy from './lazy-turns.js';
import * as follow from './follow.js';

let chat = null; // {summary, documents, messages, documents_read}
let turns = []; // buildTurns(chat.messages)
let byMessage = new Map(); // indexTurns(turns): message id → {turn, index}
let byTurn = new Map(); // turn id → turn
const prepared = new WeakMap(); // stored answer → its Markdown, rendered ahead of its turn
const shown = new Map(); // turn id → index of the version shown (absent: the newest)
let keyPresent = true;
let keyCheck = null; // {ok, error} right after a key was saved: shown above the empty state
let hooks = {
  documents: () => [],
  onOpenSettings() {},
  onRegenerate() {},
  onKey() {},
  busy: () => 0,
  onEdit() {},
  onStarter() {},
  onPreview() {},
};

export function init(h) {
  hooks = { ...hooks, ...h };
  const log = $('conversation');
  interceptLinks(log, confirmLink, (url) => ipc.openLink(url).catch(() => {}));
  follow.init(log);
  lazy.init(log, {
    fillTurn: (wrap) => {
      const turn = byTurn.get(Number(wrap.dataset.turnId));
      if (turn) fillTurn(wrap, turn);
    },
    releaseTurn,
    prepareTurn,
  });
  log.addEventListener('scroll', () => {
    if (chat && chat.earlier && log.scrollTop < 2 * log.clientHeight) loadEarlier().catch(() => {});
  }, { passive: true });
}

let loading = null; // the earlier page being loaded

/**
 * Loads the turns before those shown (a page, or all down to `downTo`, a message id) and puts
 * them above, keeping what is on screen where it is.
 */
function loadEarlier(downTo = null) {
  if (loading) return loading.then(() => (downTo != null ? loadEarlier(downTo) : undefined));
  if (!chat || !chat.earlier) return Promise.resolve();
  const c = chat;
  loading = ipc.earlierMessages(c.summary.id, oldestTurn(c.messages), downTo).then((page) => {
    if (chat !== c) return;
    const before = oldestTurn(chat.messages);
    chat.messages = page.messages.concat(chat.messages);
    chat.earlier = page.earlier;
    setTurns(buildTurns(chat.messages));
    const log = $('conversation');
    const anchor = log.querySelector(':scope > .turn');
    const top = anchor ? anchor.getBoundingClientRect().top : 0;
    const all = document.createDocumentFragment();
    for (const turn of turns) if (turn.turnId < before) all.appendChild(turnElement(turn));
    if (anchor) anchor.before(all);
    else log.appendChild(all);
    if (anchor) log.scrollTop += anchor.getBoundingClientRect().top - top;
    showEarlier();
    lazy.update();
  }).finally(() => { loading = null; });
  return loading;
}

/** The line at the top of the log while earlier turns are not loaded. */
function showEarlier() {
  const log = $('conversation');
  log.dataset.earlier = String(chat ? chat.earlier : 0);
  let line = log.querySelector(':scope > .log-earlier');
  if (!chat || !chat.earlier) {
    if (line) line.remove();
    return;
  }
  if (!line) {
    line = el('div', 'log-earlier');
    line.appendChild(button(t('conv.earlier'), 'btn-ghost btn-small', () => loadEarlier().catch(() => {})));
    log.prepend(line);
  }
}

/** Makes sure a message of the shown chat is in the log (loading earlier turns down to it). */
export async function ensureMessage(id) {
  if (chat && !byMessage.has(id) && chat.earlier) await loadEarlier(id);
}

/** The article of message `id` in the log, its turn drawn if it was away (or null). */
export function showMessage(id) {
  const found = byMessage.get(id);
  const wrap = found && $('conversation').querySelector(`:scope > .turn[data-turn-id="${found.turn.turnId}"]`);
  if (!wrap) return null;
  lazy.show(wrap);
  follow.stop(); // shown on request: a streaming answer must not pull the log away from it
  return wrap.querySelector(`article[data-message-id="${Number(id)}"]`);
}

function setTurns(list) {
  turns = list;
  byMessage = indexTurns(turns);
  byTurn = new Map(turns.map((x) => [x.turnId, x]));
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
  return !!chat && chat.messages.length === 0 && !chat.earlier;
}

export function setChat(c) {
  // The "your API Key works" greeting belongs to the chat it was shown in.
  if (chat && c && chat.summary.id !== c.summary.id) keyCheck = null;
  if (!chat || !c || chat.summary.id !== c.summary.id) shown.clear();
  chat = c;
  renderAll();
  updateCostNote();
}

/**
 * Keeps our copy of the chat in step without redrawing (after an answer): `c` holds the
 * newest turns; the earlier ones loaded here stay.
 */
export function replaceChat(c) {
  if (chat && c && chat.summary.id === c.summary.id) {
    const from = oldestTurn(c.messages);
    const older = chat.messages.filter((m) => turnOf(m) < from);
    const earlier = older.length ? chat.earlier : c.earlier;
    chat = { ...c, messages: older.concat(c.messages), earlier };
    setTurns(buildTurns(chat.messages));
    showEarlier();
  }
  updateCostNote();
}

/**
 * After an answer (or a new version) ended: keep our copy of the chat and redraw the turn in
 * `wrap` from the stored messages, showing its newest version. Keyboard focus on one of the
 * turn's buttons stays on the same button.
 */
export function settleTurn(c, wrap) {
  replaceChat(c);
  if (!chat || chat.summary.id !== c.summary.id || !wrap || !wrap.isConnected) return;
  const turn = turns.find((x) => String(x.turnId) === wrap.dataset.turnId);
  if (!turn) return;
  shown.delete(turn.turnId);
  redrawTurn(wrap, turn);
}

function redrawTurn(wrap, turn, focusAction = null) {
  const active = document.activeElement;
  const action = focusAction || (active && wrap.contains(active) && active.dataset ? active.dataset.action : null);
  fillTurn(wrap, turn);
  lazy.filled(wrap);
  lazy.update();
  if (!action) return;
  let target = wrap.querySelector(`[data-action="${action}"]:not(:disabled)`);
  if (!target && action.endsWith('-version')) target = wrap.querySelector('.version-step:not(:disabled)');
  if (target) target.focus();
}

function renderAll() {
  const log = $('conversation');
  log.replaceChildren();
  lazy.reset();
  quotes.forget();
  setTurns([]);
  log.dataset.earlier = '0';
  if (!chat || chat.messages.length === 0) {
    renderEmpty();
    return;
  }
  setTurns(buildTurns(chat.messages));
  const all = document.createDocumentFragment();
  for (const turn of turns) all.appendChild(turnElement(turn));
  log.appendChild(all);
  showEarlier();
  log.scrollTop = log.scrollHeight;
  lazy.update();
  follow.scrollToEnd(true);
}

/** A turn's wrap, empty until it comes near the screen. */
function turnElement(turn) {
  const wrap = el('div', 'turn');
  wrap.dataset.turnId = String(turn.turnId);
  const v = turn.versions[shownIndex(turn)];
  lazy.away(wrap, ((v.question && v.question.text) || '').length + ((v.answer && v.answer.text) || '').length);
  return wrap;
}

/** Renders the Markdown of a turn's shown answer ahead, for `fillAssistant` to put in. */
function prepareTurn(wrap) {
  const turn = byTurn.get(Number(wrap.dataset.turnId));
  const m = turn && turn.versions[shownIndex(turn)].answer;
  if (m && m.text && !prepared.has(m)) prepared.set(m, renderMarkdown(m.text));
}

/** Lets go of what a turn's answers hold before the turn is emptied (Copy table's observers). */
function releaseTurn(wrap) {
  for (const a of wrap.querySelectorAll('article[data-role=assistant]')) {
    a.querySelector('.msg-body').replaceChildren();
    tableTools(a);
  }
}

function shownIndex(turn) {
  const i = shown.get(turn.turnId);
  return i != null && i >= 0 && i < turn.versions.length ? i : turn.versions.length - 1;
}

function fillTurn(wrap, turn) {
  const v = turn.versions[shownIndex(turn)];
  const drawn = v.answer ? drawnAnswer(wrap, v.answer) : null;
  if (drawn) {
    // The answer just drawn stays in place: taking it out of the page, even to put it back,
    // would lay a long answer out again from the start (hundreds of ms).
    setQuestion(wrap, v.question ? userArticle(v.question.text, v.question) : null);
    fillAssistant(drawn, v.answer, { keepBody: true });
    return;
  }
  const parts = [];
  if (v.question) parts.push(userArticle(v.question.text, v.question));
  if (v.answer) parts.push(assistantArticle(v.answer));
  wrap.replaceChildren(...parts);
}

/** The article whose body is already drawn for this exact answer (just streamed), kept as it is. */
function drawnAnswer(wrap, m) {
  const a = wrap.querySelector('article[data-role=assistant]');
  const drawn = a && a._message;
  if (!drawn || drawn.id !== m.id || drawn.text !== m.text) return null;
  return a;
}

/** Puts question article `q` in the turn in place of the one there (none: removes it). */
function setQuestion(wrap, q) {
  const old = wrap.querySelector('article[data-role=user]');
  if (old && q) old.replaceWith(q);
  else if (old) old.remove();
  else if (q) wrap.prepend(q);
}

/** A new turn at the end of the log for a question being asked: `{wrap, answer}`. */
export function newTurn(question) {
  const wrap = el('div', 'turn');
  const answer = liveAssistant();
  wrap.append(userArticle(question), answer);
  $('conversation').appendChild(wrap);
  return { wrap, answer };
}

/**
 * A new version of the turn in `wrap` streams in place of the one shown: the live answer
 * (returned) replaces the shown answer; an edited question replaces the shown question.
 */
export function beginVersion(wrap, question) {
  lazy.show(wrap);
  const answer = liveAssistant();
  const old = wrap.querySelector('article[data-role=assistant]');
  if (question != null) setQuestion(wrap, userArticle(question));
  if (old) old.replaceWith(answer);
  else wrap.appendChild(answer);
  return answer;
}

function renderEmpty() {
  if (chat && chat.messages.length) return;
  const docs = hooks.documents();
  let view;
  if (!keyPresent) view = welcomeView({ onKey: hooks.onKey });
  else if (docs.length) view = startersBlock(docs, (q) => hooks.onStarter(q));
  else view = emptyState();
  view.dataset.kind = emptyKind();
  $('conversation').replaceChildren(view);
}

function emptyKind() {
  const n = hooks.documents().length;
  if (!keyPresent) return 'welcome';
  return n ? `starters-${n}` : 'empty';
}

/** The documents changed: an empty chat swaps its empty state for starter questions. */
export function documentsChanged() {
  const shownEmpty = $('conversation').querySelector(':scope > .empty');
  if (!chat || chat.messages.length || !shownEmpty || shownEmpty.dataset.kind === emptyKind()) return;
  const hadFocus = shownEmpty.contains(document.activeElement);
  renderEmpty();
  if (hadFocus) $('question').focus();
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

/** A question; `m` (the stored message) gives it an Edit button. */
export function userArticle(text, m = null) {
  const a = el('article', 'msg msg-user');
  a.dataset.role = 'user';
  a.append(el('h3', 'msg-who visually-hidden', t('conv.you')), el('div', 'msg-body', text));
  if (m && m.id) {
    a.dataset.messageId = String(m.id);
    const actions = el('div', 'msg-user-actions');
    const edit = button(t('answer.edit'), 'btn-ghost btn-small', () => hooks.onEdit(m, a.closest('.turn')));
    edit.dataset.action = 'edit';
    actions.appendChild(edit);
    a.appendChild(actions);
  }
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
  a.append(
    head, status, el('div', 'msg-body markdown'), el('div', 'msg-table-tools'),
    el('div', 'msg-extra'), el('div', 'msg-docs'), el('footer', 'msg-foot'),
  );
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
  const prev = a._message;
  // Settling into the article that already shows this very answer: its tools are in place.
  const same = keepBody && prev && prev.id === m.id && prev.text === m.text && prev.status === m.status;
  a.dataset.status = m.status;
  a.dataset.messageId = String(m.id);
  a._message = m;
  const body = a.querySelector('.msg-body');
  body.hidden = !m.text;
  const index = documentIndex(chat, hooks.documents());
  const docs = a.querySelector('.msg-docs');
  const chips = m.status === 'streaming' ? null : documentChips(m.document_ids, index, hooks.onPreview);
  docs.replaceChildren(...(chips ? [chips] : []));
  if (!keepBody) body.replaceChildren(prepared.get(m) || renderMarkdown(m.text || ''));
  prepared.delete(m);
  if (!same && m.status !== 'streaming') bodyTools(a, index);
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
    // Not an alert: it would be read out each time the turn is drawn (`announce` reads it once).
    const box = errorBox(err, {
      open_settings: () => hooks.onOpenSettings(),
      retry: () => hooks.onRegenerate(a),
      confirm_endpoint: async () => {
        await ipc.confirmEndpoint().catch(() => {});
        hooks.onRegenerate(a);
      },
    }, { alert: false });
    const row = box.querySelector('.error-actions');
    if (err && err.kind === 'file_invalid' && row) {
      row.appendChild(asText.offerButton(currentChatId(), () => hooks.onRegenerate(a)));
    }
    extra.appendChild(box);
  }
  fillFoot(a, m);
}

/** What depends on the drawn text: Copy table, and the quotations. */
function bodyTools(a, index) {
  tableTools(a);
  quotes.attach(a, a._message, { nameOf: (id) => (index.get(id) || {}).name, open: hooks.onPreview });
}

function fillFoot(a, m) {
  const foot = a.querySelector('.msg-foot');
  foot.replaceChildren();
  if (m.status === 'streaming') return;
  const found = m.id ? byMessage.get(m.id) : null;
  if (found && found.turn.versions.length > 1) {
    const { turn, index } = found;
    foot.appendChild(versionNav(index, turn.versions.length, (i) => {
      const wrap = a.closest('.turn');
      shown.set(turn.turnId, i);
      if (wrap) redrawTurn(wrap, turn, i < index ? 'previous-version' : 'next-version');
    }));
  }
  foot.append(...usageLine(m));
  const actions = el('div', 'msg-actions');
  if (m.text) actions.appendChild(copyButton(a));
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

/** The line above the question box (`cost-line.js`): estimate again. */
export function updateCostNote() {
  costLine.schedule();
}

/** Re-renders after a language change. */
export function relabel() {
  renderAll();
  costLine.relabel();
}
