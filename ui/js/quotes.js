// Quotations in a finished answer (`answer_quotes`, looked up in Rust in what the question
// read): each is found in the rendered answer's text nodes and wrapped. A quote found in a
// document becomes a link (`.quote-found`, role=link) that opens the preview there,
// highlighted; one that is not found gets `.quote-missing` and the note "not found in the
// documents". One line under the answer (outside `.msg-body`) counts them.
// Only <span>s go into the Markdown body (text nodes moved, never markup from data).
// Looked up only for answers drawn (lazy-turns.js), once per answer: the list is kept by
// message id, since a turn drawn again after it was far off screen has new articles.

import * as ipc from './ipc.js';
import { t, formatNumber } from './i18n.js';
import { el } from './dom.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const looked = new Map(); // message id → {text, list}

/** Forgets the lists looked up (another chat is shown, or the same one afresh). */
export function forget() {
  looked.clear();
}

/**
 * Looks up the quotations of the stored answer `m` shown in `article`. `nameOf(id)` gives a
 * document's name; `open(documentId, {name, range})` opens the preview.
 */
export function attach(article, m, { nameOf, open }) {
  if (!m || !m.id || m.status !== 'complete' || !m.text) return;
  const known = looked.get(m.id);
  if (known && known.text === m.text) {
    apply(article, m, known.list, nameOf, open);
    return;
  }
  ipc.answerQuotes(m.id).then((list) => {
    const entry = { text: m.text, list: list || [] };
    looked.set(m.id, entry);
    const now = article._message;
    if (!article.isConnected || !now || now.id !== m.id || now.text !== m.text) return;
    apply(article, now, entry.list, nameOf, open);
  }).catch((e) => console.error('answer_quotes', e));
}

function apply(article, m, list, nameOf, open) {
  const body = article.querySelector('.msg-body');
  if (!body) return;
  unwrap(body);
  const old = article.querySelector('.msg-quotes');
  if (old) old.remove();
  if (!list.length) return;
  const bytes = enc.encode(m.text);
  let found = 0;
  for (const q of list) {
    const passage = dec.decode(bytes.subarray(q.span.start, q.span.end));
    const span = wrap(body, passage) || (q.quote ? wrap(body, q.quote) : null);
    if (q.found) found += 1;
    if (!span) continue; // spread over several nodes (formatting inside): counted only
    if (q.found) makeLink(span, q.found, nameOf(q.found.document_id), open);
    else {
      span.className = 'quote-missing';
      span.title = t('quotes.notFound');
      span.dataset.note = t('quotes.notFound');
    }
  }
  const missing = list.length - found;
  const line = el('p', missing ? 'msg-quotes has-missing' : 'msg-quotes',
    t('quotes.count', { found: formatNumber(found), missing: formatNumber(missing) }));
  line.dataset.found = String(found);
  line.dataset.missing = String(missing);
  const docs = article.querySelector('.msg-docs');
  if (docs) docs.before(line);
  else article.appendChild(line);
}

function makeLink(span, where, name, open) {
  span.className = 'quote-found';
  span.setAttribute('role', 'link');
  span.tabIndex = 0;
  span.title = t('quotes.show', { name: name || '' });
  span.dataset.documentId = String(where.document_id);
  const go = () => open(where.document_id, { name: name || '', range: where.range });
  span.addEventListener('click', (e) => {
    e.preventDefault();
    go();
  });
  span.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      go();
    }
  });
}

/** Wraps the first occurrence of `text` inside one text node of `body` in a <span>. */
function wrap(body, text) {
  if (!text) return null;
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => (n.parentElement && n.parentElement.closest('.quote-found, .quote-missing')
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const at = n.data.indexOf(text);
    if (at < 0) continue;
    const mid = n.splitText(at);
    mid.splitText(text.length);
    const span = el('span');
    mid.replaceWith(span);
    span.appendChild(mid);
    return span;
  }
  return null;
}

/** Takes earlier quote spans out again (the answer is looked at afresh). */
function unwrap(body) {
  const spans = body.querySelectorAll('.quote-found, .quote-missing');
  if (!spans.length) return;
  for (const s of spans) s.replaceWith(...s.childNodes);
  body.normalize();
}
