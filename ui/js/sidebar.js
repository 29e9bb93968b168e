// The sidebar's conversation list: "New conversation", the chats grouped by Today, Yesterday,
// Previous 7 days and Earlier (newest first, by updated_at in local time), each row with its
// title, its documents, and a "⋯" menu (chat-menu.js). Rename happens inline in the row.
// Chats waiting to be deleted (chat-delete.js) are hidden here until the Undo bar closes.

import * as ipc from './ipc.js';
import { t } from './i18n.js';
import { errorBox } from './dialogs.js';
import { $, el, iconButton } from './dom.js';
import * as menu from './chat-menu.js';
import { latestOnly } from './latest.js';

let chats = [];
let currentId = null;
const hidden = new Set();
let renaming = null; // {id, input, li}
let drawnDay = '';
let hooks = {
  onOpen() {}, onNew() {}, onSettings() {}, onDelete() {}, onExport() {}, onRenamed() {},
};

export function init(h) {
  hooks = { ...hooks, ...h };
  $('new-chat').addEventListener('click', () => hooks.onNew());
  $('open-settings').addEventListener('click', () => hooks.onSettings());
}

export function setChats(list) {
  chats = list || [];
  render();
}

/** The chats listed (not waiting to be deleted), newest first. */
export function shownChats() {
  return chats.filter((c) => !hidden.has(c.id));
}

export function chat(id) {
  return chats.find((c) => c.id === id) || null;
}

export function isHidden(id) {
  return hidden.has(id);
}

/** Hides a chat at once (its deletion waits for the Undo bar to close). */
export function hide(id) {
  hidden.add(id);
  render();
}

export function unhide(id) {
  hidden.delete(id);
  render();
}

/** The chat is gone from the database: forget it. */
export function forget(id) {
  hidden.delete(id);
  chats = chats.filter((c) => c.id !== id);
  render();
}

export function setCurrent(id) {
  currentId = id;
  for (const li of $('chat-list').querySelectorAll('li[data-chat-id]')) {
    const on = Number(li.dataset.chatId) === id;
    li.classList.toggle('current', on);
    const b = li.querySelector('.chat-open');
    if (!b) continue;
    if (on) b.setAttribute('aria-current', 'page');
    else b.removeAttribute('aria-current');
  }
}

// Only the newest list is drawn: an older one may predate a chat just made, which would vanish.
const lists = latestOnly();

export async function refresh() {
  const newest = lists.next();
  try {
    const list = await ipc.listChats();
    if (newest()) setChats(list);
  } catch { /* keep the list we have */ }
}

export function titleOf(c) {
  return c && c.title && c.title.trim() ? c.title : t('sidebar.untitled');
}

/** Midnight of today, yesterday and seven days ago, in local time (unix seconds). */
function boundaries(now = new Date()) {
  const day = (offset) => new Date(now.getFullYear(), now.getMonth(), now.getDate() - offset).getTime() / 1000;
  return { today: day(0), yesterday: day(1), week: day(7) };
}

function groupOf(ts, b) {
  const s = ts > 1e12 ? ts / 1000 : ts;
  if (s >= b.today) return 'today';
  if (s >= b.yesterday) return 'yesterday';
  if (s >= b.week) return 'week';
  return 'earlier';
}

const GROUPS = ['today', 'yesterday', 'week', 'earlier'];

function render() {
  // An open rename field would be lost: draw the new list when it closes.
  if (renaming) return;
  drawnDay = new Date().toDateString();
  const list = $('chat-list');
  const focused = document.activeElement && list.contains(document.activeElement)
    ? document.activeElement.closest('li')?.dataset.chatId : null;
  list.replaceChildren();
  const shown = shownChats().slice().sort((a, b) => b.updated_at - a.updated_at);
  $('chat-list-empty').hidden = shown.length > 0;
  const b = boundaries();
  const byGroup = new Map(GROUPS.map((g) => [g, []]));
  for (const c of shown) byGroup.get(groupOf(c.updated_at, b)).push(c);
  for (const g of GROUPS) {
    const items = byGroup.get(g);
    if (!items.length) continue;
    const group = el('div', 'chat-group');
    group.setAttribute('role', 'group');
    const label = el('div', 'chat-group-label', t(`chats.groups.${g}`));
    label.id = `chat-group-${g}`;
    group.setAttribute('aria-labelledby', label.id);
    const ul = el('ul', 'chat-group-items');
    ul.setAttribute('role', 'none');
    for (const c of items) ul.appendChild(row(c));
    group.append(label, ul);
    list.appendChild(group);
  }
  setCurrent(currentId);
  if (focused) {
    const btn = list.querySelector(`li[data-chat-id="${focused}"] .chat-open`);
    if (btn) btn.focus();
  }
}

