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
    "untitled": "New conversation"
  },
  "chats": {
    "listLabel": "Conversations",
    "groups": {
      "today": "Today",
      "yesterday": "Yesterday",
      "week": "Previous 7 days",
      "earlier": "Earlier"
    },
    "noDocuments": "No documents",
    "actions": "Actions for {title}",
    "rename": "Rename",
    "delete": "Delete",
    "export": "Export",
    "titleField": "Conversation title",
    "deleted": "Deleted “{title}”.",
    "undo": "Undo",
    "dismiss": "Dismiss",
    "searchLabel": "Search conversations",
    "searchPlaceholder": "Search ({shortcut})",
    "searchResults": "Search results",
    "clearSearch": "Clear search",
    "noResults": "No conversation contains “{query}”.",
    "resultCount": {
      "one": "{count} result",
      "other": "{count} results"
    },
    "field": {
      "title": "Title",
      "document": "Document",
      "question": "Question",
      "answer": "Answer"
    },
    "exportTitle": "Export “{title}”",
    "exportBody": "Choose a format. The file lists the documents used and the tokens of each answer.",
    "exportMarkdown": "Markdown (.md)",
    "exportDocx": "Word (.docx)",
    "exportDocuments": "Documents used",
    "exportTokens": "tokens",
    "exported": "Saved to {path}",
    "showList": "Show conversations",
    "hideList": "Hide conversations",
    "costsLabel": "Costs",
    "costChat": "This conversation",
    "costMonth": "This month"
  },
  "docs": {
    "heading": "Documents",
    "listLabel": "Documents",
    "add": "Add documents",
    "paste": "Paste text",
    "newWithThese": "New conversation with these documents",
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
    },
    "pickTitle": "Add documents",
    "pickFilter": "Documents"
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
    "estimateOver": "estimate {n}% high",
    "estimateUnder": "estimate {n}% low",
    "estimateExact": "estimate exact",
    "estimateDetail": "Estimated before asking: {estimate} tokens read. The service counted {real}.",
    "copy": "Copy",
    "copied": "Copied",
    "copyFailed": "Could not copy",
    "earlier": "Show earlier messages",
    "regenerate": "Regenerate"
  },
  "answer": {
    "documentsUsed": "Documents used",
    "versions": "Versions",
    "position": "{n}/{count}",
    "previousVersion": "Previous version",
    "nextVersion": "Next version",
    "edit": "Edit",
    "editing": "Editing your question",
    "copyTable": "Copy table",
    "copyTableN": "Copy table {n} of {count} (tab-separated, pastes into Excel)"
  },
  "starters": {
    "title": {
      "one": "Your document is ready",
      "other": "Your {count} documents are ready"
    },
    "text": "Pick a question to start, or type your own below.",
    "summary": {
      "one": "Summarise the key points of this document",
      "other": "Summarise the key points of these documents"
    },
    "terms": "List the payment, delivery and penalty terms",
    "risks": {
      "one": "Find risks or inconsistencies in this document",
      "other": "Find risks or inconsistencies in these documents"
    },
    "compare": {
      "other": "Compare the {count} documents: what are the main differences?"
    }
  },
  "notReady": {
    "title": {
      "one": "A document is not ready",
      "other": "{count} documents are not ready"
    },
    "waiting": {
      "one": "{count} document of this conversation is still being uploaded or read. This answer will not read it — wait a moment, or ask anyway.",
      "other": "{count} documents of this conversation are still being uploaded or read. This answer will not read them — wait a moment, or ask anyway."
    },
    "failed": {
      "one": "{count} document of this conversation could not be added. This answer will not read it. You can retry it in the documents list.",
      "other": "{count} documents of this conversation could not be added. This answer will not read them. You can retry them in the documents list."
    },
    "both": "{waiting} still on their way and {failed} failed: this answer will not read these {count} documents.",
    "ok": "Ask anyway",
    "wait": "Wait"
  },
  "cost": {
    "noDocs": "Add a document first — answers are based on the documents you attach.",
    "rereads": {
      "one": "Every question re-reads the attached document in full, and each reading is billed.",
      "other": "Every question re-reads all {count} attached documents in full, and each reading is billed."
    },
    "estimate": {
      "one": "This question will read about {n} tokens, about {cost}: every question re-reads the attached document in full.",
      "other": "This question will read about {n} tokens, about {cost}: every question re-reads all {count} documents in full."
    },
    "unknown": {
      "one": "(One document cannot be read on this computer and is not counted.)",
      "other": "({count} documents cannot be read on this computer and are not counted.)"
    },
    "detail": "Documents: about {docs} tokens · the conversation so far: about {history} tokens",
    "asText": "The documents go as their text (this API Key may not read uploaded files)."
  },
  "asText": {
    "offer": "Send the text instead",
    "title": "Send the documents' text instead?",
    "body": "Your API Key may not read uploaded files (a RAM user's key cannot). Longwen can send the documents' text, read on this computer, with each question instead. This question would read about {n} tokens, about {cost}. Scanned pages cannot go this way.",
    "bodyUnknown": "Your API Key may not read uploaded files (a RAM user's key cannot). Longwen can send the documents' text, read on this computer, with each question instead. Scanned pages cannot go this way.",
    "ok": "Send the text"
  },
  "empty": {
    "title": "Ask questions about your documents",
    "text": "Add a document above — a contract, a report, a tender — then ask about it here.",
    "tip1": "Long documents are fine — a 300-page tender is read in full.",
    "tip2": "Ask in Chinese or English, e.g. “What is the penalty for late delivery?”",
    "tip3": "Answers quote the documents; check important figures against the original."
  },
  "welcome": {
    "title": "Welcome to Longwen",
    "text": "Longwen reads your documents with Alibaba Cloud's Qwen-Long model. It needs an API Key from your Alibaba Cloud account first; this takes about two minutes.",
    "stepsLabel": "Getting an API Key",
    "step1": "Open the Model Studio console and sign in with your Alibaba Cloud account.",
    "openConsole": "Open the console",
    "step2": "Choose \"Create API Key\" and copy the key. It starts with sk-.",
    "step3": "Paste it here and press Save. Longwen checks it at once and keeps it in {store}.",
    "keyLabel": "API Key",
    "save": "Save",
    "checking": "Checking the API Key with the service…",
    "notKept": "The API Key was not kept. Copy it again from the console and paste it here.",
    "savedNotChecked": "The API Key is saved, but it could not be checked now. Your documents will be read once the service can be reached.",
    "done": "Your API Key works.",
    "next": "Next: add a document — drop it on this window or use Add documents."
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
    "keyHeading": "API Key",
    "keyHelp": "Your Alibaba Cloud Model Studio (DashScope) API Key. It is stored in {store} and never shown again.",
    "apiKey": "API Key",
    "apiKeyPlaceholder": "sk-…",
    "save": "Save",
    "test": "Test connection",
    "removeKey": "Remove API Key",
    "getKey": "Get an API Key",
    "keyNone": "No API Key saved yet.",
    "keySaved": "Saved in {store}, {masked}",
    "keyEnv": "Using the DASHSCOPE_API_KEY environment variable, {masked}",
    "keyEmpty": "Paste your API Key first.",
    "keyStored": "API Key saved.",
    "keyRemoved": "API Key removed.",
    "testing": "Testing the connection…",
    "testOk": "Connection works. The API Key was accepted.",
    "removeKeyTitle": "Remove the API Key?",
    "removeKeyBody": "Longwen will not be able to answer questions until you add an API Key again.",
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
    "snapshotWarning": "This snapshot is limited to {n} requests a minute. Choose qwen-long for everyday use.",
    "appearanceHeading": "Language and appearance",
    "language": "Language",
    "theme": "Theme",
    "system": "System",
    "langZh": "中文",
    "langEn": "English",
    "themeLight": "Light",
    "themeDark": "Dark",
    "version": "Longwen {version}",
    "tokensWarning": "This model takes only {n} tokens a minute: a question about any document over about that size is refused every time. Choose qwen-long for long documents.",
    "regionNotOffered": "{region} (Qwen-Long not offered here)",
    "regionNoQwenLong": "Qwen-Long is offered only in China (Beijing). Questions sent to this region fail with “model not found”.",
    "keyChecking": "API Key saved. Checking it with the service…"
  },
  "link": {
    "title": "Open this link in your browser?",
    "body": "The link comes from outside Longwen. Open it only if you trust it.",
    "open": "Open link"
  },
  "actions": {
    "openSettings": "Open settings",
    "retry": "Retry",
    "removeFile": "Remove file",
    "confirmEndpoint": "Confirm the address…"
  },
  "time": {
    "seconds": "{s}s",
    "minutesSeconds": "{m}m {s}s"
  },
  "fatal": {
    "moveAside": "Move it aside and start afresh",
    "quit": "Quit"
  },
  "endpoint": {
    "title": "Send your API Key and documents to {host}?",
    "body": "Settings now point to {host}, which is not Alibaba Cloud's DashScope. Longwen will send your API Key and every document you ask about to {host}. Confirm only if you trust this address (for example your company's gateway).",
    "confirm": "Send to {host}"
  },
  "pending": {
    "openedTitle": {
      "one": "Upload {count} document to Qwen-Long?",
      "other": "Upload {count} documents to Qwen-Long?"
    },
    "openedBody": "Longwen was opened with these documents. Nothing has been sent yet: they go to Alibaba Cloud when you upload them.",
    "upload": "Upload",
    "manyTitle": {
      "one": "Add {count} document?",
      "other": "Add {count} documents?"
    },
    "manyBody": "One question reads at most {limit} documents. You can remove some after adding them.",
    "manyBodyMore": "The folder holds more files than Longwen counts; the first {count} would be added. One question reads at most {limit} documents.",
    "add": "Add them"
  },
  "keyStore": {
    "linux": "the system keyring",
    "macos": "the macOS Keychain",
    "windows": "Windows Credential Manager",
    "other": "the system's secure store"
  },
  "docsWait": {
    "state": "waiting for API Key",
    "hint": "Waits for your API Key, then goes on by itself.",
    "addKey": "Add API Key",
    "adding": {
      "one": "Adding {count} document…",
      "other": "Adding {count} documents…"
    }
  },
  "undo": {
    "removed": "Removed \"{name}\" from this conversation.",
    "undo": "Undo"
  },
  "library": {
    "open": "Library",
    "heading": "Library",
    "tabs": "Library views",
    "documentsTab": "Documents",
    "cloudTab": "Cloud files",
    "filter": "Filter by name",
    "intro": "Every document you have added to Longwen. Select documents to add them to this conversation; a copy already in the cloud is not uploaded again.",
    "empty": "No documents yet. Documents you add to a conversation appear here.",
    "noMatch": "No document matches \"{query}\".",
    "loading": "Loading the library…",
    "checkingCloud": "Checking the cloud…",
    "cloudNotChecked": "The cloud could not be checked; the states shown are from this computer.",
    "colName": "Name",
    "colSize": "Size",
    "colAdded": "Added",
    "colChats": "Used in",
    "colCloud": "Cloud",
    "select": "Select {name}",
    "inChat": "in this conversation",
    "noChats": "not used",
    "cloud": {
      "uploaded": "uploaded",
      "not_uploaded": "not uploaded",
      "missing": "missing in the cloud",
      "text": "sent as text",
      "unknown": "not checked"
    },
    "cloudHint": {
      "uploaded": "The cloud copy is there: adding it uploads nothing.",
      "not_uploaded": "Not uploaded with this account: adding it uploads it.",
      "missing": "The cloud copy was deleted: adding it uploads it again.",
      "text": "Pasted text is sent with the question, never uploaded.",
      "unknown": "Not checked with the cloud."
    },
    "selected": {
      "one": "{count} selected",
      "other": "{count} selected"
    },
    "add": {
      "one": "Add {count} to this conversation",
      "other": "Add {count} to this conversation"
    },
    "addNone": "Add to this conversation",
    "added": {
      "one": "{count} document is being added to this conversation.",
      "other": "{count} documents are being added to this conversation."
    },
    "remove": "Remove {name} from the library",
    "removeTitle": "Remove \"{name}\" from the library?",
    "removeUsedBody": {
      "one": "It is still used in {count} conversation: {chats}. It will be taken out of it; the answers keep its name.",
      "other": "It is still used in {count} conversations: {chats}. It will be taken out of them; the answers keep its name."
    },
    "removeBody": "It is not used in any conversation. Its cloud copy is not deleted (see Cloud files).",
    "removeOk": "Remove",
    "removed": "Removed \"{name}\" from the library.",
    "untitled": "Untitled conversation",
    "quoted": "\"{name}\""
  },
  "cloud": {
    "intro": "The files your Alibaba Cloud account holds for document reading, including files not uploaded by Longwen.",
    "refresh": "Refresh",
    "loading": "Asking the cloud for its files…",
    "empty": "The account holds no files.",
    "quotaFiles": "Files: {n} of {max}",
    "quotaBytes": "Space: {used} of {max}",
    "quotaLabelFiles": "Files used",
    "quotaLabelBytes": "Space used",
    "colName": "Name",
    "colSize": "Size",
    "colDate": "Uploaded",
    "colKnown": "In Longwen",
    "select": "Select {name}",
    "known": "in the library as \"{name}\"",
    "unknown": "not from Longwen",
    "inUse": "read by an answer now",
    "delete": "Delete selected",
    "deleteCount": {
      "one": "Delete {count} file",
      "other": "Delete {count} files"
    },
    "confirmTitle": {
      "one": "Delete {count} file from the cloud ({size})?",
      "other": "Delete {count} files from the cloud ({size})?"
    },
    "confirmBody": "They are deleted from your Alibaba Cloud account and cannot be brought back. Documents in the library stay, and are uploaded again when a conversation needs them.",
    "confirmUnknown": {
      "one": "{count} of them was not uploaded by Longwen: another program may need it.",
      "other": "{count} of them were not uploaded by Longwen: another program may need them."
    },
    "confirmOk": "Delete from the cloud",
    "deleted": {
      "one": "{count} file deleted ({size}).",
      "other": "{count} files deleted ({size})."
    },
    "knownSame": "in the library"
  },
  "preview": {
    "label": "Preview",
    "open": "Preview {name}",
    "loading": "Reading the text…",
    "meta": "{chars} characters · about {tokens} tokens",
    "text": "Document text",
    "sections": "Sections",
    "page": "Page {label}",
    "slide": "Slide {label}",
    "goto": {
      "page": {
        "before": "Page",
        "after": "of {count}",
        "field": "Page number"
      },
      "slide": {
        "before": "Slide",
        "after": "of {count}",
        "field": "Slide number"
      },
      "section": "Go to"
    },
    "find": "Find in document",
    "previous": "Previous match",
    "next": "Next match",
    "position": "{n}/{count}",
    "noMatches": "No matches",
    "rough": {
      "pdf_reader_missing": "The preview may be rough: the PDF reader that comes with Longwen is missing on this computer, so a simpler one read the text; spacing and order may be off, and some text may be missing. The service reads the file itself. Installing Longwen again brings the reader back.",
      "docx_reader_refused": "The preview may be rough: this Word file is damaged or unusual, so only the text of its body could be read; headers, footers and the layout of tables may be missing. The service reads the file itself; if its answers look wrong too, open the file in Word or WPS, save it again as .docx and add that copy."
    },
    "truncated": "Only the beginning of this document is shown: it is too long to preview in full.",
    "scannedSome": {
      "one": "{count} page is scanned: the service will read it, the preview cannot.",
      "other": "{count} pages are scanned: the service will read them, the preview cannot."
    },
    "none": {
      "empty": "The document has no text.",
      "binary": "This file is not text, so it cannot be previewed.",
      "scanned": "Scanned pages: the service will read it, the preview cannot.",
      "unsupported": "This kind of file cannot be previewed here; the service can still read it.",
      "damaged": "The file looks damaged, so it cannot be previewed; the service may still read it.",
      "timed_out": "Reading the text took too long, so there is no preview.",
      "too_large": "The file is too large to preview here; the service can still read it.",
      "failed": "The text could not be read for a preview; the service may still read the file.",
      "missing": "The file is no longer where it was added from.",
      "changed": "The file has changed since it was added; the preview would not match what was sent."
    }
  },
  "quotes": {
    "show": "Show in {name}",
    "notFound": "not found in the documents",
    "count": "Quotes: {found} found, {missing} not found"
  }
};
