// The small pop-up menu of a conversation row ("⋯" or right-click): role="menu" with
// role="menuitem" buttons, arrow keys to move, Escape or Tab to close (focus goes back to
// the button that opened it).

import { el } from './dom.js';

let current = null; // {box, anchor, onDoc}

/** `items`: [{label, action, danger, run}]; `at`: {x, y} for a right-click, else under `anchor`. */
export function open(anchor, items, at = null) {
  const wasOpen = current && current.anchor === anchor;
  close(false);
  if (wasOpen && !at) return; // a second click on "⋯" closes the menu
  const box = el('div', 'chat-menu');
  box.setAttribute('role', 'menu');
  if (anchor.getAttribute('aria-label')) box.setAttribute('aria-label', anchor.getAttribute('aria-label'));
  for (const it of items) {
    const b = el('button', it.danger ? 'chat-menu-item danger' : 'chat-menu-item', it.label);
    b.type = 'button';
    b.setAttribute('role', 'menuitem');
    b.tabIndex = -1;
    b.dataset.action = it.action;
    b.addEventListener('click', () => {
      close(false);
      it.run();
    });
    box.appendChild(b);
  }
  box.addEventListener('keydown', (e) => onKey(e, box));
  document.body.appendChild(box);
  place(box, anchor, at);
  anchor.setAttribute('aria-expanded', 'true');
  const onDoc = (e) => {
    if (!box.contains(e.target) && e.target !== anchor && !anchor.contains(e.target)) close(false);
  };
  // After this click has finished bubbling.
  setTimeout(() => document.addEventListener('mousedown', onDoc, true), 0);
  window.addEventListener('resize', closeQuietly, { once: true });
  current = { box, anchor, onDoc };
  box.querySelector('[role=menuitem]').focus();
}

function closeQuietly() {
  close(false);
}

export function isOpen() {
  return !!current;
}

/** Closes the menu; `refocus` gives the focus back to its button. */
export function close(refocus = true) {
  if (!current) return;
  const { box, anchor, onDoc } = current;
  current = null;
  document.removeEventListener('mousedown', onDoc, true);
  box.remove();
  anchor.setAttribute('aria-expanded', 'false');
  if (refocus && document.contains(anchor)) anchor.focus();
}

function place(box, anchor, at) {
  const r = anchor.getBoundingClientRect();
  const w = box.offsetWidth;
  const h = box.offsetHeight;
  let x = at ? at.x : r.right - w;
  let y = at ? at.y : r.bottom + 4;
  if (y + h > window.innerHeight - 8) y = Math.max(8, (at ? at.y : r.top - 4) - h);
  x = Math.min(Math.max(8, x), window.innerWidth - w - 8);
  box.style.left = `${x}px`;
  box.style.top = `${y}px`;
}

function onKey(e, box) {
  const items = [...box.querySelectorAll('[role=menuitem]')];
  const i = items.indexOf(document.activeElement);
  const go = (n) => items[(n + items.length) % items.length].focus();
  if (e.key === 'ArrowDown') go(i + 1);
  else if (e.key === 'ArrowUp') go(i - 1);
  else if (e.key === 'Home') go(0);
  else if (e.key === 'End') go(items.length - 1);
  else if (e.key === 'Escape') close(true);
  else if (e.key === 'Tab') {
    close(true);
    return; // let Tab move on from the "⋯" button
  } else return;
  e.preventDefault();
  e.stopPropagation();
}
