// Every user-visible string comes from i18n/en.js or i18n/zh-CN.js, and their error sentences
// from i18n/en.errors.js and i18n/zh-CN.errors.js (plain JSON objects exported as ES modules: the CSP in tauri.conf.json has no 'self' in connect-src, so fetch()
// of a bundled .json file would be refused, while module scripts from 'self' are allowed).
//
// t('key', {n: 3}) interpolates {n}. When `count` is given, `key.one` / `key.other` are
// chosen with Intl.PluralRules. Static markup uses attributes:
//   data-i18n="key"             → textContent
//   data-i18n-aria-label="key"  → aria-label
//   data-i18n-title="key"       → title
//   data-i18n-placeholder="key" → placeholder

import en from '../i18n/en.js';
import enErrors from '../i18n/en.errors.js';
import zh from '../i18n/zh-CN.js';
import zhErrors from '../i18n/zh-CN.errors.js';

const HTML_LANG = { en: 'en', zh: 'zh-CN' };

const tables = { en: { ...en, ...enErrors }, zh: { ...zh, ...zhErrors } };
let current = 'en';
const listeners = new Set();

/** Kept async so a later split into lazily loaded languages does not change callers. */
export async function loadLanguages() {
  return tables;
}

export function lang() {
  return current;
}

/** BCP-47 tag for Intl and <html lang>. */
export function locale() {
  return HTML_LANG[current];
}

function lookup(table, key) {
  return key.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), table);
}

/** `quiet`: a missing key is expected (the caller has a fallback), so no warning. */
export function t(key, params = {}, { quiet = false } = {}) {
  let v = lookup(tables[current], key);
  if (v === undefined) v = lookup(tables.en, key);
  if (v && typeof v === 'object' && 'count' in params) {
    const cat = new Intl.PluralRules(locale()).select(params.count);
    v = v[cat] ?? v.other;
  }
  if (typeof v !== 'string') {
    if (!quiet) console.warn('missing i18n key', key);
    return key;
  }
  return v.replace(/\{(\w+)\}/g, (m, name) => {
    if (!(name in params) || params[name] == null) return m;
    const p = params[name];
    return typeof p === 'number' ? formatNumber(p) : String(p);
  });
}

export function formatNumber(n, opts) {
  return new Intl.NumberFormat(locale(), opts).format(n);
}

/** CNY: small amounts keep two significant digits (¥0.011, not ¥0.01); larger ones show fen. */
export function formatYuan(cny) {
  const v = Number(cny) || 0;
  if (v === 0) return '¥0';
  if (v < 1) return `¥${formatNumber(v, { maximumSignificantDigits: 2 })}`;
  return `¥${formatNumber(v, { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function formatBytes(bytes) {
  if (bytes == null) return '';
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  let v = bytes;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${formatNumber(v, { maximumFractionDigits: v < 10 && i > 0 ? 1 : 0 })} ${units[i]}`;
}

export function formatDuration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(s / 60);
  if (m === 0) return t('time.seconds', { s });
  return t('time.minutesSeconds', { m, s: s % 60 });
}

export function formatDate(ts) {
  if (ts == null) return '';
  const ms = ts > 1e12 ? ts : ts * 1000;
  const d = new Date(ms);
  const now = new Date();
  const sameDay = d.toDateString() === now.toDateString();
  return new Intl.DateTimeFormat(locale(), sameDay
    ? { hour: '2-digit', minute: '2-digit' }
    : { month: 'short', day: 'numeric' }).format(d);
}

/** Fills data-i18n* attributes under `root`. */
export function apply(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-aria-label]')) el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.setAttribute('title', t(el.dataset.i18nTitle));
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.setAttribute('placeholder', t(el.dataset.i18nPlaceholder));
}

/** Switches language ("zh" or "en"), updates <html lang>, static markup and listeners. */
export function setLang(code) {
  current = code === 'zh' ? 'zh' : 'en';
  document.documentElement.lang = locale();
  document.title = t('app.title');
  apply(document);
  for (const fn of listeners) fn(current);
}

export function onLangChange(fn) {
  listeners.add(fn);
}
