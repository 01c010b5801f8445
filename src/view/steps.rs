//! Steps (trình tự thực hiện) as the national records write them: "Bước 1: …" lines,
//! often indented by a space or led by "- ", "+ " or "a) ", which Markdown runs
//! together into one paragraph. They are rewritten into a Markdown ordered list, so
//! the page shows one item per step; the lines between two steps stay inside the
//! step before them.

use std::borrow::Cow;

/// The last line written that is not blank, trimmed.
fn last_line(out: &str) -> &str {
    out.lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
}

/// For a line that starts an ordered list item ("1. …", "2) …"), the other delimiter.
fn other_delimiter(line: &str) -> Option<char> {
    let rest = line.trim_start_matches(|c: char| c.is_ascii_digit());
    if rest.len() == line.len() {
        return None;
    }
    match rest.chars().next() {
        Some('.') => Some(')'),
        Some(')') => Some('.'),
        _ => None,
    }
}

/// The step number and the rest of a line that starts a step.
fn step_line(line: &str) -> Option<(u32, &str)> {
    let mut rest = line.trim_start();
    // One leading bullet or enumerator ("- ", "+ ", "a) ", "1. ").
    if let Some(r) = rest.strip_prefix(['-', '+', '*', '•']) {
        rest = r.trim_start();
    } else if let Some((head, r)) = rest.split_once([')', '.'])
        && (1..=2).contains(&head.chars().count())
        && head.chars().all(|c| c.is_alphanumeric())
    {
        rest = r.trim_start();
    }
    let after = rest
        .strip_prefix("Bước")
        .or_else(|| rest.strip_prefix("bước"))
        .or_else(|| rest.strip_prefix("BƯỚC"))?
        .trim_start();
    let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 3 {
        return None;
    }
    let number = after[..digits].parse().ok()?;
    let text = after[digits..].trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, ':' | '.' | '-' | '–' | ')')
    });
    Some((number, text))
}

/// The text with its step lines as a Markdown ordered list, when it has two or more;
/// else the text as it is.
pub fn as_list(markdown: &str) -> Cow<'_, str> {
    let mut fenced = false;
    let count = markdown
        .lines()
        .filter(|line| {
            if line.trim_start().starts_with("```") {
                fenced = !fenced;
            }
            !fenced && step_line(line).is_some()
        })
        .count();
    if count < 2 {
        return Cow::Borrowed(markdown);
    }
    let mut out = String::with_capacity(markdown.len() + count * 8);
    let mut in_steps = false;
    let mut fenced = false;
    let mut previous = 0;
    // CommonMark starts a new list when the delimiter changes: a sequence that starts
    // again at 1 becomes a list of its own.
    let mut delimiter = '.';
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        let trimmed = line.trim_start();
        match step_line(line).filter(|_| !fenced) {
            Some((number, text)) => {
                if in_steps && number <= previous {
                    delimiter = if delimiter == '.' { ')' } else { '.' };
                }
                if !in_steps {
                    // Not a continuation of a numbered list just above ("1. Trình tự:").
                    delimiter = other_delimiter(last_line(&out)).unwrap_or(delimiter);
                    out.push('\n');
                }
                out.push_str(&format!("{number}{delimiter} **Bước {number}:** {text}\n"));
                in_steps = true;
                previous = number;
            }
            None if in_steps && trimmed.starts_with('#') => {
                in_steps = false;
                out.push('\n');
                out.push_str(line);
                out.push('\n');
            }
            // Blank lines end nothing: a step's later paragraphs stay in it.
            None if in_steps && trimmed.is_empty() => out.push('\n'),
            None if in_steps => {
                out.push_str("   ");
                out.push_str(trimmed);
                out.push('\n');
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    Cow::Owned(out)
}

/// A line inside a paragraph that starts with an enumerator of its own ("a) ", "2. ",
/// "(3) "): the crawl joined such items with single line breaks.
pub fn starts_enumerated(text: &str) -> bool {
    let text = text.trim_start();
    let inner = text.strip_prefix('(').unwrap_or(text);
    let head_len = inner
        .find([')', '.'])
        .filter(|&i| (1..=3).contains(&inner[..i].chars().count()));
    let Some(i) = head_len else { return false };
    let head = &inner[..i];
    let numbered = head.chars().all(|c| c.is_ascii_digit());
    let lettered = head.chars().count() == 1 && head.chars().all(|c| c.is_lowercase());
    let roman = !head.is_empty() && head.chars().all(|c| matches!(c, 'i' | 'v' | 'x'));
    (numbered || lettered || roman) && inner[i + 1..].starts_with(' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_lines_become_list_items() {
        let text = "Bước 1: Chuẩn bị hồ sơ.\n Bước 2: Nộp hồ sơ.\n Bước 3: Kiểm tra:\n- Hồ sơ đủ thì nhận.\n- Thiếu thì hướng dẫn.\n Bước 4: Nhận kết quả.\n";
        let list = as_list(text);
        assert_eq!(
            list,
            "\n1. **Bước 1:** Chuẩn bị hồ sơ.\n2. **Bước 2:** Nộp hồ sơ.\n3. **Bước 3:** Kiểm tra:\n   - Hồ sơ đủ thì nhận.\n   - Thiếu thì hướng dẫn.\n4. **Bước 4:** Nhận kết quả.\n"
        );
    }

    #[test]
    fn leading_markers_and_restarts() {
        assert_eq!(step_line("- Bước 2: Nộp"), Some((2, "Nộp")));
        assert_eq!(step_line("+ Bước 1. Nộp"), Some((1, "Nộp")));
        assert_eq!(step_line("b) Bước 3: Nộp"), Some((3, "Nộp")));
        assert_eq!(step_line("Thực hiện Bước 3"), None);
        let list = as_list("a) Bước 1: A\nb) Bước 2: B\nBước 1: C\nBước 2: D\n");
        assert!(list.contains("1) **Bước 1:** C"), "{list}");
    }

    #[test]
    fn steps_under_a_numbered_line_are_a_list_of_their_own() {
        let list = as_list("1. Trình tự thực hiện:\n- Bước 1: A\n- Bước 2: B\n");
        assert!(
            list.contains("1) **Bước 1:** A\n2) **Bước 2:** B"),
            "{list}"
        );
    }

    #[test]
    fn one_step_or_none_is_left_alone() {
        assert_eq!(as_list("Bước 1: chỉ một bước"), "Bước 1: chỉ một bước");
        assert!(matches!(as_list("không có bước"), Cow::Borrowed(_)));
    }

    #[test]
    fn enumerators() {
        assert!(starts_enumerated("a) Đơn đề nghị"));
        assert!(starts_enumerated("2. Tờ khai"));
        assert!(starts_enumerated("(iii) Bản sao"));
        assert!(!starts_enumerated("Theo Điều 5."));
        assert!(!starts_enumerated("2.500.000 đồng"));
    }
}
