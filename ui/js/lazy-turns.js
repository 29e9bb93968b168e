// The conversation's turns are drawn only near the screen. Every loaded turn has its `.turn`
// wrap in the log, in order, but a turn away from the screen is an empty wrap
// (`data-lazy="away"`) holding its measured height (or, never drawn yet, an estimate). So the
// log's layout and the webview's memory stay the size of a few screens, however long the chat.
// A turn is filled (its articles built, its answer's Markdown drawn) when it comes near the
// screen, and emptied again once it is far away, unless it is busy: streaming, being edited,
// or holding the keyboard focus.
// What is on screen is filled in the scroll event itself, before the frame is painted; the
// screens above and below follow, a turn in two tasks (its Markdown parsed, then its articles
// built and laid out), so a frame can come between. The turn at the middle of the screen keeps
// its place while heights change, so the scrollbar does not jump.

import { atScrollEnd } from './dom.js';

const NEAR = 1; // screens above and below drawn ahead
const FAR = 3; // screens away before a drawn turn is emptied again
const MIN_PX = 80;

let log = null;
let fill = () => {};
let release = () => {};
let prepare = () => {};
let pxPerChar = 0.5; // learnt from the turns drawn
let drawnChars = 0;
let drawnPx = 0;
const drawn = new Set(); // wraps filled here or handed over with `filled`
const heights = new Map(); // turn id → measured height (px); turn ids are message ids
let aheadRun = 0; // bumped to cancel the drawing ahead that is scheduled

// What drawing turns cost, for benches: exposed on window only in a WebDriver session. `times`:
// main-thread ms of each fill, laid out (the first 5000).
export const turnStats = { times: [] };
if (globalThis.navigator && navigator.webdriver) window.__longwenTurns = turnStats;

/**
 * `fillTurn(wrap)` builds a turn's articles with their answers drawn; `releaseTurn(wrap)` lets
 * go of what depends on them, just before they are taken out; `prepareTurn(wrap)` does what
 * of `fillTurn` can be done ahead, out of the page (parsing its Markdown).
 */
export function init(root, { fillTurn, releaseTurn, prepareTurn }) {
  log = root;
  fill = fillTurn;
  release = releaseTurn;
  prepare = prepareTurn;
  log.addEventListener('scroll', () => update(), { passive: true });
  window.addEventListener('resize', () => update());
}

/** Forgets every turn (the log was emptied). */
export function reset() {
  drawn.clear();
  aheadRun += 1;
}

/** `wrap` waits empty until it comes near the screen; `chars` (its text's length) sizes it. */
export function away(wrap, chars) {
  wrap._chars = chars;
  const known = heights.get(wrap.dataset.turnId);
  setAway(wrap, known || Math.max(MIN_PX, Math.round(chars * pxPerChar)));
}

function setAway(wrap, px) {
  wrap.replaceChildren();
  wrap.dataset.lazy = 'away';
  wrap.style.height = `${px}px`;
  wrap._prepared = false;
  drawn.delete(wrap);
}

/** `wrap` was filled by its owner (a redrawn or settled turn): it may be emptied once far. */
export function filled(wrap) {
  wrap.dataset.lazy = 'drawn';
  wrap.style.height = '';
  drawn.add(wrap);
}

/** Fills `wrap` now if it is away (it is about to be shown or changed). */
export function show(wrap) {
  if (wrap.dataset.lazy === 'away') keepPlace(() => drawAll([wrap]));
}

function drawAll(wraps) {
  if (!wraps.length) return;
  const t0 = performance.now();
  for (const w of wraps) {
    filled(w);
    fill(w);
  }
  for (const w of wraps) {
    const h = w.offsetHeight;
    heights.set(w.dataset.turnId, h);
    drawnChars += w._chars || 0;
    drawnPx += w._chars ? h : 0;
  }
  if (drawnChars) pxPerChar = drawnPx / drawnChars;
  if (turnStats.times.length < 5000) turnStats.times.push(performance.now() - t0);
}

