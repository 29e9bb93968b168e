// The documents panel: the current chat's documents and every add-job in flight, the
// "Add documents" / "Paste text" buttons, the paste dialog and the drop zone.
//
// Each row is a role="listitem" with data-state = checking | uploading | reading | ready |
// failed, holding the name, type, size and the (localized) state word.

import * as ipc from './ipc.js';
import { t, formatBytes, formatNumber } from './i18n.js';
import { openDialog, wireCloseButtons, errorBox } from './dialogs.js';

const $ = (id) => document.getElementById(id);

export const TEXT_TOKEN_LIMIT = 9000;

let chatId = null;
let documents = []; // Document[] attached to the current chat
const jobs = new Map(); // job_id → latest DocumentEvent (not yet ready)
const dismissed = new Set(); // job ids the person removed while they were running
const deduped = new Set(); // document ids that were found already uploaded
// Documents that became ready for a chat not shown yet (e.g. "Open with" files finishing
// before open_chat's answer is drawn); merged when that chat is shown.
const readyElsewhere = new Map(); // chat id → Document[]
const rows = new Map(); // key → <li>
let hooks = { onChange() {}, onOpenSettings() {} };
let noticeTimer = 0;

export function init(h) {
  hooks = { ...hooks, ...h };
  $('add-documents').addEventListener('click', addDocuments);
  $('paste-text').addEventListener('click', openPaste);
  initPaste();
  initDrop();
}

/** Called with the result of open_chat. */
export function setChat(chat) {
  chatId = chat ? chat.summary.id : null;
  documents = chat ? [...chat.documents] : [];
  for (const d of readyElsewhere.get(chatId) || []) {
    if (!documents.some((x) => x.id === d.id)) documents.push(d);
  }
  readyElsewhere.delete(chatId);
  for (const li of rows.values()) li.remove();
  rows.clear();
  $('docs-notice').textContent = '';
  render();
}

export function readyDocuments() {
  return documents.slice();
}

export function busyCount() {
  let n = 0;
  for (const j of jobs.values()) if (visibleJob(j) && j.state !== 'failed') n++;
  return n;
}

function visibleJob(j) {
  return (j.chat_id == null || j.chat_id === chatId) && !dismissed.has(j.job_id);
}

async function addDocuments() {
  try {
    await ipc.pickDocuments();
  } catch (e) {
    showPanelError(e);
  }
}

/** Every DocumentEvent from the document channel. */
export function onDocumentEvent(ev) {
  if (!ev || !ev.state) return;
  if (ev.state === 'skipped') {
    notice(t('docs.skipped', { count: ev.skipped || 0 }));
    return;
  }
  if (ev.state === 'ready' && ev.document) {
    jobs.delete(ev.job_id);
    if (dismissed.has(ev.job_id)) {
      // Removed while it was still being added: detach it now that it exists.
      dismissed.delete(ev.job_id);
      if (ev.chat_id === chatId) ipc.removeDocument(ev.document.id).catch(() => {});
      return;
    }
    if (ev.already_uploaded) deduped.add(ev.document.id);
    if (ev.chat_id == null || ev.chat_id === chatId) {
      if (!documents.some((d) => d.id === ev.document.id)) documents.push(ev.document);
    } else {
      const later = readyElsewhere.get(ev.chat_id) || [];
      later.push(ev.document);
      readyElsewhere.set(ev.chat_id, later);
    }
  } else {
    jobs.set(ev.job_id, ev);
  }
  render();
}

function key(kind, id) {
  return `${kind}:${id}`;
}

function render() {
  const list = $('doc-list');
  const wanted = [];
  for (const d of documents) {
    wanted.push({ key: key('d', d.id), sig: `ready|${deduped.has(d.id)}`, build: () => buildDocRow(d) });
  }
  for (const j of jobs.values()) {
    if (!visibleJob(j)) continue;
    wanted.push({
      key: key('j', j.job_id),
      sig: `${j.state}|${j.already_uploaded}|${j.error ? j.error.message : ''}`,
      build: () => buildJobRow(j),
      job: j,
    });
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
      if (li) {
        const focusedRole = li.contains(document.activeElement) ? document.activeElement.dataset.role : null;
        li.replaceWith(fresh);
        if (focusedRole) {
          const again = fresh.querySelector(`[data-role="${focusedRole}"]`);
          if (again) again.focus();
        }
      }
      li = fresh;
      rows.set(w.key, li);
    } else if (w.job) {
      updateProgress(li, w.job);
    }
    const expectedNext = prev ? prev.nextSibling : list.firstChild;
    if (expectedNext !== li) list.insertBefore(li, expectedNext);
    prev = li;
  }
  const count = documents.length;
  const pill = $('docs-count');
  pill.hidden = count === 0;
  pill.textContent = formatNumber(count);
  document.querySelector('.docs').classList.toggle('has-docs', wanted.length > 0);
  hooks.onChange();
}

