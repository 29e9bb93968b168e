// Wiring: loads the strings, asks the shell for the state, and connects the views.

import * as ipc from './ipc.js';
import * as i18n from './i18n.js';
import * as store from './doc-jobs.js';
import * as documents from './documents.js';
import * as paste from './paste.js';
import * as conversation from './conversation.js';
import * as answers from './answer-stream.js';
import * as settingsView from './settings.js';
import * as sidebar from './sidebar.js';
import * as chatActions from './chat-actions.js';
import * as search from './search.js';
import * as totals from './totals.js';
import * as chatMenu from './chat-menu.js';
import * as library from './library.js';
import * as undoRemove from './undo-remove.js';
import * as preview from './preview.js';
import * as costLine from './cost-line.js';
import { setPlatform } from './platform.js';
import { $ } from './dom.js';
import { errorText } from './errors.js';

const darkQuery = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;

let themeSetting = 'system';
let resolvedTheme = 'light';

function applyTheme() {
  let theme;
  if (themeSetting === 'light' || themeSetting === 'dark') theme = themeSetting;
  else if (darkQuery) theme = darkQuery.matches ? 'dark' : 'light';
  else theme = resolvedTheme;
  document.documentElement.dataset.theme = theme;
  document.documentElement.style.colorScheme = theme;
}

function applySettings(settings, lang, theme) {
  themeSetting = (settings && settings.theme) || 'system';
  if (theme) resolvedTheme = theme;
  applyTheme();
  if (lang && lang !== i18n.lang()) i18n.setLang(lang);
}

let settleTimer = 0;

/**
 * An answer shown as still being written that no answer here is writing (another process's,
 * or one cut by a crash a moment ago): the engine settles it once its writer has been silent
 * for 10 s, so look again until it has.
 */
function followUnsettled(c) {
  clearTimeout(settleTimer);
  if (answers.isRunning() || !c.messages.some((m) => m.status === 'streaming')) return;
  settleTimer = setTimeout(async () => {
    if (conversation.currentChatId() !== c.summary.id || answers.isRunning()) return;
    const fresh = await ipc.openChat(c.summary.id).catch(() => null);
    if (!fresh || conversation.currentChatId() !== fresh.summary.id || answers.isRunning()) return;
    conversation.setChat(fresh);
    followUnsettled(fresh);
  }, 2000);
}

async function openChat(id) {
  try {
    const c = await ipc.openChat(id);
    answers.detachUnless(c.summary.id);
    if (conversation.currentChatId() !== c.summary.id) answers.cancelEdit();
    documents.setChat(c);
    conversation.setChat(c);
    sidebar.setCurrent(c.summary.id);
    followUnsettled(c);
    totals.refresh(c.summary.id);
    showSidebar(false);
    updateCarryOver();
    return c;
  } catch (e) {
    showBootError(e);
    return null;
  }
}

/** A chat with questions and ready documents offers a new conversation that carries them. */
function updateCarryOver() {
  $('new-with-docs').hidden = conversation.isEmpty() || store.readyDocuments().length === 0;
}

/** An empty chat with the shown chat's ready documents (their cloud copies are reused). */
async function newChatWithDocuments() {
  const ids = store.readyDocuments().map((d) => d.id);
  if (!ids.length) return;
  const c = await openChat(null);
  if (!c) return;
  await sidebar.refresh();
  try {
    await ipc.addLibraryDocuments(c.summary.id, ids);
  } catch (e) {
    showBootError(e);
  }
  $('question').focus();
}

/** The chat shown, or a new one (documents and questions always go to a chat). */
async function ensureChat() {
  const shown = conversation.currentChat();
  if (shown) return shown;
  const c = await openChat(null);
  await sidebar.refresh();
  return c;
}

