// Find in document, inside the Preview panel: a debounced `find_in_document` (whitespace,
// full/half width and case ignored, in Rust), the "2/7" position, Previous/Next match, and
// Enter = next, Shift+Enter = previous. preview.js shows and highlights the current match.

import * as ipc from './ipc.js';
import { t, formatNumber } from './i18n.js';
import { $ } from './dom.js';

const DEBOUNCE_MS = 250;
const MAX = 1000; // find_in_document reports at most this many

let matches = [];
let index = -1;
let asked = ''; // the query `matches` answer
let timer = 0;
let seq = 0;
let hooks = { goto() {}, clear() {}, documentId: () => null };

export function init(h) {
  hooks = { ...hooks, ...h };
  const input = $('preview-find-input');
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { timer = 0; run(); }, DEBOUNCE_MS);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || e.isComposing) return;
    e.preventDefault();
    step(e.shiftKey ? -1 : 1);
  });
  $('preview-find-prev').addEventListener('click', () => step(-1));
  $('preview-find-next').addEventListener('click', () => step(1));
  update();
}

/** A new document (or none): an empty box and no matches. */
export function reset() {
  clearTimeout(timer);
  timer = 0;
  seq += 1;
  matches = [];
  index = -1;
  asked = '';
  $('preview-find-input').value = '';
  update();
}

export function relabel() {
  update();
}

/** Asks Rust for the matches of what is in the box, then shows the first. */
async function run() {
  const q = $('preview-find-input').value.trim();
  const id = hooks.documentId();
  const my = ++seq;
  if (!q || id == null) {
    matches = [];
    index = -1;
    asked = q;
    update();
    hooks.clear();
    return;
  }
  let found;
  try {
    found = await ipc.findInDocument(id, q);
  } catch {
    found = [];
  }
  if (my !== seq) return;
  matches = found || [];
  asked = q;
  index = matches.length ? 0 : -1;
  update();
  if (index >= 0) await hooks.goto(matches[index]);
  else hooks.clear();
}

/** Next (+1) or previous (-1) match, round the end; a query still being typed runs first. */
async function step(delta) {
  const q = $('preview-find-input').value.trim();
  if (timer || q !== asked) {
    clearTimeout(timer);
    timer = 0;
    await run();
    return;
  }
  if (!matches.length) return;
  index = (index + delta + matches.length) % matches.length;
  update();
  await hooks.goto(matches[index]);
}

function update() {
  const pos = $('preview-find-pos');
  const q = $('preview-find-input').value.trim();
  const count = matches.length >= MAX ? `${formatNumber(MAX)}+` : formatNumber(matches.length);
  if (matches.length) pos.textContent = t('preview.position', { n: formatNumber(index + 1), count });
  else pos.textContent = q && q === asked ? t('preview.noMatches') : '';
  pos.dataset.index = String(index);
  pos.dataset.count = String(matches.length);
  $('preview-find-prev').disabled = matches.length < 2;
  $('preview-find-next').disabled = matches.length < 2;
}