function typeLabel(fileType) {
  if (!fileType || fileType === 'text') return t('docs.typeText');
  return fileType.toUpperCase();
}

function baseRow(state, name, fileType, size) {
  const li = document.createElement('li');
  li.className = 'doc';
  li.setAttribute('role', 'listitem');
  li.dataset.state = state;

  const icon = document.createElement('span');
  icon.className = 'doc-icon';
  icon.dataset.type = (fileType || 'text').toLowerCase();
  icon.setAttribute('aria-hidden', 'true');
  icon.textContent = fileType && fileType !== 'text' ? fileType.slice(0, 4).toUpperCase() : 'TXT';

  const main = document.createElement('div');
  main.className = 'doc-main';
  const nm = document.createElement('span');
  nm.className = 'doc-name';
  nm.textContent = name;
  nm.title = name;
  const meta = document.createElement('span');
  meta.className = 'doc-meta';
  const parts = [typeLabel(fileType)];
  if (size != null) parts.push(formatBytes(size));
  meta.textContent = parts.join(' · ');
  main.append(nm, meta);

  const stateEl = document.createElement('span');
  stateEl.className = `doc-state state-${state}`;
  stateEl.dataset.role = 'state';

  const actions = document.createElement('div');
  actions.className = 'doc-actions';

  li.append(icon, main, stateEl, actions);
  return { li, main, meta, stateEl, actions };
}

function removeButton(name, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'btn btn-icon btn-small doc-remove';
  b.dataset.role = 'remove';
  const label = t('docs.remove', { name });
  b.setAttribute('aria-label', label);
  b.title = label;
  const i = document.createElement('span');
  i.className = 'icon icon-close';
  i.setAttribute('aria-hidden', 'true');
  b.appendChild(i);
  b.addEventListener('click', onClick);
  return b;
}

function addNote(meta, text) {
  const note = document.createElement('span');
  note.className = 'doc-note';
  note.textContent = text;
  meta.append(' · ', note);
}

function buildDocRow(d) {
  const { li, meta, stateEl, actions } = baseRow('ready', d.name, d.file_type, d.source === 'text' ? null : d.size);
  if (d.source === 'text' && d.tokens_estimate != null) {
    meta.textContent = `${typeLabel('text')} · ${t('docs.tokens', { n: d.tokens_estimate })}`;
  }
  if (deduped.has(d.id)) addNote(meta, t('docs.alreadyUploaded'));
  stateEl.textContent = t('docs.state.ready');
  li.dataset.documentId = String(d.id);
  actions.appendChild(removeButton(d.name, async () => {
    try {
      await ipc.removeDocument(d.id);
      documents = documents.filter((x) => x.id !== d.id);
      render();
      $('add-documents').focus();
    } catch (e) {
      showRowError(li, e);
    }
  }));
  return li;
}

