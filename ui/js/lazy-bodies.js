// Stored answers' Markdown is drawn only near the screen: WebKitGTK parses Markdown slowly,
// and a conversation of a thousand long answers would otherwise parse and hold them all.
// Every turn stays in the log (search, versions and buttons work as before); an answer's
// `.msg-body` waits empty (`data-md="pending"`) at an estimated height until it comes near
// the screen, and is emptied again, at its measured height, once it is far away.
// What is on screen is drawn in the scroll event itself, before the frame is painted; the
// screen above and below follows a moment later. The turn at the middle of the screen keeps
// its place while heights change, so the scrollbar does not jump.

const NEAR = 1; // screens above and below drawn ahead
const FAR = 3; // screens away before a drawn answer is emptied again

let log = null;
let draw = () => {};
let undraw = () => {};
let pxPerChar = 0.5; // learnt from the answers drawn
let drawnChars = 0;
let drawnPx = 0;
const drawn = new Set(); // articles whose body was drawn here
const heights = new Map(); // message id → measured body height (px)
let aheadTimer = 0;

/**
 * `draw(article)` renders an answer's body (and what depends on it); `undraw(article)` lets go
 * of what depends on it once it is emptied.
 */
export function init(root, drawBody, undrawBody) {
  log = root;
  draw = drawBody;
  undraw = undrawBody;
  log.addEventListener('scroll', () => update(), { passive: true });
  window.addEventListener('resize', () => update());
}

/** Forgets every article (the log was emptied). */
export function reset() {
  drawn.clear();
  clearTimeout(aheadTimer);
}

/** The answer in `article` (its `_message`) waits to be drawn. */
export function defer(article) {
  const body = article.querySelector('.msg-body');
  const m = article._message;
  body.replaceChildren();
  body.dataset.md = 'pending';
  const known = heights.get(m.id);
  body.style.height = `${known || Math.max(40, Math.round((m.text || '').length * pxPerChar))}px`;
  drawn.delete(article);
  // Tools left pointing at the emptied text would keep it alive (and float over nothing).
  undraw(article);
}

/** The body of `article` was drawn by someone else (a streamed answer). */
export function drawnElsewhere(article) {
  const body = article.querySelector('.msg-body');
  body.dataset.md = 'drawn';
  body.style.height = '';
  if (article._message && article._message.text) drawn.add(article);
}

function isPending(article) {
  return article.querySelector('.msg-body').dataset.md === 'pending';
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

function pendingIn(top, bottom) {
  const r = range(top, bottom);
  if (!r) return [];
  const out = [];
  for (let i = r[0]; i <= r[1]; i += 1) {
    for (const a of log.children[i].querySelectorAll('article[data-role=assistant]')) {
      if (a._message && isPending(a)) out.push(a);
    }
  }
  return out;
}

function drawOne(article) {
  const body = article.querySelector('.msg-body');
  body.style.height = '';
  body.dataset.md = 'drawn';
  draw(article);
  drawn.add(article);
}

/** Measures what was just drawn: remembered heights and the estimate for the others. */
function learn(articles) {
  for (const a of articles) {
    const h = a.querySelector('.msg-body').offsetHeight;
    heights.set(a._message.id, h);
    drawnChars += (a._message.text || '').length;
    drawnPx += h;
  }
  if (drawnChars) pxPerChar = drawnPx / drawnChars;
}

/** Empties drawn answers far from the screen, keeping their measured height. */
function dropFar(top, bottom) {
  const out = [];
  for (const a of drawn) {
    if (!a.isConnected) {
      drawn.delete(a);
      continue;
    }
    const r = a.getBoundingClientRect();
    if (r.bottom >= top && r.top <= bottom) continue;
    heights.set(a._message.id, a.querySelector('.msg-body').offsetHeight);
    out.push(a);
  }
  return out;
}

/**
 * Draws the answers on screen now (and those near it a moment later) and empties those far
 * away, keeping the place on screen.
 */
export function update() {
  if (!log || !log.isConnected || !log.children.length) return;
  const view = log.getBoundingClientRect();
  const h = view.height || 1;
  const todo = pendingIn(view.top, view.bottom);
  const far = dropFar(view.top - FAR * h, view.bottom + FAR * h);
  if (todo.length || far.length) keepPlace(() => {
    for (const a of far) defer(a);
    for (const a of todo) drawOne(a);
    learn(todo);
  });
  // Shorter than estimated: more answers may have come into sight.
  for (let i = 0; i < 4; i += 1) {
    const more = pendingIn(view.top, view.bottom);
    if (!more.length) break;
    keepPlace(() => {
      for (const a of more) drawOne(a);
      learn(more);
    });
  }
  clearTimeout(aheadTimer);
  aheadTimer = setTimeout(drawAhead, 0);
}

// One answer per task, the nearest first: a frame (or a click) can come between two, so
// drawing the screens around never holds the page for several answers at once.
function drawAhead() {
  if (!log || !log.isConnected || !log.children.length) return;
  const view = log.getBoundingClientRect();
  const h = view.height || 1;
  const todo = pendingIn(view.top - NEAR * h, view.bottom + NEAR * h);
  if (!todo.length) return;
  const mid = (view.top + view.bottom) / 2;
  const away = (a) => {
    const r = a.getBoundingClientRect();
    return Math.min(Math.abs(r.top - mid), Math.abs(r.bottom - mid));
  };
  const next = todo.reduce((best, a) => (away(a) < away(best) ? a : best));
  keepPlace(() => {
    drawOne(next);
    learn([next]);
  });
  aheadTimer = setTimeout(drawAhead, 0);
}

/** Runs `change`, then scrolls so that the top, the end, or the turn in the middle stays put. */
function keepPlace(change) {
  const atStart = log.scrollTop <= 0;
  const atEnd = !atStart && log.scrollHeight - log.scrollTop - log.clientHeight < 2;
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
