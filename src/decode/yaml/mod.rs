//! The one place sotay touches its YAML library (yaml_serde), so it can be swapped.

pub mod culprit;
mod outline;
mod path;
pub mod words;

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
    /// Where what the parser was reading began (the `[` of a list it was in, say),
    /// when it says: 1-based line and column.
    pub began: Option<(usize, usize)>,
}

/// Parses one YAML document. Aliases that expand without bound and nesting deeper
/// than the library's recursion limit come back as errors, not hangs or crashes.
pub fn parse(text: &str) -> Result<Value, SyntaxError> {
    check_flow_depth(text)?;
    yaml_serde::from_str::<Value>(text).map_err(|e| {
        let location = e.location();
        let message = e.to_string();
        SyntaxError {
            began: began(&message),
            message: message_without_location(&message),
            too_deep: false,
            line: location.as_ref().map(|l| l.line()),
            column: location.as_ref().map(|l| l.column()),
        }
    })
}

/// Records nest four levels deep; anything past this is a mistake or an attack.
pub const MAX_DEPTH: usize = 64;

/// Refuses `[[[[…` nesting before the parser sees it: libyaml's work per token grows
/// with the depth, so 100,000 levels take tens of seconds before yaml_serde's own
/// recursion limit stops it. The depth is counted by libyaml's scanner itself (the
/// tokenizer the parser uses, so quotes, escapes, comments and block scalars are
/// read exactly as the parser reads them), stopped at the first bracket past the limit.
fn check_flow_depth(text: &str) -> Result<(), SyntaxError> {
    // Fewer opening brackets than the limit cannot nest past it: most files stop here.
    if text.bytes().filter(|b| matches!(b, b'[' | b'{')).count() <= MAX_DEPTH {
        return Ok(());
    }
    match flow_depth_exceeded(text) {
        Some((line, column)) => Err(SyntaxError {
            message: format!("values are nested more than {MAX_DEPTH} levels deep"),
            too_deep: true,
            line: Some(line),
            column: Some(column),
            began: None,
        }),
        None => Ok(()),
    }
}

/// Where the flow nesting first goes past [`MAX_DEPTH`] (1-based line and column),
/// scanning no further. Text the scanner rejects is left to the parser to report.
fn flow_depth_exceeded(text: &str) -> Option<(usize, usize)> {
    use libyaml_rs as y;
    use std::mem::MaybeUninit;
    let mut parser = MaybeUninit::<y::yaml_parser_t>::uninit();
    // SAFETY: the parser is initialised before use and deleted on every path out;
    // the input outlives it; each token is deleted after it is read.
    unsafe {
        if y::yaml_parser_initialize(parser.as_mut_ptr()).fail {
            return None;
        }
        let parser = parser.as_mut_ptr();
        y::yaml_parser_set_input_string(parser, text.as_ptr(), text.len() as _);
        let mut depth = 0usize;
        let mut found = None;
        loop {
            let mut token = MaybeUninit::<y::yaml_token_t>::uninit();
            if y::yaml_parser_scan(parser, token.as_mut_ptr()).fail {
                break;
            }
            let mut token = token.assume_init();
            let kind = token.type_;
            let mark = token.start_mark;
            y::yaml_token_delete(&mut token);
            match kind {
                y::YAML_FLOW_SEQUENCE_START_TOKEN | y::YAML_FLOW_MAPPING_START_TOKEN => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        found = Some((mark.line as usize + 1, mark.column as usize + 1));
                        break;
                    }
                }
                y::YAML_FLOW_SEQUENCE_END_TOKEN | y::YAML_FLOW_MAPPING_END_TOKEN => {
                    depth = depth.saturating_sub(1);
                }
                y::YAML_STREAM_END_TOKEN => break,
                _ => {}
            }
        }
        y::yaml_parser_delete(parser);
        found
    }
}

/// A key given twice, from yaml_serde's message: the path of the mapping it is in
/// ("" at the top) and the key. The message is "duplicate entry with key \"text\"",
/// after the mapping's path when it is nested (`channels[0].time: duplicate …`).
pub fn duplicate_key(message: &str) -> Option<(&str, &str)> {
    let (within, rest) = message.split_once("duplicate entry with key \"")?;
    let key = rest.strip_suffix('"')?;
    Some((within.strip_suffix(": ").unwrap_or(within), key))
}

