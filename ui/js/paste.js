// The "Paste text" dialog: pasted text becomes a document of the current chat, sent as text
// when it fits the pasted-text limit, or uploaded as a .txt file when it does not. The token
// estimate and the limit come from Rust (estimate_text), never computed here.

import * as ipc from './ipc.js';
import * as store from './doc-jobs.js';
import { t } from './i18n.js';
import { $ } from './dom.js';
import { openDialog, wireCloseButtons, errorBox } from './dialogs.js';

/** How long typing must pause before the estimate is asked for again. */
const ESTIMATE_DELAY_MS = 120;

let hooks = { onOpenSettings() {}, ensureChat: async () => null };
let estimateTimer = 0;
let asked = 0; // the newest estimate request; older answers are dropped

export function init(h) {
  hooks = { ...hooks, ...h };
  const dlg = $('paste-dialog');
  wireCloseButtons(dlg);
  $('paste-text-area').addEventListener('input', () => {
    // "Add text" works at once; Rust refuses text over the limit even before the estimate.
    $('paste-add').disabled = !$('paste-text-area').value.trim() || !$('paste-as-file').hidden;
    clearTimeout(estimateTimer);
    estimateTimer = setTimeout(updateEstimate, ESTIMATE_DELAY_MS);
  });
  $('paste-add').addEventListener('click', submitPaste);
  $('paste-as-file').addEventListener('click', submitAsFile);
  $('paste-form').addEventListener('submit', (e) => e.preventDefault());
  $('paste-text').addEventListener('click', open);
}

function open() {
  $('paste-text-area').value = '';
  $('paste-name').value = '';
  $('paste-result').replaceChildren();
  updateEstimate();
  openDialog($('paste-dialog'), $('paste-text-area'));
}

function showEstimate(text, estimate) {
  const over = !!estimate && !estimate.fits;
  $('paste-estimate').textContent = text.trim() && estimate
    ? t('paste.estimate', { n: estimate.tokens, limit: estimate.limit })
    : t('paste.empty');
  const w = $('paste-warning');
  w.hidden = !over;
  w.textContent = over ? t('paste.tooLong', { limit: estimate.limit }) : '';
  $('paste-as-file').hidden = !over;
  $('paste-add').disabled = over || !text.trim();
}

async function updateEstimate() {
  const text = $('paste-text-area').value;
  const mine = ++asked;
  if (!text.trim()) {
    showEstimate(text, null);
    return;
  }
  try {
    const estimate = await ipc.estimateText(text);
    if (mine === asked) showEstimate(text, estimate);
  } catch { /* keep the last estimate shown */ }
}

async function chatId() {
  return store.currentChatId() ?? (await hooks.ensureChat())?.summary.id;
}

function showError(e) {
  $('paste-result').replaceChildren(errorBox(e, { open_settings: hooks.onOpenSettings }, { compact: true }));
}

async function submitPaste() {
  const text = $('paste-text-area').value;
  if (!text.trim()) return;
  const name = $('paste-name').value.trim() || null;
  const btn = $('paste-add');
  btn.disabled = true;
  try {
    store.addDocument(await ipc.addText(await chatId(), text, name));
    $('paste-dialog').close();
  } catch (e) {
    if (e.kind === 'text_too_long') $('paste-as-file').hidden = false;
    showError(e);
    btn.disabled = false;
  }
}

async function submitAsFile() {
  const text = $('paste-text-area').value;
  const name = $('paste-name').value.trim() || null;
  const btn = $('paste-as-file');
  btn.disabled = true;
  try {
    await ipc.addTextAsFile(await chatId(), text, name);
    $('paste-dialog').close();
  } catch (e) {
    showError(e);
  } finally {
    btn.disabled = false;
  }
}

/** Re-words the estimate after a language change. */
export function relabel() {
  updateEstimate();
}
