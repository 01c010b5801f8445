//! Checking every internal link of the built site before it is written.

use crate::urls::percent_decode;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub page: String,
    pub target: String,
}

/// The links in the HTML page at `page` to paths for which `exists` says no.
pub fn broken_in(
    page: &str,
    html: &[u8],
    exists: &(dyn Fn(&str) -> bool + Sync),
) -> Vec<BrokenLink> {
    let dir = page.rsplit_once('/').map_or("", |(d, _)| d);
    let mut broken = Vec::new();
    // Pages are scanned as bytes (every delimiter is ASCII, which UTF-8 never uses
    // inside a character): only the links themselves are read as text.
    for target in link_targets(html) {
        let target = String::from_utf8_lossy(target);
        if is_external(&target) {
            continue;
        }
        let path = target.split(['#', '?']).next().unwrap_or_default();
        if path.is_empty() {
            continue;
        }
        // A malformed escape leads nowhere.
        let decoded = if path.contains('%') {
            percent_decode(path).ok().map(std::borrow::Cow::Owned)
        } else {
            Some(std::borrow::Cow::Borrowed(path))
        };
        let found = match decoded.and_then(|path| resolve(dir, &path)) {
            Some(p) if p.ends_with('/') || p.is_empty() => exists(&format!("{p}index.html")),
            Some(p) => exists(&p),
            None => false,
        };
        if !found {
            broken.push(BrokenLink {
                page: page.to_string(),
                target: target.into_owned(),
            });
        }
    }
    broken
}

fn is_external(target: &str) -> bool {
    ["http://", "https://", "mailto:", "tel:", "//", "data:"]
        .iter()
        .any(|p| {
            target
                .as_bytes()
                .get(..p.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(p.as_bytes()))
        })
}

/// The values of `href` and `src` attributes of the tags in `html` (quoted or not, as
/// minified). Only tags are read: escaped text such as `&lt;img src=x&gt;` is not a link.
fn link_targets(html: &[u8]) -> Vec<&[u8]> {
    let mut targets = Vec::new();
    let mut rest = html;
    while let Some(open) = memchr(b'<', rest) {
        rest = &rest[open + 1..];
        if rest
            .first()
            .is_some_and(|b| matches!(b, b'!' | b'/' | b'?'))
        {
            continue;
        }
        let tag_end = tag_end(rest);
        attributes(&rest[..tag_end], &mut targets);
        let name = rest[..tag_end]
            .split(|b| b.is_ascii_whitespace() || *b == b'/')
            .next()
            .unwrap_or_default();
        rest = &rest[tag_end..];
        // The text of these elements is not markup, even where it holds a `<`.
        if ["title", "textarea", "script", "style"]
            .iter()
            .any(|raw| name.eq_ignore_ascii_case(raw.as_bytes()))
        {
            rest = &rest[closing_tag(rest, name)..];
        }
    }
    targets
}

fn memchr(byte: u8, bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == byte)
}

