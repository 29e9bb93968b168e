//! For a key that may not read uploaded files (a RAM user's gets `Invalid file` even for its own
//! uploads): the file documents' text, extracted on this computer, goes as plain-text system
//! messages instead of `fileid://` references, each under the contract's 9,000-token cap.

use super::prompt::Prompt;
use super::Answers;
use crate::checks::{estimate_tokens, expected_tokens, TEXT_TOKEN_LIMIT};
use crate::error::{Entity, Error, Result};

/// What one message may hold, by the higher of the two counts, with room to spare.
const PART_TOKENS: usize = TEXT_TOKEN_LIMIT * 8 / 10;

impl Answers {
    /// The prompt with each file document replaced by its text, in parts; a document without
    /// text here (scanned, missing, changed) cannot go this way.
    pub(super) async fn as_text(&self, prompt: &Prompt) -> Result<Prompt> {
        let mut out = prompt.clone();
        out.files.clear();
        let mut texts = Vec::new();
        for doc in &prompt.files {
            let Ok(extracted) = self.previews.extracted(doc).await? else {
                return Err(Error::not_found(Entity::Preview, doc.id));
            };
            let heading = format!("《{}》\n", doc.name);
            texts.extend(split(&format!("{heading}{}", extracted.text), PART_TOKENS));
        }
        // The documents first, as with file ids; pasted texts after them.
        texts.extend(out.texts);
        out.texts = texts;
        Ok(out)
    }
}

fn cost(text: &str) -> usize {
    estimate_tokens(text).max(expected_tokens(text) as usize)
}

/// `text` in parts of at most `limit` tokens, cut at line ends where it can be.
pub(crate) fn split(text: &str, limit: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut part = String::new();
    let mut used = 0;
    for line in text.split_inclusive('\n') {
        let mut line = line;
        loop {
            let tokens = cost(line);
            if used + tokens <= limit {
                part.push_str(line);
                used += tokens;
                break;
            }
            if !part.is_empty() {
                parts.push(std::mem::take(&mut part));
                used = 0;
                continue;
            }
            // One line longer than a part: cut it (a character is at most one token by
            // `estimate_tokens`, so `limit` characters fit).
            let cut = line.floor_char_boundary(limit.min(line.len()));
            let cut = if cut == 0 {
                line.ceil_char_boundary(1)
            } else {
                cut
            };
            parts.push(line[..cut].to_string());
            line = &line[cut..];
            if line.is_empty() {
                break;
            }
        }
    }
    if !part.is_empty() {
        parts.push(part);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_stay_under_the_limit_and_keep_every_character() {
        let text = format!(
            "{}\n{}\n短行\n",
            "合同条款".repeat(600),
            "penalty clause ".repeat(400)
        );
        let parts = split(&text, 1000);
        assert!(parts.len() > 3);
        assert!(parts.iter().all(|p| cost(p) <= 1000), "{parts:?}");
        assert_eq!(parts.concat(), text);
        assert_eq!(split("", 1000), Vec::<String>::new());
    }
}
