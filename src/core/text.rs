//! Two string helpers in place of std's: `join` and `chars().count()` are each copied into the
//! wasm per use (std's `join` is ~1 KB per element type, `chars().count()` a 0.8 KB SIMD-style
//! counter), for strings the core keeps short.

use crate::core::prelude::*;

/// `items` joined by `sep`, as `[a, b].join(sep)` would.
pub fn join<S: AsRef<str>>(items: impl IntoIterator<Item = S>, sep: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(item.as_ref());
    }
    out
}

/// `n` in decimal, as `n.to_string()` would, without `core::fmt` (its formatter machinery
/// costs the wasm ~3 KB).
pub fn number(n: u64) -> String {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    digits[at..].iter().map(|&d| char::from(d)).collect()
}

/// The parts one after another, as `format!` of strings would.
pub fn concat(parts: &[&str]) -> String {
    join(parts, "")
}

/// How many characters `text` holds, as `text.chars().count()` would: the bytes that are not
/// a UTF-8 continuation byte.
pub fn char_count(text: &str) -> usize {
    text.bytes().filter(|&b| b & 0xC0 != 0x80).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_as_std_does() {
        let cases: [&[&str]; 4] = [&[], &["a"], &["a", "", "b"], &["Họ tên", "Số CCCD"]];
        for items in cases {
            assert_eq!(join(items, ", "), items.join(", "));
            assert_eq!(
                join(items.iter().map(|s| s.to_string()), ";"),
                items.join(";")
            );
        }
    }

    #[test]
    fn writes_numbers_as_std_does() {
        let mut n = 1u64;
        let mut samples = vec![0, 9, 10, 99, 100, u64::MAX, u64::MAX - 1];
        while n < u64::MAX / 7 {
            samples.push(n);
            samples.push(n - 1);
            n = n * 7 + 3;
        }
        for n in samples {
            assert_eq!(number(n), n.to_string());
        }
        assert_eq!(concat(&["a", "", "bc"]), "abc");
    }

    #[test]
    fn counts_characters_as_std_does() {
        for text in [
            "",
            "abc",
            "Nguyễn Văn An",
            "０９１２",
            "🇻🇳 Hà Nội",
            "\u{0301}e",
        ] {
            assert_eq!(char_count(text), text.chars().count(), "{text}");
        }
    }
}