/// Where `</name` starts in `html`, in any case; the end when it is missing. Found
/// without lowering the rest of the page, which for a `<title>` is all of it.
fn closing_tag(html: &[u8], name: &[u8]) -> usize {
    let mut from = 0;
    while let Some(at) = html[from..].windows(2).position(|w| w == b"</") {
        let start = from + at;
        let name_at = start + 2;
        if html
            .get(name_at..name_at + name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
        {
            return start;
        }
        from = name_at;
    }
    html.len()
}

/// The index of the `>` closing a tag, skipping quoted attribute values.
fn tag_end(tag: &[u8]) -> usize {
    let mut quote = None;
    for (i, &b) in tag.iter().enumerate() {
        match (quote, b) {
            (Some(q), b) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return i,
            _ => {}
        }
    }
    tag.len()
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

/// Pushes the `href` and `src` values of one tag's text (`a class=x href="…"`).
fn attributes<'a>(tag: &'a [u8], targets: &mut Vec<&'a [u8]>) {
    let name_end = tag
        .iter()
        .position(u8::is_ascii_whitespace)
        .unwrap_or(tag.len());
    let mut rest = &tag[name_end..];
    loop {
        rest = trim_start(rest);
        let name_end = rest
            .iter()
            .position(|b| b.is_ascii_whitespace() || matches!(b, b'=' | b'>'))
            .unwrap_or(rest.len());
        if name_end == 0 {
            return;
        }
        let name = &rest[..name_end];
        rest = &rest[name_end..];
        let Some(after_eq) = trim_start(rest).strip_prefix(b"=") else {
            continue;
        };
        let after_eq = trim_start(after_eq);
        let (value, len) = match after_eq.first() {
            Some(&q @ (b'"' | b'\'')) => {
                let end = memchr(q, &after_eq[1..]).map_or(after_eq.len(), |e| e + 1);
                (&after_eq[1..end], (end + 1).min(after_eq.len()))
            }
            _ => {
                let end = after_eq
                    .iter()
                    .position(u8::is_ascii_whitespace)
                    .unwrap_or(after_eq.len());
                (&after_eq[..end], end)
            }
        };
        if name.eq_ignore_ascii_case(b"href") || name.eq_ignore_ascii_case(b"src") {
            targets.push(value);
        }
        rest = &after_eq[len..];
    }
}

/// `dir` joined with a relative `path`; None when it climbs above the site root.
fn resolve(dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|p| !p.is_empty()).collect()
    };
    let trailing = path.ends_with('/');
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(part),
        }
    }
    let mut joined = parts.join("/");
    if trailing && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// Links in the HTML pages among `files` (path, content) to none of them.
    fn broken_links(files: &[(&str, &[u8])]) -> Vec<BrokenLink> {
        let existing: HashSet<&str> = files.iter().map(|(path, _)| *path).collect();
        let exists = |path: &str| existing.contains(path);
        files
            .iter()
            .filter(|(path, _)| path.ends_with(".html"))
            .flat_map(|(path, bytes)| broken_in(path, bytes, &exists))
            .collect()
    }

    fn file<'a>(path: &'a str, html: &'a str) -> (&'a str, &'a [u8]) {
        (path, html.as_bytes())
    }

    #[test]
    fn finds_links_to_missing_pages_only() {
        let files = vec![
            file(
                "index.html",
                r##"<a href="thu-tuc/a/index.html">a</a><a href=thu-tuc/b/index.html>b</a><a href="https://x">x</a><a href="#top">t</a>"##,
            ),
            file(
                "thu-tuc/a/index.html",
                r##"<link href="../../style.css"><a href="../../index.html#main">home</a><a href="../../forms/M%E1%BA%ABu%201.docx">f</a>"##,
            ),
            file("style.css", ""),
            file("forms/Mẫu 1.docx", ""),
        ];
        assert_eq!(
            broken_links(&files),
            vec![BrokenLink {
                page: "index.html".into(),
                target: "thu-tuc/b/index.html".into()
            }]
        );
    }

    #[test]
    fn escaped_text_is_not_a_link() {
        let files = vec![file(
            "index.html",
            r#"<title>a <img src=x> b</title><p title="a > b">&lt;img src=x onerror=alert(1)&gt; href=nowhere</p><img alt="" src="index.html">"#,
        )];
        assert_eq!(broken_links(&files), vec![]);
    }

    #[test]
    fn raw_text_ends_at_its_closing_tag_in_any_case() {
        let files = vec![file(
            "index.html",
            r#"<TITLE>a <a href=x></TiTlE><script type="application/ld+json">{"u":"<a href=y>"}</SCRIPT><a href=z>"#,
        )];
        let broken: Vec<String> = broken_links(&files).into_iter().map(|b| b.target).collect();
        assert_eq!(broken, ["z"]);
    }

    #[test]
    fn links_above_the_root_are_broken() {
        let files = vec![file("index.html", r#"<a href="../secret">x</a>"#)];
        assert_eq!(broken_links(&files).len(), 1);
    }
}
