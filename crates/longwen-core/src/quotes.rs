//! Quotations in answers, found in the documents' text. Matching ignores whitespace (line
//! breaks, the spaces PDFs put between CJK and digits, letter-spaced titles), full- and
//! half-width forms and ASCII case, and maps a match back to a byte range of the original text.
//! An ellipsis inside a quotation skips text: its parts must appear in order, close together.

use serde::Serialize;
use std::ops::Range;

/// Quotations shorter than this (in characters, blanks left out) are words, not passages.
pub const MIN_QUOTE_CHARS: usize = 5;
/// The longest quotation looked for, in characters.
const MAX_QUOTE_CHARS: usize = 2000;
/// How far apart (folded bytes) the parts of a quotation with an ellipsis may be.
const MAX_GAP: usize = 4000;

const PAIRS: [(char, char); 4] = [('「', '」'), ('『', '』'), ('“', '”'), ('"', '"')];
const ELLIPSES: [&str; 3] = ["……", "…", "..."];

/// A quotation in an answer: its text without the marks, and where it sits in the answer
/// (byte range, marks included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    pub text: String,
    pub span: Range<usize>,
}

/// Every quotation of at least `MIN_QUOTE_CHARS` characters, in order. A quotation does not
/// cross a blank line.
pub fn quotes_in(answer: &str) -> Vec<Quote> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < answer.len() {
        let Some(c) = answer[i..].chars().next() else {
            break;
        };
        let open = i;
        i += c.len_utf8();
        let Some(&(_, close)) = PAIRS.iter().find(|(o, _)| *o == c) else {
            continue;
        };
        let rest = &answer[i..];
        let Some(end) = rest.find(close) else {
            continue;
        };
        let inner = &rest[..end];
        if inner.contains("\n\n") || inner.chars().count() > MAX_QUOTE_CHARS {
            continue;
        }
        if fold(inner).chars().count() >= MIN_QUOTE_CHARS {
            out.push(Quote {
                text: inner.to_string(),
                span: open..i + end + close.len_utf8(),
            });
        }
        i += end + close.len_utf8();
    }
    out
}

/// One character as matching sees it: `None` for whitespace, full-width ASCII as ASCII,
/// ASCII lower-cased.
fn fold_char(c: char) -> Option<char> {
    if c.is_whitespace() || c == '\u{200b}' {
        return None;
    }
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    Some(c.to_ascii_lowercase())
}

pub fn fold(s: &str) -> String {
    s.chars().filter_map(fold_char).collect()
}

/// A document's text, folded once for many lookups.
pub struct Folded<'a> {
    original: &'a str,
    folded: String,
}