async function newChat() {
  // Already on an untouched chat: do not pile up empty ones.
  if (conversation.isEmpty() && !answers.isRunning()
    && store.readyDocuments().length === 0 && store.busyCount() === 0) {
    $('question').focus();
    return null;
  }
  const c = await openChat(null);
  await sidebar.refresh();
  if (c) sidebar.setCurrent(c.summary.id);
  $('question').focus();
  return c;
}

/** Files dropped on the window or opened with the app go to the chat shown (after a yes,
 * for files opened with the app or more than one question reads). */
async function addPending() {
  const chat = await ensureChat();
  if (!chat) return;
  try {
    await documents.settle(chat.summary.id, await ipc.addPendingDocuments(chat.summary.id));
  } catch (e) {
    showBootError(e);
  }
}

function showBootError(e) {
  const p = $('boot-error');
  p.hidden = false;
  p.textContent = errorText(e);
  setTimeout(() => { p.hidden = true; }, 10000);
}

/** Below 760 px the sidebar is an overlay, shown by the menu button. */
function showSidebar(on) {
  const app = $('app');
  if (app.classList.contains('sidebar-open') === on) return;
  app.classList.toggle('sidebar-open', on);
  $('sidebar-backdrop').hidden = !on;
  const toggle = $('sidebar-toggle');
  toggle.setAttribute('aria-expanded', String(on));
  toggle.dataset.i18nAriaLabel = on ? 'chats.hideList' : 'chats.showList';
  toggle.dataset.i18nTitle = toggle.dataset.i18nAriaLabel;
  toggle.setAttribute('aria-label', i18n.t(toggle.dataset.i18nAriaLabel));
  toggle.title = toggle.getAttribute('aria-label');
  if (on) $('chat-search').focus();
}

/** Opens a search hit: the chat through openChat (unless it is shown), then its message. */
async function openFound(id) {
  const shown = conversation.currentChat();
  if (shown && shown.summary.id === id) {
    showSidebar(false);
    return shown;
  }
  return openChat(id);
}

/** A key saved from the welcome or Settings; `check` = {ok, error} of its test. */
function onKeySaved(k, check) {
  settingsView.setKey(k);
  conversation.setKeyPresent(k.present, check);
  // Next step after a working key: adding a document.
  if (check && check.ok && !$('settings-dialog').open) $('add-documents').focus();
}

function initSidebar() {
  sidebar.init({
    onOpen: (id) => openChat(id),
    onNew: () => newChat(),
    onSettings: () => settingsView.open(),
    onDelete: (c) => chatActions.deleteWithUndo(c),
    onExport: (c) => chatActions.exportChat(c),
    onRenamed: () => search.refresh(),
  });
  chatActions.init({
    currentChatId: () => conversation.currentChatId(),
    onCurrentHidden: async () => {
      const next = sidebar.shownChats()[0];
      const c = await openChat(next ? next.id : null);
      if (!next && c) await sidebar.refresh();
      search.refresh();
    },
    onRestored: (id) => {
      openChat(id);
      search.refresh();
    },
    onDeleted: () => totals.refresh(conversation.currentChatId()),
  });
  search.init({
    openChat: openFound,
    ensureMessage: (id) => conversation.ensureMessage(id),
    showMessage: (id) => conversation.showMessage(id),
    isHidden: (id) => sidebar.isHidden(id),
  });
  $('sidebar-toggle').addEventListener('click', () => showSidebar(!$('app').classList.contains('sidebar-open')));
  $('sidebar-backdrop').addEventListener('click', () => showSidebar(false));
  $('new-with-docs').addEventListener('click', () => newChatWithDocuments());
  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented) return;
    if (e.key === 'Escape' && $('app').classList.contains('sidebar-open') && !chatMenu.isOpen()) {
      showSidebar(false);
      $('sidebar-toggle').focus();
      return;
    }
    if (e.key === 'Escape' && e.target === $('chat-search')) {
      $('question').focus();
      return;
    }
    if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
    if (document.querySelector('dialog[open]')) return;
    const key = e.key.toLowerCase();
    if (key === 'k') {
      e.preventDefault();
      if (window.matchMedia('(max-width: 760px)').matches) showSidebar(true);
      search.focus();
    } else if (key === 'n') {
      e.preventDefault();
      newChat();
    }
  });
}

