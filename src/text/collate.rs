//! Vietnamese alphabetical order: a ă â b c d đ e ê g … with letters first and tones
//! (none, huyền, hỏi, ngã, sắc, nặng) deciding only between otherwise equal words.

use unicode_normalization::UnicodeNormalization;

use super::CharTable;

/// A sort key: compare keys to sort texts the way a Vietnamese dictionary does.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct SortKey {
    letters: Vec<u32>,
    tones: Vec<u8>,
    original: String,
}

pub fn sort_key(text: &str) -> SortKey {
    by_table(text).unwrap_or_else(|| by_decomposing(text))
}

/// The characters below U+0250, from U+1E00 to U+1EFF (every Vietnamese letter, with
/// or without marks) and the general punctuation (dashes, quotes).
const TABLED: [std::ops::Range<u32>; 3] = [0..0x250, 0x1E00..0x1F00, 0x2000..0x2070];

/// [`sort_key`] of a text whose characters are all in [`TABLED`], each looked up in
/// a table [`by_decomposing`] fills once: decomposing every title took a tenth of
/// taking the records from the cache. None for any other text, a decomposed one
/// included (its marks are not in the table).
fn by_table(text: &str) -> Option<SortKey> {
    static KEYS: CharTable<(u32, u8)> = CharTable::new(&TABLED);
    let mut letters = Vec::with_capacity(text.len());
    let mut tones = Vec::with_capacity(text.len());
    for c in text.chars() {
        let (letter, tone) = KEYS.get(c, |c| {
            let key = by_decomposing(&c.to_string());
            (key.letters.len() == 1).then(|| (key.letters[0], key.tones[0]))
        })?;
        letters.push(letter);
        tones.push(tone);
    }
    Some(SortKey {
        letters,
        tones,
        original: text.to_string(),
    })
}

/// [`sort_key`], decomposing the text and reading the marks of each letter.
fn by_decomposing(text: &str) -> SortKey {
    let mut letters = Vec::with_capacity(text.len());
    let mut tones = Vec::new();
    let mut chars = text.nfd().peekable();
    while let Some(c) = chars.next() {
        let base = c.to_lowercase().next().unwrap_or(c);
        let mut modifier = 0;
        let mut tone = 0;
        while let Some(&mark) = chars.peek() {
            match mark {
                '\u{0306}' => modifier = 1, // breve: ă
                '\u{0302}' => modifier = 2, // circumflex: â ê ô
                '\u{031B}' => modifier = 3, // horn: ơ ư
                '\u{0300}' => tone = 1,     // huyền
                '\u{0309}' => tone = 2,     // hỏi
                '\u{0303}' => tone = 3,     // ngã
                '\u{0301}' => tone = 4,     // sắc
                '\u{0323}' => tone = 5,     // nặng
                _ if unicode_normalization::char::is_combining_mark(mark) => {}
                _ => break,
            }
            chars.next();
        }
        letters.push(letter_rank(base, modifier));
        tones.push(tone);
    }
    SortKey {
        letters,
        tones,
        original: text.to_string(),
    }
}

/// Spaces and punctuation sort first, then digits, then letters with đ after d
/// and ă, â after a.
fn letter_rank(base: char, modifier: u32) -> u32 {
    match base {
        c if c.is_whitespace() => 0,
        c if c.is_ascii_digit() => 100 + c as u32,
        'đ' => 1_000 + ('d' as u32) * 4 + 1,
        c if c.is_alphabetic() => 1_000 + (c as u32) * 4 + modifier,
        c => 10 + (c as u32 % 80),
    }
}

/// Sorts `items` by the Vietnamese order of `text(item)`.
pub fn sort_by_text<T>(items: &mut [T], text: impl Fn(&T) -> &str) {
    items.sort_by_cached_key(|item| sort_key(text(item)));
}

/// The letter an index groups a title under: "Đăng ký" → "Đ", "ấn định" → "A".
pub fn index_letter(text: &str) -> String {
    let Some(first) = text.trim().chars().find(|c| c.is_alphanumeric()) else {
        return "#".into();
    };
    if first.is_ascii_digit() {
        return "0–9".into();
    }
    if first == 'đ' || first == 'Đ' {
        return "Đ".into();
    }
    let base = first.nfd().next().unwrap_or(first);
    base.to_uppercase().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(words: &[&str]) -> Vec<String> {
        let mut words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        sort_by_text(&mut words, |w| w);
        words
    }

    #[test]
    fn letters_in_vietnamese_order() {
        assert_eq!(
            sorted(&["đa", "da", "ê", "e", "â", "ă", "a", "b"]),
            ["a", "ă", "â", "b", "da", "đa", "e", "ê"]
        );
        assert_eq!(
            sorted(&["Đăng ký", "Dân số", "Cấp", "Xác nhận"]),
            ["Cấp", "Dân số", "Đăng ký", "Xác nhận"]
        );
    }

    #[test]
    fn tones_only_break_ties() {
        assert_eq!(
            sorted(&["mạ", "má", "mã", "mả", "mà", "ma"]),
            ["ma", "mà", "mả", "mã", "má", "mạ"]
        );
        // "bán" comes before "bao": letters first, tones after.
        assert_eq!(sorted(&["bao", "bán"]), ["bán", "bao"]);
    }

    #[test]
    fn the_table_keys_texts_as_decomposing_does() {
        let tabled: String = TABLED
            .iter()
            .flat_map(Clone::clone)
            .filter_map(char::from_u32)
            .collect();
        let texts = [
            tabled.as_str(),
            "Đăng ký khai sinh – “lưu động” (trẻ em dưới 6 tuổi)",
            "ẦẨẪẤẬ ằẳẵắặ ỳỷỹýỵ Ơ Ư Ǖ İ ß",
        ];
        for text in texts.into_iter().chain(tabled.split_inclusive(|_| true)) {
            assert_eq!(by_table(text), Some(by_decomposing(text)), "{text}");
        }
        // A decomposed text is not in the table: its marks are read as they come.
        let decomposed: String = "Đăng".nfd().collect();
        assert_eq!(by_table(&decomposed), None);
    }

    #[test]
    fn case_and_composition_do_not_matter() {
        let decomposed: String = "Đăng".nfd().collect();
        assert_eq!(sort_key("Đăng").letters, sort_key(&decomposed).letters);
        assert_eq!(sort_key("ĐĂNG").letters, sort_key("đăng").letters);
    }

    #[test]
    fn index_letters() {
        assert_eq!(index_letter("Đăng ký khai sinh"), "Đ");
        assert_eq!(index_letter("ấn định"), "A");
        assert_eq!(index_letter("\"Cấp\" lại"), "C");
        assert_eq!(index_letter("05 thủ tục"), "0–9");
    }
}
