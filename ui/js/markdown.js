// Markdown → sanitised DOM. Model output is untrusted: raw HTML in the Markdown is shown as
// text, the rendered HTML goes through DOMPurify, and links never navigate by themselves.
//
// Streaming: `StreamRenderer.append(delta)` puts the delta's plain text at the end of the
// answer at once (a text node: cheap, so text shows within a millisecond of arriving). At most
// one parse+render runs per animation frame, and only the tail after the last finished block
// (a blank line outside a code fence) is re-parsed, replacing that plain text; finished blocks
// are parsed once and keep their DOM.

import { Marked } from '../vendor/marked.esm.js';
import DOMPurify from '../vendor/purify.es.mjs';

const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: {
    // Raw HTML written by the model is displayed, never interpreted.
    html({ text }) {
      return escapeHtml(text);
    },
    // Images would be remote loads: show their alt text as a link instead.
    image({ href, text }) {
      return `<a href="${escapeHtml(href || '')}">${escapeHtml(text || href || '')}</a>`;
    },
  },
});

function escapeHtml(s) {
  return String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const PURIFY = {
  FORBID_TAGS: ['style', 'script', 'iframe', 'frame', 'object', 'embed', 'form', 'input', 'button',
    'textarea', 'select', 'option', 'link', 'meta', 'base', 'img', 'video', 'audio', 'source', 'svg', 'math'],
  FORBID_ATTR: ['style', 'srcset', 'target', 'formaction', 'action', 'id', 'name'],
  ALLOW_DATA_ATTR: false,
  RETURN_DOM_FRAGMENT: true,
};

export function isSafeUrl(href) {
  try {
    const u = new URL(href);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    const href = node.getAttribute('href');
    if (!href || !isSafeUrl(href)) {
      node.removeAttribute('href');
    } else {
      node.setAttribute('rel', 'noopener noreferrer');
      node.setAttribute('title', href);
    }
  }
});

// What rendering cost, for benches and regression checks: exposed on window only in a
// WebDriver session. `blockChars`: finished blocks parsed (each once); `tailChars`/`maxTail`:
// the open block re-parsed; `maxParse`: the longest text parsed at once; `ms`: main-thread
// time in StreamRenderer steps, `maxStep` the longest.
export const renderStats = { parses: 0, maxParse: 0, blockChars: 0, tailChars: 0, maxTail: 0, ms: 0, maxStep: 0 };
if (globalThis.navigator && navigator.webdriver) window.__longwenRender = renderStats;

/** Markdown string → sanitised DocumentFragment. */
export function renderMarkdown(text) {
  renderStats.parses += 1;
  renderStats.maxParse = Math.max(renderStats.maxParse, (text || '').length);
  const html = marked.parse(text || '');
  return DOMPurify.sanitize(html, PURIFY);
}

/**
 * Intercepts clicks on links under `root`: only http(s), and only after `confirm(url)`
 * resolves true, then `open(url)`.
 */
export function interceptLinks(root, confirm, open) {
  root.addEventListener('click', async (e) => {
    const a = e.target.closest && e.target.closest('a');
    if (!a || !root.contains(a)) return;
    e.preventDefault();
    const href = a.getAttribute('href');
    if (!href || !isSafeUrl(href)) return;
    if (await confirm(href)) open(href);
  });
  // Middle-click / auxclick must not navigate either, and the webview's own menu on a link
  // ("Open Link") would take the whole window away from the app.
  for (const type of ['auxclick', 'contextmenu']) {
    root.addEventListener(type, (e) => {
      if (e.target.closest && e.target.closest('a')) e.preventDefault();
    });
  }
}

/**
 * Where the last finished block ends: the offset just after a blank line that is outside a
 * code fence and followed by a line starting at column 0 (so indented list continuations and
 * the like stay in the tail). Returns 0 when there is none.
 */
