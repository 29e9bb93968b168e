// A key that may not read uploaded files (a RAM user's: the likely cause of `file_invalid`)
// can still ask: the documents' text, extracted on this computer, goes with the question
// instead. The cost comes first, in the confirmation.

import * as ipc from './ipc.js';
import { t, formatYuan } from './i18n.js';
import { button } from './dom.js';
import { confirmDialog } from './dialogs.js';
import { formatTokens } from './cost-line.js';

/** The extra button for an answer refused with `file_invalid`; `retry()` asks again. */
export function offerButton(chatId, retry) {
  const b = button(t('asText.offer'), 'btn-secondary btn-small', () => offer(chatId, retry));
  b.dataset.action = 'send_text';
  return b;
}

async function offer(chatId, retry) {
  if (chatId == null) return;
  // The cost of the text path itself: no correction learnt from uploaded files applies.
  const e = await ipc.estimateQuestion(chatId, '', true).catch(() => null);
  const body = e
    ? t('asText.body', { n: formatTokens(e.tokens), cost: formatYuan(e.cost_cny) })
    : t('asText.bodyUnknown');
  const ok = await confirmDialog({ title: t('asText.title'), body, ok: t('asText.ok') });
  if (!ok) return;
  try {
    await ipc.sendTextInstead(chatId, true);
  } catch {
    return;
  }
  retry();
}
