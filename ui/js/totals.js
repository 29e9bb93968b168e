// The running totals at the bottom of the sidebar: what the answers of the conversation shown
// cost, and all answers since the start of this month (local time). Rust adds them up (`costs`).

import * as ipc from './ipc.js';
import { formatYuan as yuan } from './i18n.js';
import { $ } from './dom.js';
import { latestOnly } from './latest.js';

const asks = latestOnly();
let last = null;

/** Unix seconds of the first day of this month, 00:00 local time. */
export function monthStart(now = new Date()) {
  return Math.floor(new Date(now.getFullYear(), now.getMonth(), 1).getTime() / 1000);
}

/** Asks again for `chatId` (null: only the month). Stale answers are dropped. */
export async function refresh(chatId) {
  const newest = asks.next();
  try {
    const c = await ipc.costs(chatId ?? null, monthStart());
    if (!newest()) return;
    last = c;
    draw();
  } catch { /* keep what is shown */ }
}

function draw() {
  if (!last) return;
  $('cost-chat').textContent = yuan(last.chat_cny);
  $('cost-month').textContent = yuan(last.since_cny);
}

export function relabel() {
  draw();
}
