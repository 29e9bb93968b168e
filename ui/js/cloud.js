// The "Cloud files" tab of the Library: what the account really holds (every page), with
// totals against the 10,000 files / 100 GB quota. Selected files are deleted after a
// confirmation naming how many and how big; files an answer reads now cannot be chosen, and
// files Longwen does not know are shown but never chosen for the person.

import * as ipc from './ipc.js';
import { t, formatBytes, formatNumber, locale } from './i18n.js';
import { $, el } from './dom.js';
import { errorBox, confirmDialog } from './dialogs.js';

let data = null; // {files, total_bytes, max_files, max_bytes}
let loadSeq = 0;
const selected = new Set(); // file ids
let hooks = { onOpenSettings() {} };

export function init(h) {
  hooks = { ...hooks, ...h };
  $('cloud-refresh').addEventListener('click', () => load());
  $('cloud-delete').addEventListener('click', deleteSelected);
}

function shortDate(ts) {
  if (!ts) return '';
  const ms = ts > 1e12 ? ts : ts * 1000;
  return new Intl.DateTimeFormat(locale(), { year: 'numeric', month: 'short', day: 'numeric' }).format(new Date(ms));
}

/** Asks the account for its files (every page). */
export async function load({ keepResult = false } = {}) {
  const seq = ++loadSeq;
  if (!keepResult) $('cloud-result').replaceChildren();
  $('cloud-status').textContent = t('cloud.loading');
  $('cloud-refresh').disabled = true;
  try {
    const fresh = await ipc.cloudFiles();
    if (seq !== loadSeq) return;
    data = fresh;
    $('cloud-status').textContent = '';
  } catch (e) {
    if (seq !== loadSeq) return;
    data = null;
    $('cloud-status').replaceChildren(errorBox(e, { open_settings: hooks.onOpenSettings, retry: () => load() }, { compact: true }));
  } finally {
    if (seq === loadSeq) $('cloud-refresh').disabled = false;
  }
  render();
}

/** The quota as the service states it (100 GB is 10^11 bytes), not in binary units. */
function quotaBytes(bytes) {
  if (bytes % 1e9 === 0) return `${formatNumber(bytes / 1e9)} GB`;
  return formatBytes(bytes);
}

function meter(label, value, max, text) {
  const wrap = el('div', 'quota-item');
  const pct = max ? Math.min(100, (value / max) * 100) : 0;
  const bar = el('div', 'meter');
  bar.setAttribute('role', 'meter');
  bar.setAttribute('aria-label', label);
  bar.setAttribute('aria-valuemin', '0');
  bar.setAttribute('aria-valuemax', String(max));
  bar.setAttribute('aria-valuenow', String(value));
  bar.setAttribute('aria-valuetext', text);
  const fill = el('div', 'meter-fill');
  fill.style.width = `${value > 0 ? Math.max(pct, 0.8) : 0}%`;
  if (pct >= 90) bar.classList.add('full');
  bar.appendChild(fill);
  wrap.append(el('span', 'quota-text', text), bar);
  return wrap;
}

function render() {
  const files = data ? data.files : [];
  for (const id of [...selected]) {
    const f = files.find((x) => x.file.id === id);
    if (!f || f.in_use) selected.delete(id);
  }
  const quota = $('cloud-quota');
  quota.replaceChildren();
  if (data) {
    quota.append(
      meter(t('cloud.quotaLabelFiles'), files.length, data.max_files,
        t('cloud.quotaFiles', { n: formatNumber(files.length), max: formatNumber(data.max_files) })),
      meter(t('cloud.quotaLabelBytes'), data.total_bytes, data.max_bytes,
        t('cloud.quotaBytes', { used: formatBytes(data.total_bytes), max: quotaBytes(data.max_bytes) })),
    );
  }
  $('cloud-rows').replaceChildren(...files.map(row));
  $('cloud-table').hidden = files.length === 0;
  const empty = $('cloud-empty');
  empty.hidden = !data || files.length > 0;
  empty.textContent = t('cloud.empty');
  updateFoot();
}

function row(f) {
  const tr = el('tr');
  tr.dataset.fileId = f.file.id;
  tr.dataset.known = String(!!f.document);
  const name = f.file.filename || f.file.id;
  const pick = el('input');
  pick.type = 'checkbox';
  pick.setAttribute('aria-label', t('cloud.select', { name }));
  pick.disabled = f.in_use;
  pick.checked = selected.has(f.file.id);
  pick.addEventListener('change', () => {
    if (pick.checked) selected.add(f.file.id);
    else selected.delete(f.file.id);
    tr.classList.toggle('selected', pick.checked);
    updateFoot();
  });
  tr.classList.toggle('selected', pick.checked);
  if (f.in_use) tr.classList.add('in-use');

  const nameCell = el('td', 'lib-name-cell');
  const main = el('div', 'lib-name-main');
  const nm = el('span', 'lib-name-text', name);
  nm.title = name;
  main.append(nm, el('span', 'lib-meta mono', f.file.id));
  nameCell.appendChild(main);

  const known = el('td', 'cloud-known');
  if (f.in_use) known.append(el('span', 'cloud-state cloud-in-use', t('cloud.inUse')));
  else if (f.document && f.document.name === name) known.append(el('span', 'cloud-state cloud-uploaded', t('cloud.knownSame')));
  else if (f.document) known.append(el('span', 'cloud-state cloud-uploaded', t('cloud.known', { name: f.document.name })));
  else known.append(el('span', 'cloud-state cloud-foreign', t('cloud.unknown')));
  known.firstChild.title = known.firstChild.textContent;

  const pickCell = el('td', 'lib-pick');
  pickCell.appendChild(pick);
  tr.append(pickCell, nameCell, el('td', 'lib-size', formatBytes(f.file.bytes)),
    el('td', 'lib-date', shortDate(f.file.created_at)), known);
  return tr;
}

function chosen() {
  return data ? data.files.filter((f) => selected.has(f.file.id)) : [];
}

function updateFoot() {
  const files = chosen();
  const bytes = files.reduce((s, f) => s + (f.file.bytes || 0), 0);
  $('cloud-count').textContent = files.length
    ? `${t('cloud.deleteCount', { count: files.length })} · ${formatBytes(bytes)}` : '';
  $('cloud-delete').disabled = files.length === 0;
}

async function deleteSelected() {
  const files = chosen();
  if (!files.length) return;
  const count = files.length;
  const size = formatBytes(files.reduce((s, f) => s + (f.file.bytes || 0), 0));
  const foreign = files.filter((f) => !f.document).length;
  const ok = await confirmDialog({
    title: t('cloud.confirmTitle', { count, size }),
    body: foreign
      ? `${t('cloud.confirmBody')} ${t('cloud.confirmUnknown', { count: foreign })}`
      : t('cloud.confirmBody'),
    ok: t('cloud.confirmOk'),
    danger: true,
  });
  if (!ok) return;
  const btn = $('cloud-delete');
  btn.disabled = true;
  try {
    await ipc.deleteCloudFiles(files.map((f) => f.file.id));
    selected.clear();
    const p = el('p', 'success', t('cloud.deleted', { count, size }));
    p.setAttribute('role', 'status');
    $('cloud-result').replaceChildren(p);
  } catch (e) {
    $('cloud-result').replaceChildren(errorBox(e, { open_settings: hooks.onOpenSettings }, { compact: true }));
  }
  await load({ keepResult: true });
}

export function relabel() {
  if (data) render();
}
