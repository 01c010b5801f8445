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
    // One buffer for every link of the page: half a million links at 10,000 records.
    let mut resolved = String::new();
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
        let found = decoded.is_some_and(|path| resolve(dir, &path, &mut resolved)) && {
            if resolved.is_empty() || resolved.ends_with('/') {
                resolved.push_str("index.html");
            }
            exists(&resolved)
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
/// The delimiters are found with SIMD searches: the pages of 10,000 records are 300 MB,
/// and read a byte at a time they took a tenth of a cold build.
fn link_targets(html: &[u8]) -> Vec<&[u8]> {
    let mut targets = Vec::new();
    let mut rest = html;
    while let Some(open) = memchr::memchr(b'<', rest) {
        rest = &rest[open + 1..];
        if rest
            .first()
            .is_some_and(|b| matches!(b, b'!' | b'/' | b'?'))
        {
            continue;
        }
        let tag_end = tag_end(rest);
        let tag = &rest[..tag_end];
        let name_end = tag
            .iter()
            .position(|b| b.is_ascii_whitespace() || *b == b'/')
            .unwrap_or(tag.len());
        let name = &tag[..name_end];
        // Only a tag with an attribute value can hold a link.
        if memchr::memchr(b'=', &tag[name_end..]).is_some() {
            attributes(&tag[name_end..], &mut targets);
        }
        rest = &rest[tag_end..];
        // The text of these elements is not markup, even where it holds a `<`.
        if (5..=8).contains(&name.len())
            && ["title", "textarea", "script", "style"]
                .iter()
                .any(|raw| name.eq_ignore_ascii_case(raw.as_bytes()))
        {
            rest = &rest[closing_tag(rest, name)..];
        }
    }
    targets
}

/// Where `</name` starts in `html`, in any case; the end when it is missing. Found
/// without lowering the rest of the page, which for a `<title>` is all of it.
fn closing_tag(html: &[u8], name: &[u8]) -> usize {
    memchr::memmem::find_iter(html, b"</")
        .find(|&start| {
            html.get(start + 2..start + 2 + name.len())
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
        .unwrap_or(html.len())
}

/// The index of the `>` closing a tag, skipping quoted attribute values.
fn tag_end(tag: &[u8]) -> usize {
    let mut at = 0;
    while let Some(found) = memchr::memchr3(b'>', b'"', b'\'', &tag[at..]) {
        let i = at + found;
        match tag[i] {
            b'>' => return i,
            quote => match memchr::memchr(quote, &tag[i + 1..]) {
                Some(close) => at = i + 1 + close + 1,
                None => return tag.len(),
            },
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

/// Pushes the `href` and `src` values of one tag's attributes (` class=x href="…"`).
fn attributes<'a>(mut rest: &'a [u8], targets: &mut Vec<&'a [u8]>) {
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
                let end = memchr::memchr(q, &after_eq[1..]).map_or(after_eq.len(), |e| e + 1);
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

/// `dir` joined with a relative `path`, into `joined`; false when it climbs above
/// the site root.
fn resolve(dir: &str, path: &str, joined: &mut String) -> bool {
    fn push(joined: &mut String, part: &str) {
        if !joined.is_empty() {
            joined.push('/');
        }
        joined.push_str(part);
    }
    joined.clear();
    if !path.starts_with('/') {
        dir.split('/')
            .filter(|p| !p.is_empty())
            .for_each(|part| push(joined, part));
    }
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if joined.is_empty() => return false,
            ".." => joined.truncate(joined.rfind('/').unwrap_or(0)),
            _ => push(joined, part),
        }
    }
    if path.ends_with('/') && !joined.is_empty() {
        joined.push('/');
    }
    true
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
