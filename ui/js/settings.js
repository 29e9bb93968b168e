// The Settings dialog: the API key (stored by Rust in the system keychain; the UI only ever
// sees KeyStatus), region and address, model, language and theme. Changes to the choices
// apply at once through save_settings.

import * as ipc from './ipc.js';
import { t } from './i18n.js';
import { openDialog, errorBox, confirmDialog } from './dialogs.js';
import { $ } from './dom.js';
import { keyStore } from './platform.js';
import { openConsole, saveAndTest } from './welcome.js';

let settings = null;
let key = { present: false, source: null, masked: null };
let models = []; // [{model, requests_per_minute, tokens_per_minute}] from Rust
let qwenLongRegions = ['beijing'];
let hooks = { onSettings() {}, onKey() {} };

export function init(h) {
  hooks = { ...hooks, ...h };
  const dlg = $('settings-dialog');
  $('settings-close').addEventListener('click', () => dlg.close());
  $('settings-form').addEventListener('submit', (e) => e.preventDefault());
  $('key-save').addEventListener('click', saveKey);
  $('api-key').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.isComposing) {
      e.preventDefault();
      saveKey();
    }
  });
  $('key-test').addEventListener('click', testKey);
  $('key-delete').addEventListener('click', deleteKey);
  // The app's own console address: opened directly, without the outside-link warning.
  $('key-console').addEventListener('click', openConsole);
  $('region').addEventListener('change', () => {
    regionNote();
    $('custom-url-field').hidden = $('region').value !== 'custom';
    if ($('region').value === 'custom' && !$('custom-url').value.trim()) {
      $('custom-url').focus();
      return; // saved once an address is entered
    }
    save();
  });
  $('custom-url').addEventListener('change', save);
  $('model').addEventListener('change', save);
  $('language').addEventListener('change', save);
  $('theme').addEventListener('change', save);
}

export function setState(s, k, version, limits) {
  settings = { ...s };
  key = k;
  models = (limits && limits.models) || [];
  qwenLongRegions = (limits && limits.qwen_long_regions) || ['beijing'];
  if (version) $('version').textContent = t('settings.version', { version });
  fill();
}

function fill() {
  if (!settings) return;
  $('region').value = settings.region || 'beijing';
  $('custom-url-field').hidden = $('region').value !== 'custom';
  $('custom-url').value = settings.custom_base_url || '';
  const model = $('model');
  if (![...model.options].some((o) => o.value === settings.model)) {
    const o = document.createElement('option');
    o.value = settings.model;
    o.textContent = settings.model;
    model.appendChild(o);
  }
  model.value = settings.model || 'qwen-long';
  $('language').value = settings.language || 'system';
  $('theme').value = settings.theme || 'system';
  modelWarning();
  keyStatus();
}

/** Warns when the model chosen is throttled tightly (the core's table of limits). */
function modelWarning() {
  const m = models.find((x) => x.model === $('model').value);
  let text = '';
  if (m && m.requests_per_minute <= 10) text = t('settings.snapshotWarning', { n: m.requests_per_minute });
  else if (m && m.tokens_per_minute < 1000000) text = t('settings.tokensWarning', { n: m.tokens_per_minute });
  const w = $('model-warning');
  w.hidden = !text;
  w.textContent = text;
  regionNote();
}

/** Marks the official regions that do not offer Qwen-Long, and warns when one is chosen. */
function regionNote() {
  for (const o of $('region').options) {
    if (o.value === 'custom') continue;
    const base = t(`settings.region${o.value === 'us' ? 'Us' : o.value[0].toUpperCase() + o.value.slice(1)}`);
    o.textContent = qwenLongRegions.includes(o.value) ? base : t('settings.regionNotOffered', { region: base });
  }
  const r = $('region').value;
  const note = $('region-note');
  note.hidden = r === 'custom' || qwenLongRegions.includes(r);
  note.textContent = note.hidden ? '' : t('settings.regionNoQwenLong');
}

