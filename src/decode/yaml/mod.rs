//! The one place sotay touches its YAML library (yaml_serde), so it can be swapped.

mod outline;
mod path;

pub use outline::Outline;
pub use path::FieldPath;
pub use yaml_serde::{Mapping, Value};

/// A document that is not valid YAML, with the 1-based line and column in the YAML text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    /// Refused by sotay's nesting guard, not by the parser.
    pub too_deep: bool,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

/// Parses one YAML document. Aliases that expand without bound and nesting deeper
/// than the library's recursion limit come back as errors, not hangs or crashes.
pub fn parse(text: &str) -> Result<Value, SyntaxError> {
    check_flow_depth(text)?;
    yaml_serde::from_str::<Value>(text).map_err(|e| {
        let location = e.location();
        SyntaxError {
            message: message_without_location(&e.to_string()),
            too_deep: false,
            line: location.as_ref().map(|l| l.line()),
            column: location.as_ref().map(|l| l.column()),
        }
    })
}

/// Records nest four levels deep; anything past this is a mistake or an attack.
pub const MAX_DEPTH: usize = 64;

/// Refuses `[[[[…` nesting before the parser sees it: libyaml takes tens of seconds
/// on 100,000 levels before yaml_serde's own recursion limit stops it.
fn check_flow_depth(text: &str) -> Result<(), SyntaxError> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    for (line_no, line) in text.lines().enumerate() {
        let mut previous = b' ';
        // Bytes, not chars: every byte this looks for is ASCII, which UTF-8 never
        // uses inside a multi-byte letter.
        for (i, &byte) in line.as_bytes().iter().enumerate() {
            match (quote, byte) {
                (Some(b'"'), b'\\') if previous != b'\\' => {}
                (Some(q), c) if c == q && previous != b'\\' => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') if matches!(previous, b' ' | b'[' | b'{' | b',' | b':') => {
                    quote = Some(byte)
                }
                (None, b'#') if previous == b' ' => break,
                (None, b'[' | b'{') => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(SyntaxError {
                            message: format!("values are nested more than {MAX_DEPTH} levels deep"),
                            too_deep: true,
                            line: Some(line_no + 1),
                            column: Some(line[..i].chars().count() + 1),
                        });
                    }
                }
                (None, b']' | b'}') => depth = depth.saturating_sub(1),
                _ => {}
            }
            previous = byte;
        }
    }
    Ok(())
}

/// yaml_serde writes "at line N column M" into its messages; sotay prints positions
/// its own way (in the file's lines, not the front matter's).
fn message_without_location(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + " at line ".len()..];
        let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let line_len = digits(after);
        let tail = &after[line_len..];
        match tail.strip_prefix(" column ") {
            Some(col) if line_len > 0 => rest = &col[digits(col)..],
            _ => {
                out.push_str(" at line ");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_position_of_syntax_errors() {
        let err = parse("code: \"1\"\ntitle: [unclosed\n").unwrap_err();
        assert!(err.line.is_some());
        assert!(!err.message.contains("at line"), "{}", err.message);
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut yaml = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for name in 'b'..='k' {
            yaml.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
            prev = name;
        }
        let err = parse(&yaml).unwrap_err();
        assert!(err.message.contains("repetition limit"), "{}", err.message);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let yaml = format!("a: {}{}", "[".repeat(100_000), "]".repeat(100_000));
        let err = parse(&yaml).unwrap_err();
        assert!(
            err.message.contains("nested more than 64"),
            "{}",
            err.message
        );
        assert_eq!((err.line, err.column), (Some(1), Some(MAX_DEPTH + 4)));
    }

    #[test]
    fn deep_block_nesting_is_refused() {
        let yaml: String = (0..200)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect();
        let err = parse(&yaml).unwrap_err();
        assert!(err.message.contains("recursion limit"), "{}", err.message);
    }
}
