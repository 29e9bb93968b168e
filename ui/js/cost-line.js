// The line above the question box: what the next question will read and cost, before it is
// asked. Rust estimates it (`estimate_question`) from the attached documents' local text, the
// conversation so far and the question being typed, corrected by how far earlier estimates for
// the same file types were off. Nothing is sent to the service for it.

import * as ipc from './ipc.js';
import { t, formatNumber, formatYuan } from './i18n.js';
import { $ } from './dom.js';

let hooks = { chatId: () => null, documents: () => [], busy: () => 0 };
let seq = 0;
let timer = 0;
let last = null; // { estimate, count } drawn last, for a language change

export function init(h) {
  hooks = { ...hooks, ...h };
  // The question is part of what is read; its own tokens matter little, so wait for a pause.
  $('question').addEventListener('input', () => schedule(500));
}

/** Estimates again after `delay` ms (documents, chat or history changed: at once). */
export function schedule(delay = 0) {
  clearTimeout(timer);
  timer = setTimeout(update, delay);
}

/** Compact token counts: "2.1M" / "210万", "12K" / "1.2万", "850". */
export function formatTokens(n) {
  if (n < 10000) return formatNumber(n);
  return formatNumber(n, { notation: 'compact', maximumSignificantDigits: 2 });
}

async function update() {
  const note = $('cost-note');
  const docs = hooks.documents();
  const mine = ++seq;
  if (!docs.length) {
    last = null;
    const adding = hooks.busy();
    note.textContent = adding ? t('docsWait.adding', { count: adding }) : t('cost.noDocs');
    delete note.dataset.tokens;
    return;
  }
  const chatId = hooks.chatId();
  if (chatId == null) return drawPlain(docs.length);
  try {
    const estimate = await ipc.estimateQuestion(chatId, $('question').value);
    if (mine !== seq) return;
    last = { estimate, count: docs.length };
    draw();
  } catch {
    if (mine === seq) drawPlain(docs.length);
  }
}

function drawPlain(count) {
  last = null;
  const note = $('cost-note');
  note.textContent = t('cost.rereads', { count });
  delete note.dataset.tokens;
}

function draw() {
  if (!last) return;
  const { estimate: e, count } = last;
  const note = $('cost-note');
  let text = t('cost.estimate', { count, n: formatTokens(e.tokens), cost: formatYuan(e.cost_cny) });
  if (e.unknown_documents) text += ` ${t('cost.unknown', { count: e.unknown_documents })}`;
  if (e.as_text) text += ` ${t('cost.asText')}`;
  note.textContent = text;
  note.title = t('cost.detail', {
    docs: formatNumber(e.document_tokens),
    history: formatNumber(e.history_tokens),
  });
  // For the end-to-end tests: the exact number behind the compact one.
  note.dataset.tokens = String(e.tokens);
}

export function relabel() {
  if (last) draw();
  else schedule();
}
