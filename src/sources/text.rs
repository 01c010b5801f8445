//! Reading a content file into normalised text: size-limited, UTF-8 checked, BOM
//! dropped and CRLF line endings turned into LF so line numbers match the editor's.

use std::io::Read;
use std::path::Path;

use crate::diagnostics::Text;

/// Records are 94 KB at most in the national database; 2 MB leaves room for long
/// local notes while keeping a runaway file from eating memory.
pub const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReadError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is {size} bytes; a content file may be at most {max} bytes")]
    TooLarge { size: u64, max: u64 },
    #[error("the file is not valid UTF-8 (line {line}, column {column})")]
    NotUtf8 { line: usize, column: usize },
    /// What the system said, in both languages.
    #[error("cannot read the file: {}", .0.en)]
    Io(Text),
    /// A FIFO, device or socket: reading it could wait forever.
    #[error("not a regular file")]
    NotAFile,
}

impl ReadError {
    pub fn text(&self) -> Text {
        use crate::tr;
        match self {
            ReadError::Empty => tr!("the file is empty", "tệp trống"),
            ReadError::TooLarge { size, max } => tr!(
                "the file is {size} bytes; a content file may be at most {max} bytes",
                "tệp nặng {size} byte; mỗi tệp nội dung chỉ được tối đa {max} byte"
            ),
            ReadError::NotUtf8 { line, column } => tr!(
                "the file is not valid UTF-8 (line {line}, column {column})",
                "tệp không phải UTF-8 hợp lệ (dòng {line}, cột {column})"
            ),
            ReadError::Io(reason) => tr!(
                "cannot read the file: {}",
                "không đọc được tệp: {}";
                reason
            ),
            ReadError::NotAFile => tr!(
                "this is not a regular file (a folder, pipe, device or socket)",
                "đây không phải tệp thông thường (thư mục, ống dẫn, thiết bị hoặc socket)"
            ),
        }
    }

    pub fn help(&self) -> crate::diagnostics::Text {
        use crate::tr;
        match self {
            ReadError::Empty => tr!(
                "write the record's fields, or delete the file",
                "viết các trường của hồ sơ, hoặc xóa tệp"
            ),
            ReadError::TooLarge { .. } => tr!(
                "move long texts into a linked document; a record should hold what a citizen needs to prepare",
                "chuyển các đoạn dài sang tài liệu đính kèm; hồ sơ chỉ nên chứa những gì người dân cần chuẩn bị"
            ),
            ReadError::NotUtf8 { .. } => tr!(
                "save the file as UTF-8 (most editors: File → Save with encoding → UTF-8)",
                "lưu tệp dạng UTF-8 (trong đa số trình soạn thảo: File → Save with encoding → UTF-8)"
            ),
            ReadError::Io(_) => tr!(
                "check that the file exists and is readable",
                "kiểm tra tệp có tồn tại và có quyền đọc"
            ),
            ReadError::NotAFile => tr!(
                "replace it with a text file, or move it out of the handbook folder",
                "thay bằng một tệp văn bản, hoặc chuyển nó ra khỏi thư mục sổ tay"
            ),
        }
    }
}

/// Reads `path` as text, refusing files over [`MAX_FILE_BYTES`] without reading them whole.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    let meta = std::fs::metadata(path).map_err(|e| ReadError::Io(Text::of_system(&e)))?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile);
    }
    let file = std::fs::File::open(path).map_err(|e| ReadError::Io(Text::of_system(&e)))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::Io(Text::of_system(&e)))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        let size = std::fs::metadata(path).map_or(bytes.len() as u64, |m| m.len());
        return Err(ReadError::TooLarge {
            size,
            max: MAX_FILE_BYTES,
        });
    }
    decode_text(bytes)
}

/// UTF-8 check, BOM removal and line-ending normalisation of a file's bytes.
pub fn decode_text(bytes: Vec<u8>) -> Result<String, ReadError> {
    // Checked with SIMD: the standard check was 7 % of decoding a record.
    let text = match crate::text::utf8(&bytes) {
        // SAFETY: the bytes were just found to be valid UTF-8.
        Some(_) => unsafe { String::from_utf8_unchecked(bytes) },
        None => not_utf8(bytes)?,
    };
    // Most files have neither: they are kept as read, not copied.
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    };
    if text.trim().is_empty() {
        return Err(ReadError::Empty);
    }
    Ok(text)
}

/// Where `bytes`, which are not UTF-8, first stop being so.
fn not_utf8(bytes: Vec<u8>) -> Result<String, ReadError> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        // Safe: the prefix up to `valid_up_to` is valid UTF-8 by definition.
        let prefix = std::str::from_utf8(valid).unwrap_or_default();
        let line = prefix.matches('\n').count() + 1;
        let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        ReadError::NotUtf8 { line, column }
    })
}

/// `text` with control characters (which the YAML parser refuses at a wrong place)
/// replaced by spaces, one character for one, so every other problem is still found and every
/// column stays where it was. The characters themselves are reported by
/// [`unusual_characters`].
pub fn without_controls(text: String) -> String {
    let controls = |c: char| c.is_control() && !matches!(c, '\n' | '\t');
    if !may_hold_control(&text) {
        return text;
    }
    text.chars()
        .map(|c| if controls(c) { ' ' } else { c })
        .collect()
}

/// A character a content file should not hold, and how bad it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unusual {
    /// NUL and other control characters, and bidi embeddings, overrides and isolates:
    /// they hide or reorder what a page shows.
    Forbidden(char),
    /// Zero-width and direction marks: invisible, never needed in Vietnamese text.
    Invisible(char),
}

