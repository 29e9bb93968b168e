//! Names made from text: chat titles, names of pasted text, file names that work everywhere.

use crate::error::{Error, Problem, Result};

/// How long a chat title made from the first question is, in characters.
pub const CHAT_TITLE_CHARS: usize = 30;
/// How long the name of a pasted text made from its first words is.
const TEXT_NAME_CHARS: usize = 24;

/// The first `max` characters with whitespace collapsed, "…" when cut.
pub fn title_from(text: &str, max: usize) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = collapsed.chars().take(max).collect();
    if collapsed.chars().count() > max {
        out = out.trim_end().to_string();
        out.push('…');
    }
    out
}

/// The name of a text document: the one given, else its first words. Refuses empty text.
pub fn text_name(text: &str, name: Option<&str>) -> Result<String> {
    if text.trim().is_empty() {
        return Err(Error::invalid(Problem::EmptyText));
    }
    Ok(name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| title_from(text, TEXT_NAME_CHARS)))
}

/// A name usable as a file name on every system.
pub fn safe_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim().trim_matches('.').to_string();
    if cleaned.is_empty() {
        "text".into()
    } else {
        cleaned
    }
}

/// The name a file is shown and uploaded under: its own name, with control characters (a line
/// break in a file name is legal on Linux) as spaces, since a multipart header cannot carry them.
pub fn upload_name(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The `.txt` file name pasted text is uploaded under.
pub fn text_file_name(text: &str, name: Option<&str>) -> Result<String> {
    let mut filename = safe_file_name(&text_name(text, name)?);
    if !filename.to_ascii_lowercase().ends_with(".txt") {
        filename.push_str(".txt");
    }
    Ok(filename)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_short() {
        assert_eq!(title_from("  hello \n world ", 24), "hello world");
        assert_eq!(
            title_from("一二三四五六七八九十一二三四五六七八九十一二三四五六", 24)
                .chars()
                .count(),
            25
        );
        assert_eq!(safe_file_name("a/b:c"), "a_b_c");
        assert_eq!(safe_file_name(".."), "text");
        assert_eq!(text_file_name("x", Some("notes")).unwrap(), "notes.txt");
        assert_eq!(text_file_name("x", Some("a.TXT")).unwrap(), "a.TXT");
        assert_eq!(upload_name("合同\n第二版\r.docx"), "合同 第二版 .docx");
        assert_eq!(upload_name("a\tb.md"), "a b.md");
    }
}
