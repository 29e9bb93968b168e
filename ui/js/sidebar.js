// The sidebar: "New conversation", the chat history (newest first) and Settings.

import * as ipc from './ipc.js';
import { t, formatDate } from './i18n.js';
import { confirmDialog, errorBox } from './dialogs.js';
import { $, iconButton } from './dom.js';

let chats = [];
let currentId = null;
let hooks = { onOpen() {}, onNew() {}, onDeleted() {}, onSettings() {} };

export function init(h) {
  hooks = { ...hooks, ...h };
  $('new-chat').addEventListener('click', () => hooks.onNew());
  $('open-settings').addEventListener('click', () => hooks.onSettings());
}

export function setChats(list) {
  chats = list || [];
  render();
}

export function setCurrent(id) {
  currentId = id;
  for (const li of $('chat-list').children) {
    const on = Number(li.dataset.chatId) === id;
    li.classList.toggle('current', on);
    const b = li.querySelector('.chat-open');
    if (on) b.setAttribute('aria-current', 'page');
    else b.removeAttribute('aria-current');
  }
}

export async function refresh() {
  try {
    setChats(await ipc.listChats());
  } catch { /* keep the list we have */ }
}

function render() {
  const list = $('chat-list');
  const focused = document.activeElement && list.contains(document.activeElement)
    ? document.activeElement.closest('li')?.dataset.chatId : null;
  list.replaceChildren();
  $('chat-list-empty').hidden = chats.length > 0;
  for (const c of chats) {
    const title = c.title && c.title.trim() ? c.title : t('sidebar.untitled');
    const li = document.createElement('li');
    li.dataset.chatId = String(c.id);
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'chat-open';
    const name = document.createElement('span');
    name.className = 'chat-title';
    name.textContent = title;
    const when = document.createElement('span');
    when.className = 'chat-when';
    when.textContent = formatDate(c.updated_at);
    open.append(name, when);
    open.title = title;
    open.addEventListener('click', () => hooks.onOpen(c.id));

    const del = iconButton(t('sidebar.delete', { title }), 'icon-trash', 'chat-delete', () => remove(c, title, li));
    li.append(open, del);
    list.appendChild(li);
  }
  setCurrent(currentId);
  if (focused) {
    const b = list.querySelector(`li[data-chat-id="${focused}"] .chat-open`);
    if (b) b.focus();
  }
}

async function remove(c, title, li) {
  const ok = await confirmDialog({
    title: t('sidebar.deleteTitle'),
    body: t('sidebar.deleteBody', { title }),
    ok: t('sidebar.deleteOk'),
    danger: true,
  });
  if (!ok) return;
  try {
    await ipc.deleteChat(c.id);
    chats = chats.filter((x) => x.id !== c.id);
    render();
    hooks.onDeleted(c.id);
    $('new-chat').focus();
  } catch (e) {
    li.appendChild(errorBox(e, {}, { compact: true }));
  }
}

export function relabel() {
  render();
}