/** The log's children overlapping [top, bottom] (viewport px): [first, last] or null. */
function range(top, bottom) {
  const kids = log.children;
  let lo = 0;
  let hi = kids.length - 1;
  // The first child whose bottom is below `top`.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (kids[mid].getBoundingClientRect().bottom <= top) lo = mid + 1;
    else hi = mid;
  }
  if (!kids.length || kids[lo].getBoundingClientRect().top >= bottom) return null;
  let last = lo;
  while (last + 1 < kids.length && kids[last + 1].getBoundingClientRect().top < bottom) last += 1;
  return [lo, last];
}

function awayIn(top, bottom) {
  const r = range(top, bottom);
  if (!r) return [];
  const out = [];
  for (let i = r[0]; i <= r[1]; i += 1) {
    const w = log.children[i];
    if (w.dataset.lazy === 'away') out.push(w);
  }
  return out;
}

function busy(wrap) {
  return wrap.classList.contains('editing') || wrap.contains(document.activeElement)
    || !!wrap.querySelector('[aria-busy="true"], [data-status="streaming"]');
}

/** Drawn turns far from the screen, with their heights: all read before anything changes. */
function farFrom(top, bottom) {
  const out = [];
  for (const w of drawn) {
    if (!w.isConnected) {
      drawn.delete(w);
      continue;
    }
    const r = w.getBoundingClientRect();
    if ((r.bottom >= top && r.top <= bottom) || busy(w)) continue;
    out.push([w, r.height]);
  }
  return out;
}

/**
 * Fills the turns on screen now (and those near it a moment later) and empties those far
 * away, keeping the place on screen.
 */
export function update() {
  if (!log || !log.isConnected || !log.children.length) return;
  const view = log.getBoundingClientRect();
  const h = view.height || 1;
  const todo = awayIn(view.top, view.bottom);
  const far = farFrom(view.top - FAR * h, view.bottom + FAR * h);
  if (todo.length || far.length) keepPlace(() => {
    for (const [w, px] of far) {
      heights.set(w.dataset.turnId, px);
      release(w);
      setAway(w, px);
    }
    drawAll(todo);
  });
  // Shorter than estimated: more turns may have come into sight.
  for (let i = 0; i < 4; i += 1) {
    const more = awayIn(view.top, view.bottom);
    if (!more.length) break;
    keepPlace(() => drawAll(more));
  }
  afterFrame(drawAhead);
}

// Half a turn per task, the nearest first: a frame (or a click) can come between two, so
// drawing the screens around never holds the page for long.
function drawAhead() {
  if (!log || !log.isConnected || !log.children.length) return;
  const view = log.getBoundingClientRect();
  const h = view.height || 1;
  const todo = awayIn(view.top - NEAR * h, view.bottom + NEAR * h);
  if (!todo.length) return;
  const mid = (view.top + view.bottom) / 2;
  const distance = (w) => {
    const r = w.getBoundingClientRect();
    return Math.min(Math.abs(r.top - mid), Math.abs(r.bottom - mid));
  };
  const next = todo.reduce((best, w) => (distance(w) < distance(best) ? w : best));
  if (next._prepared) keepPlace(() => drawAll([next]));
  else {
    prepare(next);
    next._prepared = true;
  }
  afterFrame(drawAhead);
}

// Each step of drawing ahead waits for the frame after the last to be painted, so a scroll's
// frame never waits for two. A timer stands in for frames that do not come (nothing changed).
function afterFrame(f) {
  const run = ++aheadRun;
  let done = false;
  const go = () => {
    if (done || run !== aheadRun) return;
    done = true;
    f();
  };
  requestAnimationFrame(() => setTimeout(go, 0));
  setTimeout(go, 100);
}

/** Runs `change`, then scrolls so that the top, the end, or the turn in the middle stays put. */
function keepPlace(change) {
  const atStart = log.scrollTop <= 0;
  const atEnd = !atStart && atScrollEnd(log);
  const view = log.getBoundingClientRect();
  const mid = (view.top + view.bottom) / 2;
  const r = range(mid, mid + 1);
  const anchor = r ? log.children[r[0]] : null;
  const before = anchor ? anchor.getBoundingClientRect().top : 0;
  change();
  if (atStart) log.scrollTop = 0;
  else if (atEnd) log.scrollTop = log.scrollHeight;
  else if (anchor && anchor.isConnected) {
    const moved = anchor.getBoundingClientRect().top - before;
    if (moved) log.scrollTop += moved;
  }
}
