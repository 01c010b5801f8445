//! One spelling for words Vietnamese writes two ways: kí/ký, lí/lý, mĩ/mỹ, hi/hy,
//! kĩ/kỹ, quí/quý. The index and the query both use it (search.js has the same rule
//! in `key`), so "dang ki khai sinh" finds "đăng ký khai sinh".

use crate::text::fold_into;

/// The index key of one word: folded, then respelled.
pub fn key(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    key_into(word, &mut out);
    out
}

/// [`key`] into a buffer the caller reuses.
pub fn key_into(word: &str, out: &mut String) {
    fold_into(word, out);
    respell(out);
}

/// A final `y` after a consonant (or after the `qu` of "quy") is written `i`: the
/// syllables are the same. `uy`, `ay`, `ây` and a word-initial `y` stay.
fn respell(folded: &mut String) {
    let bytes = folded.as_bytes();
    let n = bytes.len();
    if n < 2 || bytes[n - 1] != b'y' {
        return;
    }
    let before = bytes[n - 2];
    let consonant = b"bcdghklmnpqrstvx".contains(&before);
    let qu = before == b'u' && n >= 3 && bytes[n - 3] == b'q';
    if consonant || qu {
        folded.pop();
        folded.push('i');
    }
}

#[cfg(test)]
mod tests {
    use super::key;

    #[test]
    fn i_and_y_after_a_consonant_are_one_letter() {
        for (a, b) in [
            ("ký", "kí"),
            ("lý", "lí"),
            ("Mỹ", "mĩ"),
            ("hy", "hi"),
            ("kỹ", "kĩ"),
            ("quý", "quí"),
            ("tỷ", "tỉ"),
        ] {
            assert_eq!(key(a), key(b), "{a} {b}");
        }
        assert_eq!(key("đăng ký"), "dang ki");
        // Other syllables keep their y.
        for word in ["tuy", "hay", "thủy", "y", "yên", "quyết", "xây"] {
            assert!(key(word).contains('y'), "{word}");
        }
    }
}
