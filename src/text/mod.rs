//! Vietnamese-aware text helpers: NFC normalisation, diacritic folding and slugs.
//!
//! Folding is what makes "dat dai" find "đất đai"; slugs use the same folding so a
//! title and its URL agree.

pub mod collate;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// `bytes` as text when they are UTF-8. Checked with SIMD: Vietnamese is mostly
/// letters of two and three bytes, which std's check takes one at a time, and
/// checking the cached records' and the last catalogue's strings that way was a
/// third of decoding them.
pub fn utf8(bytes: &[u8]) -> Option<&str> {
    simdutf8::basic::from_utf8(bytes).ok()
}

/// Text in Unicode NFC, the form every value is stored in.
pub fn nfc(text: &str) -> String {
    // Almost all text already is NFC; the quick check avoids re-composing it, and
    // text of Latin letters alone (Vietnamese's included) needs no look at a table.
    if text.chars().all(always_nfc) {
        return text.to_string();
    }
    match unicode_normalization::is_nfc_quick(text.chars()) {
        unicode_normalization::IsNormalized::Yes => text.to_string(),
        _ => text.nfc().collect(),
    }
}

/// Whether `c` is NFC in any text: below the combining marks (U+0300), or a Latin
/// letter with its marks composed (U+1E00 to U+1EFF): no such character combines
/// or reorders with its neighbours. Checking each in a table was a tenth of decoding.
fn always_nfc(c: char) -> bool {
    c < '\u{300}' || ('\u{1E00}'..='\u{1EFF}').contains(&c)
}

/// Lowercases and strips every Vietnamese tone and vowel mark; đ becomes d.
///
/// Decomposing first (NFD) makes composed, decomposed and old/new tone placement
/// ("hòa"/"hoà") fold to the same letters.
///
/// The browser's search runs the same steps (`fold` in the theme's `search.js`:
/// NFD, drop marks, đ→d, lowercase the whole string); a test keeps the two equal.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// [`fold`] into a buffer the caller reuses (indexing folds millions of words).
pub fn fold_into(text: &str, out: &mut String) {
    out.clear();
    if text.is_ascii() {
        out.push_str(text);
        out.make_ascii_lowercase();
        return;
    }
    for c in text.chars() {
        match c {
            'đ' | 'Đ' => out.push('d'),
            c if c.is_ascii() => out.push(c),
            c => match latin_letter(c) {
                Some(letter) => out.push(letter),
                None => without_marks(c, out),
            },
        }
    }
    // Folded Vietnamese is ASCII, lowercased byte by byte.
    if out.is_ascii() {
        out.make_ascii_lowercase();
        return;
    }
    // Whole-string lowercasing, like JavaScript's, treats a final Σ the same way.
    if out
        .chars()
        .any(|c| !c.is_lowercase() && c.to_lowercase().next() != Some(c))
    {
        *out = out.to_lowercase();
    }
}

/// Decomposing char by char and dropping the marks is NFD without the reordering,
/// which only moves marks about.
fn without_marks(c: char, out: &mut String) {
    unicode_normalization::char::decompose_canonical(c, |d| {
        if !is_combining_mark(d) {
            out.push(d)
        }
    })
}

/// The Latin letters with marks (U+00C0 to U+024F, U+1E00 to U+1EFF: every
/// Vietnamese one) that [`without_marks`] makes one letter, looked up in a table
/// it fills once: decomposing each took a tenth of indexing the records.
fn latin_letter(c: char) -> Option<char> {
    static LETTERS: CharTable<char> = CharTable::new(&[0xC0..0x250, 0x1E00..0x1F00]);
    LETTERS.get(c, |c| {
        let mut letter = String::new();
        without_marks(c, &mut letter);
        let mut chars = letter.chars();
        chars.next().filter(|_| chars.next().is_none())
    })
}

/// A value for each character of some ranges, worked out for all of them the first
/// time one is asked for: what decomposing a letter gives, looked up instead.
pub(crate) struct CharTable<T: 'static> {
    ranges: &'static [std::ops::Range<u32>],
    values: std::sync::OnceLock<Vec<Option<T>>>,
}

impl<T: Copy> CharTable<T> {
    pub(crate) const fn new(ranges: &'static [std::ops::Range<u32>]) -> Self {
        CharTable {
            ranges,
            values: std::sync::OnceLock::new(),
        }
    }

