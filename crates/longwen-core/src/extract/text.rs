//! Plain text (TXT, MD, CSV, JSON): a byte-order mark, then strict UTF-8, then a guess
//! (`chardetng`) decoded with `encoding_rs`, because GBK files are common.

use super::{Extracted, NoPreview};
use encoding_rs::{Encoding, UTF_8};

/// How many leading bytes are looked at for NUL (binary input).
const SNIFF: usize = 8192;

pub(super) fn decode(bytes: &[u8]) -> Result<Extracted, NoPreview> {
    if bytes.is_empty() {
        return Err(NoPreview::Empty);
    }
    let (text, encoding) = match Encoding::for_bom(bytes) {
        Some((enc, bom)) => (decode_with(enc, &bytes[bom..]), enc),
        None if bytes[..bytes.len().min(SNIFF)].contains(&0) => return Err(NoPreview::Binary),
        None => match std::str::from_utf8(bytes) {
            Ok(s) => (s.to_string(), UTF_8),
            Err(_) => {
                let mut detector =
                    chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
                detector.feed(bytes, true);
                let enc = detector.guess(None, chardetng::Utf8Detection::Allow);
                (decode_with(enc, bytes), enc)
            }
        },
    };
    // CRLF as LF, so offsets and quotes do not trip over carriage returns.
    let text = text.replace("\r\n", "\n");
    if text.trim().is_empty() {
        return Err(NoPreview::Empty);
    }
    Ok(Extracted {
        encoding: Some(encoding.name().to_string()),
        ..Extracted::plain(text)
    })
}

fn decode_with(enc: &'static Encoding, bytes: &[u8]) -> String {
    enc.decode_without_bom_handling(bytes).0.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boms_utf8_and_gbk_are_read() {
        let bom = [&[0xEF, 0xBB, 0xBF][..], "客户编号,名称\r\n".as_bytes()].concat();
        let e = decode(&bom).unwrap();
        assert_eq!(e.text, "客户编号,名称\n");
        assert_eq!(e.encoding.as_deref(), Some("UTF-8"));

        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("产假".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&utf16).unwrap().text, "产假");

        let (gbk, _, _) = encoding_rs::GBK.encode("第五章 考勤与休假管理，产假一百五十八天。");
        let e = decode(&gbk).unwrap();
        assert_eq!(e.text, "第五章 考勤与休假管理，产假一百五十八天。");
        assert!(
            matches!(e.encoding.as_deref(), Some("GBK" | "gb18030")),
            "{e:?}"
        );
    }

    #[test]
    fn binary_and_blank_input_give_no_preview() {
        assert_eq!(decode(b"MZ\x00\x00\x90").unwrap_err(), NoPreview::Binary);
        assert_eq!(decode(b"").unwrap_err(), NoPreview::Empty);
        assert_eq!(decode(b" \r\n\t").unwrap_err(), NoPreview::Empty);
    }
}
