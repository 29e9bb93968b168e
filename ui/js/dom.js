// The few DOM helpers every view uses: find by id, make an element, make a button, and whether a pane shows its end.

export const $ = (id) => document.getElementById(id);

/** `<tag class=cls>text</tag>`; `cls` and `text` may be null. */
export function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
}

/** A text button. */
export function button(label, cls, onClick) {
  const b = el('button', `btn ${cls}`, label);
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

/** A button showing only an icon; `label` names it for screen readers and as its tooltip. */
export function iconButton(label, icon, cls, onClick) {
  const b = el('button', `btn btn-icon btn-small ${cls}`);
  b.type = 'button';
  b.setAttribute('aria-label', label);
  b.title = label;
  const i = el('span', `icon ${icon}`);
  i.setAttribute('aria-hidden', 'true');
  b.appendChild(i);
  b.addEventListener('click', onClick);
  return b;
}

/** Whether the scrolling pane `pane` shows its last pixel (within 2 px, for fractional zoom). */
export function atScrollEnd(pane) {
  return pane.scrollHeight - pane.scrollTop - pane.clientHeight < 2;
}
