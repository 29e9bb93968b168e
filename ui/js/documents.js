// The documents panel: the current chat's documents and every add-job in flight (kept by
// doc-jobs.js), "Add documents", the notice line and the drop zone.
//
// Each row is a role="listitem" with data-state = checking | uploading | reading | ready |
// failed, holding the name, type, size and the (localized) state word.

import * as ipc from './ipc.js';
import * as store from './doc-jobs.js';
import { t, formatBytes, formatNumber } from './i18n.js';
import { $, el, button, iconButton } from './dom.js';
import { errorBox, confirmDialog } from './dialogs.js';
import * as undoRemove from './undo-remove.js';

const rows = new Map(); // key → <li>
let hooks = { onChange() {}, onOpenSettings() {}, ensureChat: async () => null, onPreview() {} };
let maxPerQuestion = 99;
let noticeTimer = 0;

export function init(h) {
  hooks = { ...hooks, ...h };
  store.init({
    change: render,
    skipped: (count) => notice(t('docs.skipped', { count })),
    dismissedReady: (chatId, doc) => ipc.removeDocument(chatId, doc.id).catch(() => {}),
  });
  $('add-documents').addEventListener('click', addDocuments);
  undoRemove.init();
  initDrop();
}

/** Called with the result of open_chat. */
export function setChat(chat) {
  undoRemove.flush();
  for (const li of rows.values()) li.remove();
  rows.clear();
  $('docs-notice').textContent = '';
  store.setChat(chat);
}

/** The limits from get_state (how many documents one question reads). */
export function setLimits(limits) {
  maxPerQuestion = (limits && limits.max_documents_per_question) || maxPerQuestion;
}

async function addDocuments() {
  try {
    const chatId = store.currentChatId() ?? (await hooks.ensureChat())?.summary.id;
    if (chatId == null) return;
    const added = await ipc.pickDocuments(chatId, t('docs.pickTitle'), t('docs.pickFilter'));
    await settle(chatId, added);
  } catch (e) {
    $('docs-notice').replaceChildren(errorBox(e, { open_settings: hooks.onOpenSettings }, { compact: true }));
  }
}

/**
 * Files that wait for a yes (opened with the app, or more than one question reads): asks, then
 * adds them or lets them go. Nothing is checked or sent before the answer.
 */
export async function settle(chatId, added) {
  if (!added || !added.waiting) return;
  const count = added.waiting;
  const ok = await confirmDialog(added.opened_with
    ? { title: t('pending.openedTitle', { count }), body: t('pending.openedBody'), ok: t('pending.upload') }
    : {
      title: t('pending.manyTitle', { count }),
      body: t(added.more ? 'pending.manyBodyMore' : 'pending.manyBody', { limit: maxPerQuestion, count }),
      ok: t('pending.add'),
    });
  if (ok) await ipc.addPendingDocuments(chatId, true);
  else await ipc.discardPendingDocuments();
}

function render() {
  const list = $('doc-list');
  const wanted = [];
  for (const d of store.readyDocuments()) {
    wanted.push({ key: `d:${d.id}`, sig: `ready|${store.wasDeduped(d.id)}`, build: () => docRow(d) });
  }
  for (const j of store.visibleJobs()) {
    const sig = `${j.state}|${j.already_uploaded}|${j.size}|${j.error ? j.error.kind : ''}`;
    wanted.push({ key: `j:${j.job_id}`, sig, build: () => jobRow(j), job: j });
  }
  const keep = new Set(wanted.map((w) => w.key));
  for (const [k, li] of rows) {
    if (!keep.has(k)) {
      li.remove();
      rows.delete(k);
    }
  }
  let prev = null;
  for (const w of wanted) {
    let li = rows.get(w.key);
    if (!li || li.dataset.sig !== w.sig) {
      const fresh = w.build();
      fresh.dataset.sig = w.sig;
      if (li) replaceKeepingFocus(li, fresh);
      li = fresh;
      rows.set(w.key, li);
    } else if (w.job) {
      updateProgress(li, w.job);
    }
    const expectedNext = prev ? prev.nextSibling : list.firstChild;
    if (expectedNext !== li) list.insertBefore(li, expectedNext);
    prev = li;
  }
  const count = store.readyDocuments().length;
  const pill = $('docs-count');
  pill.hidden = count === 0;
  pill.textContent = formatNumber(count);
  document.querySelector('.docs').classList.toggle('has-docs', wanted.length > 0);
  hooks.onChange();
}

function replaceKeepingFocus(li, fresh) {
  const focusedRole = li.contains(document.activeElement) ? document.activeElement.dataset.role : null;
  li.replaceWith(fresh);
  const again = focusedRole && fresh.querySelector(`[data-role="${focusedRole}"]`);
  if (again) again.focus();
}

function typeLabel(fileType) {
  if (!fileType || fileType === 'text') return t('docs.typeText');
  return fileType.toUpperCase();
}

function baseRow(state, name, fileType, size) {
  const li = el('li', 'doc');
  li.setAttribute('role', 'listitem');
  li.dataset.state = state;
  const icon = el('span', 'doc-icon', fileType && fileType !== 'text' ? fileType.slice(0, 4).toUpperCase() : 'TXT');
  icon.dataset.type = (fileType || 'text').toLowerCase();
  icon.setAttribute('aria-hidden', 'true');
  const main = el('div', 'doc-main');
  const nm = el('span', 'doc-name', name);
  nm.title = name;
  const parts = [typeLabel(fileType)];
  if (size) parts.push(formatBytes(size));
  const meta = el('span', 'doc-meta', parts.join(' · '));
  main.append(nm, meta);
  const stateEl = el('span', `doc-state state-${state}`);
  stateEl.dataset.role = 'state';
  const actions = el('div', 'doc-actions');
  li.append(icon, main, stateEl, actions);
  return { li, main, meta, stateEl, actions };
}