export function lastBlockBoundary(text, from = 0) {
  let inFence = false;
  let fenceChar = '';
  let fenceLen = 0;
  let boundary = 0;
  // `from` is itself a boundary (outside any fence), so scanning can start there.
  let pos = from;
  let prevBlank = false;
  let blankEnd = -1;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    if (nl === -1) break; // the last line is unfinished: never a boundary decision
    const line = text.slice(pos, nl);
    pos = nl + 1;
    const fence = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      const ch = fence[1][0];
      if (!inFence) {
        inFence = true;
        fenceChar = ch;
        fenceLen = fence[1].length;
      } else if (ch === fenceChar && fence[1].length >= fenceLen && /^ {0,3}[`~]+\s*$/.test(line)) {
        inFence = false;
      }
      prevBlank = false;
      continue;
    }
    if (inFence) continue;
    const blank = line.trim() === '';
    if (blank) {
      prevBlank = true;
      blankEnd = pos;
    } else {
      if (prevBlank && /^\S/.test(line)) boundary = blankEnd;
      prevBlank = false;
    }
  }
  return boundary;
}

// Finished blocks are rendered in slices of about this many characters, as many as fit in a
// step's time budget, so a burst of text (a fast stream, a long stored answer) never freezes
// the window: WebKitGTK parses 12 KB of Markdown in 50-100 ms on a slow machine.
const SLICE = 2 * 1024;
const BUDGET_MS = 4;
// Elements that cannot show text put inside them.
const VOID = new Set(['BR', 'HR', 'IMG', 'INPUT', 'WBR']);

export class StreamRenderer {
  /** `el` receives the rendered answer. */
  constructor(el) {
    this.el = el;
    this.buffer = '';
    this.committed = 0; // characters of `buffer` already rendered as finished blocks
    this.done = document.createElement('div');
    this.done.className = 'md-done';
    this.tail = document.createElement('div');
    this.tail.className = 'md-tail';
    el.replaceChildren(this.done, this.tail);
    this.host = this.tail; // where plain text waits for the next render
    this.frame = 0;
    this.timer = 0;
    this.generation = 0; // bumped by reset, so an unfinished finish() stops
    this.closed = false; // after finish(): the final text is authoritative
    this.onRender = null;
  }

  /** Starts over from `text` (e.g. a regenerate). */
  reset(text = '') {
    this.cancel();
    this.generation += 1;
    this.closed = false;
    this.buffer = text;
    this.committed = 0;
    this.done.replaceChildren();
    this.tail.replaceChildren();
    this.host = this.tail;
    if (text) this.schedule();
  }

  append(delta) {
    // Channel messages can arrive after the command's answer; the final text has them already.
    if (!delta || this.closed) return;
    this.buffer += delta;
    // Shown now inside the last rendered element, as plain text until the frame's render.
    this.host.appendChild(document.createTextNode(delta));
    this.schedule();
  }

  cancel() {
    cancelAnimationFrame(this.frame);
    clearTimeout(this.timer);
    this.frame = 0;
    this.timer = 0;
  }

  schedule() {
    if (this.frame) return;
    const run = () => {
      this.cancel();
      this.flush();
    };
    this.frame = requestAnimationFrame(run);
    // Animation frames stop in hidden or unpainted windows; the timer keeps steps small anyway.
    this.timer = setTimeout(run, 100);
  }

  /** Renders the next slice of finished blocks; true when more finished blocks wait. */
  commitSlice() {
    const limit = this.committed + SLICE;
    let boundary = limit < this.buffer.length
      ? lastBlockBoundary(this.buffer.slice(0, limit), this.committed)
      : 0;
    if (boundary <= this.committed) boundary = lastBlockBoundary(this.buffer, this.committed);
    if (boundary <= this.committed) return false;
    renderStats.blockChars += boundary - this.committed;
    this.done.appendChild(renderMarkdown(this.buffer.slice(this.committed, boundary)));
    this.committed = boundary;
    return lastBlockBoundary(this.buffer, this.committed) > this.committed;
  }

  renderTail() {
    const open = this.buffer.length - this.committed;
    renderStats.tailChars += open;
    renderStats.maxTail = Math.max(renderStats.maxTail, open);
    this.tail.replaceChildren(renderMarkdown(this.buffer.slice(this.committed)));
    let host = this.tail;
    while (host.lastElementChild && !VOID.has(host.lastElementChild.tagName)) host = host.lastElementChild;
    this.host = host;
    if (this.onRender) this.onRender();
  }

  flush() {
    this.timed(() => this.step());
  }

  /** Runs `f`, counting its time in the stats; returns what it returns. */
  timed(f) {
    const t0 = performance.now();
    const out = f();
    const took = performance.now() - t0;
    renderStats.ms += took;
    renderStats.maxStep = Math.max(renderStats.maxStep, took);
    return out;
  }

  /** Slices of finished blocks until the budget is spent; true when more wait. */
  commitSome() {
    const t0 = performance.now();
    let more = this.commitSlice();
    while (more && performance.now() - t0 < BUDGET_MS) more = this.commitSlice();
    return more;
  }

  step() {
    if (this.commitSome()) {
      // Catch up on finished blocks first; the unfinished tail waits for the last step.
      this.schedule();
      if (this.onRender) this.onRender();
      return;
    }
    this.renderTail();
  }

  /**
   * The whole answer is in. Finished blocks keep their DOM and the rest is rendered in slices,
   * yielding between them; resolves when everything is drawn. A final text that differs from
   * what streamed (a recovered answer) is rendered afresh.
   */
  async finish(finalText) {
    this.cancel();
    this.closed = true;
    const generation = this.generation;
    if (typeof finalText === 'string' && finalText !== this.buffer) {
      // When only the end was missing (late messages), the blocks drawn so far stand.
      if (!finalText.startsWith(this.buffer.slice(0, this.committed))) {
        this.committed = 0;
        this.done.replaceChildren();
      }
      this.buffer = finalText;
    }
    while (this.timed(() => this.commitSome())) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (generation !== this.generation) return;
    }
    this.timed(() => this.renderTail());
  }
}
