-- The cost line: what the app estimated an answer would read, kept beside what the service
-- says it read (prompt_tokens), and per file type how far the estimates were off.
ALTER TABLE messages ADD COLUMN estimated_tokens INTEGER;

CREATE TABLE token_calibration (
    file_type TEXT PRIMARY KEY,
    -- real tokens / estimated tokens of this type's documents, averaged over `samples` answers
    ratio REAL NOT NULL,
    samples INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- A chat whose key may not read uploaded files (a RAM user's): its documents' text, extracted on
-- this computer, goes as system messages instead of file ids. A new key clears it.
ALTER TABLE chats ADD COLUMN send_text INTEGER NOT NULL DEFAULT 0;