function removeButton(name, onClick) {
  const b = iconButton(t('docs.remove', { name }), 'icon-close', 'doc-remove', onClick);
  b.dataset.role = 'remove';
  return b;
}

function addNote(meta, text) {
  meta.append(' · ', el('span', 'doc-note', text));
}

function docRow(d) {
  const { li, meta, stateEl, actions } = baseRow('ready', d.name, d.file_type, d.source === 'text' ? null : d.size);
  if (d.source === 'text' && d.tokens_estimate != null) {
    meta.textContent = `${typeLabel('text')} · ${t('docs.tokens', { n: d.tokens_estimate })}`;
  }
  if (store.wasDeduped(d.id)) addNote(meta, t('docs.alreadyUploaded'));
  stateEl.textContent = t('docs.state.ready');
  li.dataset.documentId = String(d.id);
  // The name opens the preview (local text only).
  const nm = li.querySelector('.doc-name');
  const open = el('button', 'doc-name doc-open', d.name);
  open.type = 'button';
  open.title = t('preview.open', { name: d.name });
  open.dataset.role = 'preview';
  open.addEventListener('click', () => hooks.onPreview(d.id, { name: d.name }));
  nm.replaceWith(open);
  // The row goes at once; remove_document follows unless Undo is pressed (undo-remove.js).
  actions.appendChild(removeButton(d.name, () => {
    undoRemove.remove(store.currentChatId(), d).catch((e) => showRowError(li, e));
    $('add-documents').focus();
  }));
  return li;
}

function progressBar(main, j, determinate) {
  const bar = el('div', determinate ? 'progress' : 'progress indeterminate');
  if (determinate) {
    bar.setAttribute('role', 'progressbar');
    bar.setAttribute('aria-valuemin', '0');
    bar.setAttribute('aria-valuemax', '100');
    bar.setAttribute('aria-label', t('docs.uploadingName', { name: j.name }));
  } else {
    bar.setAttribute('aria-hidden', 'true');
  }
  bar.appendChild(el('div', 'progress-fill'));
  main.appendChild(bar);
}

function jobRow(j) {
  const known = ['waiting_for_key', 'checking', 'uploading', 'reading', 'failed'];
  const state = known.includes(j.state) ? j.state : 'checking';
  const { li, main, meta, stateEl, actions } = baseRow(state, j.name, j.file_type, j.size);
  li.dataset.jobId = String(j.job_id);
  if (j.already_uploaded) addNote(meta, t('docs.alreadyUploaded'));
  stateEl.textContent = state === 'waiting_for_key' ? t('docsWait.state') : t(`docs.state.${state}`);
  if (state === 'waiting_for_key') {
    // Rust holds the job until an API Key is saved, then it goes on by itself.
    main.appendChild(el('p', 'doc-waiting', t('docsWait.hint')));
    const add = button(t('docsWait.addKey'), 'btn-link btn-small', () => hooks.onOpenSettings());
    add.dataset.role = 'add-key';
    actions.appendChild(add);
  }
  if (state === 'uploading') {
    progressBar(main, j, true);
    updateProgress(li, j);
  } else if (state === 'checking' || state === 'reading') {
    progressBar(main, j, false);
  }
  const dismiss = () => {
    store.dismissJob(j);
    $('add-documents').focus();
  };
  if (state === 'failed') {
    const box = errorBox(j.error, { open_settings: hooks.onOpenSettings, remove_file: dismiss }, { compact: true });
    const retry = button(t('actions.retry'), 'btn-secondary btn-small', () => {
      ipc.retryDocument(j.job_id).catch((e) => showRowError(li, e));
    });
    retry.dataset.role = 'retry';
    let row = box.querySelector('.error-actions');
    if (!row) {
      row = el('div', 'error-actions');
      box.insertBefore(row, box.querySelector('details'));
    }
    row.prepend(retry);
    main.appendChild(box);
  }
  actions.appendChild(removeButton(j.name, dismiss));
  return li;
}

function updateProgress(li, j) {
  if (j.state !== 'uploading') return;
  const pct = Math.max(0, Math.min(100, Math.round(j.percent ?? 0)));
  const bar = li.querySelector('.progress');
  if (bar) {
    bar.setAttribute('aria-valuenow', String(pct));
    bar.querySelector('.progress-fill').style.width = `${pct}%`;
  }
  const st = li.querySelector('.doc-state');
  if (st) st.textContent = t('docs.state.uploadingPercent', { percent: pct });
}

function showRowError(li, e) {
  const old = li.querySelector('.error-box');
  if (old) old.remove();
  li.querySelector('.doc-main').appendChild(errorBox(e, { open_settings: hooks.onOpenSettings }, { compact: true }));
}

function notice(text) {
  const n = $('docs-notice');
  n.textContent = text;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { if (n.textContent === text) n.textContent = ''; }, 12000);
}

function initDrop() {
  const set = (on) => document.body.classList.toggle('dragging', on);
  ipc.onDrag({
    enter: () => set(true),
    over: () => set(true),
    leave: () => set(false),
    drop: () => set(false),
  });
}

/** Re-renders rows after a language change. */
export function relabel() {
  for (const li of rows.values()) li.remove();
  rows.clear();
  render();
}
