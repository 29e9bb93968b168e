// The first start: the steps to get an API Key (with the console link, opened directly: it is
// the app's own fixed address), the key field whose Save tests the key at once, and the
// banner that greets the next step ("add a document") once the key works.

import * as ipc from './ipc.js';
import { t } from './i18n.js';
import { el, button } from './dom.js';
import { errorBox } from './dialogs.js';
import { keyStore } from './platform.js';

export const CONSOLE_URL = 'https://bailian.console.aliyun.com/?apiKey=1';

/** Opens the Model Studio console: a fixed, trusted address, so no "outside link" warning. */
export function openConsole() {
  return ipc.openLink(CONSOLE_URL).catch(() => {});
}

/**
 * Saves the key, then tests it. Resolves `{key, ok, error}`: a refused key is removed again
 * (it would only fail every question), any other failure keeps it (the network may be down).
 */
export async function saveAndTest(value) {
  const key = await ipc.setApiKey(value);
  try {
    await ipc.testConnection();
    return { key, ok: true, error: null };
  } catch (error) {
    if (error && error.kind === 'key_refused') {
      const gone = await ipc.deleteApiKey().catch(() => null);
      return { key: gone || { present: false, source: null, masked: null }, ok: false, error, removed: true };
    }
    return { key, ok: false, error };
  }
}

/** The welcome view; `onKey(key, check)` once a key is saved (check = {ok, error}). */
export function welcomeView({ onKey }) {
  const box = el('div', 'empty welcome');
  const art = el('div', 'empty-art');
  art.setAttribute('aria-hidden', 'true');
  art.appendChild(el('span', 'icon icon-key-large'));

  const steps = el('ol', 'welcome-steps');
  steps.setAttribute('aria-label', t('welcome.stepsLabel'));
  const s1 = el('li', 'welcome-step');
  s1.append(el('span', 'welcome-step-text', t('welcome.step1')),
    button(t('welcome.openConsole'), 'btn-secondary btn-small welcome-console', openConsole));
  const s2 = el('li', 'welcome-step', t('welcome.step2'));
  const s3 = el('li', 'welcome-step');
  s3.appendChild(el('span', 'welcome-step-text', t('welcome.step3', { store: keyStore() })));

  const row = el('div', 'field-row welcome-key');
  const label = el('label', 'visually-hidden', t('welcome.keyLabel'));
  label.htmlFor = 'welcome-key';
  const input = el('input');
  input.type = 'password';
  input.id = 'welcome-key';
  input.autocomplete = 'off';
  input.spellcheck = false;
  input.placeholder = 'sk-…';
  const result = el('div', 'welcome-result');
  result.setAttribute('aria-live', 'polite');
  const save = button(t('welcome.save'), 'btn-primary', async () => {
    const value = input.value.trim();
    if (!value) {
      input.focus();
      result.replaceChildren(errorBox({ text: t('settings.keyEmpty') }, {}, { compact: true }));
      return;
    }
    save.disabled = true;
    input.disabled = true;
    result.replaceChildren(el('p', 'muted small', t('welcome.checking')));
    let r;
    try {
      r = await saveAndTest(value);
    } catch (e) {
      r = { key: null, ok: false, error: e, notSaved: true };
    }
    save.disabled = false;
    input.disabled = false;
    if (r.ok || (!r.removed && !r.notSaved && r.key && r.key.present)) {
      input.value = '';
      onKey(r.key, { ok: r.ok, error: r.error });
      return;
    }
    const box = errorBox(r.error, {}, { compact: true });
    if (r.removed) box.insertBefore(el('p', 'small', t('welcome.notKept')), box.querySelector('details'));
    result.replaceChildren(box);
    input.select();
    input.focus();
  });
  save.id = 'welcome-save';
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.isComposing) {
      e.preventDefault();
      save.click();
    }
  });
  row.append(label, input, save);
  s3.append(row, result);
  steps.append(s1, s2, s3);

  box.append(art, el('h2', 'empty-title', t('welcome.title')), el('p', 'empty-text', t('welcome.text')), steps);
  return box;
}

/** Shown above "add a document" right after the key was saved from the welcome or Settings. */
export function keyBanner(check) {
  if (check.ok) {
    const p = el('div', 'key-banner ok');
    p.setAttribute('role', 'status');
    p.append(el('strong', null, t('welcome.done')), ' ', el('span', null, t('welcome.next')));
    return p;
  }
  const box = el('div', 'key-banner');
  box.append(el('p', 'small', t('welcome.savedNotChecked')), errorBox(check.error, {}, { compact: true }));
  return box;
}
