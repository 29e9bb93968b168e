// The Preview panel: a document's text as extracted on this machine (nothing is sent), with
// its counts, its sections (pages, sheets, slides, chapters) to jump to, Find in document
// (preview-find.js) and one highlighted range (a quote or the current match).
//
// The text is windowed: `preview_text` is asked for about 64 KB at a time (byte offsets; the
// answer says where the window really starts) and the next or previous window is loaded as
// the person scrolls, so a 5,000-page PDF opens at once. Text goes in as text nodes only.

import * as ipc from './ipc.js';
import { t, formatNumber } from './i18n.js';
import { $, el } from './dom.js';
import { errorBox } from './dialogs.js';
import * as find from './preview-find.js';

const WINDOW = 64 * 1024;
const MAX_CHUNKS = 6; // windows kept in the DOM; the far ones go as the person scrolls
const EDGE = 900; // px from an end of the text at which the next window is loaded
const MANY_SECTIONS = 40; // more than this: a page field instead of a chip per page
const enc = new TextEncoder();

let doc = null; // {id, info}: the document shown (info from preview_document)
let chunks = []; // [{start, end, text, node}] in order, contiguous
let mark = null; // {start, end, cls}: the highlighted byte range
let seq = 0; // bumps on every open/close: late answers for an older document are dropped
let queue = Promise.resolve(); // window loads, one at a time
let opener = null; // focus goes back here on Close
let hooks = { onError() {} };

export function init(h = {}) {
  hooks = { ...hooks, ...h };
  const panel = $('preview');
  $('preview-close').addEventListener('click', () => close());
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !e.defaultPrevented) {
      e.preventDefault();
      close();
    }
  });
  let ticking = false;
  $('preview-body').addEventListener('scroll', () => {
    if (ticking) return;
    ticking = true;
    requestAnimationFrame(() => {
      ticking = false;
      fillEdges();
      markSection();
    });
  });
  find.init({
    goto: (m) => highlight(m.start, m.end, 'find-mark'),
    clear: () => clearMark(),
    documentId: () => (doc ? doc.id : null),
  });
}

export function isOpen() {
  return !$('preview').hidden;
}

/** The document id shown, or null. */
export function shownDocument() {
  return isOpen() && doc ? doc.id : null;
}

/**
 * Opens the preview of `documentId`. `range` ({start, end}, bytes) is shown highlighted (a
 * quote); `name` is shown while the preview is being read.
 */
export async function open(documentId, { name = '', range = null } = {}) {
  const panel = $('preview');
  if (panel.hidden) opener = document.activeElement;
  const my = ++seq;
  panel.hidden = false;
  $('app').classList.add('preview-open');
  panel.dataset.state = 'loading';
  panel.dataset.documentId = String(documentId);
  let info;
  if (doc && doc.id === documentId && doc.info.state === 'ready') {
    info = doc.info;
  } else {
    resetView(name);
    try {
      info = await ipc.previewDocument(documentId);
    } catch (e) {
      if (my !== seq) return;
      showError(e);
      return;
    }
    if (my !== seq) return;
    doc = { id: documentId, info };
    find.reset();
    drawHead();
  }
  if (info.state !== 'ready') {
    showNone(info.reason);
    return;
  }
  $('preview-body').hidden = false;
  $('preview-find').hidden = false;
  if (range) {
    find.reset();
    await highlight(range.start, range.end, 'quote-mark');
  } else if (!chunks.length) {
    await showAround(0);
  }
  if (my !== seq) return;
  panel.dataset.state = 'ready';
  $('preview-body').focus({ preventScroll: true });
}

export function close() {
  const panel = $('preview');
  if (panel.hidden) return;
  seq += 1;
  panel.hidden = true;
  $('app').classList.remove('preview-open');
  delete panel.dataset.state;
  doc = null;
  resetView('');
  find.reset();
  const back = opener;
  opener = null;
  if (back && document.contains(back) && typeof back.focus === 'function') back.focus();
}

/** Re-words the head after a language change. */
export function relabel() {
  if (!isOpen() || !doc) return;
  drawHead();
  if (doc.info.state !== 'ready') showNone(doc.info.reason);
  find.relabel();
}

