//! Where a YAML mistake was made, when the parser reports where it noticed it: the
//! second of two equal keys (reported at the start of their mapping), and the quote
//! that opened a string which runs on into the next lines.

/// The 1-based line and the byte range (in that line) of the second `key:` at the
/// indentation of the mapping that starts at `line`, `column` (1-based).
pub fn second_key(
    yaml: &str,
    line: usize,
    column: usize,
    key: &str,
) -> Option<(usize, std::ops::Range<usize>)> {
    let indent = column.checked_sub(1)?;
    let mut seen = 0;
    for (i, text) in yaml.lines().enumerate().skip(line.checked_sub(1)?) {
        let Some(rest) = text.get(indent..) else {
            continue;
        };
        let head = &text[..indent];
        if !head.chars().all(|c| c == ' ' || c == '-') {
            if i + 1 > line
                && !text.trim().is_empty()
                && text.len() - text.trim_start().len() < indent
            {
                break; // the mapping ended
            }
            continue;
        }
        let name = rest.split(':').next().unwrap_or_default().trim_end();
        let unquoted = name.trim_matches(|c| c == '"' || c == '\'');
        if unquoted == key && rest[name.len()..].starts_with(':') {
            seen += 1;
            if seen == 2 {
                return Some((i + 1, indent..indent + name.len()));
            }
        }
    }
    None
}

/// When the parser stopped on line `line` (1-based) inside a quoted string that
/// opened on an earlier line: where that string opened (1-based line, byte column).
pub fn open_quote_before(yaml: &str, line: usize) -> Option<(usize, usize)> {
    let mut open: Option<(char, usize, usize)> = None;
    for (i, text) in yaml.lines().enumerate().take(line.checked_sub(1)?) {
        let mut chars = text.char_indices().peekable();
        let mut previous = ' ';
        while let Some((at, c)) = chars.next() {
            match open {
                Some(('"', ..)) if c == '\\' => {
                    chars.next();
                }
                Some(('"', ..)) if c == '"' => open = None,
                Some(('\'', ..)) if c == '\'' => {
                    if chars.peek().is_some_and(|&(_, n)| n == '\'') {
                        chars.next();
                    } else {
                        open = None;
                    }
                }
                Some(_) => {}
                None if c == '#' && previous.is_whitespace() => break,
                None if (c == '"' || c == '\'')
                    && matches!(previous, ' ' | '\t' | '[' | '{' | ',' | ':' | '-') =>
                {
                    open = Some((c, i + 1, at));
                }
                None => {}
            }
            previous = c;
        }
    }
    open.map(|(_, line, column)| (line, column))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_second_key_is_found() {
        let yaml =
            "code: \"1\"\ntitle: \"A\"\nchannels:\n  - via: post\n    title: x\ntitle: \"B\"\n";
        assert_eq!(second_key(yaml, 1, 1, "title"), Some((6, 0..5)));
        assert_eq!(second_key(yaml, 1, 1, "code"), None);
    }

    #[test]
    fn the_quote_that_runs_on_is_found() {
        let yaml = "code: \"1\"\ntitle: \"Khai sinh\nfield: \"Hộ tịch\"\n";
        assert_eq!(open_quote_before(yaml, 3), Some((2, 7)));
        let closed = "a: 'it''s'\nb: \"x\\\"y\" # \"\nc: [\"d\"]\n";
        assert_eq!(open_quote_before(closed, 4), None);
    }
}