function buildJobRow(j) {
  const state = ['checking', 'uploading', 'reading', 'failed'].includes(j.state) ? j.state : 'checking';
  const { li, main, meta, stateEl, actions } = baseRow(state, j.name, j.file_type, j.size);
  li.dataset.jobId = String(j.job_id);
  if (j.already_uploaded) addNote(meta, t('docs.alreadyUploaded'));
  stateEl.textContent = t(`docs.state.${state}`);
  if (state === 'uploading') {
    const bar = document.createElement('div');
    bar.className = 'progress';
    bar.setAttribute('role', 'progressbar');
    bar.setAttribute('aria-valuemin', '0');
    bar.setAttribute('aria-valuemax', '100');
    bar.setAttribute('aria-label', t('docs.uploadingName', { name: j.name }));
    const fill = document.createElement('div');
    fill.className = 'progress-fill';
    bar.appendChild(fill);
    main.appendChild(bar);
    updateProgress(li, j);
  } else if (state === 'checking' || state === 'reading') {
    const bar = document.createElement('div');
    bar.className = 'progress indeterminate';
    bar.setAttribute('aria-hidden', 'true');
    bar.appendChild(document.createElement('div')).className = 'progress-fill';
    main.appendChild(bar);
  }
  if (state === 'failed') {
    const retry = () => {
      ipc.retryDocument(j.job_id).catch((e) => showRowError(li, e));
    };
    const dismiss = () => {
      jobs.delete(j.job_id);
      render();
      $('add-documents').focus();
    };
    const box = errorBox(j.error, { open_settings: hooks.onOpenSettings, remove_file: dismiss }, { compact: true });
    const rb = document.createElement('button');
    rb.type = 'button';
    rb.className = 'btn btn-secondary btn-small';
    rb.dataset.role = 'retry';
    rb.textContent = t('actions.retry');
    rb.addEventListener('click', retry);
    let row = box.querySelector('.error-actions');
    if (!row) {
      row = document.createElement('div');
      row.className = 'error-actions';
      box.insertBefore(row, box.querySelector('details'));
    }
    row.prepend(rb);
    main.appendChild(box);
  }
  actions.appendChild(removeButton(j.name, () => {
    if (state !== 'failed') dismissed.add(j.job_id);
    jobs.delete(j.job_id);
    render();
    $('add-documents').focus();
  }));
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

function showPanelError(e) {
  const n = $('docs-notice');
  n.replaceChildren(errorBox(e, { open_settings: hooks.onOpenSettings }, { compact: true }));
}

function notice(text) {
  const n = $('docs-notice');
  n.textContent = text;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { if (n.textContent === text) n.textContent = ''; }, 12000);
}

// --- paste text ------------------------------------------------------------------

/** CJK characters ≈ 1 token each; everything else ≈ 4 UTF-8 bytes per token. */
export function estimateTokens(text) {
  let cjk = 0;
  let otherBytes = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0);
    if ((c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x2ffff)
      || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xffef)) {
      cjk++;
    } else if (c < 0x80) otherBytes += 1;
    else if (c < 0x800) otherBytes += 2;
    else if (c < 0x10000) otherBytes += 3;
    else otherBytes += 4;
  }
  return cjk + Math.ceil(otherBytes / 4);
}

function initPaste() {
  const dlg = $('paste-dialog');
  wireCloseButtons(dlg);
  const area = $('paste-text-area');
  area.addEventListener('input', updateEstimate);
  $('paste-add').addEventListener('click', submitPaste);
  $('paste-as-file').addEventListener('click', submitAsFile);
  $('paste-form').addEventListener('submit', (e) => e.preventDefault());
}

function openPaste() {
  $('paste-text-area').value = '';
  $('paste-name').value = '';
  $('paste-result').replaceChildren();
  updateEstimate();
  openDialog($('paste-dialog'), $('paste-text-area'));
}

function updateEstimate() {
  const text = $('paste-text-area').value;
  const n = estimateTokens(text);
  const over = n > TEXT_TOKEN_LIMIT;
  $('paste-estimate').textContent = text.trim()
    ? t('paste.estimate', { n, limit: TEXT_TOKEN_LIMIT })
    : t('paste.empty');
  const w = $('paste-warning');
  w.hidden = !over;
  w.textContent = over ? t('paste.tooLong', { limit: TEXT_TOKEN_LIMIT }) : '';
  $('paste-as-file').hidden = !over;
  $('paste-add').disabled = over || !text.trim();
}

async function submitPaste() {
  const text = $('paste-text-area').value;
  if (!text.trim()) return;
  const name = $('paste-name').value.trim() || null;
  const btn = $('paste-add');
  btn.disabled = true;
  try {
    const doc = await ipc.addText(text, name);
    if (!documents.some((d) => d.id === doc.id)) documents.push(doc);
    render();
    $('paste-dialog').close();
  } catch (e) {
    if (e.kind === 'text_too_long') {
      $('paste-as-file').hidden = false;
    }
    $('paste-result').replaceChildren(errorBox(e, { open_settings: hooks.onOpenSettings }, { compact: true }));
    btn.disabled = false;
  }
}

async function submitAsFile() {
  const text = $('paste-text-area').value;
  const name = $('paste-name').value.trim() || null;
  const btn = $('paste-as-file');
  btn.disabled = true;
  try {
    await ipc.addTextAsFile(text, name);
    $('paste-dialog').close();
  } catch (e) {
    $('paste-result').replaceChildren(errorBox(e, { open_settings: hooks.onOpenSettings }, { compact: true }));
  } finally {
    btn.disabled = false;
  }
}

// --- drag and drop ---------------------------------------------------------------

function initDrop() {
  const set = (on) => {
    document.body.classList.toggle('dragging', on);
  };
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
  updateEstimate();
  render();
}