function row(c) {
  const title = titleOf(c);
  const docs = (c.document_names || []).join(', ');
  const li = el('li', 'chat-row');
  li.setAttribute('role', 'listitem');
  li.setAttribute('aria-label', docs ? `${title} — ${docs}` : title);
  li.dataset.chatId = String(c.id);
  const open = el('button', 'chat-open');
  open.type = 'button';
  const name = el('span', 'chat-title', title);
  const names = el('span', docs ? 'chat-docs' : 'chat-docs none', docs || t('chats.noDocuments'));
  open.append(name, names);
  open.title = docs ? `${title}\n${docs}` : title;
  open.addEventListener('click', () => hooks.onOpen(c.id));
  open.addEventListener('dblclick', (e) => {
    e.preventDefault();
    startRename(c.id);
  });
  open.addEventListener('keydown', (e) => {
    if (e.key === 'F2') {
      e.preventDefault();
      startRename(c.id);
    } else if (e.key === 'Delete') {
      e.preventDefault();
      hooks.onDelete(c);
    }
  });
  const more = iconButton(t('chats.actions', { title }), 'icon-more', 'chat-more', () => openMenu(c, more));
  more.setAttribute('aria-haspopup', 'menu');
  more.setAttribute('aria-expanded', 'false');
  li.addEventListener('contextmenu', (e) => {
    e.preventDefault();
    openMenu(c, more, { x: e.clientX, y: e.clientY });
  });
  li.append(open, more);
  return li;
}

function openMenu(c, anchor, at = null) {
  menu.open(anchor, [
    { label: t('chats.rename'), action: 'rename', run: () => startRename(c.id) },
    { label: t('chats.export'), action: 'export', run: () => hooks.onExport(c) },
    { label: t('chats.delete'), action: 'delete', danger: true, run: () => hooks.onDelete(c) },
  ], at);
}

/** Turns the row's title into a text field: Enter saves, Escape cancels (so does an empty title). */
export function startRename(id) {
  if (renaming) finishRename(true);
  const c = chat(id);
  const li = $('chat-list').querySelector(`li[data-chat-id="${id}"]`);
  if (!c || !li) return;
  const open = li.querySelector('.chat-open');
  const input = el('input', 'chat-rename');
  input.type = 'text';
  input.value = c.title || '';
  input.setAttribute('aria-label', t('chats.titleField'));
  input.maxLength = 200;
  renaming = { id, input, li };
  open.hidden = true;
  li.classList.add('renaming');
  li.insertBefore(input, open);
  input.addEventListener('keydown', (e) => {
    if (e.isComposing || e.keyCode === 229) return;
    if (e.key === 'Enter') {
      e.preventDefault();
      finishRename(true);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      finishRename(false);
    }
  });
  input.addEventListener('blur', () => finishRename(true));
  input.focus();
  input.select();
}

async function finishRename(save) {
  if (!renaming) return;
  const { id, input, li } = renaming;
  renaming = null;
  const title = input.value.replace(/\s+/g, ' ').trim();
  const c = chat(id);
  const changed = save && c && title && title !== c.title;
  const hadFocus = document.activeElement === input;
  if (!changed) {
    render();
    if (hadFocus) focusRow(id);
    return;
  }
  try {
    const summary = await ipc.renameChat(id, title);
    chats = chats.map((x) => (x.id === id ? { ...x, ...summary } : x));
    render();
    if (hadFocus) focusRow(id);
    hooks.onRenamed(summary);
  } catch (e) {
    render();
    const row = $('chat-list').querySelector(`li[data-chat-id="${id}"]`) || li;
    const box = errorBox(e, {}, { compact: true });
    box.classList.add('chat-row-error');
    row.appendChild(box);
    setTimeout(() => box.remove(), 8000);
  }
}

export function focusRow(id) {
  const b = $('chat-list').querySelector(`li[data-chat-id="${id}"] .chat-open`);
  if (b) b.focus();
}

export function relabel() {
  if (renaming) finishRename(false);
  render();
}

// The date groups move at midnight even when nothing else changes.
setInterval(() => {
  if (!renaming && new Date().toDateString() !== drawnDay) render();
}, 60 * 1000);
