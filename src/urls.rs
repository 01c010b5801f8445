//! Where each page is written and how pages link to each other. Every link is
//! relative and names `index.html` explicitly, so the same output works at a domain
//! root, under any subfolder and opened from disk.

use crate::text::slugify;

pub const PROCEDURES: &str = "thu-tuc";
pub const FIELDS: &str = "linh-vuc";
pub const LEVELS: &str = "cap";
pub const AUDIENCES: &str = "doi-tuong";
pub const ONLINE: &str = "truc-tuyen";
pub const AGENCIES: &str = "co-quan";
pub const AZ: &str = "a-z";
pub const CODES: &str = "ma-thu-tuc";
pub const PAGES: &str = "trang";
pub const SEARCH: &str = "search";

/// A phone number as a `tel:` link wants it: digits and a leading +
/// ("0200 3 000 001" → "02003000001").
pub fn tel(phone: &str) -> String {
    phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect()
}

pub fn procedure(slug: &str) -> String {
    format!("{PROCEDURES}/{slug}/index.html")
}

/// A free page of `content/pages/`.
pub fn free_page(slug: &str) -> String {
    format!("{PAGES}/{slug}/index.html")
}

/// Page `number` (1-based) of a paginated list at `dir`.
pub fn list_page(dir: &str, number: usize) -> String {
    if number <= 1 {
        format!("{dir}/index.html")
    } else {
        format!("{dir}/trang-{number}/index.html")
    }
}

/// First page of the list of `term` under `base` (`linh-vuc/ho-tich/index.html`).
pub fn term_list(base: &str, term: &str) -> String {
    list_page(&format!("{base}/{}", term_slug(term)), 1)
}

/// A slug for a taxonomy term, kept short enough for file systems.
pub fn term_slug(name: &str) -> String {
    let slug = slugify(name);
    let mut cut = slug.len().min(80);
    while !slug.is_char_boundary(cut) {
        cut -= 1;
    }
    let slug = slug[..cut].trim_end_matches('-').to_string();
    if slug.is_empty() { "khac".into() } else { slug }
}

/// The prefix that leads from the page at `path` back to the site root: `../../`.
pub fn root_prefix(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// Percent-encodes a relative file path for use in an `href` (spaces, Vietnamese letters).
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The inverse of [`encode_path`], for checking links.
pub fn decode_path(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(byte) = u8::from_str_radix(&path[i + 1..i + 3], 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_roots() {
        assert_eq!(root_prefix("index.html"), "");
        assert_eq!(root_prefix("thu-tuc/dang-ky/index.html"), "../../");
    }

    #[test]
    fn encoding_round_trips() {
        let path = "forms/Mẫu số 01.docx";
        assert_eq!(
            encode_path(path),
            "forms/M%E1%BA%ABu%20s%E1%BB%91%2001.docx"
        );
        assert_eq!(decode_path(&encode_path(path)), path);
    }

    #[test]
    fn term_slugs_are_bounded() {
        assert_eq!(term_slug("Hộ tịch"), "ho-tich");
        assert!(term_slug(&"Ủy ban nhân dân ".repeat(20)).len() <= 80);
        assert_eq!(term_slug("..."), "khac");
    }
}