/// Whether `text` holds an unusual character, from its bytes: every one of them is
/// a control byte, or C1 control (0xC2 0x80–0x9F), a mark or override (0xE2 …) or
/// U+FEFF (0xEF 0xBB 0xBF), which are told from dashes and quotes (0xE2, in most
/// real records) by their next bytes. Most files are cleared here in one SIMD pass,
/// without decoding a character (read a character at a time, 100 MB of records
/// took a twentieth of a cold build).
fn may_hold_unusual(text: &str) -> bool {
    let bytes = text.as_bytes();
    has_control_byte(bytes)
        || memchr::memchr3_iter(0xc2, 0xe2, 0xef, bytes).any(|at| {
            matches!(
                bytes[at..],
                [0xc2, 0x80..=0x9f, ..]
                    | [0xe2, 0x80, 0x8b..=0x8f | 0xaa..=0xae, ..]
                    | [0xe2, 0x81, 0xa0 | 0xa6..=0xa9, ..]
                    | [0xef, 0xbb, 0xbf, ..]
            )
        })
}

/// Whether `text` can hold a control character, from its bytes: C0 controls and DEL
/// are bytes of their own, C1 controls are 0xC2 0x80–0x9F. Dashes and arrows (0xE2),
/// which most real records hold, are not looked at.
fn may_hold_control(text: &str) -> bool {
    let bytes = text.as_bytes();
    has_control_byte(bytes)
        || memchr::memchr_iter(0xc2, bytes).any(|at| matches!(bytes[at..], [0xc2, 0x80..=0x9f, ..]))
}

/// Whether `bytes` hold a C0 control other than a tab or a line break, or DEL.
/// Folded over blocks without stopping early, which the compiler makes SIMD.
fn has_control_byte(bytes: &[u8]) -> bool {
    bytes.chunks(64).any(|block| {
        block.iter().fold(false, |found, &b| {
            found | ((b < 0x20) & (b != b'\t') & (b != b'\n')) | (b == 0x7f)
        })
    })
}

/// Every unusual character of `text`: its 1-based line, byte range in that line, and kind.
pub fn unusual_characters(text: &str) -> Vec<(usize, std::ops::Range<usize>, Unusual)> {
    if !may_hold_unusual(text) {
        return Vec::new();
    }
    each_unusual_character(text)
}

/// [`unusual_characters`], a character at a time.
fn each_unusual_character(text: &str) -> Vec<(usize, std::ops::Range<usize>, Unusual)> {
    let mut found = Vec::new();
    for (line_no, line) in text.split('\n').enumerate() {
        // Plain ASCII letters are most of every file: skip them quickly.
        if line
            .bytes()
            .all(|b| (0x20..0x7f).contains(&b) || b == b'\t')
        {
            continue;
        }
        for (i, c) in line.char_indices() {
            let kind = match c {
                '\t' => continue,
                c if c.is_control() => Unusual::Forbidden(c),
                '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => Unusual::Forbidden(c),
                '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}' => Unusual::Invisible(c),
                _ => continue,
            };
            found.push((line_no + 1, i..i + c.len_utf8(), kind));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_controls_overrides_and_invisible_marks() {
        let text = "title: \"Khai sinh\u{202e}\"\nok\n\ta\u{0}b \u{200e}c";
        let found = unusual_characters(text);
        assert_eq!(
            found,
            vec![
                (1, 17..20, Unusual::Forbidden('\u{202e}')),
                (3, 2..3, Unusual::Forbidden('\u{0}')),
                (3, 5..8, Unusual::Invisible('\u{200e}')),
            ]
        );
        assert!(unusual_characters("Thủ tục đăng ký khai sinh\n\tĐất đai").is_empty());
    }

    #[test]
    fn the_byte_checks_pass_exactly_the_characters_the_rules_find() {
        let controls = |c: char| c.is_control() && !matches!(c, '\n' | '\t');
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            // Amid Vietnamese text and a dash, as the characters come in records.
            let text = format!("Đất – a{c}b");
            assert_eq!(
                may_hold_unusual(&text),
                !each_unusual_character(&text).is_empty(),
                "U+{:04X}",
                c as u32
            );
            assert_eq!(may_hold_control(&text), controls(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn controls_become_spaces_and_dashes_stay() {
        let text = "Phí – 10.000 đồng → miễn\u{0}\u{7f}\u{85}\u{9f}\n\tx\u{a0}";
        assert_eq!(
            without_controls(text.to_string()),
            "Phí – 10.000 đồng → miễn    \n\tx\u{a0}"
        );
        let clean = "Thủ tục – “đăng ký” → Đất đai\n\tÂ";
        assert_eq!(without_controls(clean.to_string()), clean);
    }

    #[test]
    fn drops_bom_and_crlf() {
        let text = decode_text(b"\xef\xbb\xbf---\r\ncode: x\r\n---\r\n".to_vec()).unwrap();
        assert_eq!(text, "---\ncode: x\n---\n");
    }

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let err = decode_text(b"---\ntitle: ab\xff\n".to_vec()).unwrap_err();
        assert_eq!(
            err,
            ReadError::NotUtf8 {
                line: 2,
                column: 10
            }
        );
    }

    #[test]
    fn blank_file_is_empty() {
        assert_eq!(
            decode_text(b" \n\n".to_vec()).unwrap_err(),
            ReadError::Empty
        );
    }
}
