// The Library dialog ("Library"): every document ever added, with its type, size, date, the
// conversations that use it and its cloud state for the current account. Documents selected
// are added to the conversation shown (not uploaded again when the cloud copy is there); a
// document can be removed from the library (asked first when a conversation uses it).
// The "Cloud files" tab is cloud.js.

import * as ipc from './ipc.js';
import * as store from './doc-jobs.js';
import * as cloud from './cloud.js';
import { t, formatBytes, locale } from './i18n.js';
import { $, el, button, iconButton } from './dom.js';
import { openDialog, errorBox, confirmDialog } from './dialogs.js';

let items = []; // LibraryItem[]
let cloudChecked = false;
let loadSeq = 0;
const selected = new Set(); // document ids
let hooks = { ensureChat: async () => null, onOpenSettings() {} };

export function init(h) {
  hooks = { ...hooks, ...h };
  const dlg = $('library-dialog');
  $('open-library').addEventListener('click', () => open());
  $('library-close').addEventListener('click', () => dlg.close());
  for (const [id, tab] of [['lib-tab-docs', 'docs'], ['lib-tab-cloud', 'cloud']]) {
    $(id).addEventListener('click', () => {
      showTab(tab);
      $(id).focus();
    });
  }
  $('lib-filter').addEventListener('input', render);
  $('lib-add').addEventListener('click', addSelected);
  cloud.init({ onOpenSettings: () => { dlg.close(); hooks.onOpenSettings(); } });
}

export function longDate(ts) {
  if (!ts) return '';
  const ms = ts > 1e12 ? ts : ts * 1000;
  return new Intl.DateTimeFormat(locale(), { year: 'numeric', month: 'short', day: 'numeric' }).format(new Date(ms));
}

/** Opens the Library on its documents (or on the cloud files). */
export function open(tab = 'docs') {
  selected.clear();
  $('lib-filter').value = '';
  $('lib-result').replaceChildren();
  const dlg = $('library-dialog');
  if (!dlg.open) openDialog(dlg, $(tab === 'docs' ? 'lib-filter' : 'lib-tab-cloud'));
  showTab(tab);
}

function showTab(tab) {
  const docs = tab === 'docs';
  $('lib-tab-docs').setAttribute('aria-selected', String(docs));
  $('lib-tab-cloud').setAttribute('aria-selected', String(!docs));
  $('lib-docs').hidden = !docs;
  $('lib-cloud').hidden = docs;
  if (docs) load();
  else cloud.load();
}

/** Local states first, then the account's file list (so "missing in the cloud" shows). */
async function load() {
  const seq = ++loadSeq;
  const status = $('lib-status');
  cloudChecked = false;
  if (!items.length) status.textContent = t('library.loading');
  try {
    const local = await ipc.library(false);
    if (seq !== loadSeq) return;
    items = local;
    render();
  } catch (e) {
    if (seq !== loadSeq) return;
    status.replaceChildren(errorBox(e, {}, { compact: true }));
    return;
  }
  status.textContent = t('library.checkingCloud');
  try {
    const checked = await ipc.library(true);
    if (seq !== loadSeq) return;
    items = checked;
    cloudChecked = true;
    status.textContent = '';
  } catch (e) {
    if (seq !== loadSeq) return;
    status.replaceChildren(el('span', null, t('library.cloudNotChecked')),
      errorBox(e, { open_settings: hooks.onOpenSettings }, { compact: true }));
  }
  render();
}

/** "a, b and c" / "a、b和c" in the current language. */
function listOf(names) {
  try {
    return new Intl.ListFormat(locale(), { style: 'long', type: 'conjunction' }).format(names);
  } catch {
    return names.join(', ');
  }
}

function inThisChat(id) {
  return store.readyDocuments().some((d) => d.id === id);
}

function render() {
  const body = $('lib-rows');
  const query = $('lib-filter').value.trim().toLowerCase();
  const shown = items.filter((it) => !query || it.document.name.toLowerCase().includes(query));
  for (const id of [...selected]) if (!items.some((it) => it.document.id === id)) selected.delete(id);
  body.replaceChildren(...shown.map(row));
  const empty = $('lib-empty');
  empty.hidden = shown.length > 0;
  empty.textContent = items.length ? t('library.noMatch', { query: $('lib-filter').value.trim() }) : t('library.empty');
  $('lib-table').hidden = shown.length === 0;
  updateFoot();
}

function typeIcon(doc) {
  const type = (doc.file_type || 'text').toLowerCase();
  const icon = el('span', 'doc-icon', type === 'text' ? 'TXT' : type.slice(0, 4).toUpperCase());
  icon.dataset.type = type;
  icon.setAttribute('aria-hidden', 'true');
  return icon;
}

