//! Tera's messages in Vietnamese. Tera words its errors from a fixed set of
//! sentences with names filled in ("Unknown filter `sfe`"): each known sentence is
//! said in Vietnamese with the same names, and any other stays as Tera wrote it.

use crate::diagnostics::Text;

/// Tera's sentences and their Vietnamese, `{}` standing for the same text in both,
/// in order. A sentence is tried before any that begins like it but says less.
const SENTENCES: &[(&str, &str)] = &[
    ("Unknown filter `{}`", "không có bộ lọc (filter) `{}`"),
    ("Unknown test `{}`", "không có phép thử (test) `{}`"),
    ("Unknown function `{}`", "không có hàm `{}`"),
    (
        "Unknown component `{}`",
        "không có thành phần (component) `{}`",
    ),
    ("Unknown template `{}`", "không có mẫu trang `{}`"),
    ("Template '{}' not found", "không có mẫu trang '{}'"),
    (
        "Variable `{}` is not defined. Available variables: {}",
        "không có biến `{}`. Các biến có: {}",
    ),
    ("Variable `{}` is not defined.", "không có biến `{}`."),
    (
        "Variable `{}` exists but its value is undefined",
        "biến `{}` có nhưng chưa có giá trị",
    ),
    (
        "Field `{}` is not defined. Available fields: {}",
        "không có trường `{}`. Các trường có: {}",
    ),
    ("Field `{}` is not defined.", "không có trường `{}`."),
    (
        "Found {} but was expecting `elif`, `else` or `endif`.",
        "gặp {} nhưng cần `elif`, `else` hoặc `endif`.",
    ),
    ("Found {} but expected {}", "gặp {} nhưng cần {}"),
    (
        "Unexpected end of input",
        "mẫu trang kết thúc khi một thẻ chưa đóng",
    ),
    (
        "`{}` requires both operands to be numbers, found `{}` and `{}`",
        "`{}` cần hai số, nhưng gặp `{}` và `{}`",
    ),
    (
        "Math operations can only be done on numbers, found `{}`",
        "chỉ tính toán được với số, nhưng gặp `{}`",
    ),
    (
        "Key/value iteration is not possible on type `{}`, only on maps.",
        "không lặp theo khóa/giá trị được trên kiểu `{}`, chỉ trên bảng (map).",
    ),
    (
        "Iteration not possible on type `{}`",
        "không lặp (for) được trên kiểu `{}`",
    ),
    (
        "Block `{}` not found in template `{}`",
        "không có khối `{}` trong mẫu trang `{}`",
    ),
    ("Missing keyword argument `{}`", "thiếu tham số `{}`"),
    (
        "Tried to render a variable that is undefined",
        "in ra một giá trị chưa có (undefined)",
    ),
    (
        "Invalid type for the value, expected `{}` but got `{}`",
        "kiểu giá trị không đúng: cần `{}` nhưng gặp `{}`",
    ),
    (
        "Closing tag '{}' doesn't match opening tag '{}'",
        "thẻ đóng '{}' không khớp thẻ mở '{}'",
    ),
    ("Unclosed component '{}'", "thành phần '{}' chưa được đóng"),
];

/// Tera's `message`, in both languages.
pub fn of(message: &str) -> Text {
    let vi = SENTENCES
        .iter()
        .find_map(|(en, vi)| Some(fill(vi, &holes(en, message)?)))
        .unwrap_or_else(|| message.to_string());
    Text {
        en: message.to_string(),
        vi,
    }
}

/// What stands for each `{}` of `pattern` in `message`, when `message` is a
/// sentence of that pattern. Each hole takes the shortest text that lets the rest
/// follow; the last takes what is left.
fn holes<'m>(pattern: &str, message: &'m str) -> Option<Vec<&'m str>> {
    let mut pieces = pattern.split("{}");
    let first = pieces.next()?;
    let mut rest = message.strip_prefix(first)?;
    let mut found = Vec::new();
    let pieces: Vec<&str> = pieces.collect();
    for (n, piece) in pieces.iter().enumerate() {
        let last = n + 1 == pieces.len();
        let at = match (last, piece.is_empty()) {
            (true, true) => rest.len(),
            (true, false) => rest.strip_suffix(piece).map(str::len)?,
            (false, _) => rest.find(piece)?,
        };
        found.push(&rest[..at]);
        rest = &rest[at + piece.len()..];
    }
    rest.is_empty().then_some(found)
}

/// `pattern` with its `{}`s filled by `holes`, in order.
fn fill(pattern: &str, holes: &[&str]) -> String {
    let mut out = String::new();
    for (n, piece) in pattern.split("{}").enumerate() {
        if n > 0 {
            out.push_str(holes.get(n - 1).copied().unwrap_or_default());
        }
        out.push_str(piece);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn teras_sentences_are_said_in_vietnamese_with_their_names() {
        assert_eq!(
            of("Unknown filter `sfe`").vi,
            "không có bộ lọc (filter) `sfe`"
        );
        assert_eq!(of("Found `}` but expected }}.").vi, "gặp `}` nhưng cần }}.");
        assert_eq!(
            of("Variable `nothing` is not defined. Available variables: page, site").vi,
            "không có biến `nothing`. Các biến có: page, site"
        );
        assert_eq!(
            of("`+` requires both operands to be numbers, found `string` and `i64`").vi,
            "`+` cần hai số, nhưng gặp `string` và `i64`"
        );
        assert_eq!(
            of("Found `endif` but was expecting `elif`, `else` or `endif`.").vi,
            "gặp `endif` nhưng cần `elif`, `else` hoặc `endif`."
        );
    }

    #[test]
    fn other_messages_stay_as_tera_wrote_them() {
        let text = of("Something Tera says one day");
        assert_eq!(text.vi, "Something Tera says one day");
        assert_eq!(text.en, "Something Tera says one day");
        // A sentence that only begins like a known one is not taken for it.
        assert_eq!(
            of("Unknown filter `x` and more").vi,
            "Unknown filter `x` and more"
        );
    }
}
