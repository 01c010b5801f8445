//! Vietnamese-aware text helpers: NFC normalisation, diacritic folding and slugs.
//!
//! Folding is what makes "dat dai" find "đất đai"; slugs use the same folding so a
//! title and its URL agree.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Text in Unicode NFC, the form every value is stored in.
pub fn nfc(text: &str) -> String {
    // Almost all text already is NFC; the quick check avoids re-composing it.
    match unicode_normalization::is_nfc_quick(text.chars()) {
        unicode_normalization::IsNormalized::Yes => text.to_string(),
        _ => text.nfc().collect(),
    }
}

/// Lowercases and strips every Vietnamese tone and vowel mark; đ becomes d.
///
/// Decomposing first (NFD) makes composed, decomposed and old/new tone placement
/// ("hòa"/"hoà") fold to the same letters.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
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
    fn folds_vietnamese_marks_and_d() {
        assert_eq!(fold("ĐẤT ĐAI"), "dat dai");
        assert_eq!(fold("Giấy khai sinh"), "giay khai sinh");
        assert_eq!(fold("hòa"), fold("hoà"));
        assert_eq!(fold("quyền sử dụng đất"), "quyen su dung dat");
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