/** The key saved elsewhere (the welcome). */
export function setKey(k) {
  key = k;
  keyStatus();
}

function keyStatus() {
  $('key-help').textContent = t('settings.keyHelp', { store: keyStore() });
  const s = $('key-status');
  s.classList.toggle('ok', !!key.present);
  if (!key.present) s.textContent = t('settings.keyNone');
  else if (key.source === 'environment') s.textContent = t('settings.keyEnv', { masked: key.masked || '' });
  else s.textContent = t('settings.keySaved', { masked: key.masked || '', store: keyStore() });
  $('key-delete').hidden = !key.present || key.source === 'environment';
  $('key-test').disabled = !key.present;
}

export function open(focusKey = false) {
  fill();
  $('key-result').replaceChildren();
  $('settings-result').replaceChildren();
  $('version').hidden = !$('version').textContent;
  openDialog($('settings-dialog'), focusKey || !key.present ? $('api-key') : $('settings-close'));
}

function result(where, node) {
  $(where).replaceChildren(node);
}

function success(text) {
  const p = document.createElement('p');
  p.className = 'success';
  p.setAttribute('role', 'status');
  p.textContent = text;
  return p;
}

async function saveKey() {
  const input = $('api-key');
  const value = input.value.trim();
  if (!value) {
    input.focus();
    result('key-result', errorBox({ text: t('settings.keyEmpty') }, {}, { compact: true }));
    return;
  }
  const btn = $('key-save');
  btn.disabled = true;
  // Save tests the key at once: ok, or the reason (a refused key is not kept).
  result('key-result', success(t('settings.keyChecking')));
  try {
    const r = await saveAndTest(value);
    key = r.key;
    keyStatus();
    if (r.ok) {
      input.value = '';
      result('key-result', success(t('settings.testOk')));
    } else {
      const box = errorBox(r.error, { retry: testKey }, { compact: true });
      if (r.removed) box.insertBefore(document.createTextNode(t('welcome.notKept')), box.querySelector('details'));
      else input.value = '';
      result('key-result', box);
    }
    hooks.onKey(key, r.removed ? null : { ok: r.ok, error: r.error });
  } catch (e) {
    result('key-result', errorBox(e, {}, { compact: true }));
  } finally {
    btn.disabled = false;
  }
}

async function testKey() {
  const btn = $('key-test');
  btn.disabled = true;
  const wait = document.createElement('p');
  wait.className = 'muted small';
  wait.setAttribute('role', 'status');
  wait.textContent = t('settings.testing');
  result('key-result', wait);
  try {
    await ipc.testConnection();
    result('key-result', success(t('settings.testOk')));
  } catch (e) {
    result('key-result', errorBox(e, { retry: testKey }, { compact: true }));
  } finally {
    btn.disabled = !key.present;
  }
}

async function deleteKey() {
  const ok = await confirmDialog({
    title: t('settings.removeKeyTitle'),
    body: t('settings.removeKeyBody'),
    ok: t('settings.removeKey'),
    danger: true,
  });
  if (!ok) return;
  try {
    key = await ipc.deleteApiKey();
    keyStatus();
    result('key-result', success(t('settings.keyRemoved')));
    // "Remove key" is hidden now: keep the keyboard in the dialog, at the next step.
    $('api-key').focus();
    hooks.onKey(key);
  } catch (e) {
    result('key-result', errorBox(e, {}, { compact: true }));
  }
}

async function save() {
  const next = {
    ...settings,
    region: $('region').value,
    custom_base_url: $('custom-url').value.trim() || null,
    model: $('model').value,
    language: $('language').value,
    theme: $('theme').value,
  };
  modelWarning();
  try {
    const r = await ipc.saveSettings(next);
    settings = { ...r.settings };
    hooks.onSettings(r);
    $('settings-result').replaceChildren();
  } catch (e) {
    result('settings-result', errorBox(e, {}, { compact: true }));
  }
}

/** Current settings (for theme "system" handling). */
export function current() {
  return settings;
}

export function relabel() {
  keyStatus();
  modelWarning();
}
