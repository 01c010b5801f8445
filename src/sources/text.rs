//! Reading a content file into normalised text: size-limited, UTF-8 checked, BOM
//! dropped and CRLF line endings turned into LF so line numbers match the editor's.

use std::io::Read;
use std::path::Path;

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
    #[error("cannot read the file: {0}")]
    Io(String),
}

impl ReadError {
    pub fn text(&self) -> crate::diagnostics::Text {
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
                "cannot read the file: {reason}",
                "không đọc được tệp: {reason}"
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
        }
    }
}

/// Reads `path` as text, refusing files over [`MAX_FILE_BYTES`] without reading them whole.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    let file = std::fs::File::open(path).map_err(|e| ReadError::Io(e.to_string()))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::Io(e.to_string()))?;
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
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        // Safe: the prefix up to `valid_up_to` is valid UTF-8 by definition.
        let prefix = std::str::from_utf8(valid).unwrap_or_default();
        let line = prefix.matches('\n').count() + 1;
        let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        ReadError::NotUtf8 { line, column }
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    };
    if text.trim().is_empty() {
        return Err(ReadError::Empty);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

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