function resetView(name) {
  chunks = [];
  mark = null;
  $('preview-body').replaceChildren();
  $('preview-name').textContent = name;
  $('preview-name').title = name;
  $('preview-meta').textContent = name ? t('preview.loading') : '';
  $('preview-note').hidden = true;
  $('preview-sections').replaceChildren();
  $('preview-sections').hidden = true;
  $('preview-empty').hidden = true;
  $('preview-empty').replaceChildren();
}

function drawHead() {
  const info = doc.info;
  $('preview-name').textContent = info.name;
  $('preview-name').title = info.name;
  if (info.state !== 'ready') {
    $('preview-meta').textContent = '';
    return;
  }
  $('preview-meta').textContent = t('preview.meta', {
    chars: formatNumber(info.chars), tokens: formatNumber(info.tokens),
  });
  const notes = [];
  // `rough` names which fallback read the file; each has its own cause and next step.
  if (info.rough) notes.push(t(`preview.rough.${info.rough}`));
  if (info.scanned_pages && info.scanned_pages.length) notes.push(t('preview.scannedSome', { count: info.scanned_pages.length }));
  if (info.truncated) notes.push(t('preview.truncated'));
  const note = $('preview-note');
  note.hidden = !notes.length;
  note.textContent = notes.join(' ');
  drawSections(info.sections || []);
  markSection();
}

function sectionLabel(s) {
  if (s.kind === 'page') return t('preview.page', { label: s.label });
  if (s.kind === 'slide') return t('preview.slide', { label: s.label });
  return s.label;
}

function drawSections(sections) {
  const nav = $('preview-sections');
  nav.hidden = sections.length < 2;
  if (sections.length > MANY_SECTIONS) {
    nav.replaceChildren(sectionPicker(sections));
    return;
  }
  const list = el('ul', 'preview-section-list');
  list.setAttribute('role', 'list');
  for (const s of sections) {
    const li = el('li');
    const b = el('button', 'preview-section', sectionLabel(s));
    b.type = 'button';
    b.dataset.kind = s.kind;
    b.dataset.start = String(s.start);
    b.addEventListener('click', () => goToSection(s));
    li.appendChild(b);
    list.appendChild(li);
  }
  nav.replaceChildren(list);
}

function goToSection(s) {
  find.reset();
  clearMark();
  jumpTo(s.start);
}

/**
 * Past a few dozen pages a chip each is a wall nobody reads (and thousands of them took the
 * panel's first paint past half a second): pages and slides get a number field ("Page [12] of
 * 5,832"), sheets and chapters a list to choose from.
 */
function sectionPicker(sections) {
  const wrap = el('div', 'preview-goto');
  const kind = sections[0].kind;
  const numbered = sections.every((s) => s.kind === kind) && (kind === 'page' || kind === 'slide');
  if (!numbered) {
    const label = el('label', 'preview-goto-label', t('preview.goto.section'));
    label.htmlFor = 'preview-goto';
    const select = el('select', 'preview-goto-select');
    select.id = 'preview-goto';
    sections.forEach((s, i) => {
      const o = el('option', '', sectionLabel(s));
      o.value = String(i);
      select.appendChild(o);
    });
    select.addEventListener('change', () => goToSection(sections[Number(select.value)]));
    wrap.append(label, select);
    return wrap;
  }
  const input = el('input', 'preview-goto-number');
  input.id = 'preview-goto';
  input.type = 'number';
  input.min = '1';
  input.max = String(sections.length);
  input.value = '1';
  input.inputMode = 'numeric';
  input.setAttribute('aria-label', t(`preview.goto.${kind}.field`));
  const go = () => {
    const n = Math.round(Number(input.value));
    if (!Number.isFinite(n) || n < 1) return;
    const i = Math.min(n, sections.length) - 1;
    input.value = String(i + 1);
    goToSection(sections[i]);
  };
  input.addEventListener('change', go);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      go();
    }
  });
  const before = el('span', 'preview-goto-label', t(`preview.goto.${kind}.before`));
  const after = el('span', 'preview-goto-of', t(`preview.goto.${kind}.after`, { count: sections.length }));
  wrap.append(before, input, after);
  return wrap;
}

