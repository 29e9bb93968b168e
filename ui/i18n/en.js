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
    "regionNoQwenLong": "Qwen-Long is offered only in China (Beijing). Questions sent to this region fail with “model not found”."
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
  "errors": {
    "generic": "Something went wrong. Please try again.",
    "details": "Details",
    "kind": "Kind",
    "requestId": "Request ID",
    "detail": "Detail",
    "thisFile": "this file",
    "kinds": {
      "key_missing": "No API key is set. Open Settings and paste your DashScope API key.",
      "key_refused": "The service refused the API key. Check that it is copied in full and that it belongs to the region chosen in Settings (keys work in one region only).",
      "keyring_unavailable": "The system keychain is not available, so the API key cannot be stored safely. Unlock your keychain (or log in to a desktop session) and try again, or set the DASHSCOPE_API_KEY environment variable.",
      "insecure_url": "The address {url} does not use https, so your API key was not sent. Use an https:// address in Settings.",
      "rate_limited": {
        "wait": "The service is busy (too many requests). Please try again in {secs} s.",
        "later": "The service is busy (too many requests). Please wait a minute and try again."
      },
      "arrears": "Your Alibaba Cloud account is in arrears. Top up the account in the Alibaba Cloud console, then try again.",
      "free_tier_only": "Your free quota is used up and \"free tier only\" is switched on. Turn it off in the Model Studio console, or top up, then try again.",
      "content_refused": "The service refused this content (content safety check). Rephrase the question or use other documents.",
      "model_not_found": "The model in Settings does not exist or is not enabled for your account. Choose qwen-long in Settings.",
      "wrong_address": "The service address looks wrong (it should end in /compatible-mode/v1). Check the region and address in Settings.",
      "file_too_large": "The file is too large for the service (150 MB per document, 20 MB per image). Split it into smaller files.",
      "file_parsing": "The service is still reading your document. Please try again in a minute.",
      "file_invalid": "The service does not accept this document's id. The likely cause: your API key belongs to a RAM (sub-)user, and uploaded documents work only with the main (root) account's key. Use a key of the main account, or remove and add the document again.",
      "file_not_found": "The document is no longer on the service (it may have been deleted). Add it again and retry.",
      "file_format_unsupported": "The model can only answer from text. This file (for example a scanned PDF or an image) has no readable text. Use a text PDF or DOCX.",
      "file_too_many_pages": "The document has more than 15,000 pages. Split it into smaller files.",
      "file_blank": "The service found no text in this document. If it is a scan, convert it to a text PDF first.",
      "too_many_files": "Too many documents in one question (at most 99). Remove some and ask again.",
      "context_too_long": "The documents and conversation are longer than the model can read (10 million tokens). Remove some documents or start a new conversation.",
      "upload_quota": "Your cloud document storage is full (10,000 files or 100 GB). Delete old documents from the cloud and try again.",
      "file_parse_failed": "The service could not read this document. Check that it opens on your computer, save it again as DOCX or PDF, and add it again.",
      "service_error": "The service could not answer (error {status}). Please try again; if it keeps happening, quote the request id to support.",
      "network": "Could not reach the service. Check your internet connection (and proxy settings, if your office uses one), then try again.",
      "proxy": "The proxy refused the connection. Check the HTTPS_PROXY setting, or ask your IT department.",
      "tls": "The secure connection could not be verified. If your office inspects internet traffic, make sure its certificate is installed on this computer.",
      "timeout": "The service took too long to respond. Please try again.",
      "stream_cut": "The connection dropped while the answer was arriving. The part received is kept. Ask again to get a full answer.",
      "cancelled": "Stopped. The part of the answer received so far is kept.",
      "input_missing": "Cannot open “{name}”: it does not exist or cannot be read. Check the file and add it again.",
      "input_changed": "“{name}” changed while it was being sent, so it was not kept. Save and close it, then try again.",
      "input_is_directory": "“{name}” is a folder. Add the documents inside it instead.",
      "input_empty": "“{name}” is empty, so there is nothing to read. Check that you picked the right file.",
      "input_unsupported": {
        "legacy": "“{name}” is in an old Office format that the service cannot read. Open it in Word or PowerPoint, save it as DOCX or PDF, and add that file.",
        "other": "“{name}” is not a supported type. Use TXT, DOCX, PDF, XLSX, EPUB, MOBI, MD, CSV or JSON."
      },
      "input_too_large": "“{name}” is larger than the {limit} MB limit. Split it into smaller files.",
      "input_too_many_documents": "{count} documents are attached, but one question can use at most {limit}. Remove some and ask again.",
      "text_too_long": "The pasted text is about {tokens} tokens, over the {limit}-token limit for pasted text. Upload it as a file instead.",
      "question_too_long": "The question is about {tokens} tokens, over the {limit}-token limit for a question about documents. Shorten the question, or put the long text in a document (paste it as text or add it as a file) and ask about it.",
      "invalid_argument": "Invalid input: {problem}. Check what was entered, correct it and try again.",
      "not_found": "Not found: {what} {id}. It may have been deleted (perhaps in another window). Refresh the list and choose it again.",
      "storage": "Longwen could not read or write its data folder. Check free disk space and permissions, then restart Longwen.",
      "internal": "Something went wrong inside Longwen. Please try again; if it keeps happening, report it with the details below.",
      "access_denied": "This API Key's workspace has no access to the model (access denied). In the Model Studio console, give the workspace access to Qwen-Long, or use another key.",
      "model_not_in_region": "Qwen-Long is offered only in the China (Beijing) region. Choose China (Beijing) in Settings, with a key created in that region.",
      "too_large_for_model": "This question reads about {tokens} tokens, but {model} accepts at most {limit} tokens a minute, so it would be refused every time. Choose qwen-long in Settings, or ask about fewer or smaller documents.",
      "answer_too_long": "The answer reached {limit} MB, the most Longwen keeps, and was stopped there. The text so far is kept. Ask for a shorter answer, or one part at a time.",
      "endpoint_not_confirmed": "Your API key has not been confirmed for {host}, so nothing was sent there. Open Settings and confirm the address to send your key and documents to it.",
      "database_too_new": "This data was written by a newer version of Longwen. Use that version, or move the data aside to start afresh (nothing is deleted).",
      "database_damaged": "Longwen's data cannot be read (the file is damaged). Move it aside to start afresh (nothing is deleted); backups are kept in the same folder.",
      "file_in_use": "An answer is reading this file now, so it was not deleted. Try again when the answer has finished."
    },
    "problems": {
      "unknown": "{detail}",
      "empty_question": "the question is empty",
      "empty_key": "the API key is empty",
      "bad_key": "the API Key holds a space, a line break or another character no key has: copy it again from the Model Studio console",
      "empty_text": "the text is empty",
      "empty_model": "the model name is empty",
      "empty_address": "the custom address is empty",
      "bad_address": "the address {value} is not valid ({detail})",
      "address_not_http": "the address {value} does not start with https://",
      "bad_file_id": "the file id {value} is not valid",
      "link_not_allowed": "only links to public web sites (http or https, no user name) can be opened",
      "answer_still_streaming": "this answer is still being written",
      "unreadable_input": "the input could not be read ({detail})"
    },
    "entities": {
      "item": "item",
      "chat": "conversation",
      "message": "message",
      "answer": "answer",
      "question": "question of answer",
      "document": "document",
      "document_job": "document job",
      "preview": "document preview"
    }
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
  }
};
