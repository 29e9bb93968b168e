// In-app dialogs (no window.confirm: it is not localized and blocks the webview), and the
// shared way to show an AppError where it happened.

import { t } from './i18n.js';
import { $, el, button } from './dom.js';
import { errorText, errorAction, errorDetail } from './errors.js';

/** Opens a <dialog> modally; Escape closes it (native `cancel`). Returns focus on close. */
export function openDialog(dlg, focusEl) {
  const back = document.activeElement;
  dlg.addEventListener('close', () => {
    if (back && typeof back.focus === 'function' && document.contains(back)) back.focus();
  }, { once: true });
  dlg.showModal();
  if (focusEl) focusEl.focus();
}

export function wireCloseButtons(dlg) {
  for (const b of dlg.querySelectorAll('[data-close]')) b.addEventListener('click', () => dlg.close());
}

/**
 * Asks a yes/no question in the app's language. Resolves true on OK, false on Cancel/Escape.
 * `detail` (e.g. a URL) is shown verbatim in a monospace line.
 */
export function confirmDialog({
  title, body, detail = null, ok, cancel = t('common.cancel'), danger = false, focusCancel = danger,
}) {
  const dlg = $('confirm-dialog');
  $('confirm-heading').textContent = title;
  $('confirm-body').textContent = body;
  const d = $('confirm-detail');
  d.hidden = !detail;
  d.textContent = detail || '';
  const okBtn = $('confirm-ok');
  const cancelBtn = $('confirm-cancel');
  okBtn.textContent = ok;
  okBtn.classList.toggle('btn-danger-solid', danger);
  cancelBtn.textContent = cancel;
  return new Promise((resolve) => {
    let result = false;
    const onOk = () => { result = true; dlg.close(); };
    const onCancel = () => { result = false; dlg.close(); };
    okBtn.addEventListener('click', onOk);
    cancelBtn.addEventListener('click', onCancel);
    dlg.addEventListener('close', () => {
      okBtn.removeEventListener('click', onOk);
      cancelBtn.removeEventListener('click', onCancel);
      resolve(result);
    }, { once: true });
    openDialog(dlg, focusCancel ? cancelBtn : okBtn);
  });
}

/** The confirmation before any link leaves the app; Enter alone does not open it. */
export function confirmLink(url) {
  return confirmDialog({
    title: t('link.title'),
    body: t('link.body'),
    detail: url,
    ok: t('link.open'),
    focusCancel: true,
  });
}

const ACTION_LABEL = {
  open_settings: 'actions.openSettings',
  retry: 'actions.retry',
  remove_file: 'actions.removeFile',
  confirm_endpoint: 'actions.confirmEndpoint',
};

/**
 * Builds the box that shows an error: its sentence (errors.js), the next step as a button
 * (when a handler for it is given) and the request id / detail under a collapsed "Details".
 * `handlers` maps action names to functions.
 */
export function errorBox(err, handlers = {}, { compact = false, skipActions = [], alert = true } = {}) {
  const box = el('div', compact ? 'error-box compact' : 'error-box');
  if (alert) box.setAttribute('role', 'alert');
  box.appendChild(el('p', 'error-message', errorText(err)));

  const action = errorAction(err);
  if (action && handlers[action] && !skipActions.includes(action)) {
    const row = el('div', 'error-actions');
    const b = button(t(ACTION_LABEL[action]), 'btn-secondary btn-small', () => handlers[action]());
    b.dataset.action = action;
    row.appendChild(b);
    box.appendChild(row);
  }
  const details = detailsBlock(err);
  if (details) box.appendChild(details);
  return box;
}

/** `<details>` with the kind, request id and technical detail, or null when there is nothing. */
export function detailsBlock(err) {
  if (!err || !err.kind) return null;
  const det = el('details', 'error-details');
  det.appendChild(el('summary', null, t('errors.details')));
  const dl = el('dl');
  const add = (k, v) => {
    if (!v) return;
    dl.append(el('dt', null, t(k)), el('dd', null, String(v)));
  };
  add('errors.kind', err.kind);
  add('errors.requestId', err.request_id);
  add('errors.detail', errorDetail(err));
  det.appendChild(dl);
  return det;
}
