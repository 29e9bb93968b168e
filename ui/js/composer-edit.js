// Editing a question: Edit puts the question back in the question box with a visible
// "Editing your question — Cancel" line; sending then makes a new version of that turn
// (answer-stream.js asks for it). Cancel, Escape or another chat puts the draft back.

import { $ } from './dom.js';

let editing = null; // {message, wrap, draft}
let resize = () => {};

export function init({ autosize }) {
  resize = autosize;
  $('edit-cancel').addEventListener('click', () => {
    cancel();
    $('question').focus();
  });
  $('question').addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && editing && !e.isComposing) {
      e.preventDefault();
      cancel();
    }
  });
}

/** The question being edited: `{message, wrap}`, or null. */
export function current() {
  return editing;
}

/** Puts question `m` (shown in the turn `wrap`) in the question box. */
export function start(m, wrap) {
  const q = $('question');
  if (editing) editing.wrap?.classList.remove('editing');
  const draft = editing ? editing.draft : q.value;
  editing = { message: m, wrap, draft };
  if (wrap) wrap.classList.add('editing');
  $('edit-banner').hidden = false;
  $('composer').classList.add('is-editing');
  q.value = m.text;
  resize();
  q.focus();
  q.setSelectionRange(q.value.length, q.value.length);
}

function clear() {
  if (editing && editing.wrap) editing.wrap.classList.remove('editing');
  editing = null;
  $('edit-banner').hidden = true;
  $('composer').classList.remove('is-editing');
}

/** Leaves editing and puts back what was typed before. */
export function cancel() {
  if (!editing) return;
  const { draft } = editing;
  clear();
  $('question').value = draft;
  resize();
}

/** The edit was sent: leave editing mode (the draft stays in the box for later). */
export function sent() {
  const draft = editing ? editing.draft : '';
  clear();
  return draft;
}
