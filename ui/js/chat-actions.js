// What a conversation's menu does beyond renaming: delete with an Undo bar (nothing leaves the
// database until the bar closes without Undo) and export (Markdown or Word, through the system's
// save dialog). Both report in the small toast at the bottom of the window.

import * as ipc from './ipc.js';
import { t } from './i18n.js';
import { errorBox, openDialog, wireCloseButtons } from './dialogs.js';
import { $, el, button, iconButton } from './dom.js';
import * as sidebar from './sidebar.js';

const UNDO_MS = 8000;

let pending = null; // {chat, wasCurrent, timer, left, started, bar}
let hooks = {
  currentChatId: () => null,
  /** The chat shown was hidden: show another one. */
  onCurrentHidden() {},
  /** Undo brought back the chat that was shown: show it again. */
  onRestored() {},
  /** The chat is gone from the database (the month's total changed). */
  onDeleted() {},
};

export function init(h) {
  hooks = { ...hooks, ...h };
  wireCloseButtons($('export-dialog'));
  // Closing the window while the bar shows: the person meant to delete it.
  window.addEventListener('pagehide', () => {
    if (pending) commit();
  });
}

// --- the toast ----------------------------------------------------------------------------

function showToast(node) {
  $('chat-toast').appendChild(node);
  return node;
}

function clearToast(node) {
  if (node.parentNode) node.remove();
}

// --- delete with Undo ---------------------------------------------------------------------

/** Hides the chat at once and shows the Undo bar; `delete_chat` runs only when it closes. */
export function deleteWithUndo(chat) {
  if (pending) commit();
  const wasCurrent = hooks.currentChatId() === chat.id;
  sidebar.hide(chat.id);
  if (wasCurrent) hooks.onCurrentHidden(chat.id);

  const bar = el('div', 'toast undo-bar');
  bar.appendChild(el('span', 'toast-text', t('chats.deleted', { title: sidebar.titleOf(chat) })));
  const undo = button(t('chats.undo'), 'btn-secondary btn-small', () => restore());
  undo.dataset.action = 'undo';
  const dismiss = iconButton(t('chats.dismiss'), 'icon-close', 'toast-close', () => commit());
  bar.append(undo, dismiss);
  pending = { chat, wasCurrent, timer: 0, left: UNDO_MS, started: 0, bar };
  // Time to read and reach Undo: the countdown waits while the pointer or focus is on the bar.
  const pause = () => {
    if (!pending || pending.bar !== bar || !pending.timer) return;
    clearTimeout(pending.timer);
    pending.timer = 0;
    pending.left = Math.max(1500, pending.left - (Date.now() - pending.started));
  };
  const resume = () => {
    if (!pending || pending.bar !== bar || pending.timer) return;
    if (bar.matches(':hover') || bar.contains(document.activeElement)) return;
    run();
  };
  bar.addEventListener('mouseenter', pause);
  bar.addEventListener('focusin', pause);
  bar.addEventListener('mouseleave', resume);
  bar.addEventListener('focusout', () => setTimeout(resume, 0));
  showToast(bar);
  run();
}

function run() {
  pending.started = Date.now();
  pending.timer = setTimeout(() => commit(), pending.left);
}

/** True while a deletion waits for its Undo bar. */
export function isPending(id) {
  return !!pending && pending.chat.id === id;
}

function restore() {
  if (!pending) return;
  const { chat, wasCurrent, timer, bar } = pending;
  pending = null;
  clearTimeout(timer);
  clearToast(bar);
  sidebar.unhide(chat.id);
  if (wasCurrent) hooks.onRestored(chat.id);
  sidebar.focusRow(chat.id);
}

async function commit() {
  if (!pending) return;
  const { chat, timer, bar } = pending;
  pending = null;
  clearTimeout(timer);
  const hadFocus = bar.contains(document.activeElement);
  clearToast(bar);
  if (hadFocus) $('new-chat').focus();
  try {
    await ipc.deleteChat(chat.id);
    sidebar.forget(chat.id);
    hooks.onDeleted(chat.id);
  } catch (e) {
    sidebar.unhide(chat.id);
    toastError(e);
  }
}

function toastError(e) {
  const box = el('div', 'toast toast-error');
  box.appendChild(errorBox(e, {}, { compact: true }));
  box.appendChild(iconButton(t('chats.dismiss'), 'icon-close', 'toast-close', () => clearToast(box)));
  showToast(box);
  setTimeout(() => clearToast(box), 12000);
}

// --- export -------------------------------------------------------------------------------

/** A file name from the title: no path separators or characters Windows refuses. */
export function fileNameFor(title, ext) {
  let base = String(title || '')
    .replace(/[\\/:*?"<>|\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  if ([...base].length > 80) base = [...base].slice(0, 80).join('').trim();
  return `${base || 'Longwen'}.${ext}`;
}

/** Asks for the format, then lets the system's save dialog ask where. */
export async function exportChat(chat) {
  const format = await askFormat(sidebar.titleOf(chat));
  if (!format) return;
  const labels = {
    documents: t('chats.exportDocuments'),
    tokens: t('chats.exportTokens'),
    utc_offset_minutes: -new Date().getTimezoneOffset(),
  };
  const name = fileNameFor(chat.title, format === 'docx' ? 'docx' : 'md');
  try {
    const path = await ipc.exportChat(chat.id, format, labels, name);
    if (!path) return; // cancelled: nothing to say
    const box = el('div', 'toast export-done');
    const text = el('span', 'toast-text', t('chats.exported', { path }));
    text.title = path;
    box.append(text, iconButton(t('chats.dismiss'), 'icon-close', 'toast-close', () => clearToast(box)));
    showToast(box);
    setTimeout(() => clearToast(box), 10000);
  } catch (e) {
    toastError(e);
  }
}

function askFormat(title) {
  const dlg = $('export-dialog');
  $('export-heading').textContent = t('chats.exportTitle', { title });
  return new Promise((resolve) => {
    let format = null;
    const buttons = [...dlg.querySelectorAll('[data-format]')];
    const onPick = (e) => {
      format = e.currentTarget.dataset.format;
      dlg.close();
    };
    for (const b of buttons) b.addEventListener('click', onPick);
    dlg.addEventListener('close', () => {
      for (const b of buttons) b.removeEventListener('click', onPick);
      resolve(format);
    }, { once: true });
    openDialog(dlg, buttons[0]);
  });
}
