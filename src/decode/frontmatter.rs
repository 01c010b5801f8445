//! Splitting a Markdown record into its YAML front matter and Markdown body, keeping
//! track of where each starts so diagnostics can use the file's own line numbers.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// 1-based line of the file where `yaml` starts (the line after the opening `---`).
    pub yaml_line: usize,
    pub body: &'a str,
    /// 1-based line of the file where `body` starts.
    pub body_line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    #[error("the record does not start with front matter")]
    Missing,
    #[error("the front matter is not closed")]
    Unterminated,
}

impl SplitError {
    pub fn text(&self) -> crate::diagnostics::Text {
        match self {
            SplitError::Missing => crate::tr!(
                "the record does not start with front matter",
                "tệp không bắt đầu bằng phần thông tin (front matter)"
            ),
            SplitError::Unterminated => crate::tr!(
                "the front matter is not closed",
                "phần thông tin (front matter) chưa được đóng"
            ),
        }
    }

    pub fn help(&self) -> crate::diagnostics::Text {
        match self {
            SplitError::Missing => crate::tr!(
                "start the file with a line `---`, then the fields, then another `---`",
                "mở đầu tệp bằng dòng `---`, rồi các trường, rồi thêm một dòng `---`"
            ),
            SplitError::Unterminated => crate::tr!(
                "add a line `---` after the last field, before the Markdown text",
                "thêm dòng `---` sau trường cuối cùng, trước phần nội dung Markdown"
            ),
        }
    }
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

/// Splits `---\n<yaml>\n---\n<body>`. The text must already use `\n` line endings.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().ok_or(SplitError::Missing)?;
    if !is_fence(first) {
        return Err(SplitError::Missing);
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    for (line_no, line) in (2..).zip(lines) {
        if is_fence(line) {
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[offset + line.len()..],
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(SplitError::Unterminated)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn splits_yaml_and_body_with_line_numbers() {
        let s = split("---\ncode: \"1\"\ntitle: x\n---\n# Body\n").unwrap();
        assert_eq!(s.yaml, "code: \"1\"\ntitle: x\n");
        assert_eq!(s.yaml_line, 2);
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_line, 5);
    }

    #[test]
    fn fence_without_final_newline_is_fine() {
        let s = split("---\na: 1\n---").unwrap();
        assert_eq!(s.body, "");
    }

    #[test]
    fn missing_and_unterminated() {
        assert_eq!(split("# Title\n"), Err(SplitError::Missing));
        assert_eq!(split("---\na: 1\n"), Err(SplitError::Unterminated));
    }

    proptest! {
        #[test]
        fn split_inverts_join(
            yaml_lines in prop::collection::vec("[a-z: \"'#-]{0,20}", 0..8),
            body in "\\PC{0,80}",
        ) {
            let yaml_lines: Vec<String> = yaml_lines.into_iter().filter(|l| !is_fence(l)).collect();
            let yaml: String = yaml_lines.iter().map(|l| format!("{l}\n")).collect();
            let text = format!("---\n{yaml}---\n{body}");
            let s = split(&text).unwrap();
            prop_assert_eq!(s.yaml, yaml.as_str());
            prop_assert_eq!(s.body, body.as_str());
            prop_assert_eq!(s.body_line, yaml_lines.len() + 3);
        }
    }
}
