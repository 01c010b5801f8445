//! The YAML parser's messages in Vietnamese. libyaml words a syntax error as a
//! problem and what it was doing ("did not find expected key, while parsing a block
//! mapping"), both from a fixed list: each part is said in Vietnamese, and a part not
//! in the list stays as the parser wrote it.

use crate::diagnostics::Text;

/// libyaml's problems, and what they mean to someone editing a record.
const PROBLEMS: &[(&str, &str)] = &[
    (
        "did not find expected key",
        "thiếu một khóa `tên: giá trị` ở đây",
    ),
    (
        "mapping values are not allowed in this context",
        "không được có `: ` ở đây (giá trị có dấu hai chấm phải đặt trong ngoặc kép)",
    ),
    (
        "did not find expected '-' indicator",
        "thiếu dấu `-` của một mục danh sách",
    ),
    (
        "could not find expected ':'",
        "thiếu dấu hai chấm `:` sau khóa",
    ),
    (
        "found character that cannot start any token",
        "gặp ký tự không được đứng đầu một giá trị (như `@`, `%` hoặc tab)",
    ),
    (
        "did not find expected hexadecimal number",
        "sau `\\x`, `\\u` hoặc `\\U` phải là chữ số hệ mười sáu",
    ),
    ("did not find expected ',' or ']'", "thiếu dấu `,` hoặc `]`"),
    ("did not find expected ',' or '}'", "thiếu dấu `,` hoặc `}`"),
    (
        "block sequence entries are not allowed in this context",
        "không được có mục danh sách `- ` ở đây",
    ),
    (
        "did not find expected alphabetic or numeric character",
        "sau `&` hoặc `*` phải có một cái tên (chữ hoặc số)",
    ),
    (
        "did not find expected comment or line break",
        "sau `|` hoặc `>` chỉ được có chú thích hoặc xuống dòng",
    ),
    (
        "found unknown escape character",
        "gặp một mã thoát `\\` không có trong YAML",
    ),
    (
        "found invalid Unicode character escape code",
        "mã thoát Unicode không hợp lệ",
    ),
    ("did not find expected tag URI", "thẻ `!` không hợp lệ"),
    (
        "found a tab character that violates indentation",
        "gặp ký tự tab ở chỗ thụt lề (chỉ được thụt lề bằng dấu cách)",
    ),
    (
        "found a tab character where an indentation space is expected",
        "gặp ký tự tab ở chỗ thụt lề (chỉ được thụt lề bằng dấu cách)",
    ),
    (
        "mapping keys are not allowed in this context",
        "không được có khóa `? ` ở đây",
    ),
    ("did not find expected node content", "thiếu một giá trị"),
    ("found unexpected end of stream", "tệp đã hết mà chưa đóng"),
    (
        "found unexpected document indicator",
        "gặp dòng `---` hoặc `...` ở giữa",
    ),
    (
        "could not find expected directive name",
        "chỉ thị `%` không hợp lệ",
    ),
    ("found unknown directive name", "chỉ thị `%` không hợp lệ"),
    (
        "did not find expected <document start>",
        "thiếu dòng `---` mở đầu",
    ),
    ("found undefined tag handle", "thẻ `!` chưa được khai báo"),
    (
        "control characters are not allowed",
        "không được có ký tự điều khiển",
    ),
    ("unknown anchor", "bí danh `*` gọi một neo `&` không có"),
    (
        "repetition limit exceeded",
        "bí danh `*` lặp lại giá trị quá nhiều lần",
    ),
    ("recursion limit exceeded", "các giá trị lồng nhau quá sâu"),
    (
        "deserializing from YAML containing more than one document is not supported",
        "tệp có hơn một tài liệu YAML (thừa một dòng `---`?)",
    ),
];

