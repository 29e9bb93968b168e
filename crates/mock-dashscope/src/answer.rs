//! The deterministic answer text and its split into stream chunks.

use std::fmt::Write as _;

/// A document the chat referenced, as the answer reports it.
pub struct DocInfo {
    pub filename: String,
    pub bytes: u64,
    pub sha256: String,
    /// For text-like files: the first characters of the content.
    pub begins: Option<String>,
}

/// A short printable prefix of text: newlines and other control characters become spaces.
pub fn begins(text: &str, chars: usize) -> String {
    text.trim_start_matches('\u{feff}')
        .chars()
        .take(chars)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

pub struct AnswerInput<'a> {
    pub question: &'a str,
    pub instruction: Option<&'a str>,
    pub docs: &'a [DocInfo],
    pub texts: &'a [&'a str],
    pub earlier_turns: usize,
    pub model: &'a str,
}

pub fn compose(a: &AnswerInput) -> String {
    let mut s = String::new();
    let _ = write!(s, "Mock answer to: {}\n\n", a.question);
    if let Some(i) = a.instruction {
        let _ = write!(s, "Instruction: [{}]\n\n", begins(i, 60));
    }
    let _ = writeln!(s, "Documents ({}):", a.docs.len());
    for d in a.docs {
        let _ = write!(
            s,
            "- {}, {} bytes, sha256 {}",
            d.filename,
            d.bytes,
            &d.sha256[..12]
        );
        if let Some(b) = &d.begins {
            let _ = write!(s, ", begins \"{b}\"");
        }
        s.push('\n');
    }
    let _ = writeln!(s, "\nTexts ({}):", a.texts.len());
    for t in a.texts {
        let _ = writeln!(
            s,
            "- {} chars, {} bytes, sha256 {}, begins \"{}\"",
            t.chars().count(),
            t.len(),
            &crate::sha256_hex(t.as_bytes())[..12],
            begins(t, 40)
        );
    }
    let _ = write!(
        s,
        "\nEarlier turns: {}\nModel: {}",
        a.earlier_turns, a.model
    );
    s
}

/// Splits text into stream pieces: a word (with its trailing space) or at most 8 ASCII /
/// 3 other characters, so streaming is visible and splits land inside multi-byte text.
pub fn chunk(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut n = 0usize;
    let mut wide = 0usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        cur.push(c);
        n += 1;
        if !c.is_ascii() {
            wide += 1;
        }
        let next_is_word = chars.peek().is_some_and(|d| !d.is_whitespace());
        if (c.is_whitespace() && next_is_word) || n >= 8 || wide >= 3 {
            out.push(std::mem::take(&mut cur));
            n = 0;
            wide = 0;
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// About `tokens` pieces of Markdown (headings, lists, a table, code) for benchmarks.
pub fn long_markdown(tokens: usize) -> String {
    let mut s = String::from("\n\n# Long answer\n\n");
    let mut count = chunk(&s).len();
    let mut i = 1;
    while count < tokens {
        let section = format!(
            "## Section {i}: 合同条款分析\n\n\
             This section walks through clause {i}.1 of the contract, 逐条说明 the obligations of both parties.\n\n\
             - Item {i}.a: delivery within **{d} days**\n\
             - Item {i}.b: penalty 0.5% per day, capped at 10%\n\
             1. First step for section {i}\n\
             2. Second step with `inline code`\n\n\
             | Party | Duty | Days |\n|---|---|---:|\n| 甲方 | pay | {d} |\n| 乙方 | deliver | {e} |\n\n\
             ```rust\nfn section_{i}() -> u32 {{\n    {d} + {e}\n}}\n```\n\n",
            d = 10 + i % 20,
            e = 5 + i % 7,
        );
        count += chunk(&section).len();
        s.push_str(&section);
        i += 1;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_rejoin_to_the_text() {
        let t = "Mock answer to: 合同总金额是多少？ sha256 1a2b3c4d5e6f\n- x";
        let c = chunk(t);
        assert!(c.len() > 8);
        assert_eq!(c.concat(), t);
    }
}
