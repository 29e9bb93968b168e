// Searching conversations (the box at the top of the sidebar, Ctrl/Cmd+K): Rust matches
// questions, answers, titles and document names (`search_chats`); results replace the list
// while the box holds a query, each with a snippet whose match is a <mark> made of text nodes.
// A click opens the chat and shows the message. Escape clears the search.

import * as ipc from './ipc.js';
import { t } from './i18n.js';
import { $, el } from './dom.js';
import { errorText } from './errors.js';
import { latestOnly } from './latest.js';

const DEBOUNCE_MS = 150;
const FOUND_MS = 2400;

let timer = 0;
const searches = latestOnly();
let lastQuery = '';
let lastHits = [];
let hooks = {
  /** Opens `hit.chat_id` through the app's openChat; resolves when it is shown. */
  openChat: async () => null,
  /** Loads the shown chat's earlier turns down to a message, when they are not loaded yet. */
  ensureMessage: async () => {},
  /** The shown chat's article of a message, its turn drawn if it was away from the screen. */
  showMessage: () => null,
  isHidden: () => false,
};

const isMac = () => /Mac|iPhone|iPad/.test(navigator.platform || '');

export function init(h) {
  hooks = { ...hooks, ...h };
  const box = $('chat-search');
  box.addEventListener('input', () => schedule());
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      // An empty box: the app decides (close the overlay, or back to the question).
      if (!box.value) return;
      e.preventDefault();
      clear();
    } else if (e.key === 'ArrowDown' || (e.key === 'Enter' && !e.isComposing)) {
      const first = $('search-results').querySelector('.hit');
      if (first) {
        e.preventDefault();
        if (e.key === 'Enter') first.click();
        else first.focus();
      }
    }
  });
  $('chat-search-clear').addEventListener('click', () => {
    clear();
    box.focus();
  });
  $('search-results').addEventListener('keydown', (e) => {
    const hits = [...$('search-results').querySelectorAll('.hit')];
    const i = hits.indexOf(document.activeElement);
    if (i < 0) return;
    if (e.key === 'ArrowDown' && i < hits.length - 1) hits[i + 1].focus();
    else if (e.key === 'ArrowUp') (i > 0 ? hits[i - 1] : box).focus();
    else if (e.key === 'Escape') {
      clear();
      box.focus();
    } else return;
    e.preventDefault();
  });
  relabel();
}

/** Ctrl/Cmd+K: to the search box, its text selected. */
export function focus() {
  const box = $('chat-search');
  box.focus();
  box.select();
}

export function active() {
  return !!$('chat-search').value.trim();
}

/** Empties the box and shows the conversation list again. */
export function clear() {
  clearTimeout(timer);
  searches.drop();
  $('chat-search').value = '';
  lastQuery = '';
  lastHits = [];
  delete $('search-results').dataset.query;
  show(false);
}

function schedule() {
  clearTimeout(timer);
  const q = $('chat-search').value.trim();
  $('chat-search-clear').hidden = !$('chat-search').value;
  if (!q) {
    clear();
    return;
  }
  timer = setTimeout(() => run(q), DEBOUNCE_MS);
}

async function run(q) {
  const newest = searches.next();
  let hits;
  try {
    hits = await ipc.searchChats(q);
  } catch (e) {
    if (!newest()) return;
    show(true);
    $('search-results').replaceChildren();
    $('search-status').textContent = errorText(e);
    return;
  }
  // A later keystroke has asked again (or the search was cleared): this answer is stale.
  if (!newest() || $('chat-search').value.trim() !== q) return;
  lastQuery = q;
  lastHits = hits;
  render();
}

/** Runs the search again (the list changed: a chat renamed, deleted or answered). */
export function refresh() {
  const q = $('chat-search').value.trim();
  if (q) run(q);
}

function show(on) {
  $('search-panel').hidden = !on;
  $('history').hidden = on;
  $('chat-search-clear').hidden = !$('chat-search').value;
}

function render() {
  show(true);
  const list = $('search-results');
  list.replaceChildren();
  list.dataset.query = lastQuery;
  const hits = lastHits.filter((h) => !hooks.isHidden(h.chat_id));
  $('search-status').textContent = hits.length
    ? t('chats.resultCount', { count: hits.length })
    : t('chats.noResults', { query: lastQuery });
  for (const h of hits) list.appendChild(hitRow(h));
}

function hitRow(h) {
  const li = el('li', 'hit-row');
  li.setAttribute('role', 'listitem');
  li.dataset.chatId = String(h.chat_id);
  if (h.message_id != null) li.dataset.messageId = String(h.message_id);
  const b = el('button', 'hit');
  b.type = 'button';
  const head = el('span', 'hit-head');
  const title = h.chat_title && h.chat_title.trim() ? h.chat_title : t('sidebar.untitled');
  head.append(el('span', 'hit-title', title), el('span', `hit-field hit-${h.field}`, t(`chats.field.${h.field}`)));
  const snip = el('span', 'hit-snippet');
  for (const part of h.snippet || []) {
    // Text nodes only: model output and names are never parsed as HTML.
    snip.appendChild(part.mark ? el('mark', null, part.text) : document.createTextNode(part.text));
  }
  b.append(head, snip);
  b.addEventListener('click', () => openHit(h));
  li.appendChild(b);
  return li;
}

async function openHit(h) {
  const c = await hooks.openChat(h.chat_id);
  if (!c || h.message_id == null) return;
  await hooks.ensureMessage(h.message_id).catch(() => {});
  reveal(h.message_id);
}

/** Scrolls the conversation to a message and lights it briefly. */
export function reveal(messageId) {
  // After openChat's own scroll to the end (it scrolls again on the next frame).
  requestAnimationFrame(() => requestAnimationFrame(() => {
    const a = hooks.showMessage(Number(messageId));
    if (!a) return;
    for (const old of $('conversation').querySelectorAll('.msg-found')) old.classList.remove('msg-found');
    a.scrollIntoView({ block: 'center', behavior: 'auto' });
    a.classList.add('msg-found');
    setTimeout(() => a.classList.remove('msg-found'), FOUND_MS);
  }));
}

export function relabel() {
  const shortcut = isMac() ? '⌘K' : 'Ctrl+K';
  $('chat-search').placeholder = t('chats.searchPlaceholder', { shortcut });
  if (lastQuery && !$('search-panel').hidden) render();
}
