// User-visible strings, English. The object below is plain JSON (i18n.js reads it as an ES module:
// the webview's CSP allows scripts from 'self' but not fetch()).
export default {
  "app": {
    "title": "长文 Longwen"
  },
  "common": {
    "close": "Close",
    "cancel": "Cancel"
  },
  "sidebar": {
    "newChat": "New conversation",
    "history": "Conversations",
    "empty": "Your conversations will appear here.",
    "untitled": "New conversation",
    "delete": "Delete conversation {title}",
    "deleteTitle": "Delete this conversation?",
    "deleteBody": "“{title}” and its answers will be removed from this computer. The documents stay in your library.",
    "deleteOk": "Delete"
  },
  "docs": {
    "heading": "Documents",
    "listLabel": "Documents",
    "add": "Add documents",
    "paste": "Paste text",
    "dropHint": "Drop files here, or use Add documents",
    "dropNow": "Release to add these files",
    "formats": "DOCX · PDF · XLSX · TXT · MD · CSV · JSON · EPUB · MOBI",
    "skipped": {
      "one": "{count} file in the folder was skipped because its type is not supported.",
      "other": "{count} files in the folder were skipped because their type is not supported."
    },
    "typeText": "Pasted text",
    "remove": "Remove {name}",
    "tokens": "about {n} tokens",
    "alreadyUploaded": "already uploaded",
    "uploadingName": "Uploading {name}",
    "state": {
      "checking": "checking",
      "uploading": "uploading",
      "uploadingPercent": "uploading {percent}%",
      "reading": "reading",
      "ready": "ready",
      "failed": "failed"
    }
  },
  "conv": {
    "label": "Conversation",
    "question": "Question",
    "placeholder": "Ask a question about your documents…",
    "send": "Send",
    "stop": "Stop",
    "enterHint": "Enter to send · Shift+Enter for a new line",
    "you": "You",
    "assistant": "Longwen",
    "streamingStored": "Still answering…",
    "reading": {
      "one": "Reading {count} document… {time}",
      "other": "Reading {count} documents… {time}"
    },
    "thinking": "Thinking… {time}",
    "preparing": "Preparing {name}… {time}",
    "busyRetry": "Service busy, retrying in {s} s",
    "stillReading": "Still reading your document… {time}",
    "badge": {
      "stopped": "Stopped",
      "interrupted": "Connection lost — partial answer"
    },
    "interruptedText": "The connection was lost before the answer was complete. You can regenerate it.",
    "tokens": "{n} tokens",
    "usageDetail": "{prompt} read · {completion} written",
    "copy": "Copy",
    "copied": "Copied",
    "copyFailed": "Could not copy",
    "regenerate": "Regenerate"
  },
  "cost": {
    "noDocs": "Add a document first — answers are based on the documents you attach.",
    "rereads": {
      "one": "Every question re-reads the attached document in full, and each reading is billed.",
      "other": "Every question re-reads all {count} attached documents in full, and each reading is billed."
    },
    "withLast": {
      "one": "Every question re-reads the attached document: the last one read {n} tokens (about ¥{cost}).",
      "other": "Every question re-reads all {count} documents: the last one read {n} tokens (about ¥{cost})."
    }
  },
  "empty": {
    "title": "Ask questions about your documents",
    "text": "Drop documents here or click Add documents, then ask a question.",
    "formats": "Supported: Word (DOCX), PDF, Excel (XLSX), plain text, Markdown, CSV, JSON, EPUB and MOBI.",
    "tip1": "Long documents are fine — a 300-page tender is read in full.",
    "tip2": "Ask in Chinese or English, e.g. “What is the penalty for late delivery?”",
    "tip3": "Answers quote the documents; check important figures against the original."
  },
  "welcome": {
    "title": "Welcome to Longwen",
    "text": "Longwen reads your documents with Alibaba Cloud’s Qwen-Long model. To start, it needs your API key.",
    "step1": "Create an API key in the Alibaba Cloud Model Studio console.",
    "step2": "Open Settings and paste the key. It is kept in the system keychain.",
    "step3": "Add documents and ask your first question.",
    "addKey": "Add API key",
    "createKey": "Create a key in the console"
  },
  "paste": {
    "heading": "Paste text",
    "name": "Name (optional)",
    "namePlaceholder": "e.g. Meeting notes",
    "text": "Text",
    "estimate": "About {n} tokens (limit {limit} for pasted text)",
    "empty": "Paste or type the text you want to ask about.",
    "tooLong": "This text is longer than {limit} tokens. Upload it as a file instead — it is read the same way.",
    "asFile": "Upload as a file instead",
    "add": "Add text"
  },
  "settings": {
    "open": "Settings",
    "heading": "Settings",
    "keyHeading": "API key",
    "keyHelp": "Your Alibaba Cloud Model Studio (DashScope) key. It is stored in the system keychain and never shown again.",
    "apiKey": "API key",
    "apiKeyPlaceholder": "sk-…",
    "save": "Save",
    "test": "Test connection",
    "removeKey": "Remove key",
    "getKey": "Get a key",
    "keyNone": "No key saved yet.",
    "keySaved": "Saved in the system keychain, {masked}",
    "keyEnv": "Using the DASHSCOPE_API_KEY environment variable, {masked}",
    "keyEmpty": "Paste your API key first.",
    "keyStored": "Key saved.",
    "keyRemoved": "Key removed.",
    "testing": "Testing the connection…",
    "testOk": "Connection works. The key was accepted.",
    "removeKeyTitle": "Remove the API key?",
    "removeKeyBody": "Longwen will not be able to answer questions until you add a key again.",
    "serviceHeading": "Service",
    "region": "Region",
    "regionBeijing": "China (Beijing)",
    "regionSingapore": "Singapore",
    "regionUs": "US (Virginia)",
    "regionCustom": "Custom address",
    "customUrl": "Service address",
    "customUrlPlaceholder": "https://…/compatible-mode/v1",
    "model": "Model",
    "modelDefault": "qwen-long (recommended)",
    "modelLatest": "qwen-long-latest",
    "modelSnapshot": "qwen-long-2025-01-25",
    "snapshotWarning": "This snapshot is limited to 3 requests per minute.",
    "appearanceHeading": "Language and appearance",
    "language": "Language",
    "theme": "Theme",
    "system": "System",
    "langZh": "中文",
    "langEn": "English",
    "themeLight": "Light",
    "themeDark": "Dark",
    "version": "Longwen {version}"
  },
  "link": {
    "title": "Open this link in your browser?",
    "body": "The link comes from outside Longwen. Open it only if you trust it.",
    "open": "Open link"
  },
  "actions": {
    "openSettings": "Open settings",
    "retry": "Retry",
    "removeFile": "Remove file"
  },
  "errors": {
    "generic": "Something went wrong. Please try again.",
    "details": "Details",
    "kind": "Kind",
    "requestId": "Request ID",
    "detail": "Detail"
  },
  "time": {
    "seconds": "{s}s",
    "minutesSeconds": "{m}m {s}s"
  }
};
