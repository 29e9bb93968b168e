// Errors arrive from Rust as data: `{kind, ...fields}` (docs/ipc.md). This module words them
// from the strings of the current language, and holds the one table of which next step
// (a button) each kind offers, for live errors and for answers reopened later alike.

import { t, formatNumber } from './i18n.js';
import { keyStore } from './platform.js';

const ACTIONS = {
  open_settings: ['key_missing', 'key_refused', 'insecure_url', 'model_not_found', 'wrong_address',
    'access_denied', 'model_not_in_region', 'too_large_for_model',
    // The likely cause is a RAM-user key; the fix is the main account's key.
    'file_invalid'],
  remove_file: ['input_missing', 'input_is_directory', 'input_empty', 'input_unsupported',
    'input_too_large', 'file_too_large', 'file_format_unsupported', 'file_too_many_pages',
    'file_blank', 'file_parse_failed'],
  confirm_endpoint: ['endpoint_not_confirmed'],
  retry: ['input_changed', 'rate_limited', 'network', 'proxy', 'timeout', 'stream_cut', 'file_parsing', 'service_error'],
};
const ACTION_OF = new Map(Object.entries(ACTIONS).flatMap(([action, kinds]) => kinds.map((k) => [k, action])));

/** Kinds worded in more than one way, by a field. */
const VARIANT = {
  rate_limited: (e) => (e.retry_after_secs != null ? 'wait' : 'later'),
  input_unsupported: (e) => (e.legacy ? 'legacy' : 'other'),
};

/** The next step this error offers: 'open_settings', 'retry', 'remove_file' or null. */
export function errorAction(err) {
  return (err && ACTION_OF.get(err.kind)) || null;
}

function params(e) {
  const p = {
    name: e.name || t('errors.thisFile'),
    count: e.count,
    limit: e.limit,
    tokens: e.tokens,
    status: e.status,
    url: e.url,
    id: e.id,
    secs: Math.max(1, e.retry_after_secs || 0),
    store: keyStore(),
  };
  if (e.kind === 'input_too_large' || e.kind === 'answer_too_long') {
    p.limit = formatNumber(Math.floor(e.limit / 1e6));
  }
  p.model = e.model;
  p.host = e.host;
  if (e.kind === 'invalid_argument') {
    p.problem = t(`errors.problems.${e.problem || 'unknown'}`, { value: e.value || '', detail: e.detail || '' });
  }
  if (e.kind === 'not_found') p.what = t(`errors.entities.${e.what || 'item'}`);
  return p;
}

/** The sentence for a person: what happened and what to do next. */
export function errorText(err) {
  if (!err) return t('errors.generic');
  if (err.text) return err.text; // a sentence the UI made itself
  const variant = VARIANT[err.kind];
  const key = variant ? `errors.kinds.${err.kind}.${variant(err)}` : `errors.kinds.${err.kind}`;
  const text = t(key, params(err), { quiet: true });
  if (text === key) return err.legacy || t('errors.generic');
  // An answer stored by an older version kept its kind and its sentence but not the fields
  // a sentence may need: its own sentence reads better than a placeholder.
  return /\{\w+\}/.test(text) && err.legacy ? err.legacy : text;
}

/** Technical detail for "Details": what the service said, or what the system said. */
export function errorDetail(err) {
  if (!err) return null;
  if (err.legacy) return err.legacy; // the sentence an older version stored
  if (err.status != null) {
    return [`HTTP ${err.status}`, err.code, err.message].filter(Boolean).join(' · ');
  }
  return err.detail || err.path || null;
}

/** The error of a stored answer, as a live one looks. */
export function storedError(m) {
  if (!m.error && !m.error_detail) return null;
  return { ...(m.error || { kind: 'internal' }), request_id: m.request_id || null, legacy: m.error_detail || null };
}