impl<'a> Folded<'a> {
    pub fn new(original: &'a str) -> Folded<'a> {
        Folded {
            original,
            folded: fold(original),
        }
    }

    /// The byte range in the original text of `quote`, if it is there.
    pub fn find(&self, quote: &str) -> Option<Range<usize>> {
        let mut parts = split_ellipses(quote).into_iter().map(|p| fold(&p));
        let first = parts.find(|p| !p.is_empty())?;
        let mut from = 0;
        // Each occurrence of the first part may start the match.
        while let Some(at) = self.folded[from..].find(&first) {
            let start = from + at;
            let mut end = start + first.len();
            let mut whole = true;
            for part in parts.clone().filter(|p| !p.is_empty()) {
                let limit = self.folded.floor_char_boundary(end + MAX_GAP + part.len());
                let window = &self.folded[end..limit];
                match window.find(&part) {
                    Some(i) => end += i + part.len(),
                    None => {
                        whole = false;
                        break;
                    }
                }
            }
            if whole {
                return Some(self.original_range(start..end));
            }
            from = start + first.chars().next().map_or(1, char::len_utf8);
        }
        None
    }

    /// Every place `query` occurs (at most `max`), in order, not overlapping.
    pub fn find_all(&self, query: &str, max: usize) -> Vec<Range<usize>> {
        let needle = fold(query);
        if needle.is_empty() {
            return Vec::new();
        }
        let folded: Vec<Range<usize>> = self
            .folded
            .match_indices(&needle)
            .take(max)
            .map(|(at, m)| at..at + m.len())
            .collect();
        self.original_ranges(&folded)
    }

    fn original_range(&self, folded: Range<usize>) -> Range<usize> {
        self.original_ranges(&[folded]).remove(0)
    }

    /// Maps folded byte ranges (in order, not overlapping) to the original text in one pass:
    /// from the first kept character of each match to the end of its last.
    fn original_ranges(&self, folded: &[Range<usize>]) -> Vec<Range<usize>> {
        let mut out = Vec::with_capacity(folded.len());
        let mut want = folded.iter().peekable();
        let (mut f, mut start) = (0, None);
        for (i, c) in self.original.char_indices() {
            let Some(r) = want.peek() else { break };
            let Some(k) = fold_char(c) else { continue };
            if f == r.start {
                start = Some(i);
            }
            f += k.len_utf8();
            if f >= r.end {
                out.push(start.take().unwrap_or(i)..i + c.len_utf8());
                want.next();
            }
        }
        out
    }
}

fn split_ellipses(quote: &str) -> Vec<String> {
    let mut parts = vec![quote.to_string()];
    for e in ELLIPSES {
        parts = parts
            .iter()
            .flat_map(|p| p.split(e).map(str::to_string))
            .collect();
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotations_of_every_kind_are_found_in_answers() {
        let a = "合同约定「乙方应按逾期交货部分货款的0.5%」，且“累计不超过合同总额的10%”。\
                 See \"the total is capped at 10%\" and 『短』.";
        let q: Vec<_> = quotes_in(a).into_iter().map(|q| q.text).collect();
        assert_eq!(
            q,
            [
                "乙方应按逾期交货部分货款的0.5%",
                "累计不超过合同总额的10%",
                "the total is capped at 10%"
            ]
        );
        let first = &quotes_in(a)[0];
        assert_eq!(&a[first.span.clone()], "「乙方应按逾期交货部分货款的0.5%」");
    }

    #[test]
    fn pdf_line_breaks_spaced_cjk_and_full_width_digits_still_match() {
        let pdf = "第一批货物于 2026 年 5 月 15 日前交付。\n7.1 乙方应按逾期交\n货部分货款的 0.5%向甲方支付违约金";
        let doc = Folded::new(pdf);
        let r = doc.find("乙方应按逾期交货部分货款的０．５％").unwrap();
        assert_eq!(&pdf[r], "乙方应按逾期交\n货部分货款的 0.5%");
        let r = doc.find("2026年5月15日前交付").unwrap();
        assert_eq!(&pdf[r], "2026 年 5 月 15 日前交付");
        assert!(doc.find("乙方应按逾期交货部分货款的1%").is_none());
    }

    #[test]
    fn an_ellipsis_far_into_cjk_text_is_looked_for_within_whole_characters() {
        // The window after the first part ends inside a 3-byte character unless cut at one.
        let text = format!("甲{}丙", "乙".repeat(2000));
        let doc = Folded::new(&text);
        assert!(doc.find("甲……丙").is_none(), "too far apart");
        assert!(doc.find("甲……乙乙").is_some());
    }

    #[test]
    fn every_occurrence_maps_back_to_the_original() {
        let text = "违约 金。\n违约\n金，违约金";
        let doc = Folded::new(text);
        let all: Vec<&str> = doc
            .find_all("违约金", 10)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(all, ["违约 金", "违约\n金", "违约金"]);
        assert_eq!(doc.find_all("违约金", 2).len(), 2);
        assert!(doc.find_all(" ", 10).is_empty());
    }

    #[test]
    fn an_ellipsis_skips_text_and_case_is_ignored() {
        let text =
            "Total revenue was USD 12.48 million, up 8.6% from USD 11.49 million in Q3 2025.";
        let doc = Folded::new(text);
        let r = doc.find("total revenue was … up 8.6%").unwrap();
        assert_eq!(&text[r], "Total revenue was USD 12.48 million, up 8.6%");
        assert!(doc.find("total revenue was … down 8.6%").is_none());
    }
}