function initViews() {
  initSidebar();
  const openSettingsAtKey = () => settingsView.open(true);
  documents.init({
    onChange: () => {
      conversation.updateCostNote();
      conversation.documentsChanged();
      updateCarryOver();
    },
    onOpenSettings: openSettingsAtKey,
    ensureChat,
    onPreview: (id, opts) => preview.open(id, opts),
  });
  paste.init({ onOpenSettings: openSettingsAtKey, ensureChat });
  conversation.init({
    documents: () => store.readyDocuments(),
    onOpenSettings: openSettingsAtKey,
    onRegenerate: (article) => answers.regenerate(article),
    onKey: (k, check) => onKeySaved(k, check),
    busy: () => store.busyCount(),
    onEdit: (message, wrap) => answers.startEdit(message, wrap),
    onStarter: (question) => answers.send(question),
    onPreview: (id, opts) => preview.open(id, opts),
  });
  preview.init();
  costLine.init({
    chatId: () => conversation.currentChatId(),
    documents: () => store.readyDocuments(),
    busy: () => store.busyCount(),
  });
  answers.init({
    ensureChat,
    documents: () => store.readyDocuments(),
    // Documents of the chat that failed or are still on their way (the answer would not read them).
    notReady: () => {
      const jobs = store.visibleJobs();
      const failed = jobs.filter((j) => j.state === 'failed').length;
      return { waiting: jobs.length - failed, failed };
    },
    onAnswered: async () => {
      updateCarryOver();
      await sidebar.refresh();
      totals.refresh(conversation.currentChatId());
      search.refresh();
    },
    beforeSend: () => undoRemove.flush(),
  });
  settingsView.init({
    onSettings: (r) => applySettings(r.settings, r.lang, r.theme),
    onKey: (k, check) => onKeySaved(k, check),
  });
  library.init({ ensureChat, onOpenSettings: openSettingsAtKey });
  i18n.onLangChange(() => {
    documents.relabel();
    paste.relabel();
    if (!answers.isRunning()) conversation.relabel();
    sidebar.relabel();
    search.relabel();
    totals.relabel();
    settingsView.relabel();
    library.relabel();
    preview.relabel();
  });
}

async function boot() {
  await i18n.loadLanguages();
  i18n.setLang((navigator.language || 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en');
  applyTheme();
  if (darkQuery) {
    const onChange = () => applyTheme();
    if (darkQuery.addEventListener) darkQuery.addEventListener('change', onChange);
    else if (darkQuery.addListener) darkQuery.addListener(onChange);
  }
  initViews();

  let state;
  try {
    state = await ipc.getState();
  } catch (e) {
    $('app').hidden = false;
    showBootError(e);
    return;
  }
  setPlatform(state.platform);
  applySettings(state.settings, state.lang, state.theme);
  settingsView.setState(state.settings, state.key, state.version, state.limits);
  documents.setLimits(state.limits);
  conversation.setKeyPresent(!!(state.key && state.key.present));
  sidebar.setChats(state.chats || []);
  try {
    await ipc.watchDocuments((ev) => store.onEvent(ev));
  } catch (e) {
    showBootError(e);
  }
  await ipc.onDocumentsPending(() => addPending());
  const chats = state.chats || [];
  await openChat(chats.length ? chats[0].id : null);
  if (!chats.length) await sidebar.refresh();
  $('app').hidden = false;
  $('question').focus();
  // Start to ready, for benches/ui.rs (compared with a bare window marking the same moment).
  performance.mark('ready');
  // Documents opened with the app wait for this first chat, and for a yes.
  await addPending();
}

boot();
