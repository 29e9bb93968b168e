// Starter questions: when a chat is empty and its documents are ready, a few one-click
// questions in the UI language (a click asks it). Comparing is offered only for several.

import { t } from './i18n.js';
import { el, button } from './dom.js';

/** The questions for `count` ready documents. */
export function starterQuestions(count) {
  const list = [
    t('starters.summary', { count }),
    t('starters.terms'),
    t('starters.risks', { count }),
  ];
  if (count > 1) list.push(t('starters.compare', { count }));
  return list;
}

/** The empty state of a chat whose documents are ready; `ask(question)` on a click. */
export function startersBlock(docs, ask) {
  const box = el('div', 'empty starters');
  const art = el('div', 'empty-art');
  art.setAttribute('aria-hidden', 'true');
  art.appendChild(el('span', 'icon icon-doc-large'));
  const heading = el('h2', 'empty-title', t('starters.title', { count: docs.length }));
  heading.id = 'starters-heading';
  const list = el('ul', 'starter-list');
  list.setAttribute('aria-labelledby', 'starters-heading');
  for (const q of starterQuestions(docs.length)) {
    const li = el('li');
    const b = button(q, 'btn-secondary starter', () => ask(q));
    b.dataset.action = 'starter';
    li.appendChild(b);
    list.appendChild(li);
  }
  box.append(art, heading, el('p', 'empty-text', t('starters.text')), list);
  return box;
}