function showNone(reason) {
  const known = ['empty', 'binary', 'scanned', 'unsupported', 'damaged', 'timed_out', 'too_large', 'failed', 'missing', 'changed'];
  const r = known.includes(reason) ? reason : 'failed';
  $('preview-body').hidden = true;
  $('preview-find').hidden = true;
  $('preview-sections').hidden = true;
  const p = $('preview-empty');
  p.hidden = false;
  p.dataset.reason = r;
  p.replaceChildren(el('p', 'preview-reason', t(`preview.none.${r}`)));
  $('preview').dataset.state = 'none';
}

function showError(e) {
  $('preview-body').hidden = true;
  $('preview-find').hidden = true;
  $('preview-meta').textContent = '';
  const p = $('preview-empty');
  p.hidden = false;
  p.replaceChildren(errorBox(e, {}, { compact: true }));
  $('preview').dataset.state = 'error';
  hooks.onError(e);
}

// --- windows ---------------------------------------------------------------------------

function serial(fn) {
  const run = queue.then(fn, fn);
  queue = run.catch(() => {});
  return run;
}

function total() {
  return doc && doc.info.state === 'ready' ? doc.info.bytes : 0;
}

function lo() {
  return chunks.length ? chunks[0].start : 0;
}

function hi() {
  return chunks.length ? chunks[chunks.length - 1].end : 0;
}

async function fetchWindow(start, end) {
  const id = doc.id;
  const my = seq;
  const w = await ipc.previewText(id, start, end);
  if (my !== seq || !doc || doc.id !== id) return null;
  const node = el('div', 'preview-chunk');
  const c = { start: w.start, end: w.start + enc.encode(w.text).length, text: w.text, node };
  node.dataset.start = String(c.start);
  node.appendChild(document.createTextNode(w.text));
  return c;
}

/** Makes sure the byte `offset` is in the DOM (a fresh window around it if it is not). */
function showAround(offset) {
  return serial(async () => {
    if (chunks.length && offset >= lo() && offset < hi()) return;
    const start = Math.max(0, offset - 4096);
    const c = await fetchWindow(start, Math.min(total(), start + WINDOW));
    if (!c) return;
    chunks = [c];
    $('preview-body').replaceChildren(c.node);
    paintMark(c);
    await fillEdgesNow();
  });
}

function fillEdges() {
  if (!doc || !chunks.length) return;
  serial(() => fillEdgesNow()).catch((e) => console.error(e));
}

/** Loads the next or previous window while the text does not reach past the view's edges. */
async function fillEdgesNow() {
  const body = $('preview-body');
  for (let guard = 0; guard < 4 && doc && chunks.length; guard += 1) {
    const below = body.scrollHeight - body.scrollTop - body.clientHeight;
    if (below < EDGE && hi() < total()) {
      const c = await fetchWindow(hi(), Math.min(total(), hi() + WINDOW));
      if (!c || c.start !== hi()) return;
      chunks.push(c);
      body.appendChild(c.node);
      paintMark(c);
      if (chunks.length > MAX_CHUNKS) {
        const gone = chunks.shift();
        const h = gone.node.offsetHeight;
        gone.node.remove();
        body.scrollTop -= h;
      }
    } else if (body.scrollTop < EDGE && lo() > 0) {
      const c = await fetchWindow(Math.max(0, lo() - WINDOW), lo());
      if (!c || c.end !== lo()) return;
      const h = body.scrollHeight;
      chunks.unshift(c);
      body.prepend(c.node);
      paintMark(c);
      body.scrollTop += body.scrollHeight - h;
      if (chunks.length > MAX_CHUNKS) chunks.pop().node.remove();
    } else {
      return;
    }
  }
}

// --- positions and the highlight --------------------------------------------------------

/** The UTF-16 index in `s` of the byte offset `n` (UTF-8). */
function byteToIndex(s, n) {
  let b = 0;
  let i = 0;
  while (i < s.length && b < n) {
    const cp = s.codePointAt(i);
    b += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += cp > 0xffff ? 2 : 1;
  }
  return i;
}

/** Draws the chunk's text again, with the part of `mark` it holds in a <mark>. */
function paintMark(c) {
  const has = mark && mark.start < c.end && mark.end > c.start;
  if (!has) {
    if (c.node.childNodes.length !== 1) c.node.replaceChildren(document.createTextNode(c.text));
    return null;
  }
  const a = byteToIndex(c.text, Math.max(mark.start, c.start) - c.start);
  const b = byteToIndex(c.text, Math.min(mark.end, c.end) - c.start);
  const m = el('mark', mark.cls);
  m.appendChild(document.createTextNode(c.text.slice(a, b)));
  c.node.replaceChildren(document.createTextNode(c.text.slice(0, a)), m, document.createTextNode(c.text.slice(b)));
  return m;
}

