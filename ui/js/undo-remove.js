// Removing a document from a chat offers Undo: the row goes at once, an Undo bar stays for a
// few seconds, and only then is remove_document sent. A question sent meanwhile, another
// removal or another chat settles the waiting removal first.

import * as ipc from './ipc.js';
import * as store from './doc-jobs.js';
import { t } from './i18n.js';
import { $, el, button } from './dom.js';
import { errorBox } from './dialogs.js';

const DELAY_MS = 6000;
let pending = null; // {chatId, doc, timer}
let paused = false;

export function init() {
  const bar = $('undo-bar');
  // Keyboard focus on the bar holds it open (the time to reach Undo is not rushed).
  bar.addEventListener('focusin', () => {
    paused = true;
    if (pending) clearTimeout(pending.timer);
  });
  bar.addEventListener('focusout', () => setTimeout(() => {
    if (bar.contains(document.activeElement)) return;
    paused = false;
    if (pending) arm();
  }, 0));
}

function arm() {
  clearTimeout(pending.timer);
  if (!paused) pending.timer = setTimeout(() => { commit(); }, DELAY_MS);
}

/** Takes `doc` out of the chat shown, with a few seconds to undo it. */
export async function remove(chatId, doc) {
  await flush();
  store.removeDocument(doc.id);
  pending = { chatId, doc, timer: 0 };
  paused = false;
  show(doc);
  arm();
}

function show(doc) {
  const bar = $('undo-bar');
  const undoBtn = button(t('undo.undo'), 'btn-secondary btn-small', undo);
  undoBtn.dataset.role = 'undo';
  bar.replaceChildren(el('span', 'undo-text', t('undo.removed', { name: doc.name })), undoBtn);
  bar.hidden = false;
}

function hide() {
  const bar = $('undo-bar');
  const hadFocus = bar.contains(document.activeElement);
  bar.hidden = true;
  bar.replaceChildren();
  if (hadFocus) $('add-documents').focus();
}

/** Sends the waiting removal now (before a question, on another removal or chat). */
export async function flush() {
  if (!pending) return;
  await commit();
}

async function commit() {
  const p = pending;
  if (!p) return;
  pending = null;
  clearTimeout(p.timer);
  hide();
  try {
    await ipc.removeDocument(p.chatId, p.doc.id);
  } catch (e) {
    // Not removed after all: show it again, with the reason.
    if (store.currentChatId() === p.chatId) store.addDocument(p.doc);
    $('docs-notice').replaceChildren(errorBox(e, {}, { compact: true }));
  }
}

function undo() {
  const p = pending;
  if (!p) return;
  pending = null;
  clearTimeout(p.timer);
  if (store.currentChatId() === p.chatId) store.addDocument(p.doc);
  hide();
  const again = document.querySelector(`#doc-list [data-document-id="${p.doc.id}"] [data-role="remove"]`);
  (again || $('add-documents')).focus();
}