/// What libyaml was doing when it found the problem.
const CONTEXTS: &[(&str, &str)] = &[
    ("while parsing a block mapping", "khi đọc các khóa"),
    ("while parsing a block collection", "khi đọc một danh sách"),
    ("while parsing a block node", "khi đọc một giá trị"),
    ("while parsing a node", "khi đọc một giá trị"),
    ("while scanning a simple key", "khi đọc một khóa"),
    ("while scanning for the next token", ""),
    (
        "while parsing a quoted scalar",
        "khi đọc một chuỗi trong ngoặc",
    ),
    (
        "while scanning a quoted scalar",
        "khi đọc một chuỗi trong ngoặc",
    ),
    (
        "while parsing a flow sequence",
        "khi đọc một danh sách `[…]`",
    ),
    ("while parsing a flow mapping", "khi đọc một bảng `{…}`"),
    (
        "while parsing a flow node",
        "khi đọc một giá trị trong `[…]` hoặc `{…}`",
    ),
    ("while scanning an alias", "khi đọc một bí danh `*`"),
    ("while scanning an anchor", "khi đọc một neo `&`"),
    (
        "while scanning a block scalar",
        "khi đọc một khối văn bản `|` hoặc `>`",
    ),
    ("while parsing a tag", "khi đọc một thẻ `!`"),
    ("while scanning a tag", "khi đọc một thẻ `!`"),
    ("while scanning a plain scalar", "khi đọc một giá trị"),
    ("while scanning a directive", "khi đọc một chỉ thị `%`"),
];

/// The parser's `message` (positions already taken out), in both languages.
pub fn of(message: &str) -> Text {
    if let Some((within, key)) = super::duplicate_key(message) {
        let within = if within.is_empty() {
            String::new()
        } else {
            format!("{within}: ")
        };
        return Text {
            en: message.to_string(),
            vi: format!("{within}khóa `{key}` có hai lần"),
        };
    }
    let (problem, context) = match message.split_once(", while ") {
        Some((problem, _)) => (problem, &message[problem.len() + 2..]),
        None => (message, ""),
    };
    let said = |list: &[(&str, &'static str)], words: &str| {
        list.iter()
            .find(|(en, _)| *en == words)
            .map(|(_, vi)| vi.to_string())
    };
    let vi_problem = said(PROBLEMS, problem).unwrap_or_else(|| problem.to_string());
    let vi = match said(CONTEXTS, context) {
        _ if context.is_empty() => vi_problem,
        Some(vi_context) if vi_context.is_empty() => vi_problem,
        Some(vi_context) => format!("{vi_problem}, {vi_context}"),
        None => format!("{vi_problem}, {context}"),
    };
    Text {
        en: message.to_string(),
        vi,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_and_context_are_said_in_vietnamese() {
        let text = of("did not find expected key, while parsing a block mapping");
        assert_eq!(
            text.vi,
            "thiếu một khóa `tên: giá trị` ở đây, khi đọc các khóa"
        );
        assert_eq!(
            text.en,
            "did not find expected key, while parsing a block mapping"
        );
        // A context that adds nothing for an editor is left out.
        let text =
            of("found character that cannot start any token, while scanning for the next token");
        assert!(
            text.vi.starts_with("gặp ký tự không được đứng đầu"),
            "{}",
            text.vi
        );
        assert!(!text.vi.contains("while"), "{}", text.vi);
    }

    #[test]
    fn words_not_in_the_list_stay_as_the_parser_wrote_them() {
        let text = of("found something new, while doing something new");
        assert_eq!(text.vi, "found something new, while doing something new");
        let text = of("channels[0].time: duplicate entry with key \"text\"");
        assert_eq!(text.vi, "channels[0].time: khóa `text` có hai lần");
        let text = of("unknown anchor");
        assert_eq!(text.vi, "bí danh `*` gọi một neo `&` không có");
    }

    /// Every message the parser gives for the broken records of a real handbook
    /// is Vietnamese: the problems and contexts met in a mutation run of the real
    /// records, by frequency.
    #[test]
    fn the_common_syntax_errors_are_all_in_vietnamese() {
        for message in [
            "did not find expected key, while parsing a block mapping",
            "mapping values are not allowed in this context",
            "did not find expected '-' indicator, while parsing a block collection",
            "could not find expected ':', while scanning a simple key",
            "did not find expected hexadecimal number, while parsing a quoted scalar",
            "did not find expected ',' or ']', while parsing a flow sequence",
            "block sequence entries are not allowed in this context",
            "did not find expected alphabetic or numeric character, while scanning an alias",
            "deserializing from YAML containing more than one document is not supported",
            "did not find expected ',' or '}', while parsing a flow mapping",
            "did not find expected comment or line break, while scanning a block scalar",
            "found unknown escape character, while parsing a quoted scalar",
            "did not find expected tag URI, while parsing a tag",
            "found a tab character that violates indentation, while scanning a plain scalar",
            "found unexpected end of stream, while scanning a quoted scalar",
        ] {
            let vi = of(message).vi;
            assert!(
                !vi.contains("found") && !vi.contains("while") && !vi.contains("expected"),
                "{message} → {vi}"
            );
        }
    }
}