function row(it) {
  const d = it.document;
  const tr = el('tr');
  tr.dataset.documentId = String(d.id);
  tr.dataset.cloud = it.cloud;
  const here = inThisChat(d.id);

  const pick = el('input');
  pick.type = 'checkbox';
  pick.setAttribute('aria-label', t('library.select', { name: d.name }));
  pick.checked = selected.has(d.id);
  pick.disabled = here;
  pick.addEventListener('change', () => {
    if (pick.checked) selected.add(d.id);
    else selected.delete(d.id);
    tr.classList.toggle('selected', pick.checked);
    updateFoot();
  });
  tr.classList.toggle('selected', pick.checked);

  const name = el('div', 'lib-name');
  const nm = el('span', 'lib-name-text', d.name);
  nm.title = d.name;
  const type = d.file_type === 'text' ? t('docs.typeText') : (d.file_type || '').toUpperCase();
  name.append(typeIcon(d), el('span', 'lib-name-main'));
  name.lastChild.append(nm, el('span', 'lib-meta', here ? `${type} · ${t('library.inChat')}` : type));

  const chats = el('td', 'lib-chats');
  if (it.chats.length) {
    const titles = it.chats.map((c) => (c.title && c.title.trim()) || t('library.untitled'));
    chats.textContent = listOf(titles);
    chats.title = titles.join('\n');
  } else {
    chats.append(el('span', 'muted', t('library.noChats')));
  }

  const state = el('span', `cloud-state cloud-${it.cloud}`, t(`library.cloud.${it.cloud}`));
  state.title = t(`library.cloudHint.${it.cloud}`);

  const remove = iconButton(t('library.remove', { name: d.name }), 'icon-trash', 'lib-remove', () => removeItem(it));

  const cell = (child, cls) => {
    const td = el('td', cls);
    td.append(child);
    return td;
  };
  tr.append(
    cell(pick, 'lib-pick'),
    cell(name, 'lib-name-cell'),
    el('td', 'lib-size', d.source === 'text' ? '' : formatBytes(d.size)),
    el('td', 'lib-date', longDate(d.created_at)),
    chats,
    cell(state, 'lib-cloud'),
    cell(remove, 'lib-actions'),
  );
  return tr;
}

function updateFoot() {
  const n = selected.size;
  $('lib-count').textContent = n ? t('library.selected', { count: n }) : '';
  const add = $('lib-add');
  add.disabled = n === 0;
  add.textContent = n ? t('library.add', { count: n }) : t('library.addNone');
}

async function addSelected() {
  const ids = items.map((it) => it.document.id).filter((id) => selected.has(id));
  if (!ids.length) return;
  const add = $('lib-add');
  add.disabled = true;
  try {
    const chatId = store.currentChatId() ?? (await hooks.ensureChat())?.summary.id;
    if (chatId == null) return;
    await ipc.addLibraryDocuments(chatId, ids);
    selected.clear();
    $('library-dialog').close();
    $('docs-notice').textContent = t('library.added', { count: ids.length });
  } catch (e) {
    $('lib-result').replaceChildren(errorBox(e, { open_settings: hooks.onOpenSettings }, { compact: true }));
  } finally {
    updateFoot();
  }
}

async function removeItem(it) {
  const d = it.document;
  if (it.chats.length) {
    const titles = it.chats.map((c) => t('library.quoted', { name: (c.title && c.title.trim()) || t('library.untitled') }));
    const ok = await confirmDialog({
      title: t('library.removeTitle', { name: d.name }),
      body: t('library.removeUsedBody', { count: it.chats.length, chats: listOf(titles) }),
      ok: t('library.removeOk'),
      danger: true,
    });
    if (!ok) return;
  }
  try {
    await ipc.removeLibraryDocument(d.id);
    if (inThisChat(d.id)) store.removeDocument(d.id);
    selected.delete(d.id);
    items = items.filter((x) => x.document.id !== d.id);
    render();
    const p = el('p', 'success', t('library.removed', { name: d.name }));
    p.setAttribute('role', 'status');
    $('lib-result').replaceChildren(p);
    $('lib-filter').focus();
  } catch (e) {
    $('lib-result').replaceChildren(errorBox(e, {}, { compact: true }));
  }
}

/** Re-renders after a language change. */
export function relabel() {
  if (!$('library-dialog').open) return;
  render();
  cloud.relabel();
  if (cloudChecked) $('lib-status').textContent = '';
}