function clearMark() {
  mark = null;
  for (const c of chunks) paintMark(c);
}

/** Highlights bytes [start, end) and scrolls them into the middle of the view. */
async function highlight(start, end, cls) {
  mark = { start, end, cls };
  for (const c of chunks) paintMark(c);
  await showAround(start);
  const m = $('preview-body').querySelector('mark');
  if (m) scrollToElement(m);
  await serial(() => fillEdgesNow());
}

function scrollToElement(node) {
  const body = $('preview-body');
  const r = node.getBoundingClientRect();
  const b = body.getBoundingClientRect();
  body.scrollTop += r.top - b.top - body.clientHeight / 3;
}

/** Scrolls to the byte `offset` (a section's start). */
async function jumpTo(offset) {
  await showAround(offset);
  const c = chunks.find((x) => offset >= x.start && offset < x.end);
  if (!c) return;
  const range = document.createRange();
  const node = c.node.firstChild;
  const i = Math.min(byteToIndex(c.text, offset - c.start), node.length);
  range.setStart(node, i);
  range.setEnd(node, Math.min(i + 1, node.length));
  const body = $('preview-body');
  // The last box: a range starting a line also yields the end of the line before it.
  const rects = range.getClientRects();
  const r = rects.length ? rects[rects.length - 1] : range.getBoundingClientRect();
  body.scrollTop += r.top - body.getBoundingClientRect().top - 8;
  await serial(() => fillEdgesNow());
  markSection();
}

/** Marks the section the top of the view is in (aria-current), and keeps it in sight. */
function markSection() {
  const sections = doc && doc.info.state === 'ready' ? doc.info.sections || [] : [];
  if (sections.length < 2 || !chunks.length) return;
  const offset = offsetAtTop();
  const idx = sectionAt(sections, offset);
  const picker = document.getElementById('preview-goto');
  if (picker) {
    // Not while the person is typing a page number into it.
    if (document.activeElement !== picker) picker.value = String(picker.tagName === 'SELECT' ? idx : idx + 1);
    return;
  }
  const buttons = $('preview-sections').querySelectorAll('.preview-section');
  buttons.forEach((b, i) => {
    if (i === idx) b.setAttribute('aria-current', 'true');
    else b.removeAttribute('aria-current');
  });
  const cur = buttons[idx];
  const nav = $('preview-sections');
  if (cur && (cur.offsetTop < nav.scrollTop || cur.offsetTop > nav.scrollTop + nav.clientHeight - cur.offsetHeight)) {
    nav.scrollTop = cur.offsetTop - nav.clientHeight / 2;
  }
}

/** The byte offset of the text at the top line of the view. */
function offsetAtTop() {
  const body = $('preview-body');
  const box = body.getBoundingClientRect();
  // Just inside the top line (a jump puts its line 8 px down; a line is about 23 px).
  const y = box.top + 16;
  const at = document.caretRangeFromPoint(box.left + 24, y);
  const c = at && chunks.find((x) => x.node.contains(at.startContainer));
  if (c) {
    const before = document.createRange();
    before.setStart(c.node, 0);
    before.setEnd(at.startContainer, at.startOffset);
    return c.start + enc.encode(c.text.slice(0, before.toString().length)).length;
  }
  // Between lines or in the padding: estimate from the window at the top.
  for (const x of chunks) {
    const r = x.node.getBoundingClientRect();
    if (r.bottom < y) continue;
    const frac = r.height > 0 ? Math.max(0, (y - r.top) / r.height) : 0;
    return x.start + Math.floor(frac * (x.end - x.start));
  }
  return lo();
}

/** The last section starting at or before `offset` (sections are in order). */
function sectionAt(sections, offset) {
  let a = 0;
  let b = sections.length - 1;
  while (a < b) {
    const mid = (a + b + 1) >> 1;
    if (sections[mid].start <= offset) a = mid;
    else b = mid - 1;
  }
  return a;
}
