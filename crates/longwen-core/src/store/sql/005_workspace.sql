-- Workspace: renamed chats, turns with versions (regenerate and edit keep the earlier
-- answers), documents removed from the library, and full-text search.

-- A title the person gave (kept) rather than the first question's (the default).
ALTER TABLE chats ADD COLUMN title_custom INTEGER NOT NULL DEFAULT 0;

-- The turn a message belongs to: the id of its first question. A regenerated answer and an
-- edited question join the turn of the message they replace, as its next version.
ALTER TABLE messages ADD COLUMN turn_id INTEGER;
UPDATE messages SET turn_id = CASE WHEN role = 'user' THEN id ELSE question_id END;
CREATE INDEX messages_turn ON messages (chat_id, turn_id, id);

-- A document removed from the library stays for the answers that read it (their chips).
ALTER TABLE documents ADD COLUMN removed_at INTEGER;

-- Search: trigram tokenizer, so Chinese substrings of three characters or more are found;
-- shorter queries fall back to LIKE.
CREATE VIRTUAL TABLE messages_fts USING fts5(
    text, content = 'messages', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO messages_fts (rowid, text) SELECT id, text FROM messages;
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE VIRTUAL TABLE chats_fts USING fts5(
    title, content = 'chats', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO chats_fts (rowid, title) SELECT id, title FROM chats;
CREATE TRIGGER chats_fts_insert AFTER INSERT ON chats BEGIN
    INSERT INTO chats_fts (rowid, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER chats_fts_delete AFTER DELETE ON chats BEGIN
    INSERT INTO chats_fts (chats_fts, rowid, title) VALUES ('delete', old.id, old.title);
END;
CREATE TRIGGER chats_fts_update AFTER UPDATE OF title ON chats BEGIN
    INSERT INTO chats_fts (chats_fts, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO chats_fts (rowid, title) VALUES (new.id, new.title);
END;