    /// `c`'s value, as `value` gives it (every character of the ranges is given to
    /// it once); None for a character outside the ranges.
    pub(crate) fn get(&self, c: char, value: impl Fn(char) -> Option<T>) -> Option<T> {
        let values = self.values.get_or_init(|| {
            self.ranges
                .iter()
                .flat_map(Clone::clone)
                .map(|code| value(char::from_u32(code)?))
                .collect()
        });
        let code = u32::from(c);
        let mut at = 0;
        for range in self.ranges {
            if range.contains(&code) {
                return values[at + (code - range.start) as usize];
            }
            at += range.len();
        }
        None
    }
}

/// The words of a text as written: runs of letters, digits and their marks.
/// Search splits text into words here and in the browser alike.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty())
}

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    // Latin letters with marks, every Vietnamese one among them, without the slow
    // general lookup.
    let latin = matches!(c, '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}') && c != '×' && c != '÷';
    latin || c.is_alphanumeric() || is_combining_mark(c)
}

/// An ASCII slug for URLs and file names: "Đăng ký khai sinh" → "dang-ky-khai-sinh".
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in fold(text).chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(c);
        } else {
            pending_dash = true;
        }
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn characters_always_in_nfc_are_so_by_the_unicode_tables() {
        use unicode_normalization::char::canonical_combining_class;
        let always = (0..=char::MAX as u32)
            .filter_map(char::from_u32)
            .filter(|c| always_nfc(*c));
        for c in always {
            let alone = unicode_normalization::is_nfc_quick(std::iter::once(c));
            assert_eq!(
                alone,
                unicode_normalization::IsNormalized::Yes,
                "U+{:04X}",
                c as u32
            );
            assert_eq!(canonical_combining_class(c), 0, "U+{:04X}", c as u32);
        }
        assert_eq!(nfc("Tha\u{300}nh pho\u{302}\u{301}"), "Thành phố");
        assert_eq!(nfc("Đăng ký khai sinh"), "Đăng ký khai sinh");
    }

    #[test]
    fn the_table_of_latin_letters_folds_as_decomposing_does() {
        let letters = (0xC0..0x250)
            .chain(0x1E00..0x1F00)
            .filter_map(char::from_u32);
        for c in letters.filter(|c| !matches!(c, 'đ' | 'Đ')) {
            let mut decomposed = String::new();
            without_marks(c, &mut decomposed);
            assert_eq!(fold(&c.to_string()), decomposed.to_lowercase(), "{c}");
        }
    }

    #[test]
    fn folds_vietnamese_marks_and_d() {
        assert_eq!(fold("ĐẤT ĐAI"), "dat dai");
        assert_eq!(fold("Giấy khai sinh"), "giay khai sinh");
        assert_eq!(fold("hòa"), fold("hoà"));
        assert_eq!(fold("quyền sử dụng đất"), "quyen su dung dat");
    }

    #[test]
    fn words_keep_their_marks_and_split_on_punctuation() {
        let decomposed: String = "khai sinh".nfd().collect();
        assert_eq!(
            words("Đăng ký (khai sinh), 1.001193").collect::<Vec<_>>(),
            ["Đăng", "ký", "khai", "sinh", "1", "001193"]
        );
        assert_eq!(words(&decomposed).count(), 2);
    }

    #[test]
    fn nfc_composes_decomposed_text() {
        let decomposed: String = "Đăng ký khai sinh".nfd().collect();
        assert_ne!(decomposed, "Đăng ký khai sinh");
        assert_eq!(nfc(&decomposed), "Đăng ký khai sinh");
    }

    #[test]
    fn slugs_read_like_the_title() {
        assert_eq!(slugify("Đăng ký khai sinh"), "dang-ky-khai-sinh");
        assert_eq!(
            slugify("  Thủ tục: cấp bản sao (từ sổ gốc)! "),
            "thu-tuc-cap-ban-sao-tu-so-goc"
        );
        assert_eq!(slugify("1.000593"), "1-000593");
    }

    proptest! {
        #[test]
        fn slug_is_ascii_lowercase_with_single_dashes(s in "\\PC{0,60}") {
            let slug = slugify(&s);
            prop_assert!(slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
            prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"));
        }

        #[test]
        fn folding_ignores_composition_and_case(s in "[a-zA-Zàáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ ]{0,40}") {
            let decomposed: String = s.nfd().collect();
            prop_assert_eq!(fold(&s), fold(&decomposed));
            prop_assert_eq!(fold(&s.to_uppercase()), fold(&s));
        }

        #[test]
        fn slug_is_idempotent(s in "\\PC{0,60}") {
            let once = slugify(&s);
            prop_assert_eq!(slugify(&once), once.clone());
        }
    }
}
