// What sits around an answer's text: the "Documents used" chips, Copy (rich, through Rust),
// Copy table (tab-separated, one button above each table), the "‹ 2/3 ›" version switch, and
// the tokens and cost an answer used.
// Names and answer text are untrusted: everything is built from text nodes.

import * as ipc from './ipc.js';
import { t, formatNumber } from './i18n.js';
import { el, button } from './dom.js';

/** The type tile's text and colour key, as the documents panel draws them. */
function tile(fileType) {
  const type = (fileType || 'text').toLowerCase();
  const icon = el('span', 'doc-icon doc-icon-small', type !== 'text' ? type.slice(0, 4).toUpperCase() : 'TXT');
  icon.dataset.type = type;
  icon.setAttribute('aria-hidden', 'true');
  return icon;
}

/**
 * `<ul role=list aria-label="Documents used">` with one chip per document, or null. With
 * `open(documentId, {name})` each chip is a button that opens the document's preview.
 */
export function documentChips(ids, docsById, open = null) {
  const docs = [];
  for (const id of ids || []) {
    const d = docsById.get(id);
    if (d && !docs.includes(d)) docs.push(d);
  }
  if (!docs.length) return null;
  const list = el('ul', 'doc-chips');
  list.setAttribute('role', 'list');
  list.setAttribute('aria-label', t('answer.documentsUsed'));
  for (const d of docs) {
    const li = el('li', 'doc-chip');
    li.setAttribute('role', 'listitem');
    li.title = d.name;
    if (open) {
      const b = el('button', 'doc-chip-open');
      b.type = 'button';
      b.title = t('preview.open', { name: d.name });
      b.append(tile(d.file_type), el('span', 'doc-chip-name', d.name));
      b.addEventListener('click', () => open(d.id, { name: d.name }));
      li.appendChild(b);
    } else {
      li.append(tile(d.file_type), el('span', 'doc-chip-name', d.name));
    }
    list.appendChild(li);
  }
  return list;
}

/** "‹ 2/3 ›": `index` is 0-based; `go(i)` shows version i. */
export function versionNav(index, count, go) {
  const nav = el('div', 'versions');
  nav.setAttribute('role', 'group');
  nav.setAttribute('aria-label', t('answer.versions'));
  const arrow = (label, glyph, action, target) => {
    const b = el('button', 'btn btn-ghost btn-icon btn-small version-step');
    b.type = 'button';
    b.setAttribute('aria-label', label);
    b.title = label;
    b.dataset.action = action;
    b.appendChild(el('span', null, glyph)).setAttribute('aria-hidden', 'true');
    b.disabled = target < 0 || target >= count;
    b.addEventListener('click', () => go(target));
    return b;
  };
  const pos = el('span', 'version-pos', t('answer.position', { n: index + 1, count }));
  nav.append(
    arrow(t('answer.previousVersion'), '‹', 'previous-version', index - 1),
    pos,
    arrow(t('answer.nextVersion'), '›', 'next-version', index + 1),
  );
  return nav;
}

/** Says "Copied" (or the failure) on the button for a moment. */
function flash(b, ok, label) {
  b.textContent = ok ? t('conv.copied') : t('conv.copyFailed');
  clearTimeout(b._flash);
  b._flash = setTimeout(() => { b.textContent = label; }, 1800);
}

/** "Copy": the answer as HTML and plain text (Rust), so headings, lists and tables paste. */
export function copyButton(article) {
  const label = t('conv.copy');
  const b = button(label, 'btn-ghost btn-small', async () => {
    const m = article._message;
    if (!m) return;
    let ok = false;
    try {
      await ipc.copyAnswer(m.id);
      ok = true;
    } catch {
      ok = await copyText(m.text || '');
    }
    flash(b, ok, label);
  });
  b.dataset.action = 'copy';
  return b;
}

/** A table as tab-separated text: cells by tabs, rows by newlines. */
export function tableText(table) {
  const clean = (s) => s.replace(/[\t\r\n]+/g, ' ').trim();
  return [...table.rows].map((r) => [...r.cells].map((c) => clean(c.textContent)).join('\t')).join('\n');
}

/**
 * One "Copy table" button above each table of the answer. The buttons live beside the text
 * (not in it: the body holds only what Markdown makes) and are placed over the gap the
 * stylesheet leaves above each table.
 */
export function tableTools(article) {
  const body = article.querySelector('.msg-body');
  const layer = article.querySelector('.msg-table-tools');
  if (article._tablesObserver) {
    article._tablesObserver.disconnect();
    article._tablesObserver = null;
  }
  layer.replaceChildren();
  const tables = [...body.querySelectorAll('table')];
  article.classList.toggle('has-tables', tables.length > 0);
  if (!tables.length || body.hidden) return;
  const label = t('answer.copyTable');
  tables.forEach((table, i) => {
    const b = button(label, 'btn-secondary btn-small table-copy', async () => flash(b, await copyText(tableText(table)), label));
    b.dataset.action = 'copy-table';
    if (tables.length > 1) b.title = t('answer.copyTableN', { n: i + 1, count: tables.length });
    b._table = table;
    layer.appendChild(b);
  });
  // All positions are read before any is written: a write between reads would lay out the
  // whole answer again for every table (hundreds in a long answer).
  const place = () => {
    const base = article.getBoundingClientRect();
    const buttons = [...layer.children];
    const at = buttons.map((b) => [b._table.getBoundingClientRect(), b.offsetHeight]);
    buttons.forEach((b, i) => {
      const [r, h] = at[i];
      b.style.top = `${Math.round(r.top - base.top - h - 4)}px`;
      b.style.left = `${Math.round(r.left - base.left)}px`;
    });
  };
  // The observer's first call, after the next layout and before the paint, places them: one
  // layout for a turn drawn with its tables, not one more here.
  if (typeof ResizeObserver === 'function') {
    article._tablesObserver = new ResizeObserver(() => place());
    article._tablesObserver.observe(body);
  } else {
    place();
    requestAnimationFrame(place);
  }
}

/** Plain text to the clipboard; falls back to a hidden textarea and execCommand. */
export async function copyText(text) {
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

/** The tokens and cost an answer used, and how far the estimate was: nodes for its footer. */
export function usageLine(m) {
  if (!m.usage || m.usage.total_tokens == null) return [];
  const cost = m.cost_cny != null ? ` · ¥${formatCost(m.cost_cny)}` : '';
  const u = el('span', 'msg-usage', `${t('conv.tokens', { n: m.usage.total_tokens })}${cost}`);
  u.title = t('conv.usageDetail', { prompt: m.usage.prompt_tokens ?? 0, completion: m.usage.completion_tokens ?? 0 });
  return m.estimated_tokens && m.usage.prompt_tokens ? [u, estimateNote(m)] : [u];
}

/** How far the cost line's estimate was from what the service read. */
function estimateNote(m) {
  const real = m.usage.prompt_tokens;
  const off = Math.round(((m.estimated_tokens - real) / real) * 100);
  const words = off === 0 ? t('conv.estimateExact') : t(off > 0 ? 'conv.estimateOver' : 'conv.estimateUnder', { n: Math.abs(off) });
  const note = el('span', 'msg-estimate', words);
  note.title = t('conv.estimateDetail', { estimate: formatNumber(m.estimated_tokens), real: formatNumber(real) });
  return note;
}

function formatCost(cny) {
  if (cny === 0) return '0';
  // Small amounts keep two significant digits (¥0.011, not ¥0.01); larger ones show fen.
  if (cny < 1) return formatNumber(cny, { maximumSignificantDigits: 2 });
  return formatNumber(cny, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}
