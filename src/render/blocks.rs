//! Finding the block tag a template left open. Tera notices an unclosed
//! `{% if %}` only at the next end tag that does not match, often a hundred lines
//! on (`{% endblock %}`); staff need the line of the `if`.

use std::ops::Range;

/// Tags that need an end tag of their own name.
const PAIRED: &[&str] = &["if", "for", "block", "macro", "filter", "raw"];

/// The opening tag left unclosed when the end tag at byte `noticed` was reached:
/// its kind and byte range. `None` when the tags up to there are balanced.
pub fn unclosed_before(text: &str, noticed: usize) -> Option<(String, Range<usize>)> {
    let mut open: Vec<(&str, Range<usize>)> = Vec::new();
    let mut at = 0;
    while let Some(start) = text[at..].find(['{']).map(|i| at + i) {
        let rest = &text[start..];
        if rest.starts_with("{#") {
            at = rest.find("#}").map_or(text.len(), |i| start + i + 2);
            continue;
        }
        if !rest.starts_with("{%") {
            at = start + 1;
            continue;
        }
        let end = rest.find("%}").map_or(text.len(), |i| start + i + 2);
        let inner = text[start + 2..end.saturating_sub(2).max(start + 2)]
            .trim_matches(['-', ' ', '\n', '\t', '\r']);
        let name = inner.split_whitespace().next().unwrap_or_default();
        if end > noticed {
            // The end tag Tera stopped at: whatever is still open was not closed.
            return open.pop().map(|(kind, range)| (kind.to_string(), range));
        }
        if name == "raw" {
            // Nothing inside `raw` is a tag.
            at = text[end..].find("endraw").map_or(text.len(), |i| end + i);
            continue;
        }
        if PAIRED.contains(&name) {
            open.push((name, start..end));
        } else if let Some(kind) = name.strip_prefix("end") {
            match open.pop() {
                Some((opened, _)) if opened == kind => {}
                Some((opened, range)) => return Some((opened.to_string(), range)),
                None => return None,
            }
        }
        at = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unclosed_if_is_found_not_the_endblock() {
        let text = "{% block main %}\n{% for x in y %}{{ x }}{% endfor %}\n{# {% if %} #}\n{% if a %}\n<p>\n{% endblock main %}\n";
        let noticed = text.find("{% endblock").unwrap() + 3;
        let (kind, range) = unclosed_before(text, noticed).unwrap();
        assert_eq!(kind, "if");
        assert_eq!(&text[range], "{% if a %}");
        let balanced = "{% block main %}{% if a %}x{% endif %}{% endblock main %}";
        assert_eq!(unclosed_before(balanced, balanced.len()), None);
    }
}
