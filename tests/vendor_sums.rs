//! The vendored UI files are exactly the ones `ui/vendor/README.md` pins: each file listed has
//! the SHA-256 the table gives, and nothing is vendored that the table does not list.

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn vendor() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui/vendor")
}

/// `file here` → `SHA-256` from the README's table (the two last columns, in backticks).
fn pinned() -> BTreeMap<String, String> {
    let readme = std::fs::read_to_string(vendor().join("README.md")).unwrap();
    let mut out = BTreeMap::new();
    for line in readme.lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let ticked = |c: &str| {
            c.strip_prefix('`')
                .and_then(|c| c.strip_suffix('`'))
                .map(str::to_string)
        };
        let (Some(file), Some(sum)) = (
            cells
                .get(cells.len().wrapping_sub(2))
                .and_then(|c| ticked(c)),
            cells.last().and_then(|c| ticked(c)),
        ) else {
            continue;
        };
        if sum.len() == 64 && sum.bytes().all(|b| b.is_ascii_hexdigit()) {
            out.insert(file, sum.to_ascii_lowercase());
        }
    }
    out
}

#[test]
fn vendored_files_match_their_pinned_sha256() {
    let pinned = pinned();
    assert!(pinned.len() >= 4, "the table was read: {pinned:?}");
    for (file, sum) in &pinned {
        let bytes = std::fs::read(vendor().join(file))
            .unwrap_or_else(|e| panic!("{file} is listed but cannot be read: {e}"));
        assert_eq!(&hex::encode(Sha256::digest(&bytes)), sum, "{file}");
    }
    let on_disk: Vec<String> = std::fs::read_dir(vendor())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "README.md")
        .collect();
    for name in on_disk {
        assert!(
            pinned.contains_key(&name),
            "{name} is vendored but not pinned"
        );
    }
}
