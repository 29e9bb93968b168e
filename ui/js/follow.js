// The log follows a streaming answer: it stays at its end as the answer grows, until the person
// scrolls up (wheel, keys, touch, or a press on the scrollbar). Back at the very end, it
// follows again. Following is a person's choice, not a distance: a burst after a stall can
// add many screens in one frame, and that must not stop it.

import { atScrollEnd } from './dom.js';

const UP_KEYS = new Set(['ArrowUp', 'PageUp', 'Home']);

let log = null;
let following = true;

/** Stops following (the log is taken somewhere on the person's request). */
export function stop() {
  following = false;
}

export function init(root) {
  log = root;
  log.addEventListener('wheel', (e) => { if (e.deltaY < 0) stop(); }, { passive: true });
  log.addEventListener('touchmove', stop, { passive: true });
  log.addEventListener('keydown', (e) => { if (UP_KEYS.has(e.key)) stop(); });
  // A press on the log itself, not on a message in it, is on its scrollbar.
  log.addEventListener('pointerdown', (e) => { if (e.target === log) stop(); });
  log.addEventListener('scroll', () => { if (atScrollEnd(log)) following = true; }, { passive: true });
}

/** Scrolls to the end if the log follows; `force` (a question just asked, a chat opened) follows again. */
export function scrollToEnd(force) {
  if (!log) return;
  if (force) following = true;
  if (!following) return;
  log.scrollTop = log.scrollHeight;
  // Fonts and late layout can grow the content after this frame.
  if (force) requestAnimationFrame(() => { if (following) log.scrollTop = log.scrollHeight; });
}