/// Where the parser's context began: "…, while parsing a flow sequence at line 2
/// column 9" gives (2, 9).
fn began(message: &str) -> Option<(usize, usize)> {
    let (_, context) = message.split_once(", while ")?;
    let (_, at) = context.rsplit_once(" at line ")?;
    let (line, column) = at.split_once(" column ")?;
    Some((line.parse().ok()?, column.parse().ok()?))
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
    fn the_guard_reads_quotes_escapes_comments_and_block_scalars_as_the_parser_does() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        // An escaped backslash before the closing quote once hid the nesting.
        let escaped = format!("extra: {{ a: \"x\\\\\", b: {} }}\n", deep(100_000));
        let started = std::time::Instant::now();
        let err = parse(&escaped).unwrap_err();
        assert!(err.too_deep, "{}", err.message);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        for hidden in [
            "a: 'it''s'\nb: ",
            "a: x \"\nb: ",
            "a: |\n  - \"x\nb: ",
            "a: [x \"y\", ",
        ] {
            let err = parse(&format!("{hidden}{}\n", deep(70))).unwrap_err();
            assert!(err.too_deep, "{hidden:?}: {}", err.message);
        }
        // Brackets inside strings, comments and block scalars are not nesting.
        let quoted = format!(
            "a: \"{}\"\nb: '{}'\n# {}\nc: |\n  {}\n",
            "[".repeat(70),
            "{".repeat(70),
            deep(70),
            deep(70)
        );
        assert!(parse(&quoted).is_ok());
    }

    /// Nesting depth of a parsed value (a scalar is 0).
    fn depth(value: &Value) -> usize {
        match value {
            Value::Sequence(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
            Value::Mapping(map) => {
                1 + map
                    .iter()
                    .map(|(k, v)| depth(k).max(depth(v)))
                    .max()
                    .unwrap_or(0)
            }
            Value::Tagged(tagged) => depth(&tagged.value),
            _ => 0,
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        /// Against the real parser: whatever the text around it, nesting past the
        /// limit is refused and nesting within it is not.
        #[test]
        fn the_guard_agrees_with_the_parser(
            before in proptest::collection::vec(proptest::sample::select(FRAGMENTS), 0..6),
            levels in 0usize..140,
            middle in proptest::sample::select(FRAGMENTS),
            after in proptest::collection::vec(proptest::sample::select(FRAGMENTS), 0..4),
        ) {
            let text = format!(
                "{}{}{middle}{}{}\n",
                before.concat(),
                "[".repeat(levels),
                "]".repeat(levels),
                after.concat()
            );
            let guarded = check_flow_depth(&text);
            match yaml_serde::from_str::<Value>(&text) {
                // Block structure from the fragments adds at most two levels.
                Ok(value) if depth(&value) > MAX_DEPTH + 2 => {
                    proptest::prop_assert!(guarded.is_err(), "{text:?} not refused");
                }
                Ok(value) if depth(&value) <= MAX_DEPTH - 2 => {
                    proptest::prop_assert!(guarded.is_ok(), "{text:?} refused");
                }
                Err(e) if e.to_string().contains("recursion limit") => {
                    proptest::prop_assert!(guarded.is_err(), "{text:?} not refused");
                }
                _ => {}
            }
        }
    }

    /// Pieces of YAML that change how what follows is read.
    const FRAGMENTS: &[&str] = &[
        "a: ",
        "- ",
        "\n",
        " ",
        ", ",
        "\"x\\\\\"",
        "\"a\\\"b ",
        "'it''s' ",
        "'",
        "\"",
        "\\",
        "# [[[ ",
        " #",
        "x #[[",
        "|\n  \"[[\n",
        ">\n  - '{{\n",
        "k: |\n  ]]]\n",
        "{",
        "}",
        "[",
        "]",
        "? ",
        ": ",
        "&a ",
        "!t ",
        "x",
        "tiếng việt ",
    ];

    #[test]
    fn deep_block_nesting_is_refused() {
        let yaml: String = (0..200)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect();
        let err = parse(&yaml).unwrap_err();
        assert!(err.message.contains("recursion limit"), "{}", err.message);
    }
}
